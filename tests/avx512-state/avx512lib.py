"""Shared by the tests in tests/avx512-state/ (not a test itself)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402

# The CPU with AVX-512 state under TCG before 'max' advertises AVX-512:
# x-force-features keeps the bits TCG does not (yet) claim to emulate.
CPU_512 = 'max,apxf=on,avx512f=on,avx512vl=on,x-force-features=on'
# glibc (2.36 here) picks AVX-512/EVEX string functions (e.g.
# __memmove_avx512_unaligned_erms) as soon as CPUID has AVX512F/VL and XCR0
# bits 5-7 are set; QEMU cannot execute EVEX yet, so programs would die
# with SIGILL in their first memcpy.  This keeps glibc on AVX2 code.
TUNABLES = ('glibc.cpu.hwcaps=-AVX512F,-AVX512VL,-AVX512BW,-AVX512DQ,'
            '-AVX512CD')
HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, 'avx512-state.c')
OUT = os.path.join(T.BUILD, 'tests', 'avx512-state')


def build_prog():
    """build/tests/avx512-state/avx512-state, static, by the host gcc."""
    os.makedirs(OUT, exist_ok=True)
    prog = os.path.join(OUT, 'avx512-state')
    if (not os.path.exists(prog) or
            os.path.getmtime(prog) < os.path.getmtime(SRC)):
        subprocess.run(['gcc', '-O2', '-Wall', '-static', '-pthread',
                        '-o', prog, SRC], check=True)
    return prog


# Soft checks: every check of a run is logged, and the run fails at the end
# (finish) if any did, so that one report shows all that differ.
FAILURES = []


def expect(cond, msg):
    if cond:
        T.log(f'ok: {msg}')
    else:
        T.log(f'FAIL: {msg}')
        FAILURES.append(msg)


def finish(what):
    """Exit 1 listing the failed checks, or log that all passed."""
    if FAILURES:
        T.log(f'{len(FAILURES)} checks failed:')
        for f in FAILURES:
            T.log(f'  {f}')
        sys.exit(1)
    T.log(f'all {what} pass')

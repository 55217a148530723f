"""Shared by the tests in tests/avx512-state/ (not a test itself)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402

# The CPU with AVX-512 state under TCG: 'max', which offers the five
# features of the x86-64-v4 level (AVX512F/VL/BW/DQ/CD) and APX.  glibc
# then runs its AVX-512 (EVEX) string functions, in the programs and in
# the guests.
CPU_512 = 'max,apxf=on'
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


# The guest of the tests that boot Linux (test-avx512-guest.py,
# test-avx512-migrate.py): Debian's Linux 7.x kernel and an initramfs
# holding avx512-state.  The kernel's own AVX-512 code runs too (its
# blake2s_compress_avx512 self-test at boot, for one); AVX512_GUEST_APPEND
# adds kernel parameters.
KERNEL_APPEND = os.environ.get('AVX512_GUEST_APPEND', '')

RUN_SH = r'''#!/bin/sh
# avx512-state's checks, then its threads mode (avx.secs=N seconds)
for a in $(cat /proc/cmdline); do
    case $a in
    avx.secs=*) SECS=${a#avx.secs=} ;;
    esac
done
flags=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep avx512)
echo "AVX512-STATE: kernel's cpuinfo flags:" $flags
avx512-state
echo "AVX512-STATE: exit $?"
avx512-state threads 4 ${SECS:-5}
echo "AVX512-STATE: threads exit $?"
'''


def guest_kernel():
    """The guest kernel (scripts/guest-kernel.sh fetches it once)."""
    return subprocess.run([os.path.join(T.TOP, 'scripts', 'guest-kernel.sh')],
                          capture_output=True, text=True,
                          check=True).stdout.strip()


def initramfs():
    """The initramfs: busybox, avx512-state and RUN_SH as /run.sh."""
    prog = build_prog()
    run_sh = os.path.join(OUT, 'run.sh')
    img = os.path.join(OUT, 'guest.cpio.gz')
    try:
        with open(run_sh, encoding='utf-8') as f:
            changed = f.read() != RUN_SH
    except OSError:
        changed = True
    if changed:
        with open(run_sh, 'w', encoding='utf-8') as f:
            f.write(RUN_SH)
        os.chmod(run_sh, 0o755)
    mk = os.path.join(T.TOP, 'scripts', 'mkinitramfs.sh')
    if (changed or not os.path.exists(img) or
            os.path.getmtime(img) < max(os.path.getmtime(prog),
                                        os.path.getmtime(mk))):
        subprocess.run([mk, img, '--add', prog, '--add',
                        run_sh + ':/run.sh'], check=True)
    return img


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

#!/usr/bin/env python3
"""The AVX512F gathers and scatters (tests/avx512-gather/gather.c).

gather.c checks every gather and scatter form (gen.py: each instruction
at 128, 256 and 512 bits) over random cases against the SDM: the active
elements, the opmask cleared, the untouched elements and memory, the
order of a scatter's overlapping writes, and the restart after a fault
in the guard page (the lowest faulting element reported, the elements
below it complete and not accessed again, memory of a scatter at the
fault).  It runs:
  - natively on a host with AVX-512 (skipped, and said so, elsewhere);
  - under qemu-x86_64 -cpu max (AVX512F/VL under TCG), legacy variant
    (base R8-R11);
  - under -cpu max,apxf=on, APX variant (base R16-R31);
and must pass in each (glibc running its EVEX string functions).
Without AVX512F (-cpu max,avx512f=off) the program must die of SIGILL;
the #UD rules of the encodings are raw cases in tests/avx512-insn.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
USER = os.path.join(T.BUILD, 'qemu-x86_64')
CASES, SEED = '300', '0x5eed'
FORCED = {'leg': 'max', 'apx': 'max,apxf=on'}

binary = subprocess.run([os.path.join(HERE, 'build.sh')], check=True,
                        capture_output=True, text=True).stdout.strip()


def run(cpu, *args):
    """Run the test under cpu (None: natively); glibc runs its AVX-512
    string functions under the forced CPUs."""
    cmd = ([USER, '-cpu', cpu] if cpu else []) + [binary] + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout + p.stderr


def check_run(where, rc, out):
    lines = out.splitlines()
    oks = [ln for ln in lines if ln.startswith('GATHER: ok ')]
    fails = [ln for ln in lines if ln.startswith('GATHER: FAIL ')]
    faults = sum(int(m.group(1)) for m in
                 re.finditer(r'(\d+) with a fault', out))
    T.check(rc == 0 and 'GATHER: PASS' in out and not fails and
            len(oks) == 48,
            f'{where}: {len(oks)} forms pass ({CASES} cases each, '
            f'{faults} of them restarted after a fault)' +
            ('' if rc == 0 else f'; exit {rc}\n' + '\n'.join(
                (fails or lines)[-20:])))


with open('/proc/cpuinfo', encoding='utf-8') as fh:
    flags = set(re.search(r'^flags\s*:(.*)$', fh.read(), re.M).group(1)
                .split())
if {'avx512f', 'avx512vl'} <= flags:
    check_run('the host CPU (legacy variant)', *run(None, 'leg', CASES,
                                                    SEED))
else:
    T.log('SKIPPED: the host CPU has no AVX-512: the native half does not '
          'run (the checks are the SDM\'s, in gather.c)')
for variant, cpu in FORCED.items():
    check_run(f'qemu-x86_64 -cpu {cpu} ({variant} variant)',
              *run(cpu, variant, CASES, SEED))
rc, out = run('max,avx512f=off', 'leg', '1', SEED)
T.check(rc != 0 and 'Illegal instruction' in out and 'GATHER: ok' not in out,
        f'-cpu max,avx512f=off: the first form dies of SIGILL (exit {rc}; '
        'the #UD rules of the gathers and scatters are raw cases of '
        'tests/avx512-insn)')

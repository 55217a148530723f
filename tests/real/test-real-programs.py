#!/usr/bin/env python3
"""Real APX software: zlib and bzip2 built with gcc -mapxf, under qemu-x86_64.

tests/real/build.sh builds both programs from pinned Debian source packages
with Debian unstable's gcc 16, with and without -mapxf, and with -mapxf
-march=x86-64-v3.  For each program:
  - the legacy build passes the package's test suite natively (the harness
    works) and the APX build passes it under our qemu-x86_64 -cpu
    max,apxf=on,mpx=off (tests/real/run-tests.sh);
  - the x86-64-v3 APX build passes it too, under the same CPU (gcc
    encodes a vector instruction that addresses R16-R31 with EVEX: VMOVQ
    is AVX512F's, VPINSRD AVX512DQ's), and the test reports how many EVEX
    vector instructions the package's own code has;
  - the x86-64-v4 builds (-O3, with and without -mapxf: AVX-512 vector
    code) pass it under the same CPU, whose AVX512F/VL/BW/DQ/CD make
    glibc run its own AVX-512 (EVEX) string functions too, and their own
    code has EVEX vector instructions (the v4 build dies of SIGILL under
    -cpu max,avx512f=off);
  - the APX build really is APX code: it dies of SIGILL under -cpu max
    without apxf;
  - every build produces byte-identical compressed output for the same
    input (the APX and v4 ones under QEMU, legacy natively).
"""
import hashlib
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402

T.skip_unless_apxf()
HERE = os.path.dirname(os.path.abspath(__file__))
USER = [os.path.join(T.BUILD, 'qemu-x86_64'), '-cpu', T.APX_CPU]
# the x86-64-v3 and v4 builds run under the same CPU: TCG's AVX512F/VL/
# BW/DQ/CD are in T.APX_CPU ('max'), so glibc picks its EVEX functions
USER_V3 = USER_V4 = USER
REAL = os.path.join(T.BUILD, 'real')


def evex_vectors(prog, variant='apxv3'):
    """EVEX-encoded vector instructions (maps 1-3) in the package's own
    objects of a build (the static binaries also hold glibc's EVEX string
    functions)."""
    n = 0
    src = os.path.join(REAL, prog, variant, 'src')
    for o in sorted(f for f in os.listdir(src) if f.endswith('.o')):
        dis = subprocess.run([os.path.join(T.TOP, 'scripts', 'sid-run.sh'),
                              '-C', src, 'objdump', '-dw', o],
                             capture_output=True, text=True, check=True)
        for line in dis.stdout.splitlines():
            w = line.split('\t')
            if len(w) >= 3 and w[1].startswith('62 ') and \
                    int(w[1].split()[1], 16) & 7 in (1, 2, 3):
                n += 1
    return n

subprocess.run([os.path.join(HERE, 'build.sh')], check=True,
               stdout=subprocess.DEVNULL)


def suite(prog, variant, wrapper):
    p = subprocess.run([os.path.join(HERE, 'run-tests.sh'), prog, variant,
                        *wrapper], capture_output=True, text=True,
                       timeout=1200)
    summary = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ''
    T.log(summary)
    return p.returncode, summary, p.stdout


for prog in ('zlib', 'bzip2'):
    rc, summary, _ = suite(prog, 'legacy', [])
    T.check(rc == 0 and summary.startswith('PASS'),
            f'{prog}: legacy build passes its tests natively')
    rc, summary, out = suite(prog, 'apx', USER)
    T.check(rc == 0 and summary.startswith('PASS'),
            f'{prog}: -mapxf build passes its tests under qemu-x86_64 with '
            f'apxf' + ('' if rc == 0 else '\n' + out[-3000:]))
    rc, summary, _ = suite(prog, 'apx', [USER[0], '-cpu', 'max,apxf=off'])
    T.check(rc != 0 and 'SIGILL' in _,
            f'{prog}: -mapxf build dies of SIGILL without apxf (it is APX '
            'code)')
    rc, summary, out = suite(prog, 'apxv3', USER_V3)
    T.check(rc == 0 and summary.startswith('PASS'),
            f'{prog}: -march=x86-64-v3 -mapxf build passes its tests under '
            f'qemu-x86_64 -cpu {T.APX_CPU} ({evex_vectors(prog)} EVEX '
            'vector instructions in its own code)' +
            ('' if rc == 0 else '\n' + out[-3000:]))
    for variant, flags in (('v4', '-O3 -march=x86-64-v4'),
                           ('apxv4', '-O3 -march=x86-64-v4 -mapxf')):
        n = evex_vectors(prog, variant)
        rc, summary, out = suite(prog, variant, USER_V4)
        T.check(rc == 0 and summary.startswith('PASS') and n > 0,
                f'{prog}: {flags} build ({n} EVEX vector instructions in its '
                f'own code) passes its tests under qemu-x86_64 -cpu '
                f'{T.APX_CPU}'
                ' with glibc\'s AVX-512 string functions' +
                ('' if rc == 0 else '\n' + out[-3000:]))
    rc, _, out = suite(prog, 'v4', [USER[0], '-cpu', 'max,avx512f=off'])
    T.check(rc != 0 and 'SIGILL' in out,
            f'{prog}: the x86-64-v4 build dies of SIGILL under -cpu '
            'max,avx512f=off (it is AVX-512 code)')

# Byte-identical output of the two builds on the same input
data = b''.join(b'%d %s\n' % (i, hashlib.sha256(b'%d' % i).hexdigest()
                                .encode()) for i in range(60000))
WD = T.workdir()
try:
    src = os.path.join(WD, 'input')
    with open(src, 'wb') as f:
        f.write(data)
    for prog, binary, args in (('bzip2', 'bzip2', ['-9', '-c']),
                               ('zlib', 'minigzip', ['-9', '-c'])):
        outs = {}
        for variant, wrapper in (('legacy', []), ('apx', USER),
                                 ('apxv3', USER_V3), ('v4', USER_V4),
                                 ('apxv4', USER_V4)):
            with open(src, 'rb') as f:
                p = subprocess.run([*wrapper, os.path.join(
                    REAL, prog, variant, binary), *args], stdin=f,
                    capture_output=True, timeout=600)
            T.check(p.returncode == 0, f'{binary} ({variant}) compresses')
            outs[variant] = p.stdout
        T.check(len(set(outs.values())) == 1 and len(outs['apx']) > 1000,
                f'{binary} -9: APX, x86-64-v3 APX, x86-64-v4 and x86-64-v4 '
                f'APX under QEMU and legacy natively give the same '
                f'{len(outs["apx"])} bytes from {len(data)}')
finally:
    T.cleanup(WD)
T.log('PASS')

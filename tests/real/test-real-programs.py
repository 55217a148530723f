#!/usr/bin/env python3
"""Real APX and AVX-512 software: Debian packages under qemu-x86_64.

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
Three more packages, xxhash, lzo2 and lz4, are built natively (legacy)
and with -O3 -march=x86-64-v4, with and without -mapxf; the v4 builds
pass the package's tests under qemu-x86_64 -cpu max,apxf=on, have EVEX
vector instructions in their own objects and die of SIGILL without
AVX512F; their outputs (hashes, compressed bytes) equal the legacy
build's natively.  xxhsum picks its XXH3 code at run time by CPUID, among
them hand-written AVX512F intrinsics: under -cpu max it must report and
use them (and AVX2 without avx512f), with the same sums.
"""
import concurrent.futures
import hashlib
import os
import re
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
    # objects built from a C file beside them (not those a source package
    # ships, such as lzo2's prebuilt assembly)
    objs = sorted(os.path.relpath(os.path.join(d, f), src)
                  for d, _, fs in os.walk(src) for f in fs
                  if f.endswith('.o') and f[:-2] + '.c' in fs)
    for o in objs:
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


def run_suite(prog, variant, wrapper):
    p = subprocess.run([os.path.join(HERE, 'run-tests.sh'), prog, variant,
                        *wrapper], capture_output=True, text=True,
                       timeout=1200)
    summary = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ''
    return p.returncode, summary, p.stdout


def suites(jobs):
    """Run the suites of jobs, (prog, variant, wrapper) each, two at a
    time (each is one process at a time: the machine has two cores);
    their results in the order of jobs.  No two jobs may share a
    variant's build directory (run-tests.sh works in it)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(run_suite, *j) for j in jobs]
        results = [f.result() for f in futures]
    for rc, summary, out in results:
        T.log(summary)
    return results


OLD = ('zlib', 'bzip2')
first = iter(suites([job for prog in OLD for job in (
    (prog, 'legacy', []), (prog, 'apx', USER), (prog, 'apxv3', USER_V3),
    (prog, 'v4', USER_V4), (prog, 'apxv4', USER_V4))]))
# the same build directories again: after the first batch
then = iter(suites([job for prog in OLD for job in (
    (prog, 'apx', [USER[0], '-cpu', 'max,apxf=off']),
    (prog, 'v4', [USER[0], '-cpu', 'max,avx512f=off']))]))
for prog in OLD:
    rc, summary, _ = next(first)
    T.check(rc == 0 and summary.startswith('PASS'),
            f'{prog}: legacy build passes its tests natively')
    rc, summary, out = next(first)
    T.check(rc == 0 and summary.startswith('PASS'),
            f'{prog}: -mapxf build passes its tests under qemu-x86_64 with '
            f'apxf' + ('' if rc == 0 else '\n' + out[-3000:]))
    rc, summary, out = next(first)
    T.check(rc == 0 and summary.startswith('PASS'),
            f'{prog}: -march=x86-64-v3 -mapxf build passes its tests under '
            f'qemu-x86_64 -cpu {T.APX_CPU} ({evex_vectors(prog)} EVEX '
            'vector instructions in its own code)' +
            ('' if rc == 0 else '\n' + out[-3000:]))
    for variant, flags in (('v4', '-O3 -march=x86-64-v4'),
                           ('apxv4', '-O3 -march=x86-64-v4 -mapxf')):
        n = evex_vectors(prog, variant)
        rc, summary, out = next(first)
        T.check(rc == 0 and summary.startswith('PASS') and n > 0,
                f'{prog}: {flags} build ({n} EVEX vector instructions in its '
                f'own code) passes its tests under qemu-x86_64 -cpu '
                f'{T.APX_CPU}'
                ' with glibc\'s AVX-512 string functions' +
                ('' if rc == 0 else '\n' + out[-3000:]))
    rc, _, out = next(then)
    T.check(rc != 0 and 'SIGILL' in out,
            f'{prog}: -mapxf build dies of SIGILL without apxf (it is APX '
            'code)')
    rc, _, out = next(then)
    T.check(rc != 0 and 'SIGILL' in out,
            f'{prog}: the x86-64-v4 build dies of SIGILL under -cpu '
            'max,avx512f=off (it is AVX-512 code)')

# xxhash, lzo2, lz4: the x86-64-v4 builds, with and without APX
NO512 = [USER[0], '-cpu', 'max,avx512f=off']
NEW = ('xxhash', 'lzo2', 'lz4')
V4 = (('v4', '-O3 -march=x86-64-v4'), ('apxv4', '-O3 -march=x86-64-v4 -mapxf'))
results = iter(suites([(prog, 'legacy', []) for prog in NEW] +
                      [(prog, v, USER) for prog in NEW for v, _ in V4]))
for prog in NEW:
    rc, summary, _ = next(results)
    T.check(rc == 0 and summary.startswith('PASS'),
            f'{prog}: legacy build passes its tests natively')
for prog in NEW:
    for variant, flags in V4:
        n = evex_vectors(prog, variant)
        rc, summary, out = next(results)
        T.check(rc == 0 and summary.startswith('PASS') and n > 0,
                f'{prog}: {flags} build ({n} EVEX vector instructions in its '
                f'own objects) passes its tests under qemu-x86_64 -cpu '
                f'{T.APX_CPU}' + ('' if rc == 0 else '\n' + out[-3000:]))
for prog, (rc, _, out) in zip(NEW, suites([(prog, 'v4', NO512)
                                           for prog in NEW])):
    T.check(rc != 0 and 'SIGILL' in out,
            f'{prog}: the x86-64-v4 build dies of SIGILL under -cpu '
            'max,avx512f=off')


def xxhsum(variant, wrapper, *args, stdin=None):
    p = subprocess.run([*wrapper, os.path.join(REAL, 'xxhash', variant,
                                               'xxhsum'), *args],
                       stdin=stdin, capture_output=True, text=True,
                       timeout=600)
    return p.returncode, p.stdout + p.stderr


# xxhsum's run-time dispatch: the legacy build (-O2, no -march) carries
# scalar, SSE2, AVX2 and AVX512F code for XXH3 and picks one by CPUID
for wrapper, want in (([], None), (USER, 'AVX512'), (NO512, 'AVX2')):
    rc, out = xxhsum('legacy', wrapper, '-V')
    got = re.search(r'autoVec \((\w+) detected\)', out)
    where = ' '.join(wrapper[1:]) or 'natively'
    if want is None:
        T.log(f'xxhsum -V natively: {got.group(1) if got else out!r}')
        continue
    T.check(rc == 0 and got is not None and got.group(1) == want,
            f'xxhsum (legacy build) under {where} picks its {want} code at '
            f'run time ({got.group(0) if got else out.strip()!r})')

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
    # xxhash: every hash of xxhsum; lzo2 and lz4: the compressed bytes
    # (lzopack writes a file); legacy natively, the v4 builds under QEMU
    # (and xxhsum's legacy build too, where it runs its AVX512F code)
    runs = {'xxhash': [('legacy', USER)], 'lzo2': [], 'lz4': []}
    for prog, binary, args in (
            ('xxhash', 'xxhsum', [['-H0', src], ['-H1', src], ['-H2', src],
                                  ['-H3', src]]),
            ('lzo2', 'lzopack', [[src, 'OUT']]),
            ('lz4', 'lz4', [['-1', '-c', src], ['-9', '-c', src]])):
        outs = {}
        for variant, wrapper in ([('legacy', [])] + runs[prog] +
                                 [('v4', USER), ('apxv4', USER)]):
            got = []
            for a in args:
                tmp = os.path.join(WD, f'{prog}-{variant}-{len(outs)}.out')
                p = subprocess.run([*wrapper, os.path.join(
                    REAL, prog, variant, binary),
                    *[tmp if x == 'OUT' else x for x in a]],
                    capture_output=True, timeout=600)
                T.check(p.returncode == 0,
                        f'{binary} {" ".join(a[:-1])} ({variant}) runs')
                if 'OUT' in a:
                    with open(tmp, 'rb') as f:
                        got.append(f.read())
                else:
                    got.append(p.stdout)
            outs[(variant, len(outs))] = b''.join(got)
        T.check(len(set(outs.values())) == 1 and
                len(next(iter(outs.values()))) > 100,
                f'{prog}: {binary} {" / ".join(" ".join(a[:-1]) or "FILE" for a in args)}'
                f': the x86-64-v4 builds (with and without APX) under QEMU'
                f'{" and the legacy build under QEMU" if runs[prog] else ""}'
                f' give the legacy build\'s output natively '
                f'({len(next(iter(outs.values())))} bytes)')
finally:
    T.cleanup(WD)
T.log('PASS')

#!/usr/bin/env python3
"""TCG speed of AVX-512 code: benchmark (not a test), results to docs/.

The same workloads as scripts/bench-tcg.py (zlib's minigzip and bzip2
compressing and decompressing a text, tests/real/build.sh), built with gcc
16 -O3 for x86-64-v3 (AVX2) and for x86-64-v4 (AVX-512, which gcc uses
for its vectorized loops), both run under our qemu-x86_64 -cpu max (TCG
offers the five AVX-512 features of the v4 level).  Reports the minimum
wall time of N interleaved runs and the ratio v4/v3, and valgrind
callgrind instruction counts (Ir) of QEMU for bzip2 -9 and minigzip -9 on
a smaller input; and how many of the guest instructions each build
executes are EVEX-encoded vector ones.  Then a workload that is vector
code through and through: xxhsum (Debian's xxhash) hashing with XXH3 and
XXH128, whose run-time dispatch picks hand-written AVX512F intrinsics
under -cpu max and AVX2 ones under -cpu max,avx512f=off: the same binary,
the two instruction sets side by side.
Last, the cost of the series for code that is not AVX-512: callgrind Ir
of QEMU running scalar (-O2) and AVX2 (-O3 -march=x86-64-v3) builds,
under qemu-x86_64 built from the queue without the AVX-512 topic
(build/bench-base, made here from build/src) and under ours, with
avx512f=off (the same CPU) and with AVX-512 enabled (glibc kept to its
AVX2 functions, so that the guest runs the same code and pays for the VEX
instructions' zeroing of bits 511:256).
Usage: bench-avx512.py [-n RUNS] [-o docs/bench-avx512.md]
"""
import argparse
import importlib.util
import os
import platform
import shutil
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    'bench_tcg', os.path.join(HERE, 'bench-tcg.py'))
B = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(B)

CPU = ['-cpu', 'max,apxf=on,mpx=off']
CPU_AVX2 = ['-cpu', 'max,apxf=on,mpx=off,avx512f=off']
# xxhash's test of its hashes against 49,948 vectors: inline XXH3 whose
# vector code the -march picks at compile time (AVX2 for v3, AVX512F v4)
XXH_SANITY = [('xxhash sanity_test', 'xxhash', 'sanity_test', [], 'raw')]
XXH = [('xxhsum -H3 (XXH3 64-bit)', ['-H3']),
       ('xxhsum -H2 (XXH128)', ['-H2'])]
VARIANTS = [('v3', '-O3 -march=x86-64-v3'), ('v4', '-O3 -march=x86-64-v4')]


BASE = os.path.join(B.BUILD, 'bench-base', 'qemu', 'qemu-x86_64')
NO_EVEX_LIBC = ('glibc.cpu.hwcaps=-AVX512F,-AVX512VL,-AVX512BW,-AVX512DQ,'
                '-AVX512CD,Prefer_No_AVX512')
# scalar and AVX2 workloads: (name, program, binary, arguments)
NON512 = [('bzip2 -9, -O2 (scalar)', 'bzip2', 'legacy/bzip2', ['-9', '-c']),
          ('bzip2 -9, -O3 x86-64-v3', 'bzip2', 'v3/bzip2', ['-9', '-c']),
          ('minigzip -9, -O3 x86-64-v3', 'zlib', 'v3/minigzip',
           ['-9', '-c']),
          ('xxhsum -H3, AVX2 intrinsics', 'xxhash', 'legacy/xxhsum',
           ['-H3'])]


def build_base():
    """qemu-x86_64 from build/src without the topic 6-avx512-tcg: HEAD
    less as many commits as its cover letter has patches, configured as
    build/qemu is (the same libraries linked: they cost time at startup),
    laid out as build/ is, so that ccache finds what did not change."""
    if os.path.exists(BASE):
        return
    with open(os.path.join(B.TOP, 'patches', 'covers',
                           '6-avx512-tcg.txt')) as f:
        n = int(f.readline().split('/')[1].split(']')[0])
    with open(os.path.join(B.BUILD, 'qemu', '.apx-configure')) as f:
        args = f.read().split()
    top = os.path.join(B.BUILD, 'bench-base')
    src = os.path.join(top, 'src')
    shutil.rmtree(top, ignore_errors=True)
    os.makedirs(src)
    arch = subprocess.Popen(['git', '-C', os.path.join(B.BUILD, 'src'),
                             'archive', f'HEAD~{n}'], stdout=subprocess.PIPE)
    B.sh('tar', '-x', '-C', src, stdin=arch.stdout)
    arch.wait()
    bdir = os.path.dirname(BASE)
    os.makedirs(bdir)
    B.sh(os.path.join('..', 'src', 'configure'), *args, cwd=bdir,
         stdout=subprocess.DEVNULL)
    # as scripts/lib.sh does: ccache ignores the directory
    env = dict(os.environ, CCACHE_BASEDIR=B.TOP, CCACHE_NOHASHDIR='1')
    B.sh('ninja', 'qemu-x86_64', cwd=bdir, env=env,
         stdout=subprocess.DEVNULL)


def non512(small, d):
    """Ir of the NON512 workloads: before the topic, ours with
    avx512f=off, ours with AVX-512 (glibc without its EVEX functions)."""
    out = []
    for name, prog, binary, args in NON512:
        row = [B.callgrind(BASE, ['-cpu', 'max,apxf=on,mpx=off'], prog,
                           binary, args, small, d),
               B.callgrind(B.OURS, CPU_AVX2, prog, binary, args, small, d)]
        if prog != 'xxhash':
            os.environ['GLIBC_TUNABLES'] = NO_EVEX_LIBC
            try:
                row.append(B.callgrind(B.OURS, CPU, prog, binary, args,
                                       small, d))
            finally:
                del os.environ['GLIBC_TUNABLES']
        out.append((name, row))
        print('non-AVX-512', name, row, flush=True)
    return out


def ratio_rows(rows, a, b):
    """Table rows: name, the times of a and b, and b / a."""
    return [f'| {name} | {m[a]:.3f} | {m[b]:.3f} | {m[b] / m[a]:.3f} |'
            for name, m in rows]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('-n', type=int, default=5)
    ap.add_argument('-o', default=os.path.join(B.TOP, 'docs',
                                               'bench-avx512.md'))
    a = ap.parse_args()
    B.sh(os.path.join(B.TOP, 'tests', 'real', 'build.sh'),
         stdout=subprocess.DEVNULL)
    d = tempfile.mkdtemp()
    try:
        paths, size = B.inputs(d)
        rows = []
        for name, prog, binary, args, kind in B.WORKLOADS + XXH_SANITY:
            times = {v: [] for v, _ in VARIANTS}
            for _ in range(a.n):
                for v, _ in VARIANTS:
                    times[v].append(B.run(B.OURS, CPU, prog, f'{v}/{binary}',
                                          args, paths[kind]))
            mins = {k: min(t) for k, t in times.items()}
            rows.append((name, mins))
            print(name, {k: round(t, 3) for k, t in mins.items()},
                  flush=True)
        small = os.path.join(d, 'small')
        with open(paths['raw'], 'rb') as f, open(small, 'wb') as g:
            g.write(f.read()[:256 << 10])
        irs = {}
        for name, prog, binary in (('bzip2 -9', 'bzip2', 'bzip2'),
                                   ('minigzip -9', 'zlib', 'minigzip')):
            for v, _ in VARIANTS:
                irs[name, v] = B.callgrind(B.OURS, CPU, prog,
                                           f'{v}/{binary}', ['-9', '-c'],
                                           small, d)
            print('callgrind', name, irs[name, 'v3'], irs[name, 'v4'],
                  flush=True)
        big = os.path.join(d, 'big')
        with open(paths['raw'], 'rb') as f, open(big, 'wb') as g:
            g.write(f.read() * 16)
        xrows = []
        for name, args in XXH:
            times = {'avx2': [], 'avx512': []}
            for _ in range(a.n):
                for k, cpu in (('avx2', CPU_AVX2), ('avx512', CPU)):
                    times[k].append(B.run(B.OURS, cpu, 'xxhash',
                                          'legacy/xxhsum',
                                          args + [big] * 16, big))
            xrows.append((name, {k: min(t) for k, t in times.items()}))
            print(name, xrows[-1][1], flush=True)
        xsize = os.path.getsize(big) * 16
        build_base()
        base_rows = non512(small, d)
        so = B.mix_plugin(d)
        mix = {v: B.apx_mix(so, os.path.join(B.REAL, 'bzip2', v, 'bzip2'),
                            ['-9', '-c'], small, CPU) for v, _ in VARIANTS}
    finally:
        shutil.rmtree(d, ignore_errors=True)

    lines = ['# TCG speed of AVX-512 code', '',
             f'Generated by `make bench-avx512` (`scripts/bench-avx512.py '
             f'-n {a.n}`) on {time.strftime("%Y-%m-%d")}, host '
             f'`{platform.node()}` (2 cores).', '',
             'Workloads: Debian\'s zlib and bzip2 (`tests/real/build.sh`), '
             'gcc 16 `-O3 -static` for x86-64-v3 and for x86-64-v4, on a '
             f'{size / 1e6:.1f} MB text (compress) and its compressed forms '
             '(decompress), and xxhash\'s `sanity_test` (XXH32/64, XXH3 '
             'and XXH128 of 49,948 test vectors, the XXH3 code vectorized '
             'by hand, AVX2 or AVX512F as the `-march` allows); all under '
             'our `qemu-x86_64 -cpu max`, which offers the AVX-512 of '
             'x86-64-v4.  Minimum wall time '
             f'of {a.n} interleaved runs each.', '',
             '| workload | -march=x86-64-v3 (s) | -march=x86-64-v4 (s) | '
             'v4 / v3 |', '|---|---|---|---|']
    lines += ratio_rows(rows, 'v3', 'v4')
    lines += ['', 'Instruction counts of QEMU itself (valgrind callgrind, '
              'Ir), the first 256 KB:', '',
              '| workload | v3 Ir | v4 Ir | v4 / v3 |', '|---|---|---|---|']
    for name in ('bzip2 -9', 'minigzip -9'):
        x, y = irs[name, 'v3'], irs[name, 'v4']
        lines.append(f'| {name} | {x:,} | {y:,} | {y / x:.3f} |')
    lines += ['', 'Guest instructions `bzip2 -9` executes on that input, by '
              'encoding (`tests/real/apx-mix.c`, a TCG plugin):', '',
              '| class | v3 build | v4 build |', '|---|---|---|']
    for cls in mix['v4']:
        if mix['v3'][cls] or mix['v4'][cls]:
            lines.append(f'| {cls} | {mix["v3"][cls]:,} | '
                         f'{mix["v4"][cls]:,} |')
    lines += ['', 'Vector code through and through: `xxhsum` (Debian\'s '
              'xxhash, the legacy `-O2` build) hashing a file of '
              f'{xsize / 16e6:.1f} MB 16 times; its run-time dispatch '
              'picks hand-written AVX512F intrinsics under `-cpu max` and '
              'AVX2 ones under `-cpu max,avx512f=off`.  Minimum wall time '
              f'of {a.n} interleaved runs:', '',
              '| workload | AVX2 code (s) | AVX512F code (s) | '
              'AVX512F / AVX2 |', '|---|---|---|---|']
    lines += ratio_rows(xrows, 'avx2', 'avx512')
    lines += ['', 'Code that is not AVX-512, before and after this topic: '
              'QEMU\'s Ir (callgrind) on the first 256 KB, under '
              '`qemu-x86_64` built from the queue without '
              '`6-avx512-tcg` (*before*) and under ours with `-cpu '
              'max,avx512f=off` (the same CPU) and with `-cpu max` (AVX-512 '
              'state enabled, so VEX instructions zero bits 511:256; glibc '
              'kept to its AVX2 functions with `GLIBC_TUNABLES`, so the '
              'guest runs the same code):', '',
              '| workload | before Ir | ours, avx512f=off | ratio | '
              'ours, AVX-512 on | ratio |', '|---|---|---|---|---|---|']
    for name, r in base_rows:
        third = (f'{r[2]:,} | {r[2] / r[0]:.4f}' if len(r) > 2
                 else 'n/a (AVX512F code) | ')
        lines.append(f'| {name} | {r[0]:,} | {r[1]:,} | {r[1] / r[0]:.4f} | '
                     f'{third} |')
    lines.append('')
    B.write_report(a.o, lines)
    print('\n'.join(lines))


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
"""TCG speed of APX code: benchmark (not a test), results to docs/.

Workloads: zlib's minigzip and bzip2 (tests/real/build.sh) compressing and
decompressing a 4 MB text, built with gcc 16 -O2 with and without -mapxf.
Runs each workload under
  ours/apx     our qemu-x86_64 -cpu max,apxf=on,mpx=off, -mapxf build
  ours/legacy  our qemu-x86_64 -cpu max,apxf=on,mpx=off, legacy build
  ours/legacy/max   our qemu-x86_64 -cpu max (no APX), legacy build
  stock/legacy/max  qemu-x86_64 built from the same upstream source
               without the queue (build/stock, made here), -cpu max
and reports the minimum wall time of N runs (side by side, same machine,
interleaved), the ratios apx/legacy and ours/stock, and valgrind
callgrind instruction counts (Ir) of ours/legacy and stock/legacy on a
smaller input, where the hardware has no counters for perf.

Where code sits in memory changes what TCG costs: a direct jump to another
guest page cannot be chained to its target block and goes through
helper_lookup_tb_ptr instead.  So the APX/legacy comparison by instruction
count is repeated with bzip2 relinked at LAYOUTS code offsets (a padding
object before bzip2.o) and averaged, and it splits QEMU's instructions into
generated code, block lookups and the rest.  tests/real/apx-mix.c, a TCG
plugin, counts the executed guest instructions by APX encoding.
Usage: bench-tcg.py [-n RUNS] [-o docs/bench-tcg.md]
"""
import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

TOP = os.path.realpath(os.path.join(os.path.dirname(__file__), '..'))
BUILD = os.path.join(TOP, 'build')
REAL = os.path.join(BUILD, 'real')
OURS = os.path.join(BUILD, 'qemu-x86_64')
STOCK = os.path.join(BUILD, 'stock', 'qemu-x86_64')
CPU = ['-cpu', 'max,apxf=on,mpx=off']
STOCK_CPU = ['-cpu', 'max']

LAYOUTS = 8           # code offsets 0, 512, ... bytes
WORKLOADS = [
    ('bzip2 -9', 'bzip2', 'bzip2', ['-9', '-c'], 'raw'),
    ('bzip2 -d', 'bzip2', 'bzip2', ['-d', '-c'], 'bz2'),
    ('minigzip -9', 'zlib', 'minigzip', ['-9', '-c'], 'raw'),
    ('minigzip -d', 'zlib', 'minigzip', ['-d', '-c'], 'gz'),
]
# APX vs legacy builds on the same APX CPU; ours vs stock on the same CPU
CONFIGS = [('ours/apx', OURS, CPU, 'apx'),
           ('ours/legacy', OURS, CPU, 'legacy'),
           ('ours/legacy/max', OURS, STOCK_CPU, 'legacy'),
           ('stock/legacy/max', STOCK, STOCK_CPU, 'legacy')]


def sh(*args, **kw):
    return subprocess.run(args, check=True, **kw)


def build_stock():
    """qemu-x86_64 from the 'upstream' tag of build/src (no queue)."""
    if os.path.exists(STOCK):
        return
    src = os.path.join(BUILD, 'stock-src')
    shutil.rmtree(src, ignore_errors=True)
    os.makedirs(src)
    arch = subprocess.Popen(['git', '-C', os.path.join(BUILD, 'src'),
                             'archive', 'upstream'], stdout=subprocess.PIPE)
    sh('tar', '-x', '-C', src, stdin=arch.stdout)
    arch.wait()
    bdir = os.path.join(BUILD, 'stock')
    os.makedirs(bdir, exist_ok=True)
    sh(os.path.join(src, 'configure'), '--target-list=x86_64-linux-user',
       '--enable-tcg', '--disable-docs', '--disable-download',
       '--disable-tools', '--disable-system', '--disable-install-blobs',
       '--python=/usr/bin/python3',
       cwd=bdir, stdout=subprocess.DEVNULL)
    sh('ninja', 'qemu-x86_64', cwd=bdir, stdout=subprocess.DEVNULL)


def inputs(d):
    raw = b''.join(b'%d %x %d\n' % (i, i * 2654435761 % (1 << 32), i * i)
                   for i in range(200000))
    files = {'raw': raw}
    files['bz2'] = sh(os.path.join(REAL, 'bzip2', 'legacy', 'bzip2'),
                      '-9', '-c', input=raw, capture_output=True).stdout
    files['gz'] = sh(os.path.join(REAL, 'zlib', 'legacy', 'minigzip'),
                     '-9', '-c', input=raw, capture_output=True).stdout
    paths = {}
    for k, v in files.items():
        paths[k] = os.path.join(d, k)
        with open(paths[k], 'wb') as f:
            f.write(v)
    return paths, len(raw)


def run(qemu, cpu, prog, binary, args, path):
    with open(path, 'rb') as f:
        t0 = time.perf_counter()
        p = subprocess.run([qemu, *cpu, os.path.join(REAL, prog, binary),
                            *args], stdin=f, stdout=subprocess.DEVNULL)
        t = time.perf_counter() - t0
    assert p.returncode == 0, (qemu, prog, args)
    return t


def callgrind(qemu, cpu, prog, binary, args, path, d):
    out = os.path.join(d, 'cg.out')
    with open(path, 'rb') as f:
        p = subprocess.run(['valgrind', '--tool=callgrind', '--smc-check=all',
                            f'--callgrind-out-file={out}', qemu, *cpu,
                            os.path.join(REAL, prog, binary), *args],
                           stdin=f, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
    for line in p.stderr.splitlines():
        if 'Collected :' in line:
            return int(line.split(':')[-1].strip().replace(',', ''))
    raise RuntimeError(p.stderr[-2000:])


def callgrind_split(qemu, cpu, binary, args, path, d):
    """QEMU's Ir in total, in generated code, in helper_lookup_tb_ptr
    (inclusive), and the number of block lookups."""
    out = os.path.join(d, 'cg.split')
    with open(path, 'rb') as f:
        subprocess.run(['valgrind', '--tool=callgrind', '--smc-check=all',
                        f'--callgrind-out-file={out}', qemu, *cpu, binary,
                        *args], stdin=f, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=True)
    names, total, jit, lookup_ir, lookups = {}, 0, 0, 0, 0
    fn = cfn = None
    with open(out, encoding='utf-8', errors='replace') as f:
        for line in f:
            if line.startswith(('fn=', 'cfn=')):
                key, rest = line.rstrip('\n').split('=', 1)
                ident, _, name = rest.partition(' ')
                if name:
                    names[ident] = name
                if key == 'fn':
                    fn, cfn = names.get(ident, ''), None
                else:
                    cfn = names.get(ident, '')
            elif line.startswith('calls='):
                if cfn == 'helper_lookup_tb_ptr' and fn != cfn:
                    lookups += int(line[6:].split()[0])
                continue
            elif line[:1].isdigit() or line[:1] in '+-*':
                parts = line.split()
                ir = int(parts[1]) if len(parts) > 1 else 0
                if cfn is not None:
                    # the cost line after calls=: inclusive cost of the call
                    if cfn == 'helper_lookup_tb_ptr' and fn != cfn:
                        lookup_ir += ir
                    cfn = None
                    continue
                if fn.startswith('0x'):
                    jit += ir
            elif line.startswith(('summary:', 'totals:')):
                total = int(line.split()[1])
    return total, jit, lookup_ir, lookups


def relink(prog_dir, offset, out):
    """bzip2 linked again with OFFSET bytes of padding before its code."""
    script = (f"printf '\\t.text\\n\\t.fill {offset}, 1, 0x90\\n' | "
              f"as -o {out}.pad.o && "
              f"gcc -static -o {out} {out}.pad.o bzip2.o libbz2.a")
    sh(os.path.join(TOP, 'scripts', 'sid-run.sh'), '-C',
       os.path.join(prog_dir, 'src'), 'sh', '-ec', script)


def mix_plugin(d):
    so = os.path.join(d, 'apx-mix.so')
    glib = sh('pkg-config', '--cflags', 'glib-2.0', capture_output=True,
              text=True).stdout.split()
    sh('gcc', '-O2', '-shared', '-fPIC', '-Wall',
       '-I', os.path.join(BUILD, 'src', 'include', 'qemu'), *glib,
       '-o', so, os.path.join(TOP, 'tests', 'real', 'apx-mix.c'))
    return so


def apx_mix(so, binary, args, path, cpu=CPU):
    """Executed guest instructions by APX encoding (tests/real/apx-mix.c)."""
    with open(path, 'rb') as f:
        p = subprocess.run([OURS, *cpu, '-plugin', so, '-d', 'plugin',
                            binary, *args], stdin=f,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True, check=True)
    return {w[1]: int(w[2]) for w in map(str.split, p.stderr.splitlines())
            if len(w) == 3 and w[0] == 'APX-MIX:'}


def svg(rows, path):
    """A small grouped bar chart of the min times, no plotting library."""
    w, h, left, top, bar = 680, 60 + 90 * len(rows), 130, 40, 18
    colors = {'ours/apx': '#2a7ab0', 'ours/legacy': '#8cc0e0',
              'ours/legacy/max': '#d0e4f0', 'stock/legacy/max': '#bbbbbb'}
    tmax = max(max(r[1].values()) for r in rows)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
           'font-family="sans-serif" font-size="12">',
           f'<text x="{left}" y="20">Min wall time under qemu-x86_64 '
           '(s, lower is better)</text>']
    y = top
    for name, times in rows:
        out.append(f'<text x="10" y="{y + 30}">{name}</text>')
        for k, (cfg, _, _, _) in enumerate(CONFIGS):
            t = times[cfg]
            bw = (w - left - 90) * t / tmax
            out.append(f'<rect x="{left}" y="{y + k * (bar + 2)}" '
                       f'width="{bw:.1f}" height="{bar}" '
                       f'fill="{colors[cfg]}"/>')
            out.append(f'<text x="{left + bw + 4:.1f}" '
                       f'y="{y + k * (bar + 2) + 13}">{t:.3f} {cfg}</text>')
        y += 90
    out.append('</svg>')
    with open(path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(out) + '\n')


def write_report(path, lines):
    """Write the generated lines to path, keeping the hand-written reading
    of the numbers (its '## Reading' section) across regenerations."""
    try:
        with open(path, encoding='utf-8') as f:
            old = f.read()
        if '\n## Reading' in old:
            lines.append(old[old.index('\n## Reading') + 1:].rstrip('\n'))
    except FileNotFoundError:
        pass
    with open(path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('-n', type=int, default=5)
    ap.add_argument('-o', default=os.path.join(TOP, 'docs', 'bench-tcg.md'))
    a = ap.parse_args()
    sh(os.path.join(TOP, 'tests', 'real', 'build.sh'),
       stdout=subprocess.DEVNULL)
    build_stock()
    d = tempfile.mkdtemp()
    try:
        paths, size = inputs(d)
        rows = []
        for name, prog, binary, args, kind in WORKLOADS:
            times = {cfg: [] for cfg, *_ in CONFIGS}
            for _ in range(a.n):
                for cfg, qemu, cpu, variant in CONFIGS:
                    times[cfg].append(run(qemu, cpu, prog,
                                          f'{variant}/{binary}', args,
                                          paths[kind]))
            mins = {k: min(v) for k, v in times.items()}
            rows.append((name, mins))
            print(name, {k: round(v, 3) for k, v in mins.items()},
                  flush=True)
        # instruction counts on a small input
        small = os.path.join(d, 'small')
        with open(paths['raw'], 'rb') as f, open(small, 'wb') as g:
            g.write(f.read()[:256 << 10])
        irs = {}
        for cfg, qemu, cpu, variant in CONFIGS:
            irs[cfg] = callgrind(qemu, cpu, 'bzip2', f'{variant}/bzip2',
                                 ['-9', '-c'], small, d)
            print('callgrind', cfg, irs[cfg], flush=True)
        # the same comparison over code layouts, split by where QEMU spends
        so = mix_plugin(d)
        mix = {v: apx_mix(so, os.path.join(REAL, 'bzip2', v, 'bzip2'),
                          ['-9', '-c'], small) for v in ('apx', 'legacy')}
        guest = {v: sum(m.values()) for v, m in mix.items()}
        layouts = []
        os.makedirs(os.path.join(BUILD, 'bench-tcg'), exist_ok=True)
        for k in range(LAYOUTS):
            row = {}
            for v in ('apx', 'legacy'):
                # under build/: the toolchain root sees only the repository
                binary = os.path.join(BUILD, 'bench-tcg', f'bzip2-{v}-{k}')
                relink(os.path.join(REAL, 'bzip2', v), 512 * k, binary)
                row[v] = callgrind_split(OURS, CPU, binary, ['-9', '-c'],
                                         small, d)
            layouts.append(row)
            print('layout', 512 * k, row, flush=True)
    finally:
        shutil.rmtree(d, ignore_errors=True)

    lines = ['# TCG speed of APX code', '',
             f'Generated by `make bench-tcg` (`scripts/bench-tcg.py -n {a.n}`)'
             f' on {time.strftime("%Y-%m-%d")}, host `{platform.node()}` '
             '(2 cores, no hardware performance counters in the VM).', '',
             f'Workloads: Debian\'s zlib and bzip2 (`tests/real/build.sh`), '
             f'gcc 16 `-O2 -static` with and without `-mapxf`, on a '
             f'{size / 1e6:.1f} MB text (compress) and its compressed forms '
             '(decompress).  *stock* is `qemu-x86_64` built here from the '
             'same upstream source (Debian\'s qemu 10.0.13) without our '
             'queue.  Minimum wall time of '
             f'{a.n} interleaved runs each.', '',
             '| workload | ours, apxf CPU, -mapxf build (s) | ours, apxf CPU, '
             'legacy build (s) | ours, `-cpu max`, legacy (s) | stock, '
             '`-cpu max`, legacy (s) | APX / legacy | ours / stock |',
             '|---|---|---|---|---|---|---|']
    for name, m in rows:
        lines.append(f'| {name} | {m["ours/apx"]:.3f} | '
                     f'{m["ours/legacy"]:.3f} | {m["ours/legacy/max"]:.3f} | '
                     f'{m["stock/legacy/max"]:.3f} | '
                     f'{m["ours/apx"] / m["ours/legacy"]:.3f} | '
                     f'{m["ours/legacy/max"] / m["stock/legacy/max"]:.3f} |')
    lines += ['', 'Instruction counts of QEMU itself (valgrind callgrind, Ir),'
              ' `bzip2 -9` of the first 256 KB:', '',
              '| configuration | Ir | relative to stock |',
              '|---|---|---|']
    for cfg, *_ in CONFIGS:
        lines.append(f'| {cfg} | {irs[cfg]:,} | '
                     f'{irs[cfg] / irs["stock/legacy/max"]:.4f} |')
    lines += ['', 'Guest instructions executed, by encoding '
              '(`tests/real/apx-mix.c`, a TCG plugin), same input:', '',
              '| class | -mapxf build | legacy build |', '|---|---|---|']
    for cls in mix['apx']:
        if mix['apx'][cls] or mix['legacy'][cls]:
            lines.append(f'| {cls} | {mix["apx"][cls]:,} | '
                         f'{mix["legacy"][cls]:,} |')
    lines += [f'| **total** | {guest["apx"]:,} | {guest["legacy"]:,} |',
              '', f'QEMU Ir per guest instruction (default layout): '
              f'{irs["ours/apx"] / guest["apx"]:.2f} (-mapxf), '
              f'{irs["ours/legacy"] / guest["legacy"]:.2f} (legacy).', '',
              f'### Code layout: the same `bzip2 -9`, relinked at {LAYOUTS} '
              'code offsets', '',
              'Each build linked again with 0, 512, ... bytes of padding '
              'before its code; ours, `-cpu max,apxf=on`.  *JIT* is the Ir '
              'spent in generated code, *lookups* the number of '
              '`helper_lookup_tb_ptr` calls (jumps that TCG could not chain, '
              'among them every direct jump to another guest page) and '
              '*lookup Ir* their inclusive cost.', '',
              '| offset | -mapxf Ir | legacy Ir | APX / legacy | -mapxf JIT | '
              'legacy JIT | -mapxf lookups | legacy lookups | -mapxf lookup '
              'Ir | legacy lookup Ir |',
              '|---|---|---|---|---|---|---|---|---|---|']
    sums = {v: [0, 0, 0, 0] for v in ('apx', 'legacy')}
    for k, row in enumerate(layouts):
        x, y = row['apx'], row['legacy']
        for v in sums:
            sums[v] = [p + q for p, q in zip(sums[v], row[v])]
        lines.append(f'| {512 * k} | {x[0]:,} | {y[0]:,} | {x[0] / y[0]:.3f} '
                     f'| {x[1]:,} | {y[1]:,} | {x[3]:,} | {y[3]:,} | '
                     f'{x[2]:,} | {y[2]:,} |')
    x, y = sums['apx'], sums['legacy']
    n = len(layouts)
    lines.append(f'| **mean** | {x[0] // n:,} | {y[0] // n:,} | '
                 f'**{x[0] / y[0]:.3f}** | {x[1] // n:,} | {y[1] // n:,} | '
                 f'{x[3] // n:,} | {y[3] // n:,} | {x[2] // n:,} | '
                 f'{y[2] // n:,} |')
    lines += ['', '![min wall time](bench-tcg.svg)', '']
    write_report(a.o, lines)
    svg(rows, os.path.join(os.path.dirname(a.o), 'bench-tcg.svg'))
    print('\n'.join(lines))


if __name__ == '__main__':
    main()

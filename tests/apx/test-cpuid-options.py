#!/usr/bin/env python3
"""What the guest sees in CPUID, for each -cpu combination of the docs.

For every row of ROWS below, qemu-system-x86_64 (TCG) boots
tests/apx/cpuid-leaves.S, a boot sector that executes CPUID for leaves
0, 1, 7.0, 7.1, 0DH sub-leaves 0, 1, 3, 4 and 19, and 29H.0, and writes
the registers to isa-debugcon; it then exits QEMU through isa-debug-exit.
The test prints one table line per row and checks:

 - APX = CPUID.(7,1).EDX[21], MPX = CPUID.(7,0).EBX[14], NCI =
   CPUID.(29H,0).EBX[0], XSAVE = CPUID.1.ECX[26] as the row expects;
 - APX: max basic leaf >= 29H; 0DH.0 EAX has bit 19 and not bits 3 and
   4; 0DH.19 = 128 bytes at 960, ECX 0;
 - no APX: 0DH.0 EAX bit 19 clear, 0DH.19 all zero, 29H.0 EBX = 0;
 - MPX (with XSAVE): 0DH.0 EAX bits 3 and 4; 0DH.3 = 64 @ 960, 0DH.4 =
   64 @ 1024; no MPX: 0DH.3 and 0DH.4 all zero;
 - no XSAVE: every 0DH sub-leaf all zero;
 - error rows: QEMU exits non-zero before the guest runs, its stderr
   containing each given substring;
 - "quiet" rows: no stderr line mentions apxf or mpx;
 - every row's -cpu string appears as ``cpu`` in docs/system/i386/apx.rst
   of the assembled tree.

All rows are checked and reported; the test fails at the end if any
check failed.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402

# The expected table: -cpu string, then what the guest must see.
#   apx, mpx, nci, xsave: 1 or 0 (a key left out is not checked)
#   quiet: stderr has no line mentioning apxf or mpx
#   error: QEMU refuses to start; stderr contains every one of these
ROWS = [
    ('max', dict(apx=1, mpx=0, nci=1, quiet=True)),
    ('max,apxf=on', dict(apx=1, mpx=0, nci=1, quiet=True)),
    ('max,apxf=off', dict(apx=0, mpx=1)),
    ('max,mpx=on', dict(apx=0, mpx=1, quiet=True)),
    ('max,apxf=on,mpx=on', dict(error=["'apxf'", "'mpx'"])),
    ('max,xsave=off', dict(apx=0, mpx=1, xsave=0)),
    ('max,xsave=off,apxf=on', dict(error=["'apxf' needs 'xsave'"])),
    ('max,lm=off,apxf=on', dict(error=["'apxf' needs 'lm'"])),
    ('qemu64', dict(apx=0, mpx=0)),
    ('qemu64,apxf=on', dict(error=["'apxf' needs 'xsave'"])),
    # only max implies apx-nci-ndd-nf
    ('qemu64,xsave=on,apxf=on', dict(apx=1, mpx=0, nci=0)),
    ('Denverton-v1', dict(apx=0, mpx=1)),
    ('Denverton-v1,apxf=on', dict(error=["'mpx'", 'Denverton-v1'])),
    ('Denverton-v1,mpx=off,apxf=on', dict(apx=1, mpx=0, nci=0)),
    ('Denverton-v1,mpx=off,apxf=on,apx-nci-ndd-nf=on',
     dict(apx=1, mpx=0, nci=1)),
    ('max,apx-nci-ndd-nf=off', dict(apx=1, mpx=0, nci=0)),
    ('max,enforce', dict(apx=1, mpx=0, nci=1)),
]

SRC = os.path.join(T.TOP, 'tests', 'apx', 'cpuid-leaves.S')
DOCS = os.path.join(T.BUILD, 'src', 'docs', 'system', 'i386', 'apx.rst')
LINE_RE = re.compile(r'^CPUID((?: [0-9a-f]{8}){6})$', re.M)
GUEST_EXIT = (0x20 << 1) | 1    # isa-debug-exit status of the boot sector
LEAVES = [(0, 0), (1, 0), (7, 0), (7, 1), (0xd, 0), (0xd, 1), (0xd, 3),
          (0xd, 4), (0xd, 19), (0x29, 0)]

failures = []


def expect(cond, cpu, msg):
    """One check of one row; failures are collected, not fatal."""
    if cond:
        T.log(f'ok: {cpu}: {msg}')
    else:
        T.log(f'FAIL: {cpu}: {msg}')
        failures.append(f'{cpu}: {msg}')


def run_guest(wd, n, cpu, img):
    """Boot img with -cpu cpu: (exit status, stderr, {(leaf, sub): regs})."""
    out = os.path.join(wd, f'row{n}.debugcon')
    args = [T.QEMU, '-accel', 'tcg', '-machine', 'pc', '-cpu', cpu,
            '-m', '32', '-nodefaults', '-display', 'none', '-no-reboot',
            '-drive', f'file={img},format=raw,if=ide,snapshot=on',
            '-chardev', f'file,id=dbg,path={out}',
            '-device', 'isa-debugcon,iobase=0xe9,chardev=dbg',
            '-device', 'isa-debug-exit,iobase=0xf4,iosize=1']
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=30,
                           check=False)
        rc, err = p.returncode, p.stderr
    except subprocess.TimeoutExpired as e:
        rc, err = 'timeout', (e.stderr or b'').decode(errors='replace')
    text = ''
    if os.path.exists(out):
        with open(out, encoding='utf-8', errors='replace') as f:
            text = f.read()
    leaves = {}
    for m in LINE_RE.finditer(text):
        v = [int(x, 16) for x in m.group(1).split()]
        leaves[(v[0], v[1])] = tuple(v[2:])
    if '\nDONE\n' not in '\n' + text:
        leaves = None       # the guest did not get to its end
    return rc, err, text, leaves


def bit(val, n):
    return (val >> n) & 1


def fmt(regs):
    return '/'.join(f'{r:x}' for r in regs)


def check_row(wd, n, cpu, want, img, docs):
    expect(f'``{cpu}``' in docs, cpu,
           f'the docs table has ``{cpu}`` ({os.path.relpath(DOCS, T.TOP)})')
    rc, err, text, leaves = run_guest(wd, n, cpu, img)
    said = [line for line in err.splitlines() if line.strip()]
    apxmpx = [line for line in said if re.search(r'apxf|mpx', line, re.I)]

    if 'error' in want:
        T.log(f'ROW {n:2} {cpu:50} exit {rc}: ' + ' | '.join(said))
        expect(rc not in (0, GUEST_EXIT, 'timeout'), cpu,
               f'QEMU refuses to start (exit {rc})')
        expect(not text, cpu, 'the guest did not run (no debugcon output)')
        for s in want['error']:
            expect(s in err, cpu, f'stderr contains {s!r}')
        return

    complete = leaves is not None and all(k in leaves for k in LEAVES)
    if not complete:
        T.log(f'ROW {n:2} {cpu:50} exit {rc}: ' + ' | '.join(said))
        expect(False, cpu, f'the guest reports all leaves (exit {rc}, '
               f'debugcon {text[-300:]!r})')
        return
    maxleaf = leaves[(0, 0)][0]
    xsave = bit(leaves[(1, 0)][2], 26)
    apx = bit(leaves[(7, 1)][3], 21)
    mpx = bit(leaves[(7, 0)][1], 14)
    # 29H beyond the highest basic leaf is not enumerated: the CPU returns
    # the highest leaf's data there, which says nothing about leaf 29H
    l29 = leaves[(0x29, 0)] if maxleaf >= 0x29 else (0, 0, 0, 0)
    nci = bit(l29[1], 0)
    d0, d3, d4, d19 = (leaves[(0xd, s)] for s in (0, 3, 4, 19))
    T.log(f'ROW {n:2} {cpu:50} max={maxleaf:#x} xsave={xsave} apx={apx} '
          f'mpx={mpx} nci={nci} 0d.0.eax={d0[0]:x} '
          f'0d.1={fmt(leaves[(0xd, 1)])} 0d.3={fmt(d3)} 0d.4={fmt(d4)} '
          f'0d.19={fmt(d19)} 29.0='
          + (fmt(l29) if maxleaf >= 0x29 else '(not enumerated)')
          + (' | stderr: ' + ' | '.join(said) if said else ''))

    expect(rc == GUEST_EXIT, cpu, f'the guest ran to its end (exit {rc})')
    for key, seen in (('apx', apx), ('mpx', mpx), ('nci', nci),
                      ('xsave', xsave)):
        if key in want:
            expect(seen == want[key], cpu,
                   f'{key.upper()} = {seen} (want {want[key]})')
    if want.get('quiet'):
        expect(not apxmpx, cpu, 'no stderr line mentions apxf or mpx'
               + (f' (got: {" | ".join(apxmpx)})' if apxmpx else ''))

    if apx:
        expect(maxleaf >= 0x29, cpu, f'APX: max basic leaf {maxleaf:#x} '
               '>= 0x29')
        expect(bit(d0[0], 19) and not bit(d0[0], 3) and not bit(d0[0], 4),
               cpu, f'APX: 0DH.0 EAX {d0[0]:#x} has bit 19, not 3 and 4')
        expect(d19[:3] == (128, 960, 0), cpu,
               f'APX: 0DH.19 EAX/EBX/ECX = {d19[:3]} (want 128, 960, 0)')
    else:
        expect(not bit(d0[0], 19), cpu,
               f'no APX: 0DH.0 EAX {d0[0]:#x} bit 19 clear')
        expect(d19 == (0, 0, 0, 0), cpu, f'no APX: 0DH.19 {fmt(d19)} zero')
        expect(l29[1] == 0, cpu, f'no APX: 29H.0 EBX {l29[1]:#x} = 0')
    if mpx and xsave:
        expect(bit(d0[0], 3) and bit(d0[0], 4), cpu,
               f'MPX: 0DH.0 EAX {d0[0]:#x} has bits 3 and 4')
        expect(d3[:2] == (64, 960) and d4[:2] == (64, 1024), cpu,
               f'MPX: 0DH.3 = {d3[0]} @ {d3[1]}, 0DH.4 = {d4[0]} @ {d4[1]} '
               '(want 64 @ 960, 64 @ 1024)')
    elif not mpx:
        expect(d3 == (0, 0, 0, 0) and d4 == (0, 0, 0, 0), cpu,
               f'no MPX: 0DH.3 {fmt(d3)} and 0DH.4 {fmt(d4)} zero')
    if not xsave:
        zero = all(leaves[(0xd, s)] == (0, 0, 0, 0) for s in (0, 1, 3, 4, 19))
        expect(zero, cpu, 'no XSAVE: every 0DH sub-leaf is zero')


def main():
    T.skip_unless_apxf()
    img, _ = T.build_boot_sector(SRC)
    try:
        with open(DOCS, encoding='utf-8') as f:
            docs = f.read()
    except OSError as e:
        docs = ''
        failures.append(f'cannot read {DOCS}: {e}')
        T.log(f'FAIL: cannot read {DOCS}: {e}')
    wd = T.workdir()
    try:
        for n, (cpu, want) in enumerate(ROWS, 1):
            check_row(wd, n, cpu, want, img, docs)
    finally:
        T.cleanup(wd)
    if failures:
        T.fail(f'{len(failures)} check(s) failed:\n  ' +
               '\n  '.join(failures))
    T.log(f'all {len(ROWS)} rows as expected')


main()

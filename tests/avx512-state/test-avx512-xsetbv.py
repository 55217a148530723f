#!/usr/bin/env python3
"""XSETBV and XCR0 bits 5-7 (AVX-512 state) as a bare-metal guest sees them.

qemu-system-x86_64 (TCG) boots tests/avx512-state/xsetbv.S, a boot sector
that sets CR4.OSXSAVE and tries XSETBV with a list of XCR0 values, each
after resetting XCR0 to 1, reading back XGETBV(0) and CPUID (0DH,0) EBX
(see the comment in xsetbv.S).  For each -cpu of ROWS the test checks:

 - the guest ran to its end; CPUID.1:ECX[27] (OSXSAVE) is 1 once CR4 has it;
 - avx512f (CPUID.7.0:EBX[16]) and CPUID 0DH.0 EAX[7:5] are as the row
   expects (111 with avx512f, 000 without);
 - every XSETBV faults or not as the SDM's rules say: #GP if bit 0 is
   clear, if YMM is set without SSE, if a bit is not in 0DH.0 EDX:EAX,
   if XCR0[7:5] is neither 000 nor 111, if XCR0[7:5] = 111 without
   XCR0[2:1] = 11 (and never #UD: CR4.OSXSAVE is set);
 - XGETBV reads the value after a successful XSETBV, 1 after a refused one;
 - CPUID 0DH.0 EBX is the standard-format size for the XCR0 in force
   (e.g. 832 for 7, 2688 for 0xe7);
 - named values: with avx512f 0x7 and 0xe7 load, 0x27, 0x67 and 0xe3
   #GP; without avx512f 0xe7 #GPs.
Every row is checked and reported; the test fails at the end if any check
failed.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apxtest as T  # noqa: E402
from avx512lib import CPU_512  # noqa: E402
import avx512lib as L  # noqa: E402
# -cpu, and whether the guest must see avx512f (None: whatever it sees,
# the rules must hold)
ROWS = [
    (CPU_512, True),
    ('max,avx512f=off', False),
    ('max,apxf=off', True),
    ('Skylake-Server', True),
]
SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'xsetbv.S')
GUEST_EXIT = (0x20 << 1) | 1
# standard-format offset and size of the XCR0 components the values use
LAYOUT = {1: (160, 256), 2: (576, 256), 5: (1088, 64), 6: (1152, 512),
          7: (1664, 1024), 9: (2688, 8), 19: (960, 128)}
XSETBV_RE = re.compile(r'^XSETBV ([0-9a-f]{8}) ([-GU]) ([0-9a-f]{8}) '
                       r'([0-9a-f]{8})$', re.M)


def expect(cond, cpu, msg):
    L.expect(cond, f'{cpu}: {msg}')


def allowed(v, supported):
    """Whether XSETBV(v) must succeed, by the SDM's rules."""
    hi = (v >> 5) & 7
    return bool((v & 1) and (v & 6) != 4 and not (v & ~supported) and
                ((v >> 3) & 1) == ((v >> 4) & 1) and hi in (0, 7) and
                (hi == 0 or (v & 6) == 6))


def area_size(xcr0):
    """CPUID (0DH,0) EBX for xcr0: the end of its last component."""
    end = 576
    for bit, (off, size) in LAYOUT.items():
        if xcr0 & (1 << bit):
            end = max(end, off + size)
    return end


def run_guest(wd, n, cpu, img):
    out = os.path.join(wd, f'row{n}.debugcon')
    args = [T.QEMU, '-accel', 'tcg', '-machine', 'pc', '-cpu', cpu,
            '-m', '32', '-nodefaults', '-display', 'none', '-no-reboot',
            '-drive', f'file={img},format=raw,if=ide,snapshot=on',
            '-chardev', f'file,id=dbg,path={out}',
            '-device', 'isa-debugcon,iobase=0xe9,chardev=dbg',
            '-device', 'isa-debug-exit,iobase=0xf4,iosize=1']
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=60,
                           check=False)
        rc, err = p.returncode, p.stderr
    except subprocess.TimeoutExpired as e:
        rc, err = 'timeout', (e.stderr or b'').decode(errors='replace')
    text = ''
    if os.path.exists(out):
        with open(out, encoding='utf-8', errors='replace') as f:
            text = f.read()
    return rc, err, text


def hexes(text, prefix):
    m = re.search(rf'^{prefix}((?: [0-9a-f]{{8}})+)$', text, re.M)
    return [int(x, 16) for x in m.group(1).split()] if m else None


def check_row(wd, n, cpu, want512, img):
    rc, err, text = run_guest(wd, n, cpu, img)
    T.log(f'--- -cpu {cpu}: exit {rc}\n{text.rstrip()}'
          + (f'\nstderr: {err.strip()}' if err.strip() else ''))
    expect(rc == GUEST_EXIT and text.endswith('DONE\n'), cpu,
           f'the guest ran to its end (exit {rc})')
    l7 = hexes(text, 'CPUID 00000007')
    ld = hexes(text, 'CPUID 0000000d')
    osx = hexes(text, 'OSXSAVE')
    if not (l7 and ld and osx):
        expect(False, cpu, 'the guest printed its CPUID lines')
        return
    avx512f = (l7[0] >> 16) & 1
    supported = (ld[3] << 32) | ld[0]
    expect((osx[0] >> 27) & 1, cpu, 'CPUID.1:ECX[27] OSXSAVE = 1 after CR4')
    if want512 is not None:
        expect(avx512f == want512, cpu,
               f'avx512f = {avx512f} (want {int(want512)})')
    expect((supported >> 5) & 7 == (7 if avx512f else 0), cpu,
           f'CPUID 0DH.0 EAX {ld[0]:#x}: bits 7:5 = '
           f'{"111" if avx512f else "000"} (avx512f = {avx512f})')
    results = {}
    for m in XSETBV_RE.finditer(text):
        v, r, xcr0, ebx = (int(m.group(1), 16), m.group(2),
                           int(m.group(3), 16), int(m.group(4), 16))
        ok = allowed(v, supported)
        results[v] = r
        what = f'XSETBV {v:#x}: {"loads" if ok else "#GP"}'
        expect(r == ('-' if ok else 'G'), cpu, f'{what} (got {r})')
        want_xcr0 = v if ok else 1
        expect(xcr0 == want_xcr0, cpu,
               f'{what}: XGETBV = {xcr0:#x} (want {want_xcr0:#x})')
        expect(ebx == area_size(want_xcr0), cpu,
               f'{what}: CPUID 0DH.0 EBX = {ebx} (want '
               f'{area_size(want_xcr0)} for XCR0 {want_xcr0:#x})')
    expect(len(results) >= 17, cpu, f'{len(results)} XSETBV lines')
    named = ({0x7: '-', 0x27: 'G', 0x67: 'G', 0xe3: 'G', 0xe7: '-'}
             if avx512f else {0x7: '-', 0xe7: 'G'})
    for v, r in named.items():
        expect(results.get(v) == r, cpu,
               f'named: XSETBV {v:#x} {"#GP" if r == "G" else "loads"}')


def main():
    T.skip_unless_apxf()
    img, _ = T.build_boot_sector(SRC)
    wd = T.workdir()
    try:
        for n, (cpu, want512) in enumerate(ROWS):
            check_row(wd, n, cpu, want512, img)
    finally:
        T.cleanup(wd)
    L.finish('rows')


if __name__ == '__main__':
    main()

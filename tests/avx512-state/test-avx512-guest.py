#!/usr/bin/env python3
"""A Linux 7.x guest under TCG enables and context-switches AVX-512 state.

The guest (scripts/guest-kernel.sh, an initramfs by scripts/mkinitramfs.sh
holding tests/avx512-state/avx512-state) boots with -cpu CPU_512 on two
vCPUs.  The test checks:

 - the kernel's x86/fpu lines: "Supporting XSAVE feature 0x020: 'AVX-512
   opmask'", "0x040: 'AVX-512 Hi256'", "0x080: 'AVX-512 ZMM_Hi256'", and
   xstate_offset[5..7] 1088/1152/1664 with xstate_sizes 64/512/1024;
 - avx512-state passes in the guest (every check of the linux-user test,
   now with the guest kernel's XSAVE-based signal frames and scheduler);
 - avx512-state threads 4 SECONDS: four threads on two vCPUs keep their
   own k0-7/ZMM0-31 across context switches;
 - control: with avx512f=off the kernel names no component 5-7 and the
   program reports no AVX-512 state.

Guest userland (busybox, the test program) is linked with glibc, which
runs its AVX-512 (EVEX) string functions; the guest kernel runs its own
AVX-512 code (blake2s's self-test at boot, for one).  CPU_512 forces the
five AVX-512 features of the x86-64-v4 level, which TCG does not
advertise yet.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apxtest as T  # noqa: E402
from avx512lib import CPU_512, KERNEL_APPEND, initramfs  # noqa: E402
import avx512lib as L  # noqa: E402

SECONDS = 8

FEATURES = [(0x020, 'AVX-512 opmask'), (0x040, 'AVX-512 Hi256'),
            (0x080, 'AVX-512 ZMM_Hi256')]
LAYOUT = [(5, 1088, 64), (6, 1152, 512), (7, 1664, 1024)]

expect = L.expect


def boot(wd, name, cpu, kernel, img):
    g = T.Guest(wd, name, cpu=cpu, kernel=kernel, initrd=img,
                append=f'{KERNEL_APPEND} avx.secs={SECONDS}').launch()
    try:
        txt = g.wait_for('APX-GUEST: done', timeout=100)
    finally:
        g.shutdown()
    T.log(f'--- {name} (-cpu {cpu}) console:\n{txt.rstrip()}')
    return txt


def main():
    T.skip_unless_apxf()
    kernel = L.guest_kernel()
    img = initramfs()
    wd = T.workdir()
    try:
        txt = boot(wd, 'avx512', CPU_512, kernel, img)
        for bit, name in FEATURES:
            line = f"x86/fpu: Supporting XSAVE feature 0x{bit:03x}: '{name}'"
            expect(line in txt, f'guest kernel: "{line}"')
        for comp, off, size in LAYOUT:
            line = (f'x86/fpu: xstate_offset[{comp}]: {off:4d}, '
                    f'xstate_sizes[{comp}]: {size:4d}')
            expect(line in txt, f'guest kernel: "{line}"')
        fails = re.findall(r'^AVX512-STATE: FAIL.*$', txt, re.M)
        expect('AVX512-STATE: exit 0' in txt and
               re.search(r'^AVX512-STATE: PASS checks=\d+', txt, re.M),
               'avx512-state passes in the guest'
               + (f' (failed: {fails})' if fails else ''))
        last = {}
        for m in re.finditer(r'^AVX512-STATE: t=(\d) n=(\d+) cs=(\d+) '
                             r'(.*)$', txt, re.M):
            last[int(m.group(1))] = (int(m.group(2)), int(m.group(3)),
                                     m.group(4))
        expect('AVX512-STATE: threads exit 0' in txt and
               'AVX512-STATE: PASS threads=4' in txt,
               f'4 guest threads keep their k0-7/ZMM0-31 for {SECONDS} s')
        expect(sorted(last) == [0, 1, 2, 3] and
               all(n > 0 for n, _, _ in last.values()) and
               len({v for _, _, v in last.values()}) == 4,
               'each guest thread reports rounds and its own values')
        switches = [cs for _, cs, _ in last.values()]
        expect(len(switches) == 4 and min(switches) >= 100,
               f'every guest thread was switched out and in again '
               f'(context switches: {switches})')

        txt = boot(wd, 'noavx512', 'max,avx512f=off', kernel, img)
        expect('x86/fpu: Supporting XSAVE feature 0x001' in txt and
               not re.search(r"feature 0x0[2468]0: 'AVX-512", txt) and
               'xstate_offset[5]' not in txt,
               'control guest (avx512f=off): XSAVE enumerated, no AVX-512 '
               'component')
        expect('AVX512-STATE: no AVX-512 state' in txt and
               'AVX512-STATE: exit 3' in txt,
               'control guest: the program reports no AVX-512 state')
    finally:
        T.cleanup(wd)
    L.finish('checks')


if __name__ == '__main__':
    main()

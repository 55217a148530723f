#!/usr/bin/env python3
"""GDB and the monitor outside 64-bit mode, with XCR0[19] clear.

R16..R31 exist only in 64-bit mode and once the OS has enabled APX in
XCR0 (docs/system/i386/apx.rst, "Inspecting the registers").  A boot
sector (tests/apx/egprs16.S) loads them with XRSTOR in real mode, turns
XCR0[19] off again and halts, so the vCPU holds values that the guest
cannot address.  Then:

 - HMP "print $r16".."print $r31" shows the values the vCPU holds;
 - "info registers" shows the 32-bit register layout, without R16..R31;
 - GDB reads them as 0, like R8..R15 outside 64-bit mode, and its writes
   are dropped: HMP still shows the held values afterwards.

tests/apx/test-gdb-egprs.py covers 64-bit mode with APX enabled, where
GDB reads and writes them.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402
from qemu.machine import QEMUMachine  # noqa: E402

T.skip_unless_apxf()

SRC = os.path.join(T.TOP, 'tests', 'apx', 'egprs16.S')


def pattern(r):
    return 0xa5a5a5a5_00000000 | r


def hmp_regs(vm):
    out = {}
    for r in range(16, 32):
        txt = vm.cmd('human-monitor-command', command_line=f'print $r{r}')
        out[r] = int(txt.split()[0], 0)
    return out


img, syms = T.build_boot_sector(SRC)
halt = syms['halt']
wd = T.workdir()
vm = None
try:
    port = T.free_port()
    vm = QEMUMachine(T.QEMU, name='gdbmodes', base_temp_dir=wd, log_dir=wd,
                     args=['-machine', 'pc', '-accel', 'tcg',
                           '-cpu', T.APX_CPU, '-m', '32', '-nodefaults',
                           '-no-reboot',
                           '-drive', f'file={img},format=raw,if=ide',
                           '-gdb', f'tcp:127.0.0.1:{port}'])
    vm.launch()
    end = time.monotonic() + 30
    while time.monotonic() < end:
        if hmp_regs(vm)[31] == pattern(31):
            break
        time.sleep(0.1)
    # Let it reach the hlt loop, then stop it there.
    time.sleep(0.5)
    vm.cmd('stop')
    regs = vm.cmd('human-monitor-command', command_line='info registers')
    T.log(regs)
    T.check(re.search(r'EIP=0000(7c[0-9a-f]{2})', regs) is not None and
            int(re.search(r'EIP=0000(7c[0-9a-f]{2})', regs).group(1), 16)
            in (halt, halt + 1, halt + 2),
            f'the guest halted at {halt:#x}, in real mode')
    T.check('EAX=' in regs and 'RAX=' not in regs and 'R16=' not in regs,
            'info registers: the 32-bit layout, without R16..R31')
    held = hmp_regs(vm)
    T.check(all(held[r] == pattern(r) for r in range(16, 32)),
            'HMP print $r16..$r31: the values the vCPU holds '
            f'({held[16]:#x} ... {held[31]:#x})')

    out = T.run_gdb(port, [
        'printf "READ"',
        *[f'printf " r{r}=%016lx", $r{r}' for r in range(16, 32)],
        'printf "\\n"', 'set $r16 = 0x1234', 'set $r31 = 0x5678',
        'printf "AFTER r16=%016lx r31=%016lx\\n", $r16, $r31',
        'detach'])
    T.log(out[-2000:])
    m = re.search(r'READ((?: r\d+=[0-9a-f]{16}){16})', out)
    T.check(m is not None, 'gdb read r16..r31 by name')
    T.check(all(int(p.split('=')[1], 16) == 0 for p in m.group(1).split()),
            'gdb reads r16..r31 as 0 outside 64-bit mode with XCR0[19] clear')
    T.check('AFTER r16=0000000000000000 r31=0000000000000000' in out,
            'gdb: writes to r16 and r31 are dropped')
    if vm.cmd('query-status')['status'] == 'running':
        vm.cmd('stop')
    after = hmp_regs(vm)
    T.check(after == held, 'the vCPU still holds its values after the dropped gdb writes')
finally:
    if vm:
        vm.shutdown()
    T.cleanup(wd)

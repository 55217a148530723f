#!/usr/bin/env python3
"""qemu-system-i386 under TCG boots a 32-bit guest that runs.

tests/i386/boot32.S is a boot sector: SeaBIOS loads it, it enters 32-bit
protected mode, sums 1..1000 in a loop, reads CPUID and prints the results
on COM1.  Checked:
 - -cpu max: QMP reports an i386 target; 'info registers' shows the reset
   state before the guest runs (EIP=0000fff0, real mode) and afterwards
   32-bit protected mode (CR0.PE, CS32), halted at the boot sector's
   'halt'; the guest prints the right sum and sees no long mode
   (CPUID.80000001H:EDX[29] = 0);
 - -cpu max,apxf=on starts and the guest sees no APX
   (CPUID.(7,1).EDX[21] = 0): APX needs 64-bit mode;
 - control: the same boot sector under qemu-system-x86_64 -cpu
   max,apxf=on,mpx=off sees APX and long mode, so the reads above can fail.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402
from qemu.machine import QEMUMachine  # noqa: E402

QEMU_I386 = os.path.join(T.BUILD, 'qemu-system-i386')
SRC = os.path.join(T.TOP, 'tests', 'i386', 'boot32.S')
LINE_RE = re.compile(r'^I386-GUEST: (\S+)=([0-9a-f]{8})$', re.M)
APX_F = 1 << 21         # CPUID.(7,1).EDX
LM = 1 << 29            # CPUID.80000001H.EDX


class BootGuest:
    """One QEMU process booting the boot sector, COM1 in a file."""

    def __init__(self, wd, name, binary, cpu, img):
        self.name = name
        self.console = os.path.join(wd, f'{name}.console')
        open(self.console, 'w', encoding='utf-8').close()
        self.vm = QEMUMachine(binary, name=name, base_temp_dir=wd,
                              log_dir=wd, args=[
                                  '-machine', 'pc', '-accel', 'tcg',
                                  '-cpu', cpu, '-m', '32', '-nodefaults',
                                  '-no-reboot', '-S',
                                  '-drive', f'file={img},format=raw,if=ide',
                                  '-serial', f'file:{self.console}'])

    def hmp(self, cmd):
        return self.vm.cmd('human-monitor-command', command_line=cmd)

    def run(self, timeout=20):
        """Let the guest run until it says done; its values by name."""
        self.vm.cmd('cont')
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with open(self.console, encoding='utf-8', errors='replace') as f:
                txt = f.read()
            if 'I386-GUEST: done' in txt:
                T.log(f'{self.name} console:\n' + txt.rstrip())
                return {k: int(v, 16) for k, v in LINE_RE.findall(txt)}
            time.sleep(0.1)
        T.fail(f'{self.name}: no "I386-GUEST: done" within {timeout}s; '
               f'console:\n{txt}')
        return None


def main():
    img, syms = T.build_boot_sector(SRC)
    halt = syms['halt']
    wd = T.workdir()
    guests = []
    try:
        # -cpu max: the reset state, then the guest's 32-bit state
        g = BootGuest(wd, 'i386-max', QEMU_I386, 'max', img)
        guests.append(g)
        g.vm.launch()
        T.check(g.vm.cmd('query-target')['arch'] == 'i386',
                'query-target: arch i386')
        T.check(g.vm.cmd('query-cpus-fast')[0]['target'] == 'i386',
                'query-cpus-fast: an i386 CPU')
        regs = g.hmp('info registers')
        T.check('EIP=0000fff0' in regs and 'CR0=60000010' in regs,
                'before it runs: EIP=0000fff0, CR0=60000010 (real mode)')
        T.check('RAX=' not in regs and 'R16=' not in regs,
                'info registers shows 32-bit registers only')
        vals = g.run()
        T.check(vals.get('sum') == 500500, 'the guest sums 1..1000 = 500500')
        T.check(not vals['cpuid80000001.edx'] & LM,
                'the guest sees no long mode (CPUID.80000001H:EDX[29] = 0)')
        regs = g.hmp('info registers')
        eip = int(re.search(r'EIP=([0-9a-f]{8})', regs).group(1), 16)
        cr0 = int(re.search(r'CR0=([0-9a-f]{8})', regs).group(1), 16)
        T.check(eip in (halt, halt + 1) and 'HLT=1' in regs,
                f'after it runs: EIP={eip:08x}, halted at halt ({halt:08x})')
        T.check(cr0 & 1 and re.search(r'^CS =0008 .* CS32 ', regs, re.M),
                f'after it runs: protected mode (CR0={cr0:08x}), CS32')
        g.vm.shutdown()

        # -cpu max,apxf=on on a 32-bit target: starts, no APX in the guest
        g = BootGuest(wd, 'i386-apxf', QEMU_I386, 'max,apxf=on', img)
        guests.append(g)
        g.vm.launch()
        vals = g.run()
        cpu = g.vm.cmd('query-cpus-fast')[0]['qom-path']
        props = {p: g.vm.cmd('qom-get', path=cpu, property=p)
                 for p in ('apxf', 'mpx')}
        g.vm.shutdown()
        said = (g.vm.get_log() or '').strip().splitlines()
        T.log('qemu-system-i386 -cpu max,apxf=on said: ' + ' | '.join(said))
        warnings = [line for line in said if 'warning' in line]
        T.check(len(warnings) == 1 and "'apxf' needs 64-bit mode" in
                warnings[0], 'qemu-system-i386 -cpu max,apxf=on: one warning, '
                'that APX needs 64-bit mode')
        T.check(props == {'apxf': False, 'mpx': True},
                f'... and nothing else changes: MPX stays ({props})')
        T.check(vals['cpuid0.eax'] >= 7, 'CPUID leaf 7 exists')
        T.check(not vals['cpuid7.1.edx'] & APX_F,
                'qemu-system-i386 -cpu max,apxf=on: the guest sees no APX '
                '(CPUID.(7,1).EDX[21] = 0)')

        # control: the same reads see APX and long mode on x86_64
        g = BootGuest(wd, 'x86_64-apxf', T.QEMU, T.APX_CPU, img)
        guests.append(g)
        g.vm.launch()
        vals = g.run()
        T.check(vals['cpuid7.1.edx'] & APX_F and
                vals['cpuid80000001.edx'] & LM,
                f'control: qemu-system-x86_64 -cpu {T.APX_CPU}: the same '
                'guest sees APX and long mode')
        g.vm.shutdown()
    finally:
        for g in guests:
            if g.vm.is_running():
                g.vm.kill()
        T.cleanup(wd)


main()

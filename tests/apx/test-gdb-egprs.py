#!/usr/bin/env python3
"""GDB sees and changes R16..R31 through the gdbstub (system mode, TCG).

The guest program keeps each thread's pattern in R16..R31.  The guest
kernel never touches those registers, so after stopping the VM each vCPU
still holds the pattern of the thread that last ran on it.  GDB (reading
the registers by name from the org.gnu.gdb.i386.apx feature) must show a
complete pattern on every vCPU, the same values "info registers" showed before GDB attached.
Then GDB writes r16 on one vCPU; when the VM continues, the thread that
owns those registers must notice the foreign value and report it, which
proves the write reached the vCPU.
"""
import os
import re
import time
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402

T.skip_unless_apxf()

MARK = 0x0bad0bad0bad0bad
wd = T.workdir()
g = None
try:
    port = T.free_port()
    g = T.Guest(wd, 'gdb', args=(4, 20),
                extra=('-gdb', f'tcp:127.0.0.1:{port}')).launch()
    g.wait_for(T.REPORT_RE)
    # gdb writes r16 of the second vCPU; that must reach a guest thread,
    # so stop the guest while that vCPU runs user code: in the kernel it
    # may be switching threads, with the running one's registers already
    # saved, and the write would then reach no thread's registers
    for attempt in range(200):
        g.vm.cmd('stop')
        info = g.hmp('info registers -a')
        rips = [int(x, 16) for x in re.findall(r'\bRIP=([0-9a-f]{16})', info)]
        if len(rips) == 2 and rips[1] < 1 << 47:
            break
        g.vm.cmd('cont')
        time.sleep(0.02)
    T.log(f'stopped with vCPU 1 in user code after {attempt + 1} tries')
    cmds = []
    for th in (1, 2):
        cmds += [f'thread {th}',
                 'printf "VCPU %d", $_thread'] + \
                [f'printf " r{r}=%016lx", $r{r}' for r in range(16, 32)] + \
                ['printf "\\n"']
    cmds += ['thread 2', f'set $r16 = {MARK:#x}', 'printf "SET %016lx\\n", $r16',
             'detach']
    out = T.run_gdb(port, cmds)
    vcpus = {}
    for m in re.finditer(r'VCPU (\d+)((?: r\d+=[0-9a-f]{16}){16})', out):
        vcpus[int(m.group(1))] = {int(k[1:]): int(v, 16) for k, v in
                                  (p.split('=') for p in m.group(2).split())}
    T.check(len(vcpus) == 2, f'gdb read R16..R31 of both vCPUs\n{out[-1500:]}')
    for n, regs in vcpus.items():
        owner = [t for t in range(4) if regs[16] == T.pattern(t, 16)]
        T.check(len(owner) == 1 and all(regs[r] == T.pattern(owner[0], r)
                                        for r in range(16, 32)),
                f'vCPU {n - 1}: r16..r31 are thread {owner[0] if owner else "?"}'
                "'s complete pattern")
        T.check(f'R16={regs[16]:016x} R17={regs[17]:016x}' in info,
                f'vCPU {n - 1}: info registers agrees with gdb')
    # The layout upstream QEMU uses: R16..R31 between R15 and RIP
    T.check(len(re.findall(r' R15=[0-9a-f]{16}\r?\nR16=', info)) == 2 and
            len(re.findall(r' R31=[0-9a-f]{16}\r?\nRIP=', info)) == 2,
            'info registers: R16..R31 right after R15 and before RIP, on both vCPUs')
    T.check(f'SET {MARK:016x}' in out, 'gdb wrote r16 on vCPU 1')
    # Detaching GDB may already have resumed the VM.
    if g.vm.cmd('query-status')['status'] != 'running':
        g.vm.cmd('cont')
    txt = g.wait_for('APX-XSTATE: exit', timeout=60)
    T.check(f'got={MARK:016x}' in txt,
            'the guest thread on that vCPU saw the value written by gdb')
finally:
    if g:
        g.shutdown()
    T.cleanup(wd)

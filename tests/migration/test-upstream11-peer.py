#!/usr/bin/env python3
"""Live migration with upstream QEMU 11.1 (Debian unstable's build).

A guest without APX runs on pc-q35-10.0, the newest machine type both
QEMUs have, and goes ours -> 11.1 -> ours over TCP.

1. Both QEMUs make the same CPU of the -cpu option (QEMU does not migrate
   CPUID, so this is what makes the guest's CPU the same after a hop):
   identical CPUID feature words and levels.  (-cpu max is not: 11.1's
   max has more; a named model is.)
2. At each hop the destination is started with -S, so that after the
   migration both sides hold the guest still: every vCPU's registers
   (info registers -a: GPRs, segments, control registers, FPU, SSE/AVX)
   and the guest's RAM must be equal on both sides.  Then the
   destination runs, and the guest's tick counter must go on from where
   it was (no reboot, no lost console).
3. APX and 11.1 without KVM (docs/peers.md, "APX guests and 11.1"):
   11.1's TCG filters apxf, and refuses to start with enforce.  Without
   enforce it accepts the stream of our running APX guest all the same
   (upstream does not check cpu/apx against the CPU) and runs it, but
   sends no cpu/apx back: on our destination R16..R31 are zero and the
   guest program sees its registers lost.  This documents upstream's
   behaviour; if it changes, the docs must too.
"""
import hashlib
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402
import upstream_peer as P  # noqa: E402

T.skip_unless_apxf()
P.setup()
MACHINE = 'pc-q35-10.0'
CPU = 'Haswell'     # XSAVE with AVX/AVX2 state; no MPX, no APX
MEM = 256


def cpu_of(vm):
    """What makes the CPU: CPUID feature words, levels, model."""
    path = vm.cmd('query-cpus-fast')[0]['qom-path']
    words = {(w['cpuid-input-eax'], w.get('cpuid-input-ecx', 0),
              w['cpuid-register']): w['features']
             for w in vm.cmd('qom-get', path=path, property='feature-words')}
    # a word only one QEMU knows counts when it is not zero
    words = {k: v for k, v in words.items() if v}
    props = {p: vm.cmd('qom-get', path=path, property=p)
             for p in ('level', 'xlevel', 'vendor', 'family', 'model',
                       'stepping', 'model-id', 'phys-bits')}
    return words, props


class Ticks:
    """A Guest.wait_for() needle: n APX-TICK lines on the console."""

    def __init__(self, n):
        self.n = n
        self.pattern = f'{n} APX-TICK lines'

    def search(self, txt):
        return len(T.ticks(txt)) >= self.n


def registers(vm):
    return vm.cmd('human-monitor-command', command_line='info registers -a')


def ram_digest(vm, wd, name):
    """SHA-256 of the guest's RAM below 4 GiB (the whole RAM here)."""
    path = os.path.join(wd, name + '.ram')
    vm.cmd('pmemsave', val=0, size=MEM << 20, filename=path)
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    os.unlink(path)
    return h.hexdigest()


wd = P.workdir()
guests = []
try:
    kernel = P.guest_kernel(wd)
    peer = {'binary': P.BINARY, 'wrapper': P.WRAPPER}

    def guest(name, ours, cpu=CPU, **kw):
        """A guest on ours or on 11.1; without args, the tick counter."""
        g = T.Guest(wd, name, cpu=cpu, machine=MACHINE, kernel=kernel,
                    mem=MEM, ticks=None if 'args' in kw else 3000,
                    **({} if ours else peer), **kw)
        guests.append(g)
        return g.launch()

    a = guest('ours-a', True)
    a.wait_for('APX-TICK 10')
    # 1. The same CPU on both sides
    probe = guest('peer-probe', False, extra=['-S'])
    mine, theirs = cpu_of(a.vm), cpu_of(probe.vm)
    probe.shutdown()
    T.check(mine == theirs,
            f'-cpu {CPU} on {MACHINE} is the same CPU on ours and on 11.1 '
            f'({len(mine[0])} non-zero CPUID words, level {mine[1]["level"]:#x},'
            f' xlevel {mine[1]["xlevel"]:#x})' if mine == theirs else
            f'-cpu {CPU} differs: ours {mine} / 11.1 {theirs}')

    # 2. ours -> 11.1 -> ours
    src = a
    for name, ours in (('peer-b', False), ('ours-c', True)):
        port = T.free_port()
        dst = guest(name, ours, extra=['-S'],
                    incoming=f'tcp:127.0.0.1:{port}')
        last = max(T.ticks(src.text()))
        st = T.migrate(src.vm, f'tcp:127.0.0.1:{port}')
        T.check(st['status'] == 'completed',
                f'{src.name} -> {name}: migration completed '
                f'({st["ram"]["transferred"] >> 20} MiB, '
                f'downtime {st.get("downtime")} ms)')
        T.check(src.vm.cmd('query-status')['status'] == 'postmigrate' and
                dst.vm.cmd('query-status')['status'] == 'paused',
                f'{src.name} stopped, {name} holds the guest paused')
        before, after = registers(src.vm), registers(dst.vm)
        if before != after:
            T.log(f'{src.name}:\n{before}\n{name}:\n{after}')
        T.check(before == after and re.search(r'RIP=[0-9a-f]{16}', after),
                f'{name}: info registers -a equals the source\'s '
                f'({len(after.splitlines())} lines, 2 vCPUs, 64-bit mode)')
        T.check(ram_digest(src.vm, wd, src.name) ==
                ram_digest(dst.vm, wd, name),
                f'{name}: the guest\'s {MEM} MiB of RAM equal the source\'s')
        dst.vm.cmd('cont')
        T.check(T.wait_running(dst.vm), f'{name} runs the guest')
        # the destination's console starts empty; the guest may have
        # counted on while the migration ran: wait for ten ticks there
        txt = dst.wait_for(Ticks(10), timeout=60)
        got = T.ticks(txt)
        T.check('APX-GUEST: ready' not in txt and got[0] >= last and
                got == list(range(got[0], got[0] + len(got))),
                f'{name}: the guest continued counting ({got[0]}..{got[-1]}'
                f' after {last} on {src.name}), no reboot')
        src.shutdown()
        src = dst
    src.shutdown()

    # 3. An APX guest and an 11.1 without APX.  The guest's CPU has no
    # AVX-512 either: 11.1's TCG has none, and the guest kernel would use
    # it (this part is about APX; -cpu max is not migration-safe)
    apx_cpu = (T.APX_CPU + ',avx512f=off,avx512vl=off,avx512bw=off,'
               'avx512dq=off,avx512cd=off')
    try:
        r = P.run(['-machine', MACHINE, '-accel', 'tcg', '-nodefaults', '-S',
                   '-cpu', apx_cpu + ',enforce', '-display', 'none'],
                  check=False, timeout=30)
        said = f'status {r.returncode}: {r.stderr.strip()}'
    except subprocess.TimeoutExpired:
        r, said = None, 'it started'
    T.check(r is not None and r.returncode == 1 and
            "TCG doesn't support requested features" in r.stderr,
            f'11.1 -cpu {apx_cpu},enforce refuses to start under TCG '
            f'({said.splitlines()[-1]})')
    threads = 2
    apx = guest('ours-apx', True, cpu=apx_cpu, args=(threads, 40))
    apx.wait_for(T.REPORT_RE, timeout=90)
    port = T.free_port()
    mid = guest('peer-apx', False, cpu=apx_cpu, args=(threads, 40),
                incoming=f'tcp:127.0.0.1:{port}')
    st = T.migrate(apx.vm, f'tcp:127.0.0.1:{port}')
    T.check(st['status'] == 'completed',
            'ours (apxf) -> 11.1 (apxf filtered): 11.1 accepts the stream')
    txt = mid.wait_for(re.compile(r'(APX-XSTATE: t=\d+ .*\n){%d}'
                                  % (2 * threads)), timeout=60)
    T.check('APX-XSTATE: FAIL' not in txt and 'APX-GUEST: ready' not in txt,
            f'11.1 runs the APX guest on, its program still passing '
            f'({len(T.reports(txt))} report lines there)')
    port = T.free_port()
    back = guest('ours-back', True, cpu=apx_cpu, args=(threads, 40),
                 extra=['-S'], incoming=f'tcp:127.0.0.1:{port}')
    st = T.migrate(mid.vm, f'tcp:127.0.0.1:{port}')
    T.check(st['status'] == 'completed', '11.1 -> ours: completed')
    regs = registers(back.vm)
    egprs = re.findall(r'R(?:1[6-9]|2\d|3[01])=([0-9a-f]{16})', regs)
    T.check(len(egprs) == 16 * threads and set(egprs) == {'0' * 16},
            f'back on ours, R16..R31 of all {threads} vCPUs are zero: 11.1 '
            f'sent no cpu/apx')
    back.vm.cmd('cont')
    txt = back.wait_for('APX-XSTATE: exit', timeout=90)
    T.check(re.search(r'APX-XSTATE: FAIL t=\d+ reg=r\d+ want=[0-9a-f]+ '
                      r'got=0000000000000000', txt) is not None,
            'and the guest program finds them lost (got 0)')
finally:
    for g in guests:
        g.shutdown()
    T.cleanup(wd)

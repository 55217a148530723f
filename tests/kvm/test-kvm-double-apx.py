#!/usr/bin/env python3
"""KVM path of APX, against a KVM ABI double: R16..R31 through the ioctls.

This host's KVM has no APX, so tests/kvm-double/apx-kvm-double.c (an
LD_PRELOAD ioctl interposer, a TEST DOUBLE) makes it look like a kernel
with the "Enable APX for guests" series: APX in KVM_GET_SUPPORTED_CPUID
and a per-vCPU copy of XSAVE component 19 kept across KVM_SET_XSAVE and
KVM_GET_XSAVE2.  Everything else is the real KVM running real vCPUs.

Checked, with the values read back through HMP and the double's log of
what crossed the ioctl boundary:
 - "-cpu ...,apxf=on,enforce" starts, and the guest CPUID handed to KVM
   carries APX (7.1.EDX[21], 0DH.19 = 128 bytes at 960, 29H.EBX[0]);
 - values written with gdb reach "KVM" in KVM_SET_XSAVE and come back
   from KVM_GET_XSAVE2;
 - savevm, new values, loadvm: the snapshot's values are back in "KVM";
 - live migration to a second KVM QEMU process: the destination puts
   the values into its own "KVM" and reads them back;
 - control: when the double forgets component 19 (a kernel without the
   series' state handling), the values do not come back, so the checks
   above can fail.
"""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402
from qemu.machine import QEMUMachine  # noqa: E402

T.skip_unless_apxf()
T.skip_unless_kvm()
GDB = '/usr/bin/gdb'
if not os.access(GDB, os.X_OK):
    T.fail('gdb is not installed (scripts/install-deps.sh installs it)')

# qemu64 without pni (this nested host's KVM lacks SSE3) plus xsave; the
# double supplies APX.  enforce: fail rather than silently drop apxf.
CPU = ('qemu64,pni=off,xsave=on,apxf=on,apx-nci-ndd-nf=on,mpx=off,'
       'enforce')
DOUBLE_SRC = os.path.join(T.TOP, 'tests', 'kvm-double', 'apx-kvm-double.c')
REGS_RE = re.compile(r'R(1[6-9]|2\d|3[01])=([0-9a-f]{16})')


def values(tag):
    """A distinct value for each of r16..r31, different per tag."""
    return {r: (0x5a << 56) | (tag << 40) | (r << 32) | (0xfeed0000 + r)
            for r in range(16, 32)}


def log_fmt(vals):
    return ''.join(f' r{r}={vals[r]:016x}' for r in range(16, 32))


class KvmGuest:
    """A KVM QEMU process with the double preloaded and its own log."""

    def __init__(self, wd, name, double, extra=(), forget=False):
        self.log = os.path.join(wd, f'{name}.double.log')
        self.env = {'LD_PRELOAD': double, 'APX_KVM_DOUBLE_LOG': self.log}
        if forget:
            self.env['APX_KVM_DOUBLE_FORGET'] = '1'
        self.vm = QEMUMachine(T.QEMU, name=name, base_temp_dir=wd,
                              log_dir=wd,
                              args=['-accel', 'kvm', '-machine', 'q35',
                                    '-cpu', CPU, '-m', '256', '-nodefaults',
                                    *extra])
        self.mark = 0

    def launch(self):
        saved = {k: os.environ.get(k) for k in self.env}
        os.environ.update(self.env)
        try:
            self.vm.launch()
        finally:
            for k, v in saved.items():
                if v is None:
                    del os.environ[k]
                else:
                    os.environ[k] = v
        return self

    def hmp(self, cmd):
        return self.vm.cmd('human-monitor-command', command_line=cmd)

    def egprs(self):
        """R16..R31 of vCPU 0 from "info registers" (synchronised from KVM)."""
        out = self.hmp('info registers')
        regs = {int(n): int(v, 16) for n, v in REGS_RE.findall(out)}
        if len(regs) != 16:
            T.fail(f'{self.vm.name}: no R16..R31 in info registers:\n{out}')
        return regs

    def since_mark(self):
        """Double log lines written since the last call."""
        with open(self.log, encoding='utf-8') as f:
            lines = f.read().splitlines()
        new, self.mark = lines[self.mark:], len(lines)
        return new

    def shutdown(self):
        try:
            self.vm.shutdown()
        except Exception:  # pylint: disable=broad-except
            self.vm.kill()


def gdb_write(port, vals):
    cmds = ['set pagination off', 'set architecture i386:x86-64',
            f'target remote 127.0.0.1:{port}']
    cmds += [f'set $r{r} = {v:#x}' for r, v in vals.items()]
    cmds += ['printf "R16 %016lx R31 %016lx\\n", $r16, $r31', 'detach']
    args = [GDB, '-q', '-batch', '-nx']
    for c in cmds:
        args += ['-ex', c]
    r = subprocess.run(args, capture_output=True, text=True, timeout=60,
                       check=False)
    if f'R16 {vals[16]:016x} R31 {vals[31]:016x}' not in r.stdout:
        T.fail(f'gdb did not write r16..r31:\n{(r.stdout + r.stderr)[-800:]}')
    T.log(f'ok: gdb wrote r16..r31 ({vals[16]:#x}...)')


def write_and_check(g, port, vals, what):
    g.since_mark()
    gdb_write(port, vals)
    if g.vm.cmd('query-status')['status'] != 'running':
        g.vm.cmd('cont')
    time.sleep(0.5)
    g.vm.cmd('stop')
    got = g.egprs()
    T.check(got == vals, f'{what}: info registers shows the values '
            f'written with gdb')
    new = '\n'.join(g.since_mark())
    T.check(re.search(r'SET_XSAVE vcpu-fd=\d+ xstate_bv19=1' +
                      re.escape(log_fmt(vals)), new) is not None,
            f'{what}: the values entered KVM through KVM_SET_XSAVE')
    T.check(re.search(r'GET_XSAVE2 vcpu-fd=\d+ xstate_bv19=1' +
                      re.escape(log_fmt(vals)), new) is not None,
            f'{what}: and came back through KVM_GET_XSAVE2')


wd = T.workdir()
guests = []
try:
    double = os.path.join(wd, 'apx-kvm-double.so')
    subprocess.run(['gcc', '-O2', '-Wall', '-Werror', '-shared', '-fPIC',
                    '-o', double, DOUBLE_SRC, '-ldl'], check=True)

    # Control: a KVM that does not keep component 19 loses the values.
    port = T.free_port()
    c = KvmGuest(wd, 'control', double, forget=True,
                 extra=('-gdb', f'tcp:127.0.0.1:{port}'))
    guests.append(c)
    c.launch()
    gdb_write(port, values(1))
    if c.vm.cmd('query-status')['status'] != 'running':
        c.vm.cmd('cont')
    time.sleep(0.5)
    c.vm.cmd('stop')
    T.check(c.egprs() == {r: 0 for r in range(16, 32)},
            'control: without the double keeping component 19, the values '
            'written with gdb are gone (the checks below can fail)')
    c.shutdown()

    port = T.free_port()
    src = KvmGuest(wd, 'src', double, extra=('-gdb', f'tcp:127.0.0.1:{port}'))
    guests.append(src)
    src.launch()
    path = src.vm.cmd('query-cpus-fast')[0]['qom-path']
    T.check(src.vm.cmd('qom-get', path=path, property='apxf'),
            'apxf=on,enforce accepted: the double\'s KVM offers APX')
    T.check(any('SET_CPUID2' in line and '7.1.edx.apxf=1 0xd.19=128@960 '
                '0x29.ebx=1' in line for line in src.since_mark()),
            'the guest CPUID given to KVM has 7.1.EDX[21], 0DH.19 = 128@960 '
            'and 29H.EBX[0]')

    a, b = values(0xa), values(0xb)
    write_and_check(src, port, a, 'gdb write')

    T.add_snapshot_disk(src.vm, os.path.join(wd, 'snap.qcow2'))
    out = src.hmp('savevm apx-kvm')
    T.check(out.strip() == '', f'savevm succeeded {out.strip()!r}')
    write_and_check(src, port, b, 'after savevm, new values')
    src.since_mark()
    out = src.hmp('loadvm apx-kvm')
    T.check(out.strip() == '', f'loadvm succeeded {out.strip()!r}')
    T.check(src.egprs() == a, 'after loadvm: the snapshot\'s values are back')
    T.check(any(('SET_XSAVE' in line and log_fmt(a) in line)
                for line in src.since_mark()),
            'loadvm put the snapshot\'s values into KVM (KVM_SET_XSAVE)')

    mport = T.free_port()
    dst = KvmGuest(wd, 'dst', double,
                   extra=('-incoming', f'tcp:127.0.0.1:{mport}'))
    guests.append(dst)
    dst.launch()
    src.vm.cmd('cont')
    src.vm.cmd('migrate', uri=f'tcp:127.0.0.1:{mport}')
    st = T.wait_migration(src.vm)
    T.check(st['status'] == 'completed', f'migration {st["status"]}')
    for _ in range(100):
        if dst.vm.cmd('query-status')['status'] == 'running':
            break
        time.sleep(0.1)
    T.check(dst.vm.cmd('query-status')['status'] == 'running',
            'destination is running')
    dst.vm.cmd('stop')
    T.check(dst.egprs() == a,
            'destination: R16..R31 arrived exactly (info registers)')
    log = '\n'.join(dst.since_mark())
    T.check(re.search(r'SET_XSAVE vcpu-fd=\d+ xstate_bv19=1' +
                      re.escape(log_fmt(a)), log) is not None,
            'destination put them into its KVM (KVM_SET_XSAVE)')
    T.check(re.search(r'GET_XSAVE2 vcpu-fd=\d+ xstate_bv19=1' +
                      re.escape(log_fmt(a)), log) is not None,
            'and read them back from KVM (KVM_GET_XSAVE2)')
finally:
    for g in guests:
        g.shutdown()
    T.cleanup(wd)

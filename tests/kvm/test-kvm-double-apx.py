#!/usr/bin/env python3
"""KVM path of APX, against a KVM ABI double: R16..R31 through the ioctls.

This host's KVM has no APX, so tests/kvm-double/apx-kvm-double.c (an
LD_PRELOAD ioctl interposer, a TEST DOUBLE) makes it look like a kernel
with the "Enable APX for guests" series: APX in KVM_GET_SUPPORTED_CPUID,
component 19 in leaf 0DH past the end of every component the real KVM
reports (on an AMD host without MPX, 960 is inside AVX-512's state), and
a per-vCPU copy of XSAVE component 19 kept across KVM_SET_XSAVE and
KVM_GET_XSAVE2.  Everything else is the real KVM running real vCPUs.

Checked, with the values read back through HMP and the double's log of
what crossed the ioctl boundary:
 - the double's layout: the components the real KVM reports (read here
   with KVM_GET_SUPPORTED_CPUID) unchanged, component 19 after all of
   them, rounded up to 64, so not at 960;
 - "-cpu ...,apxf=on,enforce" starts, and the guest CPUID handed to KVM
   carries APX (7.1.EDX[21], 0DH.19 = 128 bytes at the double's offset,
   0DH.0.ECX covering it, no two components sharing bytes, 29H.EBX[0]);
 - values written with gdb reach "KVM" in KVM_SET_XSAVE and come back
   from KVM_GET_XSAVE2;
 - savevm, new values, loadvm: the snapshot's values are back in "KVM";
 - live migration to a second KVM QEMU process: the destination puts
   the values into its own "KVM" and reads them back;
 - the guest CPU has no AVX-512: new values written with gdb, saved to
   a file: the stream has one cpu/apx subsection and no cpu/avx512 one,
   and a fresh destination loading it gets the values;
 - control: the same stream with only its cpu/apx subsection removed
   loads with R16..R31 = 0, so the values travel in cpu/apx alone;
 - control: when the double forgets component 19 (a kernel without the
   series' state handling), the values do not come back, so the checks
   above can fail;
 - control: with the double forced to the old overlay (component 19 at
   960, APX_KVM_DOUBLE_OFFSET=960), a guest without AVX-512 leaks R16..R31
   into a cpu/avx512 subsection (or QEMU refuses the layout), so the
   "no cpu/avx512" check above can fail;
 - "-cpu host" (AVX-512 and APX) starts with the faithful layout, and
   with the old overlay QEMU refuses to start, naming both components
   ('avx512f' and 'apxf') and "overlap";
 - the double refuses (stderr, non-zero exit) a layout it cannot stand
   for, e.g. component 19 inside the legacy region and header.

Skips (exit 77) without a usable /dev/kvm or a QEMU without apxf.
"""
import errno
import fcntl
import os
import re
import struct
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
# qemu64 has no AVX-512, the file-migration checks rely on that.
CPU = ('qemu64,pni=off,xsave=on,apxf=on,apx-nci-ndd-nf=on,mpx=off,'
       'enforce')
DOUBLE_SRC = os.path.join(T.TOP, 'tests', 'kvm-double', 'apx-kvm-double.c')
REGS_RE = re.compile(r'R(1[6-9]|2\d|3[01])=([0-9a-f]{16})')
ZERO = {r: 0 for r in range(16, 32)}
AVX512_NAME = b'cpu/avx512'
OLD_OFFSET = 960

# struct kvm_cpuid2 { u32 nent, padding; struct kvm_cpuid_entry2 entries[]; }
# entry: function, index, flags, eax, ebx, ecx, edx, padding[3]
KVM_GET_SUPPORTED_CPUID = 0xc008ae05      # _IOWR(KVMIO, 0x05, kvm_cpuid2)
CPUID_ENTRY = struct.Struct('=10I')


def kvm_xsave_layout():
    """{i: (size, offset)}: the user state components that the real KVM
    reports in leaf 0DH of KVM_GET_SUPPORTED_CPUID (sub-leaf i: EAX =
    size, EBX = offset, ECX[0] = supervisor)."""
    fd = os.open('/dev/kvm', os.O_RDWR | os.O_CLOEXEC)
    try:
        nent = 64
        while True:
            buf = bytearray(struct.pack('=II', nent, 0) +
                            bytes(nent * CPUID_ENTRY.size))
            try:
                fcntl.ioctl(fd, KVM_GET_SUPPORTED_CPUID, buf, True)
                break
            except OSError as e:
                if e.errno != errno.E2BIG or nent >= 4096:
                    raise
                nent *= 2
    finally:
        os.close(fd)
    layout = {}
    for k in range(struct.unpack_from('=I', buf)[0]):
        fn, idx, _, eax, ebx, ecx, _, _, _, _ = CPUID_ENTRY.unpack_from(
            buf, 8 + k * CPUID_ENTRY.size)
        if fn == 0xd and idx >= 2 and eax and not ecx & 1:
            layout[idx] = (eax, ebx)
    return layout


def parse_components(text):
    """'2:256@576,19:128@2496' (or space separated) -> {i: (size, off)}"""
    return {int(i): (int(size), int(off))
            for i, size, off in re.findall(r'(\d+):(\d+)@(\d+)', text)}


def shared_bytes(layout):
    """Pairs of components that share bytes in layout."""
    items = sorted(layout.items())
    return [(a, b) for n, (a, (sa, oa)) in enumerate(items)
            for b, (sb, ob) in items[n + 1:] if oa < ob + sb and ob < oa + sa]


def host_has_apx():
    """The host processor has APX (CPUID 7.1.EDX[21]), per /proc/cpuinfo."""
    with open('/proc/cpuinfo', encoding='utf-8') as f:
        for line in f:
            if line.startswith('flags'):
                flags = line.split(':', 1)[1].split()
                return 'apx' in flags or 'apx_f' in flags
    return False


def values(tag):
    """A distinct value for each of r16..r31, different per tag."""
    return {r: (0x5a << 56) | (tag << 40) | (r << 32) | (0xfeed0000 + r)
            for r in range(16, 32)}


def log_fmt(vals):
    return ''.join(f' r{r}={vals[r]:016x}' for r in range(16, 32))


class KvmGuest:
    """A KVM QEMU process with the double preloaded and its own log."""

    def __init__(self, wd, name, double, extra=(), forget=False, cpu=CPU,
                 offset=None):
        self.name = name
        self.log = os.path.join(wd, f'{name}.double.log')
        self.env = {'LD_PRELOAD': double, 'APX_KVM_DOUBLE_LOG': self.log}
        if forget:
            self.env['APX_KVM_DOUBLE_FORGET'] = '1'
        if offset is not None:
            self.env['APX_KVM_DOUBLE_OFFSET'] = str(offset)
        self.vm = QEMUMachine(T.QEMU, name=name, base_temp_dir=wd,
                              log_dir=wd,
                              args=['-accel', 'kvm', '-machine', 'q35',
                                    '-cpu', cpu, '-m', '256', '-nodefaults',
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
            T.fail(f'{self.name}: no R16..R31 in info registers:\n{out}')
        return regs

    def cpu_prop(self, prop):
        path = self.vm.cmd('query-cpus-fast')[0]['qom-path']
        return self.vm.cmd('qom-get', path=path, property=prop)

    def lines(self):
        with open(self.log, encoding='utf-8') as f:
            return f.read().splitlines()

    def since_mark(self):
        """Double log lines written since the last call."""
        lines = self.lines()
        new, self.mark = lines[self.mark:], len(lines)
        return new

    def double_layout(self):
        """(components, offset of 19) from the double's "layout:" line."""
        for line in self.lines():
            m = re.match(r'layout:(.*) apx:128@(\d+) ', line)
            if m:
                return parse_components(m.group(1)), int(m.group(2))
        T.fail(f'{self.name}: no layout line in the double\'s log')
        return None

    def guest_cpuid(self):
        """The last SET_CPUID2 line: what QEMU told KVM the guest sees."""
        lines = [ln for ln in self.lines() if ln.startswith('SET_CPUID2')]
        if not lines:
            T.fail(f'{self.name}: QEMU never called KVM_SET_CPUID2')
        return lines[-1]

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


def gdb_write_stop(g, port, vals):
    """Write vals with gdb, let the vCPU run a little, stop it."""
    gdb_write(port, vals)
    if g.vm.cmd('query-status')['status'] != 'running':
        g.vm.cmd('cont')
    time.sleep(0.5)
    g.vm.cmd('stop')


def write_and_check(g, port, vals, what):
    g.since_mark()
    gdb_write_stop(g, port, vals)
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


def save_to_file(g, path):
    """Migrate g to a file; returns the stream's bytes."""
    st = T.migrate(g.vm, 'file:' + path)
    T.check(st['status'] == 'completed',
            f'{g.name}: saved to {os.path.basename(path)}')
    with open(path, 'rb') as f:
        return f.read()


def load_file(name, path, **kw):
    """A fresh KVM destination that loads the stream in path."""
    g = KvmGuest(WD, name, DOUBLE, extra=('-incoming', 'defer'), **kw)
    GUESTS.append(g)
    g.launch()
    g.vm.cmd('migrate-incoming', uri='file:' + path)
    st = T.wait_migration(g.vm, timeout=60)
    T.check(st['status'] == 'completed',
            f'{name}: {os.path.basename(path)} loaded')
    # the stream's source was paused, so the destination stays paused
    if g.vm.cmd('query-status')['status'] == 'running':
        g.vm.cmd('stop')
    return g


def start_fails(name, cpu, offset):
    """Run QEMU with the double at a forced offset, expecting it to stop
    at startup; returns (exit code, stderr), exit code None if it ran."""
    log = os.path.join(WD, f'{name}.double.log')
    env = dict(os.environ, LD_PRELOAD=DOUBLE, APX_KVM_DOUBLE_LOG=log,
               APX_KVM_DOUBLE_OFFSET=str(offset))
    try:
        r = subprocess.run([T.QEMU, '-accel', 'kvm', '-machine', 'q35',
                            '-cpu', cpu, '-m', '256', '-nodefaults', '-S',
                            '-display', 'none'],
                           env=env, capture_output=True, text=True,
                           timeout=30, check=False, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        err = e.stderr.decode() if isinstance(e.stderr, bytes) else ''
        T.log(f'{name}: QEMU still running after 30s (killed): {err}')
        return None, err or ''
    T.log(f'{name}: exit {r.returncode}: ' +
          r.stderr.strip().replace('\n', ' | '))
    return r.returncode, r.stderr


WD = T.workdir()
GUESTS = []
try:
    DOUBLE = os.path.join(WD, 'apx-kvm-double.so')
    subprocess.run(['gcc', '-O2', '-Wall', '-Werror', '-shared', '-fPIC',
                    '-o', DOUBLE, DOUBLE_SRC, '-ldl'], check=True)

    port = T.free_port()
    src = KvmGuest(WD, 'src', DOUBLE,
                   extra=('-gdb', f'tcp:127.0.0.1:{port}'))
    GUESTS.append(src)
    src.launch()

    # The double's layout against the real KVM's
    kvm = kvm_xsave_layout()
    T.log('real KVM reports XSAVE components ' +
          ' '.join(f'{i}:{s}@{o}' for i, (s, o) in sorted(kvm.items())))
    comps, off = src.double_layout()
    T.check(all(comps.get(i) == kvm[i] for i in kvm),
            'the double reports every component of the real KVM unchanged')
    end = max([576] + [o + s for s, o in comps.values()])
    T.check(off == (end + 63) // 64 * 64 and
            off >= max([576] + [o + s for s, o in kvm.values()]),
            f'the double puts component 19 at {off}: past the end of every '
            f'component ({end}), rounded up to 64')
    T.check(off != OLD_OFFSET and not shared_bytes({**comps, 19: (128, off)}),
            f'component 19 at {off}, not {OLD_OFFSET}: no two components '
            f'share bytes')

    T.check(src.cpu_prop('apxf'),
            'apxf=on,enforce accepted: the double\'s KVM offers APX')
    T.check(not src.cpu_prop('avx512f'), 'the guest CPU has no AVX-512')
    cpuid = src.guest_cpuid()
    T.log('guest CPUID: ' + cpuid)
    T.check(f'7.1.edx.apxf=1 0xd.19=128@{off} 0x29.ebx=1' in cpuid,
            f'the guest CPUID given to KVM has 7.1.EDX[21], 0DH.19 = '
            f'128@{off} and 29H.EBX[0]')
    guest = parse_components(cpuid.split(' 0xd=', 1)[1])
    T.check(guest.get(19) == (128, off) and not shared_bytes(guest),
            'the guest\'s XSAVE components do not share bytes')
    T.check(f'0xd.0.ecx={off + 128} ' in cpuid,
            f'the guest\'s XSAVE area size (0DH.0.ECX) is {off + 128}')
    src.since_mark()

    # Everything below writes R16..R31 with gdb.  The gdbstub writes them
    # only where they exist, in 64-bit mode with APX enabled in XCR0
    # (target/i386/gdbstub.c); for that the guest must execute XSETBV with
    # bit 19, which a processor without APX refuses.  The double imitates
    # KVM's ioctls, not the processor, so those checks need an APX host.
    if not host_has_apx():
        T.skip('kvm-apx-host', 'writing R16..R31 needs a guest that enabled '
               'APX in XCR0, which this host\'s processor cannot do (the '
               'layout and CPUID checks above passed)')

    # Control: a KVM that does not keep component 19 loses the values.
    port = T.free_port()
    ctl = KvmGuest(WD, 'control', DOUBLE, forget=True,
                   extra=('-gdb', f'tcp:127.0.0.1:{port}'))
    GUESTS.append(ctl)
    ctl.launch()
    gdb_write_stop(ctl, port, values(1))
    T.check(ctl.egprs() == ZERO,
            'control: without the double keeping component 19, the values '
            'written with gdb are gone (the checks below can fail)')
    ctl.shutdown()

    a, b, c = values(0xa), values(0xb), values(0xc)
    write_and_check(src, port, a, 'gdb write')

    T.add_snapshot_disk(src.vm, os.path.join(WD, 'snap.qcow2'))
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

    mport, dport = T.free_port(), T.free_port()
    dst = KvmGuest(WD, 'dst', DOUBLE,
                   extra=('-incoming', f'tcp:127.0.0.1:{mport}',
                          '-gdb', f'tcp:127.0.0.1:{dport}'))
    GUESTS.append(dst)
    dst.launch()
    src.vm.cmd('cont')
    src.vm.cmd('migrate', uri=f'tcp:127.0.0.1:{mport}')
    st = T.wait_migration(src.vm)
    T.check(st['status'] == 'completed', f'migration {st["status"]}')
    T.check(T.wait_running(dst.vm, 10), 'destination is running')
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
    src.shutdown()

    # A guest without AVX-512 saved to a file: R16..R31 in cpu/apx only
    write_and_check(dst, dport, c, 'destination, new values')
    stream = save_to_file(dst, os.path.join(WD, 'apx.mig'))
    dst.shutdown()
    T.check(stream.count(T.APX_SUBSECTION) == 1,
            'the stream has one cpu/apx subsection (one vCPU)')
    T.check(AVX512_NAME not in stream,
            'the stream has no cpu/avx512 subsection (no AVX-512 guest)')
    g = load_file('file', os.path.join(WD, 'apx.mig'))
    T.check(g.egprs() == c, 'loaded from the file: R16..R31 exactly')
    T.check(re.search(r'SET_XSAVE vcpu-fd=\d+ xstate_bv19=1' +
                      re.escape(log_fmt(c)), '\n'.join(g.lines()))
            is not None, 'loaded from the file: the values went into KVM')
    g.shutdown()

    # Control: the same stream without its cpu/apx subsection
    stripped = T.strip_apx(stream)
    T.check(len(stream) - len(stripped) == T.APX_SUBSECTION_LEN and
            T.APX_SUBSECTION not in stripped,
            'control: only the cpu/apx subsection removed '
            f'({T.APX_SUBSECTION_LEN} bytes)')
    with open(os.path.join(WD, 'no-apx.mig'), 'wb') as f:
        f.write(stripped)
    g = load_file('strip', os.path.join(WD, 'no-apx.mig'))
    T.check(g.egprs() == ZERO,
            'control: without cpu/apx the values are lost (R16..R31 = 0), '
            'so they travel in cpu/apx and nowhere else')
    T.check(not any('xstate_bv19=1' in line for line in g.lines()),
            'control: and never reached that destination\'s KVM')
    g.shutdown()

    # Control: the old overlay (19 at 960, inside AVX-512's ZMM_Hi256 on
    # this host) is seen by the "no cpu/avx512" check, or refused by QEMU.
    port = T.free_port()
    old = KvmGuest(WD, 'overlay', DOUBLE, offset=OLD_OFFSET,
                   extra=('-gdb', f'tcp:127.0.0.1:{port}'))
    GUESTS.append(old)
    try:
        old.launch()
    except Exception:  # pylint: disable=broad-except
        pass
    if old.vm.is_running():
        gdb_write_stop(old, port, c)
        leaked = save_to_file(old, os.path.join(WD, 'overlay.mig'))
        old.shutdown()
        if any(o < OLD_OFFSET + 128 and OLD_OFFSET < o + s
               for s, o in comps.values()):
            T.check(AVX512_NAME in leaked,
                    f'control: with component 19 forced to {OLD_OFFSET}, '
                    'R16..R31 leak into a cpu/avx512 subsection (the check '
                    'above can fail)')
        else:
            T.log(f'note: nothing of this host\'s layout is at {OLD_OFFSET}; '
                  'the overlay control has nothing to overlap')
    else:
        out = old.vm.get_log() or ''
        T.check('overlap' in out and "'apxf'" in out,
                f'control: QEMU refuses the overlapping layout: {out.strip()}')

    # -cpu host: AVX-512 and APX together, in the faithful layout...
    h = KvmGuest(WD, 'host', DOUBLE, cpu='host', extra=('-S',))
    GUESTS.append(h)
    h.launch()
    T.check(h.cpu_prop('apxf') and h.cpu_prop('avx512f'),
            '-cpu host has AVX-512 and APX with the double')
    guest = parse_components(h.guest_cpuid().split(' 0xd=', 1)[1])
    T.check(guest.get(19) == (128, off) and 6 in guest and
            not shared_bytes(guest),
            f'-cpu host: AVX-512 ({guest.get(6)}) and APX (128@{off}) do not '
            'share bytes')
    h.shutdown()

    # ... and with the old overlay QEMU refuses to start, naming both
    rc, err = start_fails('host-overlay', 'host', OLD_OFFSET)
    T.check(rc not in (None, 0), f'-cpu host with component 19 at '
            f'{OLD_OFFSET}: QEMU refuses to start (exit {rc})')
    T.check('apx-kvm-double: refusing' not in err,
            'the refusal is QEMU\'s, not the double\'s')
    T.check(re.search(r"XSAVE state components \d+ \('avx512f', bytes "
                      r"\d+-\d+\) and 19 \('apxf', bytes "
                      rf"{OLD_OFFSET}-{OLD_OFFSET + 127}\) overlap", err)
            is not None,
            'the error names both components (\'avx512f\' and \'apxf\') '
            'and says they overlap')

    # The double itself refuses a layout it cannot stand for (here: a
    # component in the legacy region and header), clearly and at startup.
    rc, err = start_fails('double-refuses', CPU, 64)
    T.check(rc not in (None, 0) and 'apx-kvm-double: refusing to run: XSAVE '
            'component 19 (double: 128 bytes at 64) lies in the legacy '
            'region' in err,
            f'the double refuses component 19 at 64 (exit {rc}), saying why')
finally:
    for g in GUESTS:
        g.shutdown()
    T.cleanup(WD)

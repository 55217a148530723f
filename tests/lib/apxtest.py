"""Shared helpers for qemu-apx scenario tests.

Guests are Debian unstable's Linux 7.x kernel with a busybox initramfs that
runs tests/guest/apx-xstate (see scripts/).  QEMU is driven through QEMU's
own Python package (qemu.machine.QEMUMachine, QMP); each guest's serial
console goes to a file that the tests read.
"""

import fcntl
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

TOP = os.path.realpath(os.path.join(os.path.dirname(__file__), '..', '..'))
# The build directory, as scripts/lib.sh finds it (APX_BUILD overrides)
BUILD = os.environ.get('APX_BUILD') or os.path.join(TOP, 'build')
sys.path.insert(0, os.path.join(BUILD, 'src', 'python'))

from qemu.machine import QEMUMachine  # noqa: E402  pylint: disable=C0413

QEMU = os.environ.get('QEMU_APX_BINARY',
                      os.path.join(BUILD, 'qemu-system-x86_64'))
APX_CPU = 'max,apxf=on,mpx=off'
SEED = 0x5eed
REPORT_RE = re.compile(r'APX-XSTATE: t=(\d+)((?: r\d+=[0-9a-f]{16}){16})')

RUN_SH = r'''#!/bin/sh
# Runs apx-xstate with the arguments given as apx.args=A,B,C on the
# kernel command line; with apx.ticks=N (and no apx.args) prints
# "APX-TICK i" for i = 0..N-1, five per second, for guests without APX.
for a in $(cat /proc/cmdline); do
    case $a in
    apx.args=*) ARGS=$(echo "${a#apx.args=}" | tr , ' ') ;;
    apx.ticks=*) TICKS=${a#apx.ticks=} ;;
    esac
done
if [ -n "$ARGS" ]; then
    apx-xstate $ARGS
    echo "APX-XSTATE: exit $?"
elif [ -n "$TICKS" ]; then
    i=0
    while [ $i -lt $TICKS ]; do
        echo "APX-TICK $i"
        i=$((i + 1))
        sleep 0.2
    done
    echo "APX-TICK done"
fi
'''


def log(msg):
    print(msg, flush=True)


def fail(msg):
    print(f'FAIL: {msg}', flush=True)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)
    log(f'ok: {msg}')


def pattern(t, reg, seed=SEED):
    """The value apx-xstate keeps in register r<reg> of thread t."""
    return ((0xa9 << 56) | ((seed & 0xffff) << 40) | (t << 32) |
            (reg << 24) | 0xc0de)


def qemu_has_apxf():
    out = subprocess.run([QEMU, '-cpu', 'help'], capture_output=True,
                         text=True, check=False).stdout
    return re.search(r'\bapxf\b', out) is not None


SKIP_STATUS = 77   # automake's "skipped"; tests/run.sh counts it


def skip(need, reason):
    """Skip the test because this machine or QEMU lacks the capability need.

    Prints "SKIP need: reason" and exits 77.  tests/run.sh counts the test
    as failed instead when need is one the machine offers (see "Tests" in
    the README): qemu-apxf, kvm, root.
    """
    log(f'SKIP {need}: {reason}')
    sys.exit(SKIP_STATUS)


def skip_unless_apxf():
    if not qemu_has_apxf():
        skip('qemu-apxf', f'{QEMU} has no apxf CPU property')


def kvm_usable():
    """/dev/kvm opens read-write and answers KVM_GET_API_VERSION with 12."""
    try:
        fd = os.open('/dev/kvm', os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        return fcntl.ioctl(fd, 0xae00) == 12    # KVM_GET_API_VERSION
    except OSError:
        return False
    finally:
        os.close(fd)


def machine_offers():
    """The capabilities of this machine that tests may need (see skip())."""
    return ((['kvm'] if kvm_usable() else []) +
            (['root'] if os.geteuid() == 0 else []))


def skip_unless_kvm():
    if not kvm_usable():
        skip('kvm', 'no usable /dev/kvm')


def skip_unless_root(why):
    if os.geteuid() != 0:
        skip('root', f'{why} need root')


def guest_artifacts():
    """Kernel and initramfs paths, built on first use (cached in build/)."""
    kernel = subprocess.run([os.path.join(TOP, 'scripts', 'guest-kernel.sh')],
                            capture_output=True, text=True,
                            check=True).stdout.strip()
    outdir = os.path.join(BUILD, 'tests')
    os.makedirs(outdir, exist_ok=True)
    prog = os.path.join(outdir, 'apx-xstate')
    src = os.path.join(TOP, 'tests', 'guest', 'apx-xstate.c')
    if (not os.path.exists(prog) or
            os.path.getmtime(prog) < os.path.getmtime(src)):
        subprocess.run(['gcc', '-O2', '-Wall', '-static', '-pthread',
                        '-o', prog, src], check=True)
    initrd = os.path.join(outdir, 'apx-guest.cpio.gz')
    run_sh = os.path.join(outdir, 'run.sh')
    try:
        with open(run_sh, encoding='utf-8') as f:
            run_sh_changed = f.read() != RUN_SH
    except OSError:
        run_sh_changed = True
    if (run_sh_changed or not os.path.exists(initrd) or
            os.path.getmtime(initrd) < os.path.getmtime(prog) or
            os.path.getmtime(initrd) <
            os.path.getmtime(os.path.join(TOP, 'scripts', 'mkinitramfs.sh'))):
        with open(run_sh, 'w', encoding='utf-8') as f:
            f.write(RUN_SH)
        os.chmod(run_sh, 0o755)
        subprocess.run([os.path.join(TOP, 'scripts', 'mkinitramfs.sh'), initrd,
                        '--add', prog, '--add', run_sh + ':/run.sh'],
                       check=True)
    return kernel, initrd


class Guest:
    """One QEMU process running the test guest, console in a file."""

    def __init__(self, workdir, name, cpu=APX_CPU, args=None, smp=2,
                 extra=(), incoming=None, binary=None, ticks=None,
                 wrapper=(), mem=512, initrd=None, machine='q35',
                 kernel=None, append=''):
        if not (kernel and initrd):
            default_kernel, default_initrd = guest_artifacts()
            kernel = kernel or default_kernel
            initrd = initrd or default_initrd
        self.name = name
        self.console = os.path.join(workdir, f'{name}.console')
        open(self.console, 'w', encoding='utf-8').close()
        append = ('console=ttyS0 loglevel=3 panic=-1 ' + append).rstrip()
        if args:
            append += ' apx.args=' + ','.join(str(a) for a in args)
        if ticks:
            append += f' apx.ticks={ticks}'
        qargs = ['-machine', machine, '-accel', 'tcg', '-cpu', cpu,
                 '-smp', str(smp), '-m', str(mem), '-no-reboot',
                 '-kernel', kernel, '-initrd', initrd, '-append', append,
                 '-serial', f'file:{self.console}', *extra]
        if incoming:
            qargs += ['-incoming', incoming]
        self.vm = QEMUMachine(binary or QEMU, args=qargs, name=name,
                              wrapper=wrapper, base_temp_dir=workdir,
                              log_dir=workdir)

    def launch(self):
        self.vm.launch()
        return self

    def text(self):
        with open(self.console, encoding='utf-8', errors='replace') as f:
            return f.read()

    def wait_for(self, needle, timeout=60):
        """Wait until the console shows needle (a string or a regex)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            txt = self.text()
            if (needle.search(txt) if hasattr(needle, 'search')
                    else needle in txt):
                return txt
            if not self.vm.is_running():
                break
            time.sleep(0.2)
        fail(f'{self.name}: no {getattr(needle, "pattern", needle)!r} on the '
             f'console within {timeout}s; console tail:\n{self.text()[-2000:]}')
        return None

    def hmp(self, cmd):
        return self.vm.cmd('human-monitor-command', command_line=cmd)

    def shutdown(self):
        try:
            self.vm.shutdown()
        except Exception:  # pylint: disable=broad-except
            self.vm.kill()


def reports(text):
    """Parse apx-xstate report lines: list of (thread, {reg: value})."""
    out = []
    for m in REPORT_RE.finditer(text):
        regs = {}
        for pair in m.group(2).split():
            name, val = pair.split('=')
            regs[int(name[1:])] = int(val, 16)
        out.append((int(m.group(1)), regs))
    return out


def check_reports(text, threads, what, seed=SEED):
    """Every report line carries exactly the thread's pattern."""
    reps = reports(text)
    check(len(reps) >= threads, f'{what}: {len(reps)} report lines')
    seen = set()
    for t, regs in reps:
        for reg in range(16, 32):
            if regs[reg] != pattern(t, reg, seed):
                fail(f'{what}: thread {t} r{reg} = {regs[reg]:016x}, '
                     f'want {pattern(t, reg, seed):016x}')
        seen.add(t)
    check(seen == set(range(threads)),
          f'{what}: all {threads} threads report their own R16..R31')


def last_values(text):
    """{thread: {reg: value}} from the last report of each thread."""
    last = {}
    for t, regs in reports(text):
        last[t] = regs
    return last


def check_program_ends(guest, threads, before, what, timeout=90):
    """Wait for apx-xstate to exit in guest: it must pass, with each thread's
    R16..R31 as in before (from last_values()).  Returns the console text."""
    txt = guest.wait_for('APX-XSTATE: exit', timeout=timeout)
    check('APX-XSTATE: FAIL' not in txt, f'{what}: no register mismatch')
    check(f'APX-XSTATE: PASS threads={threads}' in txt,
          f'{what}: the guest program passes')
    after = last_values(txt)
    for t in sorted(before):
        check(before[t] == after[t], f'{what}: thread {t} has its R16..R31')
    return txt


def wait_job(vm, job_id):
    """Wait for a QMP job to conclude without error, then dismiss it."""
    for _ in range(300):
        for job in vm.cmd('query-jobs'):
            if job['id'] == job_id and job['status'] == 'concluded':
                check('error' not in job, f'job {job_id} succeeded')
                vm.cmd('job-dismiss', id=job_id)
                return
        time.sleep(0.1)
    fail(f'job {job_id} did not conclude')


def add_snapshot_disk(vm, path, node='snapdisk'):
    """Create an empty qcow2 image at path through QMP and attach it.

    savevm needs a writable qcow2 node; QEMU's tools are not built, so
    the image is made with blockdev-create.
    """
    open(path, 'wb').close()
    vm.cmd('blockdev-add', driver='file', filename=path,
           **{'node-name': node + '-file'})
    vm.cmd('blockdev-create', **{'job-id': 'create-' + node},
           options={'driver': 'qcow2', 'file': node + '-file',
                    'size': 64 << 20})
    wait_job(vm, 'create-' + node)
    vm.cmd('blockdev-add', driver='qcow2', file=node + '-file',
           **{'node-name': node})


def workdir():
    d = tempfile.mkdtemp(prefix='qemu-apx-test-')
    return d


def cleanup(d):
    shutil.rmtree(d, ignore_errors=True)


def free_port():
    import socket  # pylint: disable=import-outside-toplevel
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_migration(vm, timeout=120):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        st = vm.cmd('query-migrate')
        status = st.get('status')
        if status in ('completed', 'failed', 'cancelled'):
            return st
        time.sleep(0.2)
    fail('migration did not finish in time')
    return None


TICK_RE = re.compile(r'^APX-TICK (\d+)', re.M)


def ticks(text):
    """The APX-TICK numbers printed by a guest started with ticks=N."""
    return [int(n) for n in TICK_RE.findall(text)]


def return_path(*vms):
    """Enable the return-path capability, so a source learns of failures."""
    for vm in vms:
        vm.cmd('migrate-set-capabilities',
               capabilities=[{'capability': 'return-path', 'state': True}])


def migrate(src, uri, timeout=120):
    """Migrate the source VM to uri; return the final query-migrate."""
    src.cmd('migrate', uri=uri)
    return wait_migration(src, timeout)


def wait_running(vm, timeout=30):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if vm.cmd('query-status')['status'] == 'running':
            return True
        time.sleep(0.1)
    return False


# The cpu/apx subsection in a stream: QEMU_VM_SUBSECTION, name, version 1,
# then R16..R31 as 16 big-endian u64.
APX_SUBSECTION = b'\x05\x07cpu/apx\x00\x00\x00\x01'
APX_SUBSECTION_LEN = len(APX_SUBSECTION) + 16 * 8


def strip_apx(stream):
    """The stream without any cpu/apx subsection."""
    out, pos = b'', 0
    while (i := stream.find(APX_SUBSECTION, pos)) >= 0:
        out, pos = out + stream[pos:i], i + APX_SUBSECTION_LEN
    return out + stream[pos:]


CPU_SECTION_RE = re.compile(rb'\x04(.{4})\x03cpu.{4}.{4}', re.S)


def cpu_sections(stream):
    """The bodies of the "cpu" device sections of a saved stream.

    A full section is 0x04, be32 section id, name length and name, be32
    instance id, be32 version, the body, then the footer 0x7e + section id.
    """
    bodies = []
    for m in CPU_SECTION_RE.finditer(stream):
        end = stream.find(b'\x7e' + m.group(1), m.end())
        if end > 0:
            bodies.append(stream[m.end():end])
    return bodies


if __name__ == '__main__':
    # tests/run.sh asks what this machine offers
    print(' '.join(machine_offers()))


def build_boot_sector(src):
    """Assemble src (GNU as --32, .code16 or .code32) into a 512-byte boot
    sector linked at 0x7c00, under build/tests/boot.  Returns the image's
    path and the addresses of its global text symbols."""
    out = os.path.join(BUILD, 'tests', 'boot')
    os.makedirs(out, exist_ok=True)
    base = os.path.join(out, os.path.splitext(os.path.basename(src))[0])
    obj, elf, img = base + '.o', base + '.elf', base + '.img'
    subprocess.run(['as', '--32', '-o', obj, src], check=True)
    subprocess.run(['ld', '-m', 'elf_i386', '-Ttext=0x7c00', '-e', '_start',
                    '-o', elf, obj], check=True)
    subprocess.run(['objcopy', '-O', 'binary', elf, img], check=True)
    with open(img, 'rb') as f:
        data = f.read()
    check(len(data) == 512 and data[510:] == b'\x55\xaa',
          f'{os.path.basename(src)}: a boot sector of 512 bytes ending in 55 aa')
    nm = subprocess.run(['nm', elf], capture_output=True, text=True,
                        check=True).stdout
    syms = {m.group(2): int(m.group(1), 16) for m in
            re.finditer(r'^([0-9a-f]+) T (\S+)$', nm, re.M)}
    return img, syms


GDB = '/usr/bin/gdb'


def run_gdb(port, cmds, timeout=120):
    """GDB in batch mode, attached to the gdbstub on port as an x86-64
    target, running cmds; returns its stdout and stderr together."""
    if not os.access(GDB, os.X_OK):
        fail('gdb is not installed (scripts/install-deps.sh installs it)')
    args = [GDB, '-q', '-batch', '-nx']
    for c in ['set pagination off', 'set architecture i386:x86-64',
              f'target remote 127.0.0.1:{port}', *cmds]:
        args += ['-ex', c]
    r = subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                       check=False)
    return r.stdout + r.stderr


def ip(*args):
    """Run ip(8) with args; a failure raises."""
    subprocess.run(['ip', *args], check=True, capture_output=True)


def netns_pair_up(ns, dev, addr):
    """Two network namespaces ns['a'] and ns['b'] joined by a veth pair
    (dev['a'] <-> dev['b']) with addresses addr['a'], addr['b'] in a /30."""
    for n in 'ab':
        ip('netns', 'add', ns[n])
    ip('link', 'add', dev['a'], 'netns', ns['a'], 'type', 'veth',
       'peer', 'name', dev['b'], 'netns', ns['b'])
    for n in 'ab':
        ip('-n', ns[n], 'addr', 'add', addr[n] + '/30', 'dev', dev[n])
        ip('-n', ns[n], 'link', 'set', 'lo', 'up')
        ip('-n', ns[n], 'link', 'set', dev[n], 'up')


def netns_pair_down(ns):
    for n in 'ab':
        subprocess.run(['ip', 'netns', 'del', ns[n]], check=False,
                       capture_output=True)

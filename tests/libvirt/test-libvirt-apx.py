#!/usr/bin/env python3
"""libvirt drives our QEMU: APX domains, save/restore and live migration.

Two libvirt "hosts", each a libvirtd from Debian unstable
(scripts/sid-root.sh virt) started by tests/libvirt/virt-host.sh in a
network namespace of its own (a veth pair between them), with its own
hostname, host UUID and state.  Our qemu-system-x86_64 is every domain's
<emulator>, through a wrapper that runs it with the host's libraries and
firmware.  Guests are the project's test guest (apx-xstate keeping
distinct values in R16..R31 in two threads, its reports on a serial console
written to a file); every domain is TCG (<domain type='qemu'>).

 1. domcapabilities: what host-model offers under TCG (logged: apxf, mpx).
 2. Skylake-Server with mpx disabled, apxf and apx-nci-ndd-nf required (a
    named model has apx-nci-ndd-nf only when asked for), on host a: QEMU
    gets -cpu Skylake-Server,mpx=off,apxf=on,apx-nci-ndd-nf=on and its CPU
    has them (qom-get through virsh); the guest's registers are right;
    virsh save + restore and virsh managedsave + start keep them; virsh
    migrate --live to host b keeps them, and the program passes on b.
 3. <cpu mode='maximum'> with the same two features, on host b, migrated
    live to host a.
 4. host-model with apxf required: domcapabilities' host-model offers
    apxf (libvirt derives it from -cpu max, which offers APX under TCG),
    and the domain starts with the guest's R16..R31 intact.
 5. Refusals: a destination QEMU without apxf (the restore XML or migration
    XML appends -cpu max,mpx=off,apxf=off through <qemu:commandline>;
    libvirt's own check of required features does not look at 'maximum'
    CPUs, so the stream reaches QEMU) must refuse the cpu/apx subsection:
    virsh restore fails and the saved image still restores; virsh migrate
    fails and the source keeps running with its registers.  Last, virsh's
    error text must carry QEMU's reason ("has no 'apxf'").
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402

T.skip_unless_apxf()
T.skip_unless_root('network namespaces, chroot and libvirtd')

HERE = os.path.dirname(os.path.abspath(__file__))
PID = os.getpid()
NS = {'a': f'lvapxa{PID}', 'b': f'lvapxb{PID}'}
DEV = {'a': f'vlva{PID}'[:15], 'b': f'vlvb{PID}'[:15]}
ADDR = {'a': '10.233.0.1', 'b': '10.233.0.2'}
UUID = {'a': '5a7e0000-0a9f-4c0d-8e00-00000000000a',
        'b': '5a7e0000-0a9f-4c0d-8e00-00000000000b'}
THREADS = 2
SKY_SECONDS = 30        # the program's run on Skylake-Server: ends on b
QEMU_REFUSAL = "has no 'apxf'"
# What QEMU logs itself when the cpu state is refused (the reason goes to
# the migration's error-desc, which libvirt reads and virsh prints).
CPU_LOAD_ERROR = "error while loading state for instance 0x0 of device 'cpu'"
NO_APXF_CPU = 'max,mpx=off,apxf=off'
QEMU_NS = 'http://libvirt.org/schemas/domain/qemu/1.0'

# A named model gets apx-nci-ndd-nf only when asked for (-cpu max has it):
# without it, the NDD/NF forms and CCMP/CFCMOV that gcc -mapxf emits #UD.
CPU_SKYLAKE = """<cpu mode='custom' match='exact'>
    <model fallback='forbid'>Skylake-Server</model>
    <feature policy='disable' name='mpx'/>
    <feature policy='require' name='apxf'/>
    <feature policy='require' name='apx-nci-ndd-nf'/>
  </cpu>"""
SKYLAKE_ARGS = {'mpx=off', 'apxf=on', 'apx-nci-ndd-nf=on'}
CPU_MAXIMUM = """<cpu mode='maximum'>
    <feature policy='disable' name='mpx'/>
    <feature policy='require' name='apxf'/>
  </cpu>"""
CPU_HOST_MODEL = """<cpu mode='host-model'>
    <feature policy='disable' name='mpx'/>
    <feature policy='require' name='apxf'/>
  </cpu>"""


def write_emulator(path):
    """The <emulator>: our QEMU, linked against this host's libraries, run
    inside the Debian unstable root through the host's dynamic loader, with
    the host's firmware (the build's firmware path names the host's
    directories, which inside the root hold unstable's)."""
    qemu = os.path.realpath(T.QEMU)
    if not qemu.startswith(T.TOP + '/'):
        qemu = '/mnt/host' + qemu       # the host's root, read-only
    with open(path, 'w', encoding='utf-8') as f:
        f.write(f'''#!/bin/sh
# written by tests/libvirt/test-libvirt-apx.py
H=/mnt/host
L=$H/usr/lib/x86_64-linux-gnu
exec "$L/ld-linux-x86-64.so.2" --inhibit-cache --library-path "$L" \\
    {qemu} \\
    -L "$H/usr/share/qemu" -L "$H/usr/share/seabios" -L "$H/usr/lib/ipxe/qemu" "$@"
''')
    os.chmod(path, 0o755)


def domain_xml(name, cpu, seconds, commandline=()):
    """A TCG domain booting the test guest; its console is the file
    /var/log/libvirt/qemu/NAME.console of whichever host runs it."""
    ns = f" xmlns:qemu='{QEMU_NS}'" if commandline else ''
    qargs = ''.join(f"\n    <qemu:arg value='{a}'/>" for a in commandline)
    qcmd = (f'\n  <qemu:commandline>{qargs}\n  </qemu:commandline>'
            if commandline else '')
    return f"""<domain type='qemu'{ns}>
  <name>{name}</name>
  <memory unit='MiB'>512</memory>
  <vcpu>{THREADS}</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>{KERNEL}</kernel>
    <initrd>{INITRD}</initrd>
    <cmdline>console=ttyS0 loglevel=3 panic=-1 apx.args={THREADS},{seconds}</cmdline>
  </os>
  <features><acpi/><apic/></features>
  {cpu}
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>{EMULATOR}</emulator>
    <serial type='file'>
      <source path='/var/log/libvirt/qemu/{name}.console' append='on'/>
      <target port='0'/>
    </serial>
    <memballoon model='none'/>
  </devices>{qcmd}
</domain>
"""


def with_commandline(xml, args):
    """xml (a domain) with <qemu:commandline> args appended."""
    xml = re.sub(r'^<domain ([^>]*)>',
                 lambda m: f"<domain {m.group(1)} xmlns:qemu='{QEMU_NS}'>",
                 xml, count=1)
    qargs = ''.join(f"<qemu:arg value='{a}'/>" for a in args)
    return xml.replace('</domain>', f'  <qemu:commandline>{qargs}'
                       '</qemu:commandline>\n</domain>')


class Host:
    """A libvirtd in its own network, mount and UTS namespaces."""

    def __init__(self, name):
        self.name = name
        self.dir = os.path.join(WD, name)
        self.logf = open(os.path.join(WD, f'virt-host-{name}.log'), 'w',
                         encoding='utf-8')
        self.proc = subprocess.Popen(
            [os.path.join(HERE, 'virt-host.sh'), NS[name], self.dir,
             f'apx-{name}', ADDR[name], UUID[name]],
            stdout=self.logf, stderr=subprocess.STDOUT)
        sock = os.path.join(self.dir, 'run', 'libvirt', 'libvirt-sock')
        end = time.monotonic() + 60
        while not os.path.exists(sock):
            if self.proc.poll() is not None or time.monotonic() > end:
                self.logf.flush()
                with open(self.logf.name, encoding='utf-8') as f:
                    T.fail(f'libvirtd on {name} did not come up:\n{f.read()}')
            time.sleep(0.2)
        out = self.virsh('hostname').stdout.strip()
        T.check(out == f'apx-{name}', f'libvirtd on host {name} ({out}, '
                f'{ADDR[name]}) answers')

    def virsh(self, *args, check=True):
        """virsh on this host; a CompletedProcess (text)."""
        r = subprocess.run(
            ['nsenter', '-t', str(self.proc.pid), '-m', '-u', '-n', '-r',
             '-w', 'env', '-i', 'PATH=/usr/sbin:/usr/bin', 'LC_ALL=C.UTF-8',
             'virsh', '-c', 'qemu:///system', *args],
            capture_output=True, text=True, check=False, timeout=300)
        if check and r.returncode != 0:
            T.fail(f'{self.name}: virsh {" ".join(args)} exited '
                   f'{r.returncode}:\n{r.stdout}{r.stderr}')
        return r

    def state(self, dom):
        r = self.virsh('domstate', dom, check=False)
        return r.stdout.strip() if r.returncode == 0 else 'absent'

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def qemu_log(self, dom):
        try:
            with open(self.path('log', 'qemu', f'{dom}.log'),
                      encoding='utf-8', errors='replace') as f:
                return f.read()
        except OSError:
            return ''

    def console(self, dom):
        return Console(self.path('log', 'qemu', f'{dom}.console'),
                       f'{dom} on {self.name}')

    def stop(self):
        if self.proc.poll() is None:
            r = self.virsh('list', '--name', check=False)
            for dom in r.stdout.split():
                self.virsh('destroy', dom, check=False)
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        # QEMU processes this libvirtd started and left behind
        piddir = self.path('run', 'libvirt', 'qemu')
        for f in (os.listdir(piddir) if os.path.isdir(piddir) else ()):
            if f.endswith('.pid'):
                try:
                    with open(os.path.join(piddir, f), encoding='utf-8') as p:
                        os.kill(int(p.read().strip()), 9)
                except (OSError, ValueError):
                    pass
        self.logf.close()


class Console:
    """A domain's serial console file, as read from outside."""

    def __init__(self, path, what):
        self.path, self.what = path, what

    def text(self):
        try:
            with open(self.path, encoding='utf-8', errors='replace') as f:
                return f.read()
        except OSError:
            return ''

    def mark(self):
        return len(self.text())

    def wait_for(self, needle, timeout=90, since=0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            txt = self.text()
            if (needle.search(txt, since) if hasattr(needle, 'search')
                    else needle in txt[since:]):
                return txt
            time.sleep(0.2)
        T.fail(f'{self.what}: no {getattr(needle, "pattern", needle)!r} on '
               f'the console within {timeout}s; tail:\n{self.text()[-1500:]}')
        return None

    def intact(self, since, what, before=None):
        """THREADS fresh reports after offset since, each with its thread's
        pattern (and, with before, the same values as before)."""
        end = time.monotonic() + 60
        while (len(T.reports(self.text()[since:])) < 2 * THREADS and
               time.monotonic() < end and
               'APX-XSTATE: exit' not in self.text()[since:]):
            time.sleep(0.2)
        txt = self.text()[since:]
        T.check('APX-XSTATE: FAIL' not in txt, f'{what}: no mismatch')
        T.check_reports(txt, THREADS, what)
        if before is not None:
            T.check(T.last_values(txt) == before,
                    f'{what}: R16..R31 of every thread as before')
        return T.last_values(txt)


def cpu_arg(host, dom):
    m = re.findall(r'^-cpu (\S+)', host.qemu_log(dom), re.M)
    return m[-1] if m else None


def cpu_props(host, dom, *names):
    """{name: value} of the first vCPU's QOM properties, asked through
    virsh qemu-monitor-command."""
    def qmp(cmd, **args):
        req = json.dumps({'execute': cmd, 'arguments': args} if args
                         else {'execute': cmd})
        return json.loads(host.virsh('qemu-monitor-command', dom,
                                     req).stdout)['return']
    path = qmp('query-cpus-fast')[0]['qom-path']
    return {n: qmp('qom-get', path=path, property=n) for n in names}


def stage(msg):
    T.log(f'--- {msg} ({time.monotonic() - T0:.0f}s)')


T0 = time.monotonic()
ROOT = subprocess.run([os.path.join(T.TOP, 'scripts', 'sid-root.sh'), 'virt'],
                      capture_output=True, text=True, check=False)
if ROOT.returncode != 0:
    T.fail(f'scripts/sid-root.sh virt failed:\n{ROOT.stderr}')
os.makedirs(os.path.join(T.BUILD, 'tests'), exist_ok=True)
# Under the repository, which virt-host.sh mounts at the same path in the root.
WD = tempfile.mkdtemp(prefix='libvirt-', dir=os.path.join(T.BUILD, 'tests'))
HOSTS = {}
try:
    kernel, initrd = T.guest_artifacts()
    KERNEL, INITRD = os.path.join(WD, 'vmlinuz'), os.path.join(WD, 'initrd')
    shutil.copy(kernel, KERNEL)
    shutil.copy(initrd, INITRD)
    EMULATOR = os.path.join(WD, 'qemu-apx-emulator')
    write_emulator(EMULATOR)
    T.netns_pair_up(NS, DEV, ADDR)
    A = HOSTS['a'] = Host('a')
    B = HOSTS['b'] = Host('b')
    T.log(A.virsh('version').stdout.strip())

    stage('1. domcapabilities under TCG')
    caps = A.virsh('domcapabilities', '--emulatorbin', EMULATOR,
                   '--virttype', 'qemu', '--machine', 'q35').stdout
    hm = re.search(r"<mode name='host-model' supported='yes'>(.*?)</mode>",
                   caps, re.S)
    T.check(hm is not None, 'domcapabilities offers host-model under TCG')
    hm_model = re.search(r'<model[^>]*>([^<]+)</model>', hm.group(1))
    hm_req = set(re.findall(r"policy='require' name='([^']+)'", hm.group(1)))
    hm_apxf = 'apxf' in hm_req
    T.log(f'host-model: {hm_model.group(1) if hm_model else "?"}, '
          f'apxf {"required" if hm_apxf else "absent"}, '
          f'mpx {"required" if "mpx" in hm_req else "absent"}')
    # libvirt derives the TCG host CPU from -cpu max, which offers APX
    # (and so not MPX): host-model must offer apxf.
    T.check('apxf' in hm_req and 'mpx' not in hm_req,
            'host-model under TCG requires apxf and not mpx')
    T.check(re.search(r"<mode name='maximum' supported='yes'", caps)
            is not None, "domcapabilities offers mode 'maximum'")

    stage('2. Skylake-Server, mpx disabled, apxf required, on a')
    # as in the issue: apxf alone (recorded, not asserted)
    xml = os.path.join(WD, 'apx-sky-f.xml')
    with open(xml, 'w', encoding='utf-8') as f:
        f.write(domain_xml('apx-sky-f', CPU_SKYLAKE.replace(
            "\n    <feature policy='require' name='apx-nci-ndd-nf'/>", ''), 1))
    A.virsh('create', '--paused', xml)
    T.log(f'Skylake-Server with apxf alone: -cpu {cpu_arg(A, "apx-sky-f")}: '
          f'{cpu_props(A, "apx-sky-f", "apxf", "apx-nci-ndd-nf", "mpx")}')
    A.virsh('destroy', 'apx-sky-f')
    dom = 'apx-sky'
    xml = os.path.join(WD, f'{dom}.xml')
    with open(xml, 'w', encoding='utf-8') as f:
        f.write(domain_xml(dom, CPU_SKYLAKE, SKY_SECONDS))
    A.virsh('define', xml)
    A.virsh('start', dom)
    arg = cpu_arg(A, dom) or ''
    T.check(arg.startswith('Skylake-Server,') and
            SKYLAKE_ARGS <= set(arg.split(',')),
            f'libvirt runs QEMU with -cpu {arg}')
    live = A.virsh('dumpxml', dom).stdout
    T.check("<feature policy='require' name='apxf'/>" in live and
            "<feature policy='require' name='apx-nci-ndd-nf'/>" in live and
            "<feature policy='disable' name='mpx'/>" in live,
            'the live XML keeps apxf and apx-nci-ndd-nf required, mpx '
            'disabled')
    props = cpu_props(A, dom, 'apxf', 'apx-nci-ndd-nf', 'mpx')
    T.check(props == {'apxf': True, 'apx-nci-ndd-nf': True, 'mpx': False},
            f'QEMU\'s CPU through virsh qemu-monitor-command: {props}')
    con = A.console(dom)
    con.wait_for(T.REPORT_RE)
    before = con.intact(0, 'started by libvirt')

    path = os.path.join(WD, f'{dom}.save')
    A.virsh('save', dom, path)
    T.check(A.state(dom) == 'shut off' and os.path.getsize(path) > 0,
            f'virsh save: domain shut off, image of {os.path.getsize(path)} '
            'bytes')
    mark = con.mark()
    A.virsh('restore', path)
    T.check(A.state(dom) == 'running', 'virsh restore: domain running')
    con.intact(mark, 'after virsh save + restore', before)

    A.virsh('managedsave', dom)
    T.check(A.state(dom) == 'shut off' and
            re.search(r'Managed save:\s+yes', A.virsh('dominfo', dom).stdout)
            is not None, 'virsh managedsave: shut off with a managed image')
    mark = con.mark()
    A.virsh('start', dom)
    T.check(A.state(dom) == 'running', 'virsh start: resumed from the image')
    con.intact(mark, 'after virsh managedsave + start', before)

    T.log(f'the guest program has run {len(T.reports(con.text())) // THREADS}'
          f' of its {SKY_SECONDS} s')
    A.virsh('migrate', '--live', dom, f'qemu+tcp://{ADDR["b"]}/system')
    T.check(A.state(dom) == 'shut off' and B.state(dom) == 'running',
            f'virsh migrate --live a -> b ({ADDR["a"]} -> {ADDR["b"]}): '
            'running on b, shut off on a')
    arg = cpu_arg(B, dom) or ''
    T.check(arg.startswith('Skylake-Server,') and
            SKYLAKE_ARGS <= set(arg.split(',')),
            f'b runs QEMU with -cpu {arg}')
    bcon = B.console(dom)
    bcon.intact(0, 'after the live migration, on b', before)
    T.check_program_ends(bcon, THREADS, before, 'on b', timeout=120)
    B.virsh('destroy', dom, check=False)

    stage("3. <cpu mode='maximum'>, mpx disabled, apxf required, b -> a")
    dom = 'apx-max'
    xml = os.path.join(WD, f'{dom}.xml')
    with open(xml, 'w', encoding='utf-8') as f:
        f.write(domain_xml(dom, CPU_MAXIMUM, 600))
    B.virsh('create', xml)
    T.check(cpu_arg(B, dom) == 'max,mpx=off,apxf=on',
            f'libvirt runs QEMU with -cpu {cpu_arg(B, dom)}')
    props = cpu_props(B, dom, 'apxf', 'apx-nci-ndd-nf', 'mpx')
    T.check(props == {'apxf': True, 'apx-nci-ndd-nf': True, 'mpx': False},
            f'QEMU\'s CPU through virsh qemu-monitor-command: {props}')
    con = B.console(dom)
    con.wait_for(T.REPORT_RE)
    before = con.intact(0, "'maximum' started by libvirt")
    B.virsh('migrate', '--live', dom, f'qemu+tcp://{ADDR["a"]}/system')
    T.check(B.state(dom) == 'absent' and A.state(dom) == 'running',
            'virsh migrate --live b -> a: running on a')
    con = A.console(dom)
    con.intact(0, "after the live migration of 'maximum', on a", before)

    stage('4. host-model with apxf required')
    hdom = 'apx-hm'
    xml = os.path.join(WD, f'{hdom}.xml')
    with open(xml, 'w', encoding='utf-8') as f:
        f.write(domain_xml(hdom, CPU_HOST_MODEL, 600))
    r = B.virsh('create', xml, check=False)
    T.log(f'host-model + apxf: virsh create exit {r.returncode}: '
          f'{(r.stdout + r.stderr).strip()}  [-cpu {cpu_arg(B, hdom)}]')
    T.check(r.returncode == 0, 'host-model with apxf required: the domain starts')
    if r.returncode == 0:
        B.console(hdom).wait_for(T.REPORT_RE)
        B.console(hdom).intact(0, 'host-model guest')
        B.virsh('destroy', hdom)

    stage('5. a destination QEMU without apxf')
    # refused restore
    path = os.path.join(WD, f'{dom}.save')
    A.virsh('save', dom, path)
    saved = A.virsh('save-image-dumpxml', path).stdout
    noapx = os.path.join(WD, f'{dom}-noapxf.xml')
    with open(noapx, 'w', encoding='utf-8') as f:
        f.write(with_commandline(saved, ('-cpu', NO_APXF_CPU)))
    r = A.virsh('restore', path, '--xml', noapx, check=False)
    restore_err = (r.stdout + r.stderr).strip()
    T.log(f'virsh restore --xml (-cpu {NO_APXF_CPU}) exit {r.returncode}:\n'
          f'{restore_err}')
    T.check(cpu_arg(A, dom) == NO_APXF_CPU,
            f'the restoring QEMU ran with -cpu ... -cpu {cpu_arg(A, dom)}')
    T.check(r.returncode != 0 and A.state(dom) == 'absent',
            'virsh restore into a CPU without apxf fails')
    T.check(CPU_LOAD_ERROR in A.qemu_log(dom),
            f'QEMU refused the stream: its log says "{CPU_LOAD_ERROR}"')
    mark = con.mark()
    A.virsh('restore', path)
    T.check(A.state(dom) == 'running', 'the same image restores unchanged')
    con.intact(mark, 'after the refused restore, restored as saved', before)

    # refused live migration: the source keeps running
    mxml = A.virsh('dumpxml', '--migratable', dom).stdout
    with open(noapx, 'w', encoding='utf-8') as f:
        f.write(with_commandline(mxml, ('-cpu', NO_APXF_CPU)))
    r = A.virsh('migrate', '--live', dom, f'qemu+tcp://{ADDR["b"]}/system',
                '--xml', noapx, check=False)
    migrate_err = (r.stdout + r.stderr).strip()
    T.log(f'virsh migrate --live --xml (-cpu {NO_APXF_CPU}) exit '
          f'{r.returncode}:\n{migrate_err}')
    T.check(cpu_arg(B, dom) == NO_APXF_CPU,
            f'the destination QEMU ran with -cpu ... -cpu {cpu_arg(B, dom)}')
    T.check(r.returncode != 0, 'virsh migrate to a CPU without apxf fails')
    T.check(CPU_LOAD_ERROR in B.qemu_log(dom),
            f'the destination QEMU refused the stream ("{CPU_LOAD_ERROR}")')
    T.check(A.state(dom) == 'running' and B.state(dom) == 'absent',
            'the source keeps the domain running; b has none')
    mark = con.mark()
    con.intact(mark, 'on the source after the refused migration', before)

    # QEMU's reason must reach the user, not only QEMU's log
    stage('6. the reason reaches virsh')
    T.check(QEMU_REFUSAL in restore_err,
            f'virsh restore names the reason ("{QEMU_REFUSAL}")')
    T.check(QEMU_REFUSAL in migrate_err,
            f'virsh migrate names the reason ("{QEMU_REFUSAL}")')
    stage('done')
finally:
    for h in HOSTS.values():
        h.stop()
    T.netns_pair_down(NS)
    if os.environ.get('APX_KEEP_WORKDIR'):
        T.log(f'work directory kept: {WD}')
    else:
        T.cleanup(WD)

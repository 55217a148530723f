#!/usr/bin/env python3
"""QEMU's scripts/vmstate-static-checker.py between ours and upstream 11.1.

The checker compares two -dump-vmstate descriptions of a machine type
(here pc-q35-10.0, both ways: ours as source and 11.1 as destination, then
the reverse).  What this test establishes:

1. -dump-vmstate does not depend on -cpu: it runs before any device or CPU
   exists and lists the VMStateDescription of every device *class*; ours
   with -cpu max,apxf=on and with -cpu qemu64 write identical files, and
   so does 11.1 (whose TCG refuses apxf; in a dump it makes no difference).
2. Neither dump has the "cpu" section (nor cpu_common, timer, ...): those
   are registered per instance, outside the device classes, so the checker
   alone never sees the CPU.  tests/lib/vmsdscan.py reads those static
   descriptions out of each running QEMU, after proving on that very
   process that it gives back every description -dump-vmstate wrote, byte
   for byte.  That the "cpu" it finds is the one QEMU migrates is checked
   against the JSON description at the end of a real stream of each QEMU.
3. The checker, run on the dumps completed with those sections (every
   section of a real pc-q35-10.0 stream the dump lacks), reports nothing
   in the cpu section from ours to 11.1.  From 11.1 to ours it reports
   exactly the cpu subsections 11.1 added after 10.0 (not cpu/apx), and
   11.1's stream for this CPU carries none of them.  cpu/apx is the same
   on the wire: version 1, sixteen 8-byte registers (the checker does not
   compare array lengths, so the test does).
4. Every other finding of the checker is listed in docs/peers.md, which
   explains each one; a finding missing there, or listed there but no
   longer reported, fails the test.
5. What the docs say those findings mean, measured: a paused
   pc-q35-10.0 machine with one device saved by one QEMU and loaded by the
   other, both ways: isa-vga fails both ways (renamed section), am53c974
   (ESP) fails from 11.1 to ours (new field), pvscsi with a scsi-hd, with
   findings of their own, loads both ways.  And what the checker cannot
   see: virtio-net fails from ours to 11.1 (queue size), virtio-blk loads.
"""
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402
import upstream_peer as P  # noqa: E402
import vmsdscan  # noqa: E402
from qemu.machine import QEMUMachine  # noqa: E402

T.skip_unless_apxf()
P.setup()
MACHINE = 'pc-q35-10.0'
APX = 'max,apxf=on'
CHECKER = os.path.join(T.BUILD, 'src', 'scripts', 'vmstate-static-checker.py')
DOC = os.path.join(T.TOP, 'docs', 'peers.md')
SIDES = ('ours', '11.1')


def dump(wd, side, cpu):
    path = os.path.join(wd, f'{side}-{cpu.replace(",", "-")}.json')
    args = ['-machine', MACHINE, '-accel', 'tcg', '-cpu', cpu,
            '-dump-vmstate', path]
    if side == 'ours':
        subprocess.run([T.QEMU] + args, check=True, capture_output=True)
    else:
        P.run(args)
    with open(path, 'rb') as f:
        return f.read()


def launch(wd, side):
    """A paused pc-q35-10.0 machine with -cpu max,apxf=on."""
    kw = {} if side == 'ours' else {'wrapper': P.WRAPPER}
    vm = QEMUMachine(T.QEMU if side == 'ours' else P.BINARY,
                     args=['-machine', MACHINE, '-accel', 'tcg', '-cpu', APX,
                           '-m', '64', '-S'],
                     name=f'{side}-scan', base_temp_dir=wd, log_dir=wd, **kw)
    vm.launch()
    return vm


def stream_description(vm, wd, side):
    """{vmsd name: [device entries]} of the JSON at the end of a stream."""
    path = os.path.join(wd, f'{side}.mig')
    st = T.migrate(vm, 'file:' + path)
    T.check(st['status'] == 'completed', f'{side}: paused machine saved')
    with open(path, 'rb') as f:
        stream = f.read()
    os.unlink(path)
    i = len(stream)
    while True:
        i = stream.rfind(b'\x06', 0, i)     # QEMU_VM_VMDESCRIPTION
        if i < 0:
            T.fail(f'{side}: no JSON description in the stream')
        if i + 5 + int.from_bytes(stream[i + 1:i + 5], 'big') == len(stream):
            break
    out = {}
    for dev in json.loads(stream[i + 5:])['devices']:
        # sections without a VMStateDescription (SaveVMHandlers) have none
        if 'vmsd_name' in dev:
            out.setdefault(dev['vmsd_name'], []).append(dev)
    return out


def consistent(static, sent):
    """A stream's description of a section agrees with the static one:
    same version, the fields it sent in the static order, its subsections
    among the static ones (each agreeing too).  Returns a reason or ''."""
    if sent.get('version', 0) != static['version_id']:
        return f'version {sent.get("version")} vs {static["version_id"]}'
    names = [f['field'] for f in static.get('Fields', [])]
    pos = 0
    for f in sent.get('fields', []):
        name = f['name']
        if name not in names[pos:]:     # an element of an array of structs
            name = re.sub(r'\[\d+\]$', '', name)
        if name not in names[pos:]:
            return f'field {f["name"]} not in order'
        pos = names.index(name, pos)
    subs = {s['name']: s for s in static.get('Subsections', [])}
    for s in sent.get('subsections', []):
        if s['vmsd_name'] not in subs:
            return f'subsection {s["vmsd_name"]} unknown'
        why = consistent(subs[s['vmsd_name']], s)
        if why:
            return f'{s["vmsd_name"]}: {why}'
    return ''


def run_checker(wd, dumps, src, dst, tag):
    """The checker's findings (sorted, each once) from src to dst."""
    paths = []
    for side, data in ((src, dumps[src]), (dst, dumps[dst])):
        paths.append(os.path.join(wd, f'{tag}-{side}.json'))
        with open(paths[-1], 'w', encoding='utf-8') as f:
            json.dump(data, f)
    r = subprocess.run([sys.executable, CHECKER, '-s', paths[0],
                        '-d', paths[1]], capture_output=True, text=True,
                       check=False)
    if r.stderr or (r.returncode == 0) != (not r.stdout.strip()):
        T.fail(f'the checker failed: status {r.returncode}\n{r.stderr}')
    return sorted(set(r.stdout.splitlines()))


def section_of(line):
    m = re.match(r'Section "([^"]+)"', line)
    if not m:
        T.fail(f'unexpected checker output: {line}')
    return m.group(1)


def documented(direction):
    """The checker's lines docs/peers.md lists for direction."""
    with open(DOC, encoding='utf-8') as f:
        text = f.read()
    m = re.search(r'<!-- checker: ' + re.escape(direction) +
                  r' -->\s*```\n(.*?)```', text, re.S)
    if not m:
        T.fail(f'docs/peers.md has no checker list for {direction}')
    return sorted(set(m.group(1).splitlines()))


# device -> (ours -> 11.1, 11.1 -> ours): None loads, else a substring of
# the destination's complaint (query-migrate error-desc or its log)
PROBES = {
    'isa-vga': (["-device", "isa-vga"],
                "Unknown section or instance 'vga' 0",
                "Unknown savevm section or instance 'vga-isa' 0"),
    'am53c974': (["-device", "am53c974"], None,
                 "Missing section footer for 0000:00:01.0/pciespscsi"),
    'pvscsi+scsi-hd': (["-blockdev",
                        "driver=null-co,node-name=d0,read-zeroes=on",
                        "-device", "pvscsi", "-device", "scsi-hd,drive=d0"],
                       None, None),
    # not a finding of the checker: queue sizes are configuration.  Our
    # base, 10.0.13, allocates every virtqueue with 1024 entries ("for
    # qemu <11.1", hw/virtio/virtio.c) and sends that size; 11.1.3
    # allocates the device's 256 on pc-q35-10.0 and checks it for some
    # devices.
    'virtio-net-pci': (["-device", "virtio-net-pci"],
                       "VQ 0 vring.num 1024 exceeds allocated max 256", None),
    'virtio-blk-pci': (["-blockdev",
                        "driver=null-co,node-name=d0,read-zeroes=on",
                        "-device", "virtio-blk-pci,drive=d0"], None, None),
}


def probe(wd, src, dst, dev):
    """Save a pc-q35-10.0 machine with dev on src (after 2 s of firmware),
    load it on dst: (status, what dst said)."""
    path = os.path.join(wd, 'probe.mig')
    args = ['-machine', MACHINE, '-accel', 'tcg', '-cpu', 'qemu64',
            '-nodefaults', '-m', '64', '-S'] + PROBES[dev][0]
    machines = []
    try:
        for side, extra in ((src, []), (dst, ['-incoming', 'defer'])):
            kw = {} if side == 'ours' else {'wrapper': P.WRAPPER}
            vm = QEMUMachine(T.QEMU if side == 'ours' else P.BINARY,
                             args=args + extra, name=f'{dev}-{side}',
                             base_temp_dir=wd, log_dir=wd, **kw)
            machines.append(vm)
        a, b = machines
        a.launch()
        a.cmd('cont')
        time.sleep(2)
        a.cmd('stop')
        st = T.migrate(a, 'file:' + path)
        T.check(st['status'] == 'completed', f'{dev}: {src} saved it')
        b.launch()
        b.cmd('migrate-incoming', uri='file:' + path,
              **{'exit-on-error': False})
        st = T.wait_migration(b)
        b.shutdown()
        return st['status'], st.get('error-desc', '') + (b.get_log() or '')
    finally:
        for vm in machines:
            vm.shutdown()
        if os.path.exists(path):
            os.unlink(path)


def flat(desc):
    """The wire shape of a description: (size, count) of every field."""
    return [(f['size'], f.get('num', 1),
             flat(f['Description']) if 'Description' in f else None)
            for f in desc.get('Fields', [])]


wd = P.workdir()
vms = []
try:
    # 1. -dump-vmstate does not depend on -cpu
    raw = {}
    for side in SIDES:
        raw[side] = dump(wd, side, APX)
        T.check(raw[side] == dump(wd, side, 'qemu64'),
                f'{side}: -dump-vmstate of {MACHINE} is the same with -cpu '
                f'{APX} and -cpu qemu64 ({len(raw[side])} bytes)')
    plain = {s: json.loads(raw[s]) for s in SIDES}
    for side in SIDES:
        T.check(plain[side]['vmschkmachine']['Name'] == MACHINE,
                f'{side}: the dump is of {MACHINE}')

    # 2. What the dumps lack, read from the running QEMUs
    stream, reader, dumps = {}, {}, {}
    for side in SIDES:
        vm = launch(wd, side)
        vms.append(vm)
        for name in plain[side]:        # load the modules of dumped types
            try:
                vm.cmd('qom-list-properties', typename=name)
            except Exception:  # pylint: disable=broad-except
                pass
        try:
            reader[side] = vmsdscan.Reader(vmsdscan.Memory(vm.get_pid()),
                                           plain[side])
        except vmsdscan.ScanError as e:
            T.fail(f'{side}: cannot read the descriptions from memory: {e}')
        T.log(f'{side}: {reader[side].layout}')
        ok, total, missing = reader[side].dump_check()
        T.check(ok == total, f'{side}: read from memory, all {total} dumped '
                f'descriptions come back exactly as -dump-vmstate wrote them'
                + (f' (not: {missing[:10]})' if missing else ''))
        stream[side] = stream_description(vm, wd, side)
    dumped = {sec['Description']['name'] for side in SIDES
              for n, sec in plain[side].items() if n != 'vmschkmachine'}
    extra = sorted(set(stream['ours']) | set(stream['11.1']))
    extra = [n for n in extra if n not in dumped]
    T.check('cpu' in extra and 'cpu' in stream['ours'] and
            'cpu' in stream['11.1'],
            f'both streams have a cpu section and neither dump describes it;'
            f' the same for {", ".join(n for n in extra if n != "cpu")}')
    for side in SIDES:
        dumps[side] = dict(plain[side])
        for name in extra:
            found = [d for d in reader[side].find(name) if 'Fields' in d]
            if name not in stream[side] and not found:
                continue
            T.check(len(found) == 1, f'{side}: one static description '
                    f'named {name} ({len(found)} found)')
            for sent in stream[side].get(name, []):
                why = consistent(found[0], sent)
                T.check(not why, f'{side}: the {name} section of its own '
                        f'stream agrees with it' + (f': {why}' if why else ''))
            dumps[side][name] = vmsdscan.section(found[0])
    cpu = {s: dumps[s]['cpu']['Description'] for s in SIDES}
    subs = {s: {d['name']: d for d in cpu[s]['Subsections']} for s in SIDES}
    T.check('cpu/apx' in [d['vmsd_name'] for d in
                          stream['ours']['cpu'][0].get('subsections', [])],
            'our stream with apxf carries cpu/apx')

    # 3. The checker on the completed dumps
    find = {}
    for src, dst in (('ours', '11.1'), ('11.1', 'ours')):
        tag = f'{src}-to-{dst}'
        find[tag] = run_checker(wd, dumps, src, dst, tag)
        T.log(f'checker, {src} -> {dst}: {len(find[tag])} findings')
        for line in find[tag]:
            T.log('  ' + line)
    T.check(not [x for x in find['ours-to-11.1'] if section_of(x) == 'cpu'],
            'ours -> 11.1: no finding in the cpu section')
    added = sorted(set(subs['11.1']) - set(subs['ours']))
    cpu_back = [x for x in find['11.1-to-ours'] if section_of(x) == 'cpu']
    T.check(cpu_back == sorted(f'Section "cpu", Description "cpu": '
                               f'Subsection "{n}" not found' for n in added),
            f'11.1 -> ours: the only cpu findings are the subsections 11.1 '
            f'added: {", ".join(added)}')
    sent_back = {d['vmsd_name'] for d in
                 stream['11.1']['cpu'][0].get('subsections', [])}
    T.check('cpu/apx' not in added and not sent_back & set(added),
            f'11.1 sends none of them for this CPU (it sent: '
            f'{", ".join(sorted(sent_back))})')
    apx = {s: subs[s]['cpu/apx'] for s in SIDES}
    T.check(all(a['version_id'] == 1 and a['minimum_version_id'] == 1 and
                flat(a) == [(8, 16, None)] for a in apx.values()),
            'cpu/apx is version 1 with 16 registers of 8 bytes on both sides'
            f' (fields: ours {[f["field"] for f in apx["ours"]["Fields"]]},'
            f' 11.1 {[f["field"] for f in apx["11.1"]["Fields"]]})')
    T.check(cpu['ours']['version_id'] == cpu['11.1']['version_id'] and
            flat(cpu['ours']) == flat(cpu['11.1']),
            f'the cpu section\'s own fields have the same wire shape on both '
            f'sides (version {cpu["ours"]["version_id"]}, '
            f'{len(cpu["ours"]["Fields"])} fields)')

    # 4. Every other finding is documented
    for tag, lines in find.items():
        other = [x for x in lines if section_of(x) != 'cpu']
        doc = documented(tag)
        new = sorted(set(other) - set(doc))
        gone = sorted(set(doc) - set(other))
        T.check(not new and not gone,
                f'{tag}: the {len(other)} findings outside cpu are those '
                f'docs/peers.md explains' +
                (f'; not documented: {new}' if new else '') +
                (f'; documented, no longer reported: {gone}' if gone else ''))

    # 5. What some findings mean in practice
    for dev, (_, *want) in PROBES.items():
        for (src, dst), expect in zip((('ours', '11.1'), ('11.1', 'ours')),
                                      want):
            status, said = probe(wd, src, dst, dev)
            if expect is None:
                T.check(status == 'completed',
                        f'{dev}: {src} -> {dst} loads' +
                        ('' if status == 'completed' else f': {said}'))
            else:
                T.check(status == 'failed' and expect in said,
                        f'{dev}: {src} -> {dst} fails: {expect}' +
                        ('' if status == 'failed' and expect in said
                         else f'; status {status}: {said}'))
finally:
    for vm in vms:
        vm.shutdown()
    T.cleanup(wd)

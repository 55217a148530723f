"""Static migration descriptions that -dump-vmstate leaves out, read from a
running QEMU's memory.

QEMU's -dump-vmstate lists the VMStateDescription of every device *class*
(DeviceClass::vmsd).  The x86 CPU has none: its "cpu" description is
registered per CPU at realize time (CPUClass sysemu_ops->legacy_vmsd), so
the dump, and scripts/vmstate-static-checker.py reading it, never see the
"cpu" section.  This module reads the same static tables from the memory of
a running QEMU process (/proc/PID/mem, its executable's mappings) and prints
them the way -dump-vmstate would.

No struct layout is assumed: the offsets of the VMStateDescription and
VMStateField members differ between QEMU versions (and our queue adds a
member), so they are *learned* from the process's own -dump-vmstate output:
for every described device the reader finds the structure whose name pointer
points at that name, and keeps the offsets under which the versions, the
fields and the subsections agree with the dump.  What it learns is then
checked by reproducing the dump: dump_check() must give every dumped
description back exactly before anything it reads can be trusted.

Only the enum VMStateFlags bits below are taken from QEMU's headers (they
have not changed since they were introduced).
"""

import collections
import os
import struct

VMS_ARRAY = 0x004
VMS_MUST_EXIST = 0x1000


class ScanError(Exception):
    pass


class Memory:
    """The file-backed mappings of a QEMU process's executable and of the
    modules it loaded."""

    def __init__(self, pid):
        self.pid = pid
        exe = os.stat(f'/proc/{pid}/exe')
        self.maps = []          # (start, bytes)
        self.data_maps = []     # the same, without code
        with open(f'/proc/{pid}/maps', encoding='utf-8') as f, \
                open(f'/proc/{pid}/mem', 'rb', buffering=0) as mem:
            for line in f:
                parts = line.split()
                if len(parts) < 6 or parts[1][0] != 'r':
                    continue
                # the executable and QEMU's loadable modules
                if int(parts[4]) != exe.st_ino and not (
                        '/qemu/' in parts[5] and parts[5].endswith('.so')):
                    continue
                lo, hi = (int(x, 16) for x in parts[0].split('-'))
                mem.seek(lo)
                data = mem.read(hi - lo)
                self.maps.append((lo, data))
                if 'x' not in parts[1]:
                    self.data_maps.append((lo, data))
        if not self.maps:
            raise ScanError(f'no mappings of the executable of process {pid}')
        self.maps.sort()
        self._index = None

    def _find(self, addr, n):
        for lo, data in self.maps:
            if lo <= addr and addr + n <= lo + len(data):
                return data, addr - lo
        return None, 0

    def mapped(self, addr, n=8):
        return self._find(addr, n)[0] is not None

    def read(self, addr, n):
        data, off = self._find(addr, n)
        if data is None:
            raise ScanError(f'address {addr:#x} is not mapped')
        return data[off:off + n]

    def u64(self, addr):
        return struct.unpack('<Q', self.read(addr, 8))[0]

    def i32(self, addr):
        return struct.unpack('<i', self.read(addr, 4))[0]

    def cstr(self, addr, limit=256):
        data, off = self._find(addr, 1)
        if data is None:
            return None
        end = data.find(b'\0', off, off + limit)
        if end < 0:
            return None
        try:
            return data[off:end].decode('ascii')
        except UnicodeDecodeError:
            return None

    def string_addrs(self, s):
        """Every address holding the NUL-terminated string s (a string may
        be the tail of a longer one: the linker merges them)."""
        needle = s.encode() + b'\0'
        out = []
        for lo, data in self.data_maps:
            i = data.find(needle)
            while i >= 0:
                out.append(lo + i)
                i = data.find(needle, i + 1)
        return out

    def pointers_to(self, addrs):
        """Every 8-aligned address holding a pointer to one of addrs."""
        if self._index is None:
            # value -> addresses, for every aligned word of the data
            # mappings that points into the executable's mappings
            lo_all = self.maps[0][0]
            hi_all = self.maps[-1][0] + len(self.maps[-1][1])
            index = collections.defaultdict(list)
            for lo, data in self.data_maps:
                words = memoryview(data)[:len(data) // 8 * 8].cast('Q')
                for k, v in enumerate(words):
                    if lo_all <= v < hi_all:
                        index[v].append(lo + 8 * k)
            self._index = index
        return [p for a in addrs for p in self._index.get(a, ())]


def _descriptions(dump):
    """Every description in a -dump-vmstate dump, nested ones included."""
    out = []

    def walk(desc):
        out.append(desc)
        for f in desc.get('Fields', []):
            if 'Description' in f:
                walk(f['Description'])
        for s in desc.get('Subsections', []):
            walk(s)
    for name, sec in dump.items():
        if name != 'vmschkmachine':
            walk(sec['Description'])
    return out


class Layout:
    """Offsets of the members of VMStateDescription and VMStateField."""

    def __init__(self, **kw):
        self.__dict__.update(kw)

    def __repr__(self):
        return 'Layout(' + ', '.join(f'{k}={v}' for k, v in
                                     sorted(self.__dict__.items())) + ')'


def _vote(counter, what):
    if not counter:
        raise ScanError(f'cannot learn the offset of {what}')
    (best, n), *rest = counter.most_common(2) + [(None, 0)]
    if rest[0][1] * 2 > n:
        raise ScanError(f'the offset of {what} is ambiguous: {counter}')
    return best


class Reader:
    """Learns the layout from a dump of the same process, then reads."""

    def __init__(self, mem, dump):
        self.mem = mem
        self.dump = dump
        self._learn()

    # -- learning ---------------------------------------------------------
    def _candidates(self, name):
        return self.mem.pointers_to(self.mem.string_addrs(name))

    def _learn(self):
        m = self.mem
        descs = [d for d in _descriptions(self.dump)]
        # One sample per distinct description name with fields.
        seen, samples = set(), []
        for d in descs:
            if d['name'] in seen or not d.get('Fields'):
                continue
            seen.add(d['name'])
            samples.append((d, self._candidates(d['name'])))
        # VMStateDescription: version_id, minimum_version_id (two ints),
        # fields and subsections (pointers).
        ver = collections.Counter()
        for d, cands in samples:
            hits = {o for p in cands for o in range(8, 64, 4)
                    if m.mapped(p + o, 8) and
                    m.i32(p + o) == d['version_id'] and
                    m.i32(p + o + 4) == d['minimum_version_id']}
            ver.update(hits)
        v_off = _vote(ver, 'VMStateDescription.version_id')
        structs = []        # (dump description, struct address)
        fld = collections.Counter()
        for d, cands in samples:
            good = [p for p in cands if m.mapped(p + v_off, 8) and
                    m.i32(p + v_off) == d['version_id'] and
                    m.i32(p + v_off + 4) == d['minimum_version_id']]
            first = d['Fields'][0]['field']
            hits = set()
            for p in good:
                for o in range((v_off + 15) // 8 * 8, 256, 8):
                    if not m.mapped(p + o):
                        break
                    f = m.u64(p + o)
                    if m.mapped(f) and m.cstr(m.u64(f)) == first:
                        hits.add(o)
                        structs.append((d, p))
            fld.update(hits)
        f_off = _vote(fld, 'VMStateDescription.fields')
        structs = [(d, p) for d, p in structs
                   if m.mapped(m.u64(p + f_off)) and
                   m.cstr(m.u64(m.u64(p + f_off))) == d['Fields'][0]['field']]
        sub = collections.Counter()
        for d, p in structs:
            if not d.get('Subsections'):
                continue
            first = d['Subsections'][0]['name']
            for o in range((v_off + 15) // 8 * 8, 256, 8):
                if o == f_off or not m.mapped(p + o):
                    continue
                s = m.u64(p + o)
                if m.mapped(s) and m.mapped(m.u64(s)) and \
                        m.cstr(m.u64(m.u64(s))) == first:
                    sub[o] += 1
        s_off = _vote(sub, 'VMStateDescription.subsections')
        # VMStateField: the array stride, then each member.
        stride = collections.Counter()
        for d, p in structs:
            names = [f['field'] for f in d['Fields']]
            if len(names) < 3:
                continue
            base = m.u64(p + f_off)
            for s in range(32, 257, 8):
                if all(m.cstr(m.u64(base + k * s)) == n
                       for k, n in enumerate(names) if m.mapped(base + k * s)):
                    stride[s] += 1
        f_size = _vote(stride, 'sizeof(VMStateField)')
        # Fields in memory, aligned with their dumped entries (descriptions
        # whose dump skips no field: the names follow one another).
        pairs = []
        for d, p in structs:
            base = m.u64(p + f_off)
            names = [f['field'] for f in d['Fields']]
            if all(m.cstr(m.u64(base + k * f_size)) == n
                   for k, n in enumerate(names)) and \
                    m.u64(base + len(names) * f_size) == 0:
                pairs += [(f, base + k * f_size)
                          for k, f in enumerate(d['Fields'])]

        def learn(what, offsets, pred):
            votes = collections.Counter()
            for o in offsets:
                try:
                    if all(pred(f, a + o) for f, a in pairs):
                        votes[o] = 1
                except ScanError:
                    pass
            if len(votes) != 1:
                raise ScanError(f'cannot learn VMStateField.{what}: '
                                f'{sorted(votes)}')
            return next(iter(votes))

        if len({f['size'] for f, _ in pairs}) < 4 or \
                not any('num' in f for f, _ in pairs) or \
                not any(f['version_id'] for f, _ in pairs) or \
                not any(f['field_exists'] for f, _ in pairs):
            raise ScanError('too few distinct fields to learn from')
        q_offs = range(8, f_size, 8)
        i_offs = range(8, f_size, 4)
        size_off = learn('size', q_offs, lambda f, a: m.u64(a) == f['size'])
        flags_off = learn('flags', i_offs,
                          lambda f, a: bool(m.i32(a) & VMS_ARRAY) ==
                          ('num' in f) and not m.i32(a) & VMS_MUST_EXIST)
        num_off = learn('num', [o for o in i_offs if o != flags_off],
                        lambda f, a: 'num' not in f or m.i32(a) == f['num'])
        vmsd_off = learn('vmsd', q_offs,
                         lambda f, a: (m.u64(a) != 0) == ('Description' in f)
                         and ('Description' not in f or
                              m.cstr(m.u64(m.u64(a))) ==
                              f['Description']['name']))
        version_off = learn('version_id', [o for o in i_offs
                                           if o not in (flags_off, num_off)],
                            lambda f, a: m.i32(a) == f['version_id'])
        exists_off = learn('field_exists', [o for o in q_offs
                                            if o not in (size_off, vmsd_off)],
                           lambda f, a: (m.u64(a) != 0) == f['field_exists'])
        self.layout = Layout(d_version=v_off, d_fields=f_off,
                             d_subsections=s_off, f_stride=f_size,
                             f_size=size_off, f_flags=flags_off,
                             f_num=num_off, f_vmsd=vmsd_off,
                             f_version=version_off, f_exists=exists_off)

    # -- reading ----------------------------------------------------------
    def description(self, p):
        """The description at address p, as -dump-vmstate writes it."""
        m, L = self.mem, self.layout
        out = {'name': m.cstr(m.u64(p)),
               'version_id': m.i32(p + L.d_version),
               'minimum_version_id': m.i32(p + L.d_version + 4)}
        fields = m.u64(p + L.d_fields)
        if fields:
            out['Fields'] = []
            a = fields
            while m.u64(a):
                if not m.i32(a + L.f_flags) & VMS_MUST_EXIST:
                    f = {'field': m.cstr(m.u64(a)),
                         'version_id': m.i32(a + L.f_version),
                         'field_exists': m.u64(a + L.f_exists) != 0}
                    if m.i32(a + L.f_flags) & VMS_ARRAY:
                        f['num'] = m.i32(a + L.f_num)
                    f['size'] = m.u64(a + L.f_size)
                    if m.u64(a + L.f_vmsd):
                        f['Description'] = self.description(
                            m.u64(a + L.f_vmsd))
                    out['Fields'].append(f)
                a += L.f_stride
                if len(out['Fields']) > 10000:
                    raise ScanError(f'runaway field list at {p:#x}')
        subs = m.u64(p + L.d_subsections)
        if subs:
            out['Subsections'] = []
            while m.u64(subs):
                out['Subsections'].append(self.description(m.u64(subs)))
                subs += 8
        return out

    def find(self, name):
        """Every description named name that reads back consistently."""
        m, L = self.mem, self.layout
        out = []
        for p in self._candidates(name):
            try:
                # between the name and version_id only flags (bool) live
                if any(b > 1 for b in m.read(p + 8, L.d_version - 8)):
                    continue
                if not (0 <= m.i32(p + L.d_version) < 1 << 20 and
                        0 <= m.i32(p + L.d_version + 4) <=
                        m.i32(p + L.d_version)):
                    continue
                f = m.u64(p + L.d_fields)
                if f and not m.mapped(f):
                    continue
                desc = self.description(p)
            except ScanError:
                continue
            if desc not in out:
                out.append(desc)
        return out

    def dump_check(self):
        """(reproduced, total): how many dumped top-level descriptions this
        reader finds exactly as -dump-vmstate wrote them."""
        total = ok = 0
        missing = []
        for name, sec in self.dump.items():
            if name == 'vmschkmachine':
                continue
            total += 1
            desc = sec['Description']
            if desc in self.find(desc['name']):
                ok += 1
            else:
                missing.append(name)
        return ok, total, missing


def section(desc):
    """A -dump-vmstate style section for a description."""
    return {'Name': desc['name'], 'version_id': desc['version_id'],
            'minimum_version_id': desc['minimum_version_id'],
            'Description': desc}

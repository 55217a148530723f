#!/usr/bin/env python3
"""Damaged cpu/apx subsections: the destination refuses cleanly.

A Linux guest with APX enabled (XCR0 bit 19) and R16..R31 in use is saved
to a file.  Variants of that stream are loaded by fresh destinations
(migrate-incoming with exit-on-error=false, so each destination must stay
alive and answer QMP after the failure):

  version    subsection version 2 (we know 1);
  truncated  the stream ends in the middle of the registers;
  oversized  8 bytes more register data than the subsection holds;
  garbage    64 random bytes right after the subsection;
  name       an unknown subsection name (cpu/apy);
  namelen    a subsection name length (255) that runs past the name.

Each must fail with the expected error, leave the guest not running, and
not crash QEMU.

  strip      every cpu/apx subsection removed.  No legitimate peer sends
             that (upstream QEMU and ours send cpu/apx whenever the CPU has
             apxf), so the destination does not check for it: the stream
             loads, and R16..R31 of every vCPU read back as their reset
             value 0 although the subsections carried non-zero values.

The unmodified stream loads and the guest program then passes with its
values, and a destination left to exit on error exits with status 1, not a
signal.  Skips (exit 77) with a QEMU without apxf.
"""
import os
import random
import re
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402

T.skip_unless_apxf()

SUB = b'\x05\x07cpu/apx'
HDR = len(SUB) + 4              # + be32 version
DATA = 128

# variant -> what the destination must say (substring of its log)
EXPECT = {
    'version': 'cpu/apx: incoming version_id 2 is too new for local '
               'version_id 1',
    'truncated': 'Failed to load cpu/apx:env.regs',
    'oversized': 'Missing section footer for cpu',
    'garbage': 'Missing section footer for cpu',
    # upstream's subsection loader only traces an unknown name
    'name': "error while loading state for instance 0x0 of device 'cpu'",
    # the name is compared as a C string: 255 bytes from "cpu/apx\0..."
    # still match, and the version is then read from the register data
    'namelen': 'cpu/apx: incoming version_id 0 is too old',
}


def mutate(stream, kind, rng):
    first = stream.find(SUB)
    assert first > 0
    end = first + HDR + DATA
    if kind == 'strip':
        return T.strip_apx(stream)
    if kind == 'version':
        return stream[:first + len(SUB)] + (2).to_bytes(4, 'big') + \
            stream[first + HDR:]
    if kind == 'truncated':
        return stream[:first + HDR + DATA // 2]
    if kind == 'oversized':
        return stream[:end] + bytes(8) + stream[end:]
    if kind == 'garbage':
        return stream[:end] + rng.randbytes(64) + stream[end:]
    if kind == 'name':
        return stream[:first] + b'\x05\x07cpu/apy' + stream[first + len(SUB):]
    if kind == 'namelen':
        return stream[:first + 1] + b'\xff' + stream[first + 2:]
    raise ValueError(kind)


REGS_RE = re.compile(r'R(1[6-9]|2\d|3[01])=([0-9a-f]{16})')


def carried(stream):
    """R16..R31 of each vCPU as carried in the stream's cpu/apx."""
    out, pos = [], 0
    while (i := stream.find(T.APX_SUBSECTION, pos)) >= 0:
        data = stream[i + len(T.APX_SUBSECTION):i + T.APX_SUBSECTION_LEN]
        out.append(dict(zip(range(16, 32), struct.unpack('>16Q', data))))
        pos = i + T.APX_SUBSECTION_LEN
    return out


def egprs(g):
    """R16..R31 of every vCPU, from "info registers -a"."""
    out = g.hmp('info registers -a')
    return [{int(n): int(v, 16) for n, v in REGS_RE.findall(cpu)}
            for cpu in out.split('CPU#')[1:]]


def load(name, path, exit_on_error=False, extra=()):
    g = T.Guest(WD, name, args=(THREADS, SECONDS), smp=SMP,
                incoming='defer', extra=extra).launch()
    GUESTS.append(g)
    g.vm.cmd('migrate-incoming', uri='file:' + path,
             **{'exit-on-error': exit_on_error})
    return g


WD = T.workdir()
GUESTS = []
THREADS, SECONDS, SMP = 2, 20, 2
try:
    rng = random.Random(0xa9)
    src = T.Guest(WD, 'src', args=(THREADS, SECONDS), smp=SMP).launch()
    GUESTS.append(src)
    src.wait_for(T.REPORT_RE)
    good = os.path.join(WD, 'good.mig')
    st = T.migrate(src.vm, 'file:' + good)
    T.check(st['status'] == 'completed', 'APX guest saved to a file')
    before = T.last_values(src.text())
    src.shutdown()
    with open(good, 'rb') as f:
        stream = f.read()
    T.check(stream.count(SUB) == SMP, f'{SMP} cpu/apx subsections')

    for kind, want in EXPECT.items():
        path = os.path.join(WD, kind + '.mig')
        with open(path, 'wb') as f:
            f.write(mutate(stream, kind, rng))
        g = load(kind, path)
        st = T.wait_migration(g.vm, timeout=60)
        T.check(st['status'] == 'failed', f'{kind}: incoming migration failed')
        T.check(g.vm.cmd('query-status')['status'] != 'running',
                f'{kind}: the guest does not run')
        g.shutdown()
        T.check(g.vm.exitcode() == 0,
                f'{kind}: QEMU stayed alive and shut down cleanly')
        log = g.vm.get_log() or ''
        T.log(f'{kind}: destination said: ' +
              ' | '.join(log.strip().splitlines()))
        T.check(want in log, f'{kind}: error says "{want}"')

    # strip: loads (no legitimate peer sends it, nothing checks for it), and
    # R16..R31 read back 0.  -S: the guest stays paused after the load, so
    # the registers are the loaded ones, not what the guest did since.
    sent = carried(stream)
    T.check(len(sent) == SMP and any(any(v.values()) for v in sent),
            'strip: the cpu/apx subsections carried non-zero R16..R31 ' +
            ' '.join(f'(cpu {n}: r16={v[16]:#x})' for n, v in enumerate(sent)))
    path = os.path.join(WD, 'strip.mig')
    with open(path, 'wb') as f:
        f.write(mutate(stream, 'strip', rng))
    g = load('strip', path, extra=('-S',))
    st = T.wait_migration(g.vm, timeout=60)
    T.check(st['status'] == 'completed',
            'strip: the stream without cpu/apx loads')
    regs = egprs(g)
    T.check(len(regs) == SMP and
            all(r == {n: 0 for n in range(16, 32)} for r in regs),
            f'strip: R16..R31 of all {SMP} vCPUs read back 0 (nothing else '
            'in the stream carries them)')
    g.shutdown()
    T.check(g.vm.exitcode() == 0, 'strip: QEMU shut down cleanly')

    g = load('exit', os.path.join(WD, 'truncated.mig'), exit_on_error=True)
    g.vm.wait(timeout=60)
    T.check(g.vm.exitcode() == 1, 'with exit-on-error the destination exits '
            f'with status 1 (got {g.vm.exitcode()})')

    g = load('good', good)
    st = T.wait_migration(g.vm, timeout=60)
    T.check(st['status'] == 'completed', 'the unmodified stream loads')
    T.check_program_ends(g, THREADS, before, 'after the unmodified stream',
                         timeout=SECONDS + 60)
finally:
    for g in GUESTS:
        g.shutdown()
    T.cleanup(WD)

#!/usr/bin/env python3
"""A TCG guest's ZMM0-31 and k0-7 survive migration and savevm/loadvm.

One Linux 7.x guest boots (-cpu CPU_512, two vCPUs) and runs avx512-state
in its threads mode: four threads keep their own k0-7/ZMM0-31 values and
check them continuously, exiting with FAIL at the first change.  Then:

 1. the guest is stopped; HMP "info registers -a" gives every vCPU's
    Opmask00-07 and ZMM00-31 (the registers of whichever thread ran
    last); some of them must hold bits above 255 and in ZMM16-31, so
    that the state under test is really the AVX-512 part;
 2. the stopped guest migrates to a file: the stream must carry a
    cpu/avx512 subsection per vCPU holding exactly those k registers and
    bits 511:256 of ZMM0-15 and all of ZMM16-31 (bits 255:0 of ZMM0-15
    travel in the cpu section and cpu/avx);
 3. a new QEMU process loads that file: "info registers -a" there is
    identical, register for register, on every vCPU;
 4. that process is resumed and live-migrated over TCP to a third one
    while the threads run; the third shows the same per-thread values in
    its reports, and the program ends with PASS there;
 5. savevm on the third (stopped, registers read), loadvm in a fourth
    process started with -S: identical registers again, and the guest
    resumed there still passes.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apxtest as T  # noqa: E402
import avx512lib as L  # noqa: E402

# avx512-state threads mode runs this long (guest seconds) in all: long
# enough for every step, as guest time stands still while it is stopped
SECONDS = 40
THREADS = 4
REPORT_RE = re.compile(r'^AVX512-STATE: t=(\d) n=(\d+) cs=(\d+) (.*)$',
                       re.M)
CPU_RE = re.compile(r'^CPU#(\d+)', re.M)
OPMASK_RE = re.compile(r'Opmask(\d\d)=([0-9a-f]{16})')
ZMM_RE = re.compile(r'ZMM(\d\d)=((?:[0-9a-f]{16} ){7}[0-9a-f]{16})')

expect = L.expect


def registers(g):
    """{cpu: ({k: value}, {zmm: 512-bit value})} from info registers -a."""
    out = g.hmp('info registers -a')
    cpus = {}
    starts = [(int(m.group(1)), m.start()) for m in CPU_RE.finditer(out)]
    for i, (cpu, at) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else len(out)
        part = out[at:end]
        ks = {int(n): int(v, 16) for n, v in OPMASK_RE.findall(part)}
        zs = {int(n): int(v.replace(' ', ''), 16)
              for n, v in ZMM_RE.findall(part)}
        cpus[cpu] = (ks, zs)
    return cpus


def describe(regs):
    return ', '.join(f'CPU#{c}: {len(ks)} Opmask, {len(zs)} ZMM'
                     for c, (ks, zs) in sorted(regs.items()))


def same_registers(a, b, what):
    differ = []
    for cpu in sorted(set(a) | set(b)):
        ka, za = a.get(cpu, ({}, {}))
        kb, zb = b.get(cpu, ({}, {}))
        differ += [f'CPU#{cpu} k{n}' for n in sorted(set(ka) | set(kb))
                   if ka.get(n) != kb.get(n)]
        differ += [f'CPU#{cpu} zmm{n}' for n in sorted(set(za) | set(zb))
                   if za.get(n) != zb.get(n)]
    expect(a and not differ, f'{what}: k0-7 and ZMM0-31 of every vCPU '
           'identical' + (f' (differ: {" ".join(differ[:12])})'
                          if differ else ''))


def avx512_subsections(data):
    """[(k0-7, ZMM0-15 bits 511:256, ZMM16-31)] of every cpu/avx512
    subsection in a migration stream, in stream order (vCPU order).  The
    subsection (migration/vmstate.c, target/i386/machine.c): the name,
    a 32-bit version, then 8 k registers, then ZMM_Q(4..7) of ZMM0-15 and
    ZMM_Q(0..7) of ZMM16-31, each quadword a big-endian uint64."""
    name = b'cpu/avx512'
    out, at = [], 0
    while True:
        at = data.find(bytes([len(name)]) + name, at)
        if at < 0:
            return out
        p = at + 1 + len(name) + 4
        q = [int.from_bytes(data[p + 8 * i:p + 8 * i + 8], 'big')
             for i in range(8 + 16 * 4 + 16 * 8)]
        hi = [sum(q[8 + 4 * n + j] << (64 * j) for j in range(4))
              for n in range(16)]
        z16 = [sum(q[72 + 8 * n + j] << (64 * j) for j in range(8))
               for n in range(16)]
        out.append((q[:8], hi, z16))
        at = p


def reports(txt):
    """The last report of each thread: {t: values text}."""
    return {int(m.group(1)): m.group(4) for m in REPORT_RE.finditer(txt)}


def main():
    T.skip_unless_apxf()
    kernel, img = L.guest_kernel(), L.initramfs()
    append = f'{L.KERNEL_APPEND} avx.secs={SECONDS}'
    wd = T.workdir()
    guests = []

    def guest(name, **kw):
        g = T.Guest(wd, name, cpu=L.CPU_512, kernel=kernel, initrd=img,
                    append=append, **kw).launch()
        guests.append(g)
        return g

    try:
        src = guest('src')
        src.wait_for(REPORT_RE, timeout=120)
        before = reports(src.text())

        # 1. the registers of the stopped guest
        src.vm.cmd('stop')
        regs = registers(src)
        T.log(f'source: {describe(regs)}')
        expect(len(regs) == 2 and all(len(ks) == 8 and len(zs) == 32
                                      for ks, zs in regs.values()),
               'info registers -a shows Opmask00-07 and ZMM00-31 of both '
               'vCPUs (XCR0 enables components 5-7)')
        zs = [z for _, zr in regs.values() for z in zr.values()]
        hi16 = [z for _, zr in regs.values() for n, z in zr.items()
                if n >= 16 and z]
        expect(any(z >> 256 for z in zs) and hi16 and
               any(k for kr, _ in regs.values() for k in kr.values()),
               'the guest threads left non-zero bits 511:256, ZMM16-31 and '
               'k registers on the vCPUs')

        # 2. the stream
        stream = os.path.join(wd, 'avx512.mig')
        src.vm.cmd('migrate', uri=f'file:{stream}')
        st = T.wait_migration(src.vm)
        T.check(st['status'] == 'completed', 'migration to a file completed')
        with open(stream, 'rb') as f:
            data = f.read()
        subs = avx512_subsections(data)
        expect(len(subs) == len(regs),
               f'the stream carries a cpu/avx512 subsection per vCPU '
               f'({len(subs)})')
        differ = []
        for cpu, (kr, zr) in sorted(regs.items()):
            if cpu >= len(subs):
                break
            ks, hi, z16 = subs[cpu]
            differ += [f'CPU#{cpu} k{n}' for n in range(8) if ks[n] != kr[n]]
            differ += [f'CPU#{cpu} zmm{n}' for n in range(16)
                       if hi[n] != zr[n] >> 256]
            differ += [f'CPU#{cpu} zmm{n + 16}' for n in range(16)
                       if z16[n] != zr[n + 16]]
        expect(subs and not differ, 'the subsections hold k0-7, bits 511:256 '
               'of ZMM0-15 and ZMM16-31 as info registers showed them' +
               (f' (differ: {" ".join(differ[:12])})' if differ else ''))

        # 3. load it in a new process
        dst1 = guest('dst1', incoming='defer')
        dst1.vm.cmd('migrate-incoming', uri=f'file:{stream}')
        st = T.wait_migration(dst1.vm)
        T.check(st['status'] == 'completed', 'incoming migration completed')
        same_registers(regs, registers(dst1),
                       'after loading the stream in a new process')
        src.shutdown()

        # 4. live, over TCP, while the threads run
        port = T.free_port()
        dst2 = guest('dst2', incoming=f'tcp:127.0.0.1:{port}')
        dst1.vm.cmd('cont')
        n0 = len(REPORT_RE.findall(dst1.text()))
        dst1.wait_for(lambda_report_count(n0 + 1), timeout=60)
        dst1.vm.cmd('migrate', uri=f'tcp:127.0.0.1:{port}')
        st = T.wait_migration(dst1.vm)
        T.check(st['status'] == 'completed', 'live migration completed')
        T.check(dst2.vm.cmd('query-status')['status'] == 'running',
                'the destination of the live migration runs')
        n0 = len(REPORT_RE.findall(dst2.text()))
        dst2.wait_for(lambda_report_count(n0 + THREADS), timeout=60)
        after = reports(dst2.text())
        expect(sorted(before) == list(range(THREADS)) and
               after == before and 'FAIL' not in dst2.text(),
               'every thread reports the values it had before the first '
               'migration, on the destination of the live migration')
        dst1.shutdown()

        # 5. savevm / loadvm
        disk = os.path.join(wd, 'snap.qcow2')
        T.add_snapshot_disk(dst2.vm, disk)
        dst2.vm.cmd('stop')
        regs = registers(dst2)
        out = dst2.hmp('savevm avx1')
        T.check(out.strip() == '', f'savevm succeeded {out.strip()!r}')
        dst2.shutdown()
        dst3 = guest('dst3', extra=(
            '-blockdev', f'driver=file,filename={disk},node-name=f',
            '-blockdev', 'driver=qcow2,file=f,node-name=snapdisk',
            '-loadvm', 'avx1', '-S'))
        same_registers(regs, registers(dst3), 'after loadvm in a new process')
        dst3.vm.cmd('cont')
        txt = dst3.wait_for('AVX512-STATE: threads exit', timeout=120)
        fails = re.findall(r'^AVX512-STATE: FAIL.*$', txt, re.M)
        expect(f'AVX512-STATE: PASS threads={THREADS}' in txt and
               'AVX512-STATE: threads exit 0' in txt and not fails,
               'the restored guest\'s threads end with PASS' +
               (f' (failed: {fails})' if fails else ''))
        expect(reports(txt) == before,
               'and their last reports show the values of the first')
    finally:
        for g in guests:
            g.shutdown()
        T.cleanup(wd)
    L.finish('checks')


class lambda_report_count:  # pylint: disable=invalid-name
    """A wait_for needle: the console holds at least n thread reports."""

    def __init__(self, n):
        self.n = n
        self.pattern = f'{n} AVX512-STATE reports'

    def search(self, txt):
        return len(REPORT_RE.findall(txt)) >= self.n


if __name__ == '__main__':
    main()

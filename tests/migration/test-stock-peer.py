#!/usr/bin/env python3
"""Migration with Debian's stock QEMU 10.0 (qemu-system-x86, no APX).

1. The queue does not change the stream of a CPU without apxf: a paused
   machine saved by our QEMU and by stock QEMU gives byte-identical
   files; with apxf, ours differs exactly by the cpu/apx subsection.
2. A live guest without apxf migrates ours -> stock -> ours over TCP and
   keeps running where it was (its tick counter continues, no reboot).
3. A guest with apxf migrating to stock fails with stock's own
   complaint; with the return path our source resumes, its R16..R31
   intact, and a retry to our QEMU completes with the values.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402
from qemu.machine import QEMUMachine  # noqa: E402

T.skip_unless_apxf()
STOCK = subprocess.run([os.path.join(T.TOP, 'scripts', 'stock-qemu.sh')],
                       capture_output=True, text=True,
                       check=True).stdout.strip()
T.log('stock peer: ' + subprocess.run([STOCK, '--version'],
                                      capture_output=True, text=True,
                                      check=True).stdout.splitlines()[0])
MACHINE = 'pc-q35-10.0'
# A fixed RTC on the VM clock: nothing time-dependent in the paused stream
PAUSED = ['-machine', MACHINE, '-accel', 'tcg', '-m', '128', '-nodefaults',
          '-S', '-rtc', 'base=2020-01-01T00:00:00,clock=vm']
SUBSECTION = T.APX_SUBSECTION


def paused_stream(wd, name, binary, cpu):
    path = os.path.join(wd, name + '.mig')
    vm = QEMUMachine(binary, args=PAUSED + ['-cpu', cpu], name=name,
                     base_temp_dir=wd, log_dir=wd)
    vm.launch()
    st = T.migrate(vm, 'file:' + path)
    vm.shutdown()
    T.check(st['status'] == 'completed', f'{name}: saved to a file')
    with open(path, 'rb') as f:
        return f.read()


def unchunk(stream):
    """The stream without the places where RAM iteration paused.

    The RAM section is sent in parts; where one part ends and the next one
    starts (end-of-section flag, footer, QEMU_VM_SECTION_PART header) depends
    on how long the parts took (ram_save_iterate() stops after 50 ms), so on
    a loaded machine two saves of the same state differ there and nowhere
    else.  Remove those boundaries; the pages and everything else stay."""
    i = stream.index(b'\x03ram\x00')  # QEMU_VM_SECTION_START id "ram"
    sid = stream[i - 4:i]
    if stream[i - 5] != 1:
        T.fail('no RAM section at the start of the stream')
    return stream.replace((0x10).to_bytes(8, 'big') + b'~' + sid + b'\x02' + sid,
                          b'')


def split_vmdesc(stream):
    """(device state, trailing JSON description) of a saved stream."""
    i = len(stream)
    while True:
        i = stream.rfind(b'\x06', 0, i)
        if i < 0:
            T.fail('no vmdesc in the stream')
        n = int.from_bytes(stream[i + 1:i + 5], 'big')
        if i + 5 + n == len(stream):
            return stream[:i], stream[i + 5:]


# -cpu max is not migration-safe: ours offers APX and the AVX-512 of the
# x86-64-v4 level under TCG, stock has neither (but MPX in APX's place).
# These options make ours the CPU stock's max is.
OURS_MAX = ('max,apxf=off,avx512f=off,avx512vl=off,avx512bw=off,'
            'avx512dq=off,avx512cd=off')


class TicksPast:
    """A Guest.wait_for() needle: some APX-TICK line at or past n."""

    def __init__(self, n):
        self.n = n
        self.pattern = f'APX-TICK >= {n}'

    def search(self, txt):
        return any(t >= self.n for t in T.ticks(txt))



wd = T.workdir()
guests = []
try:
    # 1. Streams
    stock = paused_stream(wd, 'stock', STOCK, 'max')
    ours = paused_stream(wd, 'ours', T.QEMU, OURS_MAX)
    T.check(unchunk(stock) == unchunk(ours),
            f'non-APX CPU: our stream is byte-identical to stock QEMU\'s '
            f'({len(ours)} bytes; RAM part boundaries aside)')
    stock_nompx = paused_stream(wd, 'stock-nompx', STOCK, 'max,mpx=off')
    apx = paused_stream(wd, 'ours-apx', T.QEMU, 'max,apxf=on,mpx=off')
    T.check(apx.count(SUBSECTION) == 1, 'apxf: one cpu/apx subsection')
    apx_state, apx_desc = split_vmdesc(apx)
    stock_state, stock_desc = split_vmdesc(stock_nompx)
    T.check(unchunk(T.strip_apx(apx_state)) == unchunk(stock_state),
            'apxf: without that subsection the device state equals stock\'s '
            'for the same CPU minus APX')
    T.check(b'"cpu/apx"' in apx_desc and b'apx' not in stock_desc,
            'and only our JSON description lists cpu/apx')

    # 2. Live guest without APX: ours -> stock -> ours
    a = T.Guest(wd, 'ours-a', cpu=OURS_MAX, ticks=3000).launch()
    guests.append(a)
    a.wait_for('APX-TICK 10')
    hops = [(a, None)]
    for name, binary in (('stock-b', STOCK), ('ours-c', T.QEMU)):
        src = hops[-1][0]
        port = T.free_port()
        dst = T.Guest(wd, name, cpu='max' if binary == STOCK else OURS_MAX,
                      ticks=3000, binary=binary,
                      incoming=f'tcp:127.0.0.1:{port}').launch()
        guests.append(dst)
        last = max(T.ticks(src.text()))
        st = T.migrate(src.vm, f'tcp:127.0.0.1:{port}')
        T.check(st['status'] == 'completed',
                f'{src.name} -> {name}: migration completed')
        T.check(T.wait_running(dst.vm), f'{name} runs the guest')
        # The guest keeps counting while the migration runs, so the
        # destination may start well past 'last': wait for ten more.
        txt = dst.wait_for(TicksPast(last + 10), timeout=60)
        got = T.ticks(txt)
        T.check('APX-GUEST: ready' not in txt and got[0] >= last and
                got == list(range(got[0], got[0] + len(got))),
                f'{name}: the guest continued counting ({got[0]}..{got[-1]}'
                f' after {last} on {src.name}), no reboot')
        hops.append((dst, binary))
        src.shutdown()

    # 3. APX guest to stock: stock refuses, our source resumes
    threads, seconds = 2, 15
    src = T.Guest(wd, 'apx-src', args=(threads, seconds)).launch()
    guests.append(src)
    port = T.free_port()
    bad = T.Guest(wd, 'stock-dst', cpu='max,mpx=off', binary=STOCK,
                  args=(threads, seconds),
                  incoming=f'tcp:127.0.0.1:{port}').launch()
    guests.append(bad)
    T.return_path(src.vm, bad.vm)
    src.wait_for(T.REPORT_RE)
    before = T.last_values(src.text())
    st = T.migrate(src.vm, f'tcp:127.0.0.1:{port}')
    T.check(st['status'] == 'failed',
            f'migration of an APX guest to stock QEMU failed '
            f'({st.get("error-desc", "")})')
    bad.vm.wait(timeout=30)
    log = bad.vm.get_log() or ''
    T.log('stock said: ' + ' | '.join(log.strip().splitlines()))
    T.check("error while loading state for instance 0x0 of device 'cpu'"
            in log, 'stock QEMU complains about the cpu state')
    T.check(bad.vm.exitcode() == 1, 'stock QEMU exited with status 1')
    T.check(src.vm.cmd('query-status')['status'] == 'running',
            'our source guest is running again')
    mark = len(src.text())
    src.wait_for(T.REPORT_RE, timeout=30)
    T.wait_running(src.vm)
    port = T.free_port()
    good = T.Guest(wd, 'apx-dst', args=(threads, seconds),
                   incoming=f'tcp:127.0.0.1:{port}').launch()
    guests.append(good)
    st = T.migrate(src.vm, f'tcp:127.0.0.1:{port}')
    T.check(st['status'] == 'completed', 'retry to our QEMU completed')
    T.check('APX-XSTATE: FAIL' not in src.text()[mark:],
            'no register mismatch on the source after the refusal')
    T.check_program_ends(good, threads, before, 'on our destination')
finally:
    for g in guests:
        g.shutdown()
    T.cleanup(wd)

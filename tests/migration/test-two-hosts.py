#!/usr/bin/env python3
"""Two "hosts": live migration of an APX guest between network namespaces.

The test creates two network namespaces joined by a veth pair (its own
names and addresses, removed at the end) and runs each QEMU inside one.
One guest program keeps distinct R16..R31 in four threads while the guest
moves:

 1. live migration over TCP across the veth pair;
 2. network cut mid-migration (veth down): the migration stalls, is
    cancelled, the source resumes;
 3. destination killed mid-stream: the migration fails, the source resumes;
 4. migration cancelled mid-stream: the source resumes;
 5. retry over the network, then migrate to a file and restore it in a
    new process, then a postcopy migration back across the veth pair.

After every step the guest's own reports must show each thread's exact
pattern (the program exits at the first mismatch), and at the end it must
PASS with the values it had before step 1.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402

T.skip_unless_apxf()
T.skip_unless_root('network namespaces')

PID = os.getpid()
NS = {'a': f'apxa{PID}', 'b': f'apxb{PID}'}
DEV = {'a': f'vapxa{PID}'[:15], 'b': f'vapxb{PID}'[:15]}
ADDR = {'a': '10.231.0.1', 'b': '10.231.0.2'}
PORT = 4444
THREADS, SECONDS = 4, 60
SLOW = 2 << 20          # bytes/s: slow enough to interrupt a migration


def guest(name, host, incoming=None):
    g = T.Guest(WD, name, args=(THREADS, SECONDS), smp=2,
                wrapper=('ip', 'netns', 'exec', NS[host]),
                incoming=incoming).launch()
    GUESTS.append(g)
    return g


def dest(name, host):
    return guest(name, host, incoming=f'tcp:{ADDR[host]}:{PORT}')


def check_intact(g, since, what):
    """The guest's reports since offset `since` carry the exact patterns."""
    g.wait_for(T.REPORT_RE, timeout=30)
    end = time.monotonic() + 30
    while len(T.reports(g.text()[since:])) < THREADS and \
            time.monotonic() < end:
        time.sleep(0.2)
    txt = g.text()[since:]
    T.check('APX-XSTATE: FAIL' not in txt, f'{what}: no mismatch')
    T.check_reports(txt, THREADS, what)


def start_slow(src, dst_host):
    src.vm.cmd('migrate-set-parameters', **{'max-bandwidth': SLOW})
    src.vm.cmd('migrate', uri=f'tcp:{ADDR[dst_host]}:{PORT}')
    time.sleep(1.5)
    st = src.vm.cmd('query-migrate')
    T.check(st['status'] == 'active', 'slow migration is under way '
            f'({st.get("ram", {}).get("transferred", 0)} bytes sent)')


def resumed(src, status, what):
    st = T.wait_migration(src.vm)
    T.check(st['status'] == status, f'{what}: migration {st["status"]}')
    T.check(T.wait_running(src.vm), f'{what}: the source guest runs again')
    return st


WD = T.workdir()
GUESTS = []
try:
    T.netns_pair_up(NS, DEV, ADDR)
    T.log(f'namespaces {NS["a"]} ({ADDR["a"]}) and {NS["b"]} ({ADDR["b"]})')

    # 1. a -> b over the veth pair
    src = guest('a1', 'a')
    src.wait_for(T.REPORT_RE)
    before = T.last_values(src.text())
    dst = dest('b1', 'b')
    st = T.migrate(src.vm, f'tcp:{ADDR["b"]}:{PORT}')
    T.check(st['status'] == 'completed', 'a -> b: live migration completed '
            f'({st["ram"]["transferred"]} bytes, downtime {st["downtime"]} ms)')
    T.check(T.wait_running(dst.vm), 'b runs the guest')
    check_intact(dst, 0, 'after a -> b')
    src.shutdown()
    src = dst

    # 2. network cut mid-migration b -> a
    dst = dest('a2', 'a')
    start_slow(src, 'a')
    T.ip('-n', NS['b'], 'link', 'set', DEV['b'], 'down')
    time.sleep(2)
    st = src.vm.cmd('query-migrate')
    T.log(f'link down: migration {st["status"]}')
    src.vm.cmd('migrate_cancel')
    resumed(src, 'cancelled', 'network cut, then cancel')
    T.ip('-n', NS['b'], 'link', 'set', DEV['b'], 'up')
    dst.vm.kill()
    mark = len(src.text())
    check_intact(src, mark, 'after the network cut')

    # 3. destination killed mid-stream
    dst = dest('a3', 'a')
    start_slow(src, 'a')
    dst.vm.kill()
    resumed(src, 'failed', 'destination killed')
    mark = len(src.text())
    check_intact(src, mark, 'after the destination died')

    # 4. cancelled mid-stream
    dst = dest('a4', 'a')
    start_slow(src, 'a')
    src.vm.cmd('migrate_cancel')
    resumed(src, 'cancelled', 'migrate_cancel')
    dst.vm.kill()
    mark = len(src.text())
    check_intact(src, mark, 'after the cancel')

    # 5. retry b -> a, then to a file and back, then postcopy a -> b
    src.vm.cmd('migrate-set-parameters', **{'max-bandwidth': 1 << 30})
    dst = dest('a5', 'a')
    st = T.migrate(src.vm, f'tcp:{ADDR["a"]}:{PORT}')
    T.check(st['status'] == 'completed', 'retry b -> a completed')
    check_intact(dst, 0, 'after the retry')
    src.shutdown()
    src = dst

    path = os.path.join(WD, 'guest.mig')
    st = T.migrate(src.vm, 'file:' + path)
    T.check(st['status'] == 'completed',
            f'saved to a file ({os.path.getsize(path)} bytes)')
    src.shutdown()
    src = guest('a6', 'a', incoming='file:' + path)
    T.check(T.wait_running(src.vm), 'restored from the file')
    check_intact(src, 0, 'after the file round trip')

    dst = dest('b7', 'b')
    for g in (src, dst):
        g.vm.cmd('migrate-set-capabilities', capabilities=[
            {'capability': 'postcopy-ram', 'state': True}])
    src.vm.cmd('migrate-set-parameters', **{'max-bandwidth': SLOW})
    src.vm.cmd('migrate', uri=f'tcp:{ADDR["b"]}:{PORT}')
    time.sleep(1)
    src.vm.cmd('migrate-start-postcopy')
    seen = set()
    for _ in range(100):
        seen.add(src.vm.cmd('query-migrate')['status'])
        if seen & {'postcopy-active', 'completed', 'failed'}:
            break
        time.sleep(0.05)
    T.check('postcopy-active' in seen, 'the guest ran on b in postcopy mode')
    st = T.wait_migration(src.vm)
    T.check(st['status'] == 'completed', 'postcopy a -> b completed')
    T.check_program_ends(dst, THREADS, before, 'on the last destination',
                         timeout=SECONDS + 60)
finally:
    for g in GUESTS:
        g.shutdown()
    T.netns_pair_down(NS)
    T.cleanup(WD)

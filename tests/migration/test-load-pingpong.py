#!/usr/bin/env python3
"""Load: 8 vCPUs with their own R16..R31, dirtying memory, ping-pong migrated.

An 8-vCPU guest runs apx-xstate with eight threads (thread n pinned to
vCPU n, each with its own R16..R31 pattern) and a ninth thread that keeps rewriting a
buffer, so every migration has dirty pages to resend.  The guest then
moves between QEMU processes over localhost TCP, HOPS times (20 by
default, APX_PINGPONG_HOPS overrides; 'make soak' runs more).

Every hop asserts, besides completion:
  - each destination is started with -S, and before it runs, the R16..R31
    of all eight vCPUs ('info registers -a') equal those the source's
    vCPUs held when it stopped; vCPU n holds thread n's pattern, or the
    initial (zero) state when another task ran there last, and over the
    run every vCPU is caught holding its thread's pattern;
  - the guest's own reports after the hop carry each thread's exact
    pattern (the program stops at the first mismatch, in registers or in
    the dirtied pages).
At the end the program must still be running and reporting exact values
(it is started for an hour and simply stopped with the last QEMU).
Durations, downtime and transferred bytes of the hops are logged.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402

T.skip_unless_apxf()

SMP = THREADS = 8
DIRTY_MB = 16
HOPS = int(os.environ.get('APX_PINGPONG_HOPS', '20'))
SEED = 0x10ad
EGPR_RE = re.compile(r'^R(1[6-9]|2\d|3[01])=([0-9a-f]{16})', re.M)


def egprs(vm):
    """R16..R31 of every vCPU, as {cpu: {reg: value}}, from the monitor."""
    out = {}
    text = vm.cmd('human-monitor-command', command_line='info registers -a')
    for n, chunk in enumerate(re.split(r'^CPU#\d+\s*$', text,
                                       flags=re.M)[1:]):
        out[n] = {int(r): int(v, 16)
                  for r, v in re.findall(r'\bR(1[6-9]|2\d|3[01])=([0-9a-f]{16})',
                                         chunk)}
        T.check(len(out[n]) == 16, f'CPU {n}: 16 EGPRs in info registers')
    return out


def guest(name, incoming=None, seconds=0):
    g = T.Guest(WD, name, args=(THREADS, seconds, SEED, DIRTY_MB), smp=SMP,
                incoming=incoming, extra=('-S',) if incoming else ())
    GUESTS.append(g.launch())
    return g


def wait_reports(g, since, what):
    """THREADS fresh report lines after console offset since, all exact."""
    end = time.monotonic() + 60
    while len(T.reports(g.text()[since:])) < THREADS:
        txt = g.text()
        if 'APX-XSTATE: FAIL' in txt or 'APX-XSTATE: exit' in txt:
            T.fail(f'{what}: the guest program stopped:\n{txt[-1500:]}')
        if time.monotonic() > end:
            T.fail(f'{what}: no fresh reports:\n{txt[-1500:]}')
        time.sleep(0.2)
    T.check_reports(g.text()[since:], THREADS, what, SEED)


WD = T.workdir()
GUESTS = []
try:
    seconds = 3600
    cur = guest('hop0', seconds=seconds)
    cur.wait_for(T.REPORT_RE, timeout=120)
    wait_reports(cur, 0, 'hop 0')
    stats = []
    caught = set()
    for hop in range(1, HOPS + 1):
        port = T.free_port()
        dst = guest(f'hop{hop}', incoming=f'tcp:127.0.0.1:{port}',
                    seconds=seconds)
        t0 = time.monotonic()
        st = T.migrate(cur.vm, f'tcp:127.0.0.1:{port}', timeout=300)
        took = time.monotonic() - t0
        T.check(st['status'] == 'completed',
                f'hop {hop}: migration completed ({st.get("error-desc", "")})')
        T.wait_migration(dst.vm)
        want = egprs(cur.vm)
        got = egprs(dst.vm)
        T.check(len(got) == SMP and got == want,
                f'hop {hop}: all {SMP} vCPUs arrive with the R16..R31 the '
                'source stopped with')
        own = 0
        for n, regs in want.items():
            mine = regs == {r: T.pattern(n, r, SEED) for r in range(16, 32)}
            T.check(mine or not any(regs.values()),
                    f'hop {hop}: vCPU {n} holds thread {n}\'s pattern or '
                    'the initial state')
            if mine:
                own += 1
                caught.add(n)
        T.log(f'hop {hop}: {took:.1f}s, downtime {st.get("downtime")} ms, '
              f'{st["ram"]["transferred"] >> 10} KiB, '
              f'{st["ram"]["dirty-sync-count"]} dirty syncs, '
              f'{own} of {SMP} vCPUs holding their thread\'s pattern')
        stats.append((took, st.get('downtime', 0)))
        since = len(dst.text())
        dst.vm.cmd('cont')
        cur.shutdown()
        GUESTS.remove(cur)
        cur = dst
        wait_reports(cur, since, f'hop {hop}')
    since = len(cur.text())
    time.sleep(2)
    wait_reports(cur, since, 'after the last hop')
    T.check('FAIL' not in cur.text(), 'the guest program saw no mismatch')
    T.check(caught == set(range(SMP)) or HOPS < 5,
            f'vCPUs caught holding their own thread\'s pattern: {sorted(caught)}')
    if stats:
        T.log(f'{HOPS} hops: mean {sum(s[0] for s in stats) / HOPS:.1f}s, '
              f'max downtime {max(s[1] for s in stats)} ms')
finally:
    for g in GUESTS:
        g.shutdown()
    T.cleanup(WD)
T.log('PASS')

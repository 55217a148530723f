#!/usr/bin/env python3
"""A destination without apxf refuses an APX guest; the source keeps it.

The source guest holds distinct values in R16..R31.  Migrating it to a
QEMU started without apxf must fail on the destination with an error that
names APX and apxf: as query-migrate's error-desc on a destination started
the way libvirt starts one (-incoming defer, exit-on-error off), and in the
log of one that exits.  With the return-path capability the source learns
of each failure, resumes the guest, and the guest program finishes with
the same values; a retry to a correct destination then succeeds.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402

T.skip_unless_apxf()
wd = T.workdir()
guests = []
try:
    threads, seconds = 2, 12
    src = T.Guest(wd, 'src', args=(threads, seconds)).launch()
    guests.append(src)
    src.vm.cmd('migrate-set-capabilities',
               capabilities=[{'capability': 'return-path', 'state': True}])
    src.wait_for(T.REPORT_RE)
    before = T.last_values(src.text())

    # 1. As libvirt starts a destination: -incoming defer, exit-on-error
    #    off; the refusal must be the migration's error-desc there.
    port = T.free_port()
    bad = T.Guest(wd, 'bad1', cpu='max,apxf=off', args=(threads, seconds),
                  incoming='defer').launch()
    guests.append(bad)
    bad.vm.cmd('migrate-set-capabilities',
               capabilities=[{'capability': 'return-path', 'state': True}])
    bad.vm.cmd('migrate-incoming', uri=f'tcp:127.0.0.1:{port}',
               **{'exit-on-error': False})
    src.vm.cmd('migrate', uri=f'tcp:127.0.0.1:{port}')
    st = T.wait_migration(src.vm)
    T.check(st['status'] == 'failed', f'migration to a non-APX destination '
            f'failed ({st.get("error-desc", "")})')
    dst = T.wait_migration(bad.vm)
    desc = dst.get('error-desc', '')
    T.log(f'destination query-migrate: {dst}')
    T.check(dst['status'] == 'failed' and
            desc.startswith('load of migration failed: CPU 0: the migration '
                            'stream carries APX registers (cpu/apx) but this '
                            "CPU has no 'apxf'"),
            "the destination's error-desc is the refusal, not errno text")
    T.check(bad.vm.cmd('query-status')['status'] != 'running',
            'the refusing destination does not run a guest')
    T.check(src.vm.cmd('query-status')['status'] == 'running',
            'source guest is running again')

    # 2. A plain -incoming destination exits and logs the same sentence.
    port = T.free_port()
    bad = T.Guest(wd, 'bad2', cpu='max,apxf=off', args=(threads, seconds),
                  incoming=f'tcp:127.0.0.1:{port}').launch()
    guests.append(bad)
    bad.vm.cmd('migrate-set-capabilities',
               capabilities=[{'capability': 'return-path', 'state': True}])
    src.vm.cmd('migrate', uri=f'tcp:127.0.0.1:{port}')
    st = T.wait_migration(src.vm)
    T.check(st['status'] == 'failed', 'second refusal: migration failed')
    bad.vm.wait(timeout=30)
    log = bad.vm.get_log() or ''
    T.log('destination said: ' + ' | '.join(
        line for line in log.splitlines() if 'apx' in line.lower()))
    T.check("load of migration failed: CPU 0: the migration stream carries "
            "APX registers (cpu/apx) but this CPU has no 'apxf'" in log,
            'destination log: the refusal, naming cpu/apx and apxf')
    T.check(src.vm.cmd('query-status')['status'] == 'running',
            'source guest is running again')

    port = T.free_port()
    good = T.Guest(wd, 'good', args=(threads, seconds),
                   incoming=f'tcp:127.0.0.1:{port}').launch()
    guests.append(good)
    src.vm.cmd('migrate', uri=f'tcp:127.0.0.1:{port}')
    st = T.wait_migration(src.vm)
    T.check(st['status'] == 'completed', 'retry to an APX destination completed')
    T.check_program_ends(good, threads, before,
                         'after the failed attempt and the retry')
finally:
    for g in guests:
        g.shutdown()
    T.cleanup(wd)

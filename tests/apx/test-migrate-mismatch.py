#!/usr/bin/env python3
"""A destination without apxf refuses an APX guest; the source keeps it.

The source guest holds distinct values in R16..R31.  Migrating it to a
QEMU started without apxf must fail on the destination with an error that
names APX and apxf.  With the return-path capability the source learns of
the failure, resumes the guest, and the guest program finishes with the
same values; a retry to a correct destination then succeeds.
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
    port = T.free_port()
    bad = T.Guest(wd, 'bad', cpu='max', args=(threads, seconds),
                  incoming=f'tcp:127.0.0.1:{port}').launch()
    guests.append(bad)
    for g in (src, bad):
        g.vm.cmd('migrate-set-capabilities',
                 capabilities=[{'capability': 'return-path', 'state': True}])
    src.wait_for(T.REPORT_RE)
    before = T.last_values(src.text())
    src.vm.cmd('migrate', uri=f'tcp:127.0.0.1:{port}')
    st = T.wait_migration(src.vm)
    T.check(st['status'] == 'failed', f'migration to a non-APX destination '
            f'failed ({st.get("error-desc", "")})')
    bad.vm.wait(timeout=30)
    log = bad.vm.get_log() or ''
    T.log('destination said: ' + ' | '.join(
        line for line in log.splitlines() if 'apx' in line.lower()))
    T.check("cpu/apx" in log and "'apxf'" in log,
            'destination error names cpu/apx and apxf')
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

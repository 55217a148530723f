#!/usr/bin/env python3
"""Live migration over TCP between two QEMU processes carries R16..R31.

The guest program keeps distinct values in R16..R31 in four threads and
checks them continuously; the migration happens while it runs.  After
arrival the destination's console must show every thread still holding
its own values, and the program must finish with PASS there.  The values
the source printed last and the ones the destination prints are shown
side by side.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402

T.skip_unless_apxf()
wd = T.workdir()
src = dst = None
try:
    threads, seconds = 4, 12
    port = T.free_port()
    src = T.Guest(wd, 'src', args=(threads, seconds)).launch()
    dst = T.Guest(wd, 'dst', args=(threads, seconds),
                  incoming=f'tcp:127.0.0.1:{port}').launch()
    # Let the program run and report at least once on the source.
    src.wait_for(T.REPORT_RE)
    before = T.last_values(src.text())
    src.vm.cmd('migrate', uri=f'tcp:127.0.0.1:{port}')
    st = T.wait_migration(src.vm)
    T.check(st['status'] == 'completed', 'migration completed')
    T.check(src.vm.cmd('query-status')['status'] == 'postmigrate',
            'source stopped after migration')
    T.check(dst.vm.cmd('query-status')['status'] == 'running',
            'destination running')
    txt = dst.wait_for('APX-XSTATE: exit', timeout=90)
    T.check('APX-XSTATE: FAIL' not in txt, 'no mismatch after migration')
    T.check(f'APX-XSTATE: PASS threads={threads}' in txt,
            'apx-xstate passed on the destination')
    T.check_reports(txt, threads, 'destination reports')
    after = T.last_values(txt)
    for t in sorted(before):
        T.log(f'thread {t}:  reg  {"before (source)":<18}  after (destination)')
        for reg in (16, 23, 31):
            T.log(f'           r{reg}  {before[t][reg]:016x}    '
                  f'{after[t][reg]:016x}')
        T.check(before[t] == after[t], f'thread {t}: R16..R31 identical')
finally:
    for g in (src, dst):
        if g:
            g.shutdown()
    T.cleanup(wd)

#!/usr/bin/env python3
"""savevm in one QEMU process, loadvm in a fresh one: R16..R31 come back.

The snapshot is taken while the guest program holds distinct values in
R16..R31 in four threads.  A second QEMU process restores it with -loadvm;
everything on its console is printed after the restore, so the reports
and the final PASS there prove the registers came from the snapshot.
The snapshot disk is created through QMP (blockdev-create), so no
qemu-img is needed.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402


T.skip_unless_apxf()
wd = T.workdir()
g1 = g2 = g3 = None
try:
    threads, seconds = 4, 10
    disk = os.path.join(wd, 'snap.qcow2')
    g1 = T.Guest(wd, 'save', args=(threads, seconds)).launch()
    T.add_snapshot_disk(g1.vm, disk)
    g1.wait_for(T.REPORT_RE)
    before = T.last_values(g1.text())
    out = g1.hmp('savevm apx1')
    T.check(out.strip() == '', f'savevm succeeded {out.strip()!r}')
    T.check('apx1' in g1.hmp('info snapshots'), 'snapshot apx1 listed')
    g1.shutdown()
    g1 = None

    # A CPU without apxf refuses the snapshot, and loadvm says why.
    g3 = T.Guest(wd, 'noapx', cpu='max,apxf=off', args=(threads, seconds),
                 extra=('-blockdev', 'driver=file,filename=%s,node-name=f' % disk,
                        '-blockdev', 'driver=qcow2,file=f,node-name=snapdisk',
                        '-S')).launch()
    out = g3.hmp('loadvm apx1')
    T.log(f'loadvm into max,apxf=off: {out.strip()!r}')
    T.check("Error -22 while loading VM state: CPU 0: the migration stream "
            "carries APX registers (cpu/apx) but this CPU has no 'apxf'" in out,
            'loadvm into a CPU without apxf fails with the reason')
    g3.shutdown()

    g2 = T.Guest(wd, 'load', args=(threads, seconds),
                 extra=('-blockdev', 'driver=file,filename=%s,node-name=f' % disk,
                        '-blockdev', 'driver=qcow2,file=f,node-name=snapdisk',
                        '-loadvm', 'apx1')).launch()
    txt = g2.wait_for('APX-XSTATE: exit', timeout=90)
    T.check('APX-XSTATE: FAIL' not in txt, 'no mismatch after loadvm')
    T.check('APX-GUEST: ready' not in txt,
            'the restored guest resumed, it did not boot again')
    T.check(f'APX-XSTATE: PASS threads={threads}' in txt,
            'apx-xstate passed after loadvm')
    T.check_reports(txt, threads, 'reports after loadvm')
    after = T.last_values(txt)
    for t in sorted(before):
        T.check(before[t] == after[t],
                f'thread {t}: R16..R31 identical before savevm and after loadvm')
finally:
    for g in (g1, g2, g3):
        if g:
            g.shutdown()
    T.cleanup(wd)

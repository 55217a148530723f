#!/usr/bin/env python3
"""Migration cost of APX: stream size and downtime with and without apxf.

For 1 and 8 vCPUs, with CPU models 'max,mpx=off' and 'max,apxf=on,mpx=off'
(the same model apart from APX):
  - stream size of a paused machine saved to a file, and the bytes of its
    cpu sections;
  - live migration of a booted, idle Linux guest over localhost TCP:
    downtime and total time reported by query-migrate, over RUNS runs
    (min and median).
Writes a Markdown table to stdout (and to the file given with -o).
Usage: bench-migration.py [-n RUNS] [-o FILE]
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'tests',
                                'lib'))
import apxtest as T  # noqa: E402
from qemu.machine import QEMUMachine  # noqa: E402

CPUS = {'no apxf': 'max,mpx=off', 'apxf': 'max,apxf=on,mpx=off'}


def paused(wd, cpu, smp):
    path = os.path.join(wd, 'paused.mig')
    vm = QEMUMachine(T.QEMU, args=['-machine', 'q35', '-accel', 'tcg',
                                   '-cpu', cpu, '-smp', str(smp), '-m', '128',
                                   '-nodefaults', '-S'],
                     base_temp_dir=wd, log_dir=wd)
    vm.launch()
    T.check(T.migrate(vm, 'file:' + path)['status'] == 'completed', 'saved')
    vm.shutdown()
    with open(path, 'rb') as f:
        data = f.read()
    return len(data), sum(len(b) for b in T.cpu_sections(data))


def live(wd, cpu, smp, runs):
    downtimes, totals = [], []
    src = T.Guest(wd, 'src', cpu=cpu, smp=smp, ticks=100000).launch()
    src.wait_for(T.TICK_RE, timeout=120)
    for i in range(runs):
        port = T.free_port()
        dst = T.Guest(wd, f'dst{i}', cpu=cpu, smp=smp, ticks=100000,
                      incoming=f'tcp:127.0.0.1:{port}').launch()
        time.sleep(1)
        st = T.migrate(src.vm, f'tcp:127.0.0.1:{port}')
        T.check(st['status'] == 'completed', 'migrated')
        downtimes.append(st['downtime'])
        totals.append(st['total-time'])
        src.shutdown()
        src = dst
        T.wait_running(src.vm)
    src.shutdown()
    return downtimes, totals


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('-n', type=int, default=5)
    ap.add_argument('-o')
    a = ap.parse_args()
    rows = []
    wd = T.workdir()
    try:
        for smp in (1, 8):
            for label, cpu in CPUS.items():
                size, cpub = paused(wd, cpu, smp)
                down, tot = live(wd, cpu, smp, a.n)
                rows.append((smp, label, size, cpub, down, tot))
                T.log(f'{smp} vCPU {label}: {size} B, cpu {cpub} B, '
                      f'downtime {down} ms, total {tot} ms')
    finally:
        T.cleanup(wd)
    out = ['| vCPUs | CPU | paused stream (B) | cpu sections (B) | '
           'Δ vs no apxf (B) | downtime min / median (ms) | '
           'total min / median (ms) |',
           '|---|---|---|---|---|---|---|']
    base = {}
    for smp, label, size, cpub, down, tot in rows:
        base.setdefault(smp, size)
        out.append(f'| {smp} | {label} | {size} | {cpub} | '
                   f'{size - base[smp]:+d} | {min(down)} / '
                   f'{statistics.median(down):g} | {min(tot)} / '
                   f'{statistics.median(tot):g} |')
    text = '\n'.join(out) + '\n'
    print(text)
    if a.o:
        with open(a.o, 'w', encoding='utf-8') as f:
            f.write(text)


main()

#!/usr/bin/env python3
"""Seed inputs for the x86-cpu-vmstate-fuzz target (scripts/fuzz.sh).

Boots the APX test guest (2 vCPUs, R16..R31 in use, XCR0 bit 19 set),
saves it to a file and writes the body of each "cpu" section (what the
fuzz target loads) to DIR, plus the same bodies without their cpu/apx
subsection.  Usage: make-seeds.py DIR
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402

out = sys.argv[1]
wd = T.workdir()
try:
    g = T.Guest(wd, 'seed', args=(2, 30)).launch()
    g.wait_for(T.REPORT_RE)
    path = os.path.join(wd, 'seed.mig')
    T.check(T.migrate(g.vm, 'file:' + path)['status'] == 'completed',
            'guest saved')
    g.shutdown()
    with open(path, 'rb') as f:
        bodies = T.cpu_sections(f.read())
    T.check(len(bodies) == 2, 'two cpu sections')
    for i, body in enumerate(bodies):
        for name, data in ((f'cpu{i}', body),
                           (f'cpu{i}-noapx', T.strip_apx(body))):
            with open(os.path.join(out, name), 'wb') as f:
                f.write(data)
finally:
    T.cleanup(wd)

#!/usr/bin/env python3
"""Threads keep their own R16..R31 across context switches (TCG, 2 vCPUs)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402

T.skip_unless_apxf()
wd = T.workdir()
try:
    threads = 6
    g = T.Guest(wd, 'threads', args=(threads, 4)).launch()
    txt = g.wait_for('APX-XSTATE: exit')
    g.shutdown()
    T.check('APX-XSTATE: FAIL' not in txt, 'no thread saw a foreign value')
    T.check(f'APX-XSTATE: PASS threads={threads}' in txt and
            'APX-XSTATE: exit 0' in txt, 'apx-xstate passed in the guest')
    T.check_reports(txt, threads, 'reports')
finally:
    T.cleanup(wd)

#!/usr/bin/env python3
"""A Linux 7.x guest enumerates the APX XSAVE component under TCG."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402

T.skip_unless_apxf()
wd = T.workdir()
try:
    g = T.Guest(wd, 'apx').launch()
    txt = g.wait_for('APX-GUEST: done')
    g.shutdown()
    T.check("x86/fpu: Supporting XSAVE feature 0x80000: 'APX registers'" in txt,
            "guest with apxf: 'Supporting XSAVE feature 0x80000: APX registers'")
    T.check('xstate_offset[19]:  960, xstate_sizes[19]:  128' in txt,
            'guest with apxf: xstate_offset[19]: 960, xstate_sizes[19]: 128')

    g = T.Guest(wd, 'noapx', cpu='max,apxf=off').launch()
    txt = g.wait_for('APX-GUEST: done')
    g.shutdown()
    T.check("x86/fpu: Supporting XSAVE feature 0x001" in txt and
            "'APX registers'" not in txt and 'xstate_offset[19]' not in txt,
            'guest without apxf: XSAVE enumerated, APX absent')
finally:
    T.cleanup(wd)

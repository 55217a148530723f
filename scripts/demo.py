#!/usr/bin/env python3
"""qemu-apx demo: an APX guest under TCG whose R16..R31 survive live migration.

1. Boots Debian's Linux 7.x kernel with -cpu max,apxf=on,mpx=off and shows
   the guest kernel's XSAVE feature lines (APX is component 19).
2. Runs a guest program that keeps distinct values in R16..R31 in four
   threads, migrates the running guest to a second QEMU process over TCP,
   and shows each thread's registers before and after, side by side.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'tests', 'lib'))
import apxtest as T  # noqa: E402


def main():
    if not T.qemu_has_apxf():
        print('This QEMU has no APX support yet; booting with -cpu max.')
        cpu = 'max'
    else:
        cpu = T.APX_CPU
    wd = T.workdir()
    src = dst = None
    try:
        print(f'== Booting Linux 7.x under TCG with -cpu {cpu}')
        g = T.Guest(wd, 'boot', cpu=cpu).launch()
        txt = g.wait_for('APX-GUEST: done', timeout=120)
        g.shutdown()
        for line in txt.splitlines():
            if 'x86/fpu' in line:
                print('   guest: ' + line.split('] ', 1)[-1])
        if cpu == 'max':
            return 0

        threads, seconds = 4, 10
        port = T.free_port()
        print(f'\n== Live migration of a running guest: {threads} threads '
              'each holding their own R16..R31')
        src = T.Guest(wd, 'src', args=(threads, seconds)).launch()
        dst = T.Guest(wd, 'dst', args=(threads, seconds),
                      incoming=f'tcp:127.0.0.1:{port}').launch()
        src.wait_for(T.REPORT_RE, timeout=120)
        before = T.last_values(src.text())
        src.vm.cmd('migrate', uri=f'tcp:127.0.0.1:{port}')
        st = T.wait_migration(src.vm)
        print(f'   migration: {st["status"]}, '
              f'{st.get("ram", {}).get("transferred", 0) >> 20} MiB sent, '
              f'downtime {st.get("downtime", "?")} ms')
        txt = dst.wait_for('APX-XSTATE: exit', timeout=120)
        after = T.last_values(txt)
        ok = 'APX-XSTATE: PASS' in txt and before.keys() == after.keys()
        print(f'\n   {"thread":<7}{"reg":<5}{"source, before":<20}'
              f'{"destination, after":<20}')
        for t in sorted(before):
            for reg in range(16, 32):
                b, a = before[t][reg], after.get(t, {}).get(reg)
                same = a == b
                ok = ok and same
                print(f'   {t:<7}r{reg:<4}{b:016x}    '
                      f'{a if a is None else format(a, "016x")}'
                      f'{"" if same else "   <-- DIFFERENT"}')
        print()
        for line in txt.splitlines():
            if line.startswith('APX-XSTATE: PASS') or 'FAIL' in line:
                print('   guest: ' + line)
        print('\nRESULT: ' + ('R16..R31 arrived exactly' if ok else
                              'R16..R31 did NOT survive the migration'))
        return 0 if ok else 1
    finally:
        for g in (src, dst):
            if g:
                g.shutdown()
        T.cleanup(wd)


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
"""Real KVM on a host (or kernel) without APX: +apxf is filtered, not faked.

Without 'enforce' QEMU warns "host doesn't support requested feature:
CPUID.07H:EDX.apxf [bit 21]" and runs the guest without APX (QOM reports
apxf=false and lists the bit in filtered-features); with 'enforce' it
refuses to start, exit code 1, naming the feature.  On an APX host whose
kernel exposes APX, the feature must instead be present.  Skips (exit 77)
without a usable /dev/kvm or a QEMU without apxf.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402
from qemu.machine import QEMUMachine  # noqa: E402

T.skip_unless_apxf()
T.skip_unless_kvm()

# qemu64 plus xsave keeps the test about APX alone ("apxf" needs
# "xsave"), and avoids "-cpu host" quirks of nested hosts.
CPU = 'qemu64,xsave=on,apxf=on,mpx=off'
WARNING = "host doesn't support requested feature: CPUID.07H:EDX.apxf [bit 21]"

wd = T.workdir()
try:
    vm = QEMUMachine(T.QEMU, args=['-accel', 'kvm', '-machine', 'q35',
                                   '-cpu', CPU, '-S', '-nodefaults'],
                     base_temp_dir=wd, log_dir=wd)
    vm.launch()
    path = vm.cmd('query-cpus-fast')[0]['qom-path']
    has_apx = vm.cmd('qom-get', path=path, property='apxf')
    filtered = vm.cmd('qom-get', path=path, property='filtered-features')
    vm.shutdown()
    log = vm.get_log() or ''
    apx_filtered = any(w['cpuid-input-eax'] == 7 and
                       w.get('cpuid-input-ecx') == 1 and
                       w['cpuid-register'] == 'EDX' and
                       w['features'] & (1 << 21) for w in filtered)
    if has_apx:
        T.check(WARNING not in log and not apx_filtered,
                'APX host: apxf passed through to the guest without warning')
        sys.exit(0)

    T.check(WARNING in log, f'warning printed: {WARNING}')
    T.check(apx_filtered, 'filtered-features lists CPUID.(7,1).EDX[21]')
    T.check(not has_apx, 'the guest CPU runs without apxf')

    r = subprocess.run([T.QEMU, '-accel', 'kvm', '-machine', 'q35',
                        '-cpu', CPU + ',enforce', '-S', '-nodefaults',
                        '-display', 'none'],
                       capture_output=True, text=True, timeout=60,
                       check=False, stdin=subprocess.DEVNULL)
    T.log('with enforce: ' + r.stderr.strip().replace('\n', ' | '))
    T.check(r.returncode == 1, f'enforce: exit code {r.returncode}, want 1')
    T.check(WARNING in r.stderr, 'enforce: the error names apxf')
finally:
    T.cleanup(wd)

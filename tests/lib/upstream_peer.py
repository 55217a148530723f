"""Upstream QEMU 11.1 (Debian unstable's qemu-system-x86) as a test peer.

It lives in the Debian unstable root of scripts/sid-root.sh virt (built
on first use, as root), not on the system, and runs there through
scripts/sid-run.sh -r virt: its libraries and firmware are unstable's.  The
repository is bind-mounted at its own path in that root, so every file both
QEMUs use (kernel, initramfs, consoles, saved streams) lives under it: see
workdir().  QMP goes over a socket pair QEMUMachine hands to the process,
and migration over TCP on 127.0.0.1 (same network namespace).
"""

import os
import re
import shutil
import subprocess
import tempfile

import apxtest as T

BINARY = '/usr/bin/qemu-system-x86_64'      # inside the root
WRAPPER = [os.path.join(T.TOP, 'scripts', 'sid-run.sh'), '-r', 'virt']
VERSION_RE = re.compile(r'QEMU emulator version (11\.1\.\d+)')


def setup():
    """Build the root if needed; return the peer's version (11.1.x)."""
    T.skip_unless_root('the upstream QEMU 11.1 peer (a Debian unstable '
                       'root, chroot)')
    subprocess.run([os.path.join(T.TOP, 'scripts', 'sid-root.sh'), 'virt'],
                   check=True, stdout=subprocess.DEVNULL)
    out = run(['--version']).stdout
    m = VERSION_RE.search(out)
    if not m:
        T.fail(f'the Debian unstable root has no QEMU 11.1.x: {out!r}')
    T.log(f'upstream peer: {out.splitlines()[0]}')
    return m.group(1)


def run(args, **kw):
    """Run the peer's qemu-system-x86_64 with args (a list)."""
    return subprocess.run(WRAPPER + [BINARY] + args, capture_output=True,
                          text=True, check=kw.pop('check', True), **kw)


def workdir():
    """A scratch directory both QEMUs see (under build/tests)."""
    base = os.path.join(T.BUILD, 'tests', 'peer11')
    os.makedirs(base, exist_ok=True)
    return tempfile.mkdtemp(prefix='run-', dir=base)


def guest_kernel(wd):
    """The guest kernel, copied where the peer can read it."""
    kernel, _ = T.guest_artifacts()
    dst = os.path.join(wd, 'vmlinuz')
    shutil.copyfile(kernel, dst)
    return dst

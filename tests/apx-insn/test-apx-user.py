#!/usr/bin/env python3
"""APX state in linux-user: signal frames and the gdbstub.

apx-user (tests/apx-insn/apx-user.c, built by build.sh) runs under
qemu-x86_64 -cpu max,apxf=on:
  1. signals: a synchronous signal's frame holds R16..R31 (XSTATE_BV bit
     19, component 19 at offset 960), the handler's clobbering of the
     registers is undone at sigreturn and a value the handler writes into
     the frame's R31 arrives; then 2 s of 1 ms timer signals whose handler
     clobbers R16..R31 never disturb the interrupted loop's values;
  2. gdb (Debian's gdb, reading our target description) connected to
     qemu-x86_64 -g reads R16 and R31 at a breakpoint and writes R20,
     which the program then prints;
  3. a dynamic build, run with Debian unstable's ld.so and libc (-L the
     sid root): the signal tests again, and R16..R31 across a first,
     lazily bound call through ld.so's resolver, which saves and restores
     registers with XSAVE.
"""
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402

T.skip_unless_apxf()
HERE = os.path.dirname(os.path.abspath(__file__))
USER = os.path.join(T.BUILD, 'qemu-x86_64')
diff = subprocess.run([os.path.join(HERE, 'build.sh')], check=True,
                      capture_output=True, text=True).stdout.strip()
prog = os.path.join(os.path.dirname(diff), 'apx-user')


def pattern(reg):
    return 0xa9a9000000000000 | (reg << 16) | (reg - 16)


# 1. Signals
p = subprocess.run([USER, '-cpu', T.APX_CPU, prog, 'signals'],
                   capture_output=True, text=True, timeout=120)
T.log(p.stdout.strip())
T.check(p.returncode == 0 and 'APX-USER: PASS signals' in p.stdout,
        'signal frames save and restore R16..R31')

# 2. gdb
with socket.socket() as s:
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
q = subprocess.Popen([USER, '-cpu', T.APX_CPU, '-g', str(port), prog, 'gdb'],
                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                     text=True)
time.sleep(0.5)
g = subprocess.run(['gdb', '-nx', '-batch',
                    '-ex', f'target remote 127.0.0.1:{port}',
                    '-ex', 'break apx_checkpoint', '-ex', 'continue',
                    '-ex', 'p/x $r16', '-ex', 'p/x $r31',
                    '-ex', 'set $r20 = 0x1234567890abcdef',
                    '-ex', 'continue', prog],
                   capture_output=True, text=True, timeout=120)
out, _ = q.communicate(timeout=60)
T.log(g.stdout.strip()[-600:])
T.check(f'$1 = {pattern(16):#x}' in g.stdout,
        'gdb reads R16 of the user-mode program')
T.check(f'$2 = {pattern(31):#x}' in g.stdout,
        'gdb reads R31 of the user-mode program')
T.check('APX-USER: r20=1234567890abcdef' in out,
        'a value gdb wrote into R20 reaches the program')
T.check(f'APX-USER: r21={pattern(21):016x}' in out,
        'and the other registers keep theirs')

# 3. Dynamic build with the sid root's ld.so and libc
root = subprocess.run([os.path.join(T.TOP, 'scripts', 'sid-root.sh')],
                      check=True, capture_output=True,
                      text=True).stdout.strip()
dyn = prog + '-dyn'
for mode in ('signals', 'plt'):
    p = subprocess.run([USER, '-cpu', T.APX_CPU, '-L', root, dyn, mode],
                       capture_output=True, text=True, timeout=120,
                       env={**os.environ, 'LD_BIND_NOW': ''})
    T.log(p.stdout.strip())
    T.check(p.returncode == 0 and f'APX-USER: PASS {mode}' in p.stdout,
            f'dynamic build ({mode}) with ld.so and libc from Debian '
            'unstable' + ('' if p.returncode == 0 else f'\n{p.stderr}'))
T.log('PASS')

#!/usr/bin/env python3
"""AVX-512 state (XSAVE components 5-7) in linux-user, against the host.

tests/avx512-state/avx512-state.c (built here with the host compiler; see
its comment for every check) runs:

 (a) natively, when /proc/cpuinfo has avx512f: it must pass.  On a host
     without AVX-512 the native half is skipped (and says so); the
     program then runs natively with --ymm-only, which checks its own
     expectations on XMM/YMM, signal frames and threads;
 (b) under qemu-x86_64 -cpu CPU_512: it must pass, with the same check
     lines as natively (when the native half ran), and so must four
     threads for a few seconds (threads mode) and the --ymm-only run,
     glibc running its AVX-512 (EVEX) string functions meanwhile;
 (c) under -cpu max,avx512f=off and Haswell: without avx512f the program
     must find XCR0[7:5] = 000, CPUID 0DH.0 EAX[7:5] = 000 and 0DH.5-7
     zero, and say so (exit 3); under Skylake-Server, whose AVX-512 TCG
     offers, it must pass as in (b).

Every part runs and reports; the test fails at the end if any check failed.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apxtest as T  # noqa: E402
from avx512lib import CPU_512, build_prog  # noqa: E402
import avx512lib as L  # noqa: E402

USER = os.path.join(T.BUILD, 'qemu-x86_64')
CHECK_RE = re.compile(r'^AVX512-STATE: (ok|FAIL) (.*?)(?: -- .*)?$', re.M)
INFO_RE = re.compile(r'^AVX512-STATE: info avx512f=(\d) avx512vl=(\d) '
                     r'xcr0=(0x[0-9a-f]+|0) 0dh\.0: eax=(0x[0-9a-f]+|0)',
                     re.M)
NO_STATE = 3

expect = L.expect


def run(what, cmd, timeout=120, env=None):
    """Run cmd; log and return (exit status, stdout)."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True,
                           timeout=timeout, check=False,
                           env=dict(os.environ, **(env or {})))
        rc, out = p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired as e:
        rc = 'timeout'
        out = (e.stdout or b'').decode(errors='replace')
    T.log(f'--- {what}: '
          + ''.join(f'{k}={v} ' for k, v in (env or {}).items())
          + f'{" ".join(cmd)}: exit {rc}')
    T.log(out.rstrip())
    return rc, out


def checks(out):
    """The (status, name) of every check line, in order."""
    return [(m.group(1), m.group(2)) for m in CHECK_RE.finditer(out)]


def info(out):
    m = INFO_RE.search(out)
    if not m:
        return None
    return dict(avx512f=int(m.group(1)), xcr0=int(m.group(3), 16),
                eax=int(m.group(4), 16))


def passed(what, rc, out):
    fails = [n for s, n in checks(out) if s == 'FAIL']
    expect(rc == 0 and 'AVX512-STATE: PASS' in out and not fails,
           f'{what}: passes (exit {rc}'
           + (f'; failed: {"; ".join(fails)}' if fails else '')
           + (', no AVX-512 state: XCR0 lacks 0xe0' if rc == NO_STATE
              else '') + ')')


def same_checks(what, a, b):
    ca, cb = [n for _, n in checks(a)], [n for _, n in checks(b)]
    missing = [n for n in ca if n not in cb]
    extra = [n for n in cb if n not in ca]
    expect(ca == cb, f'{what}: the same check lines'
           + (f' (only in the first: {missing}; only in the second: '
              f'{extra})' if ca != cb else ''))


def no_avx512(what, rc, out):
    """The program found no AVX-512 state and reported it cleanly."""
    i = info(out)
    expect(rc == NO_STATE and 'AVX512-STATE: no AVX-512 state' in out,
           f'{what}: the program reports no AVX-512 state (exit {rc})')
    expect(i is not None and i['avx512f'] == 0 and
           not (i['xcr0'] & 0xe0) and not (i['eax'] & 0xe0),
           f'{what}: avx512f = 0, XCR0 and CPUID 0DH.0 EAX lack 0xe0'
           + (f' (xcr0 {i["xcr0"]:#x}, eax {i["eax"]:#x})' if i else ''))
    fails = [n for s, n in checks(out) if s == 'FAIL']
    expect(not fails and len(checks(out)) == 5,
           f'{what}: CPUID 0DH.5-7 zero, the 5 checks pass'
           + (f' (failed: {fails})' if fails else ''))


THREAD_RE = re.compile(r'^AVX512-STATE: t=(\d+) n=(\d+) cs=\d+ '
                       r'((?:k\d=[0-9a-f]+ )+)'
                       r'y15=([0-9a-f]+) z15=([0-9a-f]+) z31=([0-9a-f]+)$',
                       re.M)


def check_threads(what, rc, out, threads):
    expect(rc == 0 and f'AVX512-STATE: PASS threads={threads}' in out,
           f'{what}: {threads} threads keep their state (exit {rc})')
    last = {}
    for m in THREAD_RE.finditer(out):
        last[int(m.group(1))] = (int(m.group(2)), m.group(3), m.group(6))
    expect(sorted(last) == list(range(threads)) and
           all(n > 0 for n, _, _ in last.values()) and
           len({k for _, k, _ in last.values()}) == threads and
           len({z for _, _, z in last.values()}) == threads,
           f'{what}: each thread reports rounds and its own k0-7 and zmm31')


def main():
    T.skip_unless_apxf()
    prog = build_prog()
    with open('/proc/cpuinfo', encoding='utf-8') as f:
        host512 = re.search(r'^flags\s*:.*\bavx512f\b', f.read(), re.M)

    # (a) natively
    native = None
    if host512:
        rc, native = run('native', [prog])
        passed('native', rc, native)
    else:
        T.log('native half skipped: /proc/cpuinfo has no avx512f '
              '(the host CPU, or its hypervisor, offers no AVX-512)')
    rc, native_ymm = run('native, --ymm-only', [prog, '--ymm-only'])
    passed('native --ymm-only (the program checks itself on YMM state)',
           rc, native_ymm)

    # (b) under qemu-x86_64 with AVX-512 state (and glibc's EVEX code)
    user = [USER, '-cpu', CPU_512]
    rc, out = run(f'qemu-x86_64 -cpu {CPU_512}', user + [prog])
    passed(f'qemu-x86_64 -cpu {CPU_512}', rc, out)
    # TCG lays components 5-7 out as Intel's processors do (the host's
    # own offsets, which CPUID gives, may differ: AMD's do)
    layout = re.search(r'^AVX512-STATE: info layout (.*)$', out, re.M)
    expect(layout and layout.group(1) == '5@1088 6@1152 7@1664',
           'qemu-x86_64: CPUID 0DH.5-7 put components 5-7 at Intel\'s '
           'offsets 1088/1152/1664' +
           (f' (got {layout.group(1)})' if layout else ''))
    if native is not None:
        host = re.search(r'^AVX512-STATE: info layout (.*)$', native, re.M)
        T.log(f'host CPU layout: {host.group(1) if host else "?"}')
        same_checks('native vs qemu-x86_64', native, out)
    rc, out = run('qemu-x86_64, threads', user + [prog, 'threads', '4', '3'])
    check_threads('qemu-x86_64 threads mode', rc, out, 4)
    rc, out = run('qemu-x86_64, --ymm-only', user + [prog, '--ymm-only'])
    passed(f'qemu-x86_64 -cpu {CPU_512} --ymm-only', rc, out)
    # the enumeration lines differ when the host has no avx512f
    same_checks('native vs qemu-x86_64, --ymm-only',
                '\n'.join(ln for ln in native_ymm.splitlines()
                          if 'no avx512f:' not in ln),
                '\n'.join(ln for ln in out.splitlines()
                          if 'no avx512f:' not in ln))

    # (c) without avx512f (and a named model without AVX-512, which
    # asks for no components 5-7), and with: Skylake-Server, whose
    # avx512f TCG keeps
    for cpu in ('max,avx512f=off', 'Haswell'):
        rc, out = run(f'qemu-x86_64 -cpu {cpu}', [USER, '-cpu', cpu, prog])
        no_avx512(f'qemu-x86_64 -cpu {cpu}', rc, out)
    rc, out = run('qemu-x86_64 -cpu Skylake-Server',
                  [USER, '-cpu', 'Skylake-Server', prog])
    passed('qemu-x86_64 -cpu Skylake-Server (with avx512f)', rc, out)

    L.finish('parts')


if __name__ == '__main__':
    main()

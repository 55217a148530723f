#!/usr/bin/env python3
"""APX and AVX-512 programs inside a Linux 7.x guest, across a live migration.

The -mapxf build of bzip2 and its -O3 -march=x86-64-v4 -mapxf build
(tests/real/build.sh) go into the test initramfs; the guest
(qemu-system-x86_64 -cpu max,apxf=on,mpx=off, TCG, which has the AVX-512
of x86-64-v4) compresses and decompresses the same 2 MB input round after
round with each, printing the SHA-256 of each compressed result.  After the first rounds
the guest is live-migrated to a second QEMU process, where the rounds go
on.  Every round, before and after the migration, must produce exactly the
digest the legacy build gives natively on the host, and decompress back to
the input.
"""
import hashlib
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402

T.skip_unless_apxf()
HERE = os.path.dirname(os.path.abspath(__file__))
ROUNDS = 8
N = 300000
ROUND_RE = re.compile(r'^REAL: round (\d+) ([0-9a-f]{64}) ([0-9a-f]{64})',
                      re.M)

subprocess.run([os.path.join(HERE, 'build.sh'), 'bzip2'], check=True,
               stdout=subprocess.DEVNULL)
bz_apx = os.path.join(T.BUILD, 'real', 'bzip2', 'apx', 'bzip2')
bz_apxv4 = os.path.join(T.BUILD, 'real', 'bzip2', 'apxv4', 'bzip2')
bz_legacy = os.path.join(T.BUILD, 'real', 'bzip2', 'legacy', 'bzip2')
data = ''.join(f'{i}\n' for i in range(1, N + 1)).encode()
want = hashlib.sha256(subprocess.run([bz_legacy, '-9', '-c'], input=data,
                                     capture_output=True,
                                     check=True).stdout).hexdigest()

WD = T.workdir()
GUESTS = []
try:
    run_sh = os.path.join(WD, 'run.sh')
    with open(run_sh, 'w', encoding='utf-8') as f:
        f.write(f'''#!/bin/sh
seq 1 {N} > /tmp/in
i=0
while [ $i -lt {ROUNDS} ]; do
    /bzip2 -9 -c /tmp/in > /tmp/out.bz2 || echo "REAL: bzip2 failed"
    /bzip2 -d -c /tmp/out.bz2 | cmp -s - /tmp/in || echo "REAL: mismatch"
    /bzip2v4 -9 -c /tmp/in > /tmp/out4.bz2 || echo "REAL: bzip2v4 failed"
    /bzip2v4 -d -c /tmp/out4.bz2 | cmp -s - /tmp/in ||
        echo "REAL: v4 mismatch"
    echo "REAL: round $i $(sha256sum /tmp/out.bz2 | cut -d' ' -f1)" \
        "$(sha256sum /tmp/out4.bz2 | cut -d' ' -f1)"
    i=$((i + 1))
done
echo "REAL: done"
''')
    os.chmod(run_sh, 0o755)
    initrd = os.path.join(WD, 'real.cpio.gz')
    subprocess.run([os.path.join(T.TOP, 'scripts', 'mkinitramfs.sh'), initrd,
                    '--add', bz_apx + ':/bzip2', '--add',
                    bz_apxv4 + ':/bzip2v4', '--add', run_sh + ':/run.sh'],
                   check=True)
    src = T.Guest(WD, 'src', initrd=initrd).launch()
    GUESTS.append(src)
    src.wait_for(re.compile(r'REAL: round 1 '), timeout=300)
    port = T.free_port()
    dst = T.Guest(WD, 'dst', initrd=initrd,
                  incoming=f'tcp:127.0.0.1:{port}').launch()
    GUESTS.append(dst)
    st = T.migrate(src.vm, f'tcp:127.0.0.1:{port}')
    before = ROUND_RE.findall(src.text())
    T.check(st['status'] == 'completed',
            f'live migration after {len(before)} rounds')
    src.shutdown()
    txt = dst.wait_for('REAL: done', timeout=600)
    after = ROUND_RE.findall(txt)
    rounds = before + after
    T.log(f'rounds before the migration: {len(before)}, after: {len(after)}')
    T.check(len(after) >= 1, 'rounds ran after the migration')
    T.check(sorted(int(r) for r, _, _ in rounds) == list(range(ROUNDS)),
            f'all {ROUNDS} rounds reported, each once')
    bad = [(r, d, d4) for r, d, d4 in rounds if d != want or d4 != want]
    T.check(not bad, f'every round of the -mapxf and the x86-64-v4 -mapxf '
            f'builds gives the host\'s digest {want[:16]}... '
            f'(wrong: {bad})')
    full = src.text() + txt
    T.check('mismatch' not in full and 'failed' not in full,
            'every round decompresses back to the input')
finally:
    for g in GUESTS:
        g.shutdown()
    T.cleanup(WD)
T.log('PASS')

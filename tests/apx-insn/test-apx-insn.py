#!/usr/bin/env python3
"""APX instructions under TCG, checked against legacy code.

tests/apx-insn/build.sh builds apx-insn-diff with GNU as 2.47 from Debian
unstable: for every instruction form (forms_rex2.py: REX2; forms_evex.py:
EVEX map 4 with ND and NF) an APX variant on R16..R31 and a legacy variant
on R8..R13 that spells out what ND and NF mean.  This test
  1. checks the encodings with objdump (the oracle): the instructions under
     test in every APX variant use the encoding the form is about (REX2,
     D5, or EVEX, 62), and no legacy variant uses either;
  2. runs it under qemu-x86_64 -cpu max,apxf=on: every form gives the same
     registers, flags and memory in both variants over thousands of random
     cases, the #UD rules hold, and CFCMOVcc suppresses faults; and the
     APX variants under QEMU compute what the legacy variants compute on
     the host CPU;
  3. without apxf, every APX encoding (and plain D5, AAD) raises #UD;
  4. -d in_asm (Capstone, which does not know APX) lists every APX
     instruction QEMU ran as its exact bytes, marked, on the instruction
     boundaries objdump finds;
  5. runs it inside a Linux 7.x guest under qemu-system-x86_64 (APX
     enabled by the guest kernel through XCR0).
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
import apxtest as T  # noqa: E402

T.skip_unless_apxf()
HERE = os.path.dirname(os.path.abspath(__file__))
USER = os.path.join(T.BUILD, 'qemu-x86_64')
CASES = 2000

binary = subprocess.run([os.path.join(HERE, 'build.sh')], check=True,
                        capture_output=True, text=True).stdout.strip()

# 1. The oracle's view of the encodings
FUNC_RE = re.compile(r'^[0-9a-f]+ <(apx|leg)_(\w+)>:$')
INSN_RE = re.compile(r'^\s*[0-9a-f]+:\t((?:[0-9a-f]{2} )+)\s*\t?(.*)$')
bodies = {}
with open(binary + '.dis', encoding='utf-8') as f:
    cur, inside = None, False
    for line in f:
        m = FUNC_RE.match(line.strip())
        if m:
            cur, inside = (m.group(1), m.group(2)), False
            bodies[cur] = []
            continue
        m = INSN_RE.match(line)
        if not cur or not m:
            continue
        if m.group(2).startswith('popf'):
            inside = True
        elif m.group(2).startswith('pushf'):
            inside = False
        elif inside:
            bodies[cur].append((m.group(1).split(), m.group(2)))
with open(os.path.join(os.path.dirname(binary), 'encodings'),
          encoding='utf-8') as f:
    ENCODING = dict(line.split() for line in f if line.strip())
forms = sorted({name for _, name in bodies})
T.check(set(forms) == set(ENCODING), 'objdump shows every generated form')
T.check(len(forms) > 400, f'{len(forms)} instruction forms in the binary')
LEGACY_PREFIXES = {'66', '67', 'f0', 'f2', 'f3', '2e', '3e', '26', '36',
                   '64', '65'}


def first_opcode_byte(raw):
    i = 0
    while i < len(raw) and raw[i] in LEGACY_PREFIXES:
        i += 1
    return raw[i] if i < len(raw) else ''


for name in forms:
    apx = [first_opcode_byte(raw) for raw, _ in bodies[('apx', name)]]
    leg = [first_opcode_byte(raw) for raw, _ in bodies[('leg', name)]]
    if ENCODING[name] not in apx:
        T.fail(f'{name}: objdump shows no {ENCODING[name]}-encoded '
               f'instruction in the APX variant: {bodies[("apx", name)]}')
    if 'd5' in leg or '62' in leg:
        T.fail(f'{name}: the legacy variant uses APX encodings: '
               f'{bodies[("leg", name)]}')
n_evex = sum(1 for e in ENCODING.values() if e == '62')
T.log(f'ok: objdump: every APX variant uses its encoding '
      f'({len(forms) - n_evex} REX2, {n_evex} EVEX), no legacy variant does')


def run(cpu, *args):
    p = subprocess.run([USER, '-cpu', cpu, binary, *map(str, args)],
                       capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout + p.stderr


# 2. APX on
rc, out = run(T.APX_CPU, CASES)
T.log(out.strip().splitlines()[-1] if out.strip() else '(no output)')
T.check(rc == 0 and f'APX-INSN: PASS forms={len(forms)}' in out,
        f'user mode: all {len(forms)} forms match legacy code, {CASES} '
        f'random cases each' + ('' if rc == 0 else f'\n{out[-3000:]}'))
rc, out = run(T.APX_CPU, '--ud')
T.check(rc == 0 and 'APX-INSN: PASS ud-cases' in out,
        'user mode: #UD rules' + ('' if rc == 0 else f'\n{out}'))


# 2b. The host CPU: the legacy variants run natively; their digests (the
# registers and memory, and RFLAGS without the bits the instructions leave
# undefined) must equal those of the APX variants under QEMU.
def digests(out):
    return dict(line.split(None, 2)[1:] for line in out.splitlines()
                if line.startswith('APX-DIGEST: '))


p = subprocess.run([binary, '--digest', 'legacy', str(CASES)],
                   capture_output=True, text=True, timeout=600)
native = digests(p.stdout)
rc, out = run(T.APX_CPU, '--digest', 'apx', CASES)
emulated = digests(out)
skipped = sorted(n for n, d in native.items() if d == 'sigill')
differ = sorted(n for n in forms if n not in skipped and
                native.get(n) != emulated.get(n))
T.log(f'host CPU: {len(native) - len(skipped)} forms run natively, '
      f'{len(skipped)} not (SIGILL: {" ".join(skipped) or "none"})')
T.check(p.returncode == 0 and rc == 0 and len(native) == len(forms) and
        not differ,
        f'APX variants under QEMU == legacy variants on the host CPU '
        f'({len(native) - len(skipped)} forms, {CASES} cases each)'
        + (f'; differ: {" ".join(differ)}' if differ else ''))

rc, out = run(T.APX_CPU, '--faults')
T.check(rc == 0 and 'APX-INSN: PASS fault-cases bad=0' in out,
        'user mode: CFCMOVcc with a false condition does not fault, with a '
        'true one it does' + ('' if rc == 0 else f'\n{out}'))

# apx-nci-ndd-nf off: NDD, NF, CCMP/CTEST, CFCMOVcc are #UD, the rest stays
rc, out = run(T.APX_CPU + ',apx-nci-ndd-nf=off', '--ud-no-nci')
T.check(rc == 0 and 'APX-INSN: PASS ud-cases' in out,
        'apx-nci-ndd-nf=off: ND, NF, CCMP, CFCMOVcc raise #UD; REX2, plain '
        'EVEX and SETcc.ZU do not' + ('' if rc == 0 else f'\n{out}'))

# 3. APX off: D5 is AAD, invalid in 64-bit mode
for cpu in ('max,apxf=off', 'qemu64'):
    rc, out = run(cpu, '--no-apx')
    T.check(rc == 0 and 'APX-INSN: PASS ud-cases' in out,
            f'-cpu {cpu} (no apxf): every APX encoding raises #UD'
            + ('' if rc == 0 else f'\n{out}'))

# 4. -d in_asm, disassembled with Capstone (as Debian builds QEMU), which
# does not know APX: every APX instruction QEMU ran must be listed as its
# exact bytes with the APX note, none decoded by Capstone, and every line
# must start where GNU objdump 2.47 (the oracle) starts an instruction.
log = os.path.join(os.path.dirname(binary), 'in_asm.log')
p = subprocess.run([USER, '-cpu', T.APX_CPU, '-d', 'in_asm', '-D', log,
                    binary, '1'], capture_output=True, text=True, timeout=300)
T.check(p.returncode == 0, '-d in_asm run')
objdump = subprocess.run([os.path.join(T.TOP, 'scripts', 'sid-run.sh'),
                          'objdump', '-dw', binary],
                         capture_output=True, text=True, timeout=300).stdout
PREFIXES = {'66', '67', 'f0', 'f2', 'f3', '2e', '36', '3e', '26', '64', '65'}
oracle = {}                     # address -> (bytes, text, is_apx)
for line in objdump.splitlines():
    m = re.match(r'\s*([0-9a-f]+):\t((?:[0-9a-f]{2} )+)\s*\t?(.*)$', line)
    if m:
        bs = m.group(2).split()
        first = next((b for b in bs if b not in PREFIXES), '')
        text = m.group(3)
        apx = first == 'd5' or (first == '62' and not
                                re.search(r'%[xyz]mm|%k[0-7]', text))
        oracle[int(m.group(1), 16)] = (bs, text, apx)
marked, decoded, bad = [], 0, []
NOTE = '(APX, not decoded by Capstone)'
with open(log, encoding='utf-8', errors='replace') as f:
    for line in f:
        m = re.match(r'0x([0-9a-f]+):\s+((?:[0-9a-f]{2} )+)\s+(\S.*)?$',
                     line.rstrip('\n') + ' ')
        if not m or not m.group(3):
            continue                    # not an instruction, or a continuation
        addr, rest = int(m.group(1), 16), m.group(3).strip()
        if addr not in oracle:
            bad.append(f'{addr:#x} is not where objdump starts an instruction')
            continue
        bs, text, apx = oracle[addr]
        if rest.endswith(NOTE):
            listed = re.findall(r'0x([0-9a-f]{2})', rest[:-len(NOTE)])
            marked.append(text)
            if not apx or listed != bs:
                bad.append(f'{addr:#x}: marked {listed}, objdump {bs} {text}')
        else:
            decoded += 1
            if apx:
                bad.append(f'{addr:#x}: Capstone decoded APX {bs} {text}')
T.log(f'in_asm: {len(marked)} APX instructions marked, {decoded} decoded by '
      f'Capstone')
T.check(len(marked) > 1000 and decoded > 1000 and not bad,
        'in_asm: every executed APX instruction listed as its exact bytes, '
        'every line on an instruction boundary' +
        (('\n' + '\n'.join(bad[:20])) if bad else ''))
for needle in ('push2 ', '{nf} add', 'ccmpe', 'cmove ', 'cfcmovb ', 'jmpabs',
               '%r31', 'andn ', 'rorx '):
    T.check(any(needle in t for t in marked),
            f'in_asm marks {needle.strip()!r} (objdump\'s name)')

# 5. System mode, in a Linux guest
WD = T.workdir()
try:
    run_sh = os.path.join(WD, 'run.sh')
    with open(run_sh, 'w', encoding='utf-8') as f:
        f.write('#!/bin/sh\n/apx-insn-diff 300; echo "APX-INSN: exit $?"\n'
                '/apx-insn-diff --ud; echo "APX-INSN: exit $?"\n'
                '/apx-insn-diff --faults; echo "APX-INSN: exit $?"\n')
    os.chmod(run_sh, 0o755)
    initrd = os.path.join(WD, 'insn.cpio.gz')
    subprocess.run([os.path.join(T.TOP, 'scripts', 'mkinitramfs.sh'), initrd,
                    '--add', binary + ':/apx-insn-diff',
                    '--add', run_sh + ':/run.sh'], check=True)
    g = T.Guest(WD, 'insn', initrd=initrd).launch()
    txt = g.wait_for('APX-GUEST: done', timeout=300)
    g.shutdown()
    T.check(re.search(r'APX-INSN: PASS forms=\d+ cases=\d+ failures=0\s+'
                      r'APX-INSN: exit 0', txt) is not None,
            'system mode (Linux 7.x guest): all forms match legacy code'
            + ('' if 'exit 0' in txt else '\n' + txt[-3000:]))
    T.check('APX-INSN: PASS ud-cases bad=0' in txt,
            'system mode: #UD rules')
    T.check('APX-INSN: PASS fault-cases bad=0' in txt,
            'system mode: CFCMOVcc fault suppression (#PF not raised)')
finally:
    T.cleanup(WD)
T.log('PASS')

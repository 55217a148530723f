#!/usr/bin/env python3
"""AVX-512 (EVEX vector) instructions: the differential harness.

tests/avx512-insn/build.sh builds avx512-insn-diff with GNU as 2.47 from
Debian unstable: every form of forms_move.py, forms_kmask.py,
forms_masked.py, forms_int.py, forms_cmp.py, forms_shuf.py,
forms_shift.py, forms_fp.py, forms_perm.py and forms_trunc.py (and
forms_selftest.py, which needs no AVX-512) in a legacy variant (memory
base/index and GPR operands in R8-R15) and an APX variant (R16-R31:
EVEX.B4/X4, APX's EVEX KMOV, REX2).  This test
  1. checks the encodings with objdump (the oracle): every EVEX form is
     62-encoded, K-instructions are VEX unless they name an EGPR, B4/X4
     are set exactly for R16-R31, and the displacement is disp8 when
     disp8*N can express it (N from the form's tuple type) and disp32
     otherwise; the valid raw cases of ud_cases.py decode as named;
  2. runs the digests on the host CPU (the native half), if it has
     AVX512F/VL/BW/DQ/CD, and the raw #UD cases there;
  3. compares, for the groups of GROUPS (implemented under TCG so far),
     the host's digests (or, on a host without AVX-512, those
     record-host-digests.sh recorded on one, if they match these forms)
     with qemu-x86_64's under -cpu max (AVX-512 under TCG), and the APX
     variants with the legacy ones within QEMU; the
     selftest group checks the harness itself the same way, host vs QEMU;
  3b. checks QEMU's result of every case (diff.c --trace) of the forms of
     MODEL_GROUPS that model_implemented() accepts against model.py, the
     SDM's semantics, whatever the host CPU (and, on an AVX-512 host,
     reports the model against the CPU); the forms of the mnemonics
     held back from IMPLEMENTED (HELD_BACK) too, whose differences it
     reports by kind instead of failing;
  4. checks that every form raises #UD under CPUs without AVX-512 (-cpu
     max,avx512f=off, a named model without it) and that the raw #UD cases
     raise #UD under -cpu max.
glibc's own AVX-512 string functions are switched off (GLIBC_TUNABLES)
so that the host and QEMU run the same libc code.
"""
import collections
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.realpath(os.path.join(HERE, '..', '..'))
# APX_BUILD (as in scripts/lib.sh) may name the build directory of another
# checkout, e.g. to run this test from a clone against a QEMU built there.
BUILD = os.environ.get('APX_BUILD') or os.path.join(TOP, 'build')
sys.path.insert(0, os.path.join(BUILD, 'src', 'python'))
sys.path.insert(0, os.path.join(HERE, '..', 'lib'))
sys.path.insert(0, HERE)
import apxtest as T  # noqa: E402
import forms_selftest  # noqa: E402
import model as M  # noqa: E402
import ud_cases  # noqa: E402
from forms_common import (ALIGNED, AT_END, CASE_DIVISOR,  # noqa: E402
                          MASKED, STORE, group_cases)

# The harness groups whose instructions TCG implements so far (see
# docs/design-avx512-tcg.md, section 4): add a group when its step lands.
GROUPS = ['move', 'kmask', 'masked', 'int', 'cmp', 'shuf', 'shift',
          'fp', 'perm', 'trunc']
ALL_GROUPS = ['move', 'kmask', 'masked', 'int', 'cmp', 'shuf', 'shift',
              'fp', 'perm', 'trunc']
# per form; diff.c runs a tenth of these of group int's forms, half of
# those of the groups cmp, shuf, perm and trunc, a quarter of group
# shift's, a fifth of group fp's (forms_common.CASE_DIVISOR)
CASES = 300
SEED = '0x5eed'
# The reference model (model.py, the SDM's semantics) checks QEMU's result
# of every case of these groups' forms, on any host, for the forms that
# model_implemented() accepts; the others are counted as skipped.  Widen
# both as the steps of docs/design-avx512-tcg.md land.
MODEL_GROUPS = ['move', 'kmask', 'masked', 'int', 'cmp', 'shuf', 'shift',
                'fp', 'perm', 'trunc']
MODEL_CASES = 100
# The groups implemented in part (or, an empty set, not yet) under TCG,
# each with the mnemonics that are, as GNU as spells them ('vpsubd',
# 'vpandq', ...): model_implemented() accepts those groups' forms of these
# mnemonics only.  Add rows as they land; a group whose every row is
# implemented leaves this table.  None is in part now: the queue
# implements every row of the groups cmp, shuf and shift (since topic 6
# has 21 patches), perm (since it has 24), trunc (since it has 26) and fp
# (since it has 32).
IMPLEMENTED = {}

# Patterns (re.match: from the start of a form's name; a plain prefix is
# one too) of the forms, in MODEL_GROUPS, that TCG does not implement yet
# although their row (in IMPLEMENTED: their mnemonic) is.  None now.
NOT_YET = ()


def not_yet(form):
    return any(re.match(p, form.name) for p in NOT_YET)


def model_implemented(form, variant='legacy'):
    """Implemented under TCG so far: the moves (step 2), the
    K-instructions (step 3, with APX's EVEX KMOVs in the APX variants),
    masking and broadcast (step 4) and the other groups of MODEL_GROUPS,
    of those in IMPLEMENTED (fp) only the mnemonics it lists; never the
    forms NOT_YET names."""
    del variant  # both variants run the same rows
    if not_yet(form):
        return False
    if form.group in IMPLEMENTED:
        return M.parse(form).mn in IMPLEMENTED[form.group]
    return True


USER = os.path.join(BUILD, 'qemu-x86_64')
# TCG offers AVX512F/VL/BW/DQ/CD in -cpu max (and apxf, named here so
# that the variant without APX is this text with apxf=off)
CPU = 'max,apxf=on'
NO_AVX512 = ['max,avx512f=off', 'max,apxf=on,avx512f=off']
NAMED = ['Haswell', 'EPYC-Milan', 'Broadwell', 'SandyBridge']
NEEDED = ['avx512f', 'avx512vl', 'avx512bw', 'avx512dq', 'avx512cd']
# Forms whose result on the host CPU (AMD) differs from the SDM: left out
# of the host-vs-QEMU digest comparison, with the reason; the model check
# against the host still covers them case by case (HOST_KNOWN classifies
# the differing cases).  The raw cases with such differences are in
# ud_cases.KNOWN_DIFFERENCES.
ALIGNED_ZERO_MASK = ('AMD Zen 4 raises no #GP for a misaligned aligned move '
                     '(VMOVAPS/APD, VMOVDQA32/64) whose writemask selects '
                     'no element; in the SDM, exception class E1 lists '
                     '#GP(0) for a misaligned operand whatever the mask')
KNOWN_DIFFERENCES = {f.name: ALIGNED_ZERO_MASK for f in M.FORMS.values()
                     if f.flags & ALIGNED and f.flags & MASKED}
# VRCP14/VRSQRT14: not a difference from the SDM, which bounds their
# results only; the host's are checked against that bound case by case
APPROXIMATION = ('VRCP14/VRSQRT14: the SDM bounds the relative error by '
                 '2^-14 and leaves the bits to the processor (QEMU rounds '
                 'the exact result to nearest); each of the host\'s results '
                 'is checked against the bound and the special cases '
                 '(model.rcp14_check)')
KNOWN_DIFFERENCES.update({f.name: APPROXIMATION for f in M.FORMS.values()
                          if M.parse(f).mn in M.forms_fp.RCP14_ROWS})
HOST_KNOWN = {'aligned, mask all zero': ALIGNED_ZERO_MASK,
              'approximation within the bound': APPROXIMATION}


def host_known(form, st, exp, got, diff):
    """The HOST_KNOWN entry a case where the host differs from the model
    falls under, or None."""
    insn = M.parse(form)
    if exp.exc == 'GP' and 'sig' not in got and form.flags & ALIGNED and \
            insn.mask is not None:
        nelem = form.size // form.esize
        if not st.k[insn.mask] & ((1 << nelem) - 1):
            return 'aligned, mask all zero'
    if insn.mn in M.forms_fp.RCP14_ROWS and exp.exc is None and \
            'sig' not in got and M.approximation_ok(insn, st, exp, got, diff):
        return 'approximation within the bound'
    return None


# Forms where QEMU 10.0 (before any AVX-512 work) differs from the host
# and the SDM: left out of the host-vs-QEMU comparison, and listed.
PARTIAL_STORE = ('a store that faults on its second page has written its '
                 'first 8 bytes under QEMU; the host writes nothing '
                 '(docs/design-avx512-tcg.md section 6, item 4)')
KNOWN_QEMU = {
    'st_movups_st': PARTIAL_STORE,
    'st_movdqu_st': PARTIAL_STORE,
    'st_vcvtps2ph_ym3': PARTIAL_STORE,
}
# The unmasked EVEX stores go through the same store path as the SSE and
# VEX ones (gen_sto/sty/stz_env_A0), and so share that difference: those
# of 16 bytes or more, which QEMU writes in two or more accesses.  A store
# of 1, 2, 4 or 8 bytes (KMOV, VMOVD/Q/SS/SD, the narrow down-converts,
# VMOVH/LPS/PD, VEXTRACTPS) is one access and cannot be partial.
PARTIAL_MIN = 16
KNOWN_QEMU.update({f.name: PARTIAL_STORE for f in M.FORMS.values()
                   if f.flags & STORE and f.memory and f.align == 1 and
                   not f.flags & MASKED and f.size >= PARTIAL_MIN})
# Mnemonics that TCG implements but that stay out of IMPLEMENTED, per
# group, with the difference from the SDM that keeps them out (a key of
# HELD_BACK_WHY).  The model check traces their forms (not NOT_YET's) all
# the same and reports their differing cases by kind, without failing:
# held_back_known() recognises the held-back difference case by case.
NAN_PROP = ('NaN propagation: of two NaN sources QEMU 10.0 returns the '
            'one the x87 rules pick (float_2nan_prop_x87 for sse_status; '
            'the queue follows the SDM since topic 6 has 30 patches), '
            'quieted; the SDM (vol. 1, table 4-7) the first source '
            'operand, quieted')
HELD_BACK_WHY = {'NaN propagation': NAN_PROP}
HELD_BACK = {}
# The same for the model check: per case, a classifier of the difference
# and why it is left out (counted and listed, not failed).
MODEL_KNOWN_QEMU = {
    'partial store': (PARTIAL_STORE.replace('8 bytes', 'bytes') +
                      '; the model (and the SDM: a fault leaves the state '
                      'as before the instruction) writes nothing'),
}


def fp_differing(form, st, exp, got, diff):
    """A case of a packed two-source arithmetic row of group fp (MXCSR's
    rounding) that differs only in elements of the destination and in
    MXCSR: (element size, [(SRC1, SRC2, expected, got)] of the elements
    that differ); None for any other case."""
    insn = M.parse(form)
    row = M.FP_ROWS.get(insn.mn)
    if not row or row[1] or row[2] != 'arith' or len(insn.ops) != 3 or \
            exp.exc is not None or 'sig' in got:
        return None
    dst, src1, src2 = insn.ops
    if not all(d.startswith((f'zmm{dst.n}:', 'MXCSR:')) for d in diff):
        return None
    es = form.esize
    have = got['z'].get(dst.n, st.z[dst.n])
    elems = []
    for j in range(dst.size // es):
        want, got_j = M.elem(exp.z[dst.n], es, j), M.elem(have, es, j)
        if want == got_j:
            continue
        if src2.kind == 'v':
            b = M.elem(st.z[src2.n], es, j)
        else:
            at = st.off + (0 if src2.bcst else es * j) - max(st.off, 0)
            b = int.from_bytes(st.mem[at:at + es], 'little')
        elems.append((M.elem(st.z[src1.n], es, j), b, want, got_j))
    return es, elems


def model_known(form, st, exp, got, diff):
    """The MODEL_KNOWN_QEMU entry a differing case falls under, or None."""
    if exp.exc == 'PF' and 'sig' in got and form.flags & STORE and \
            form.size >= PARTIAL_MIN and \
            all(d.startswith('memory') for d in diff):
        # the bytes written are some of those the store would write
        whole = M.model(M.parse(form), st, unfaulting_stores=True).mem
        if all(whole.get(o) == b for o, b in got['mem'].items()):
            return 'partial store'
    return None


def nan_choice(form, st, exp, got, diff):
    """Is every difference of the case an element whose two sources are
    both NaNs, where the model returns SRC1's quieted and QEMU SRC2's
    (NAN_PROP), with MXCSR alike (DE is not compared)?"""
    found = fp_differing(form, st, exp, got, diff)
    if not found or not found[1] or \
            (exp.mxcsr ^ got['mxcsr']) & ~M.MXCSR_DE:
        return False
    es, elems = found
    f = M.BIN32 if es == 4 else M.BIN64

    def nan(v):
        return v & f.expo == f.expo and v & f.frac

    return all(nan(a) and nan(b) and want == a | f.quiet and
               have == b | f.quiet for a, b, want, have in elems)


def held_back_known(form, st, exp, got, diff):
    """The HELD_BACK_WHY or MODEL_KNOWN_QEMU entry a differing case of a
    held-back form falls under, or None."""
    if nan_choice(form, st, exp, got, diff):
        return 'NaN propagation'
    return model_known(form, st, exp, got, diff)


os.environ['GLIBC_TUNABLES'] = ('glibc.cpu.hwcaps=-AVX512F,-AVX512VL,'
                                '-AVX512BW,-AVX512DQ,-AVX512CD,'
                                'Prefer_No_AVX512')

if not os.access(USER, os.X_OK):
    T.skip('qemu-apxf', f'{USER} is not built')
binary = subprocess.run([os.path.join(HERE, 'build.sh')], check=True,
                        capture_output=True, text=True).stdout.strip()
OUT = os.path.dirname(binary)


def sid(*args):
    return subprocess.run([os.path.join(TOP, 'scripts', 'sid-run.sh'),
                           *args], capture_output=True, text=True,
                          check=True).stdout


# 1. The oracle's view of the encodings
LABEL_RE = re.compile(r'^[0-9a-f]+ <(leg|apx)_(\w+)_([te])>:$')
INSN_RE = re.compile(r'^\s*[0-9a-f]+:\t((?:[0-9a-f]{2} )+)\s*\t?(.*)$')
MEM_RE = re.compile(r'(-?0x[0-9a-f]+)?\(%(r\d+)(?:,%(r\d+),(\d))?\)')
bodies = {}
with open(os.path.join(OUT, 'forms.dis'), encoding='utf-8') as f:
    cur = None
    for line in f:
        m = LABEL_RE.match(line.strip())
        if m:
            cur = (m.group(1), m.group(2)) if m.group(3) == 't' else None
            if cur:
                bodies[cur] = []
            continue
        m = INSN_RE.match(line)
        if cur and m:
            bodies[cur].append(([int(b, 16) for b in m.group(1).split()],
                                m.group(2)))
expect = {}
with open(os.path.join(OUT, 'expect'), encoding='utf-8') as f:
    for line in f:
        v, name, enc, base, index, disp, n = line.split()
        expect[(v, name)] = (enc, int(base), int(index), int(disp), int(n))
T.check(set(bodies) == set(expect),
        f'objdump shows the instruction under test of all {len(expect)} '
        f'variants ({len(expect) // 2} forms)')


def decode(bs):
    """(kind, EVEX P0/P1 or None, modrm offset) of one instruction."""
    i = 0
    while bs[i] in (0x66, 0xf2, 0xf3):
        i += 1
    if bs[i] == 0x62:
        return '62', (bs[i + 1], bs[i + 2]), i + 5
    if bs[i] in (0xc4, 0xc5):
        return 'vex', None, i + (4 if bs[i] == 0xc4 else 3)
    if bs[i] == 0xd5:
        return 'd5', None, i + 3            # REX2 payload, opcode
    if 0x40 <= bs[i] <= 0x4f:
        i += 1
    if bs[i] == 0x0f:
        i += 2 if bs[i + 1] in (0x38, 0x3a) else 1
    return 'legacy', None, i + 1


def expected_disp(disp, n, base):
    """(mod, displacement bytes) GNU as must emit for disp with scale n."""
    if disp == 0 and base & 7 != 5:
        return 0, []
    if disp % n == 0 and -128 <= disp // n <= 127:
        return 1, [(disp // n) & 0xff]
    return 2, list((disp & 0xffffffff).to_bytes(4, 'little'))


bad = []
stats = {'62': 0, 'vex': 0, 'd5': 0, 'legacy': 0, 'disp8': 0, 'disp32': 0}
for (v, name), (enc, base, index, disp, n) in sorted(expect.items()):
    body = bodies[(v, name)]
    if len(body) != 1:
        bad.append(f'{v} {name}: {len(body)} instructions: {body}')
        continue
    bs, text = body[0]
    kind, p01, at = decode(bs)
    stats[kind] += 1
    if kind != enc:
        bad.append(f'{v} {name}: {kind}-encoded, not {enc}: {text}')
        continue
    if base < 0:
        continue
    m = MEM_RE.search(text)
    if not m or m.group(2) != f'r{base}' or \
            (index >= 0) != (m.group(3) is not None) or \
            (index >= 0 and m.group(3) != f'r{index}') or \
            int(m.group(1) or '0', 16) != disp:
        bad.append(f'{v} {name}: objdump shows {text}, not {disp} from '
                   f'r{base} and r{index}')
        continue
    modrm = bs[at]
    mod, after = modrm >> 6, at + 1 + ((modrm & 7) == 4)
    want_mod, want_bytes = expected_disp(disp, n, base)
    if (mod, bs[after:after + len(want_bytes)]) != (want_mod, want_bytes):
        bad.append(f'{v} {name}: disp {disp} N={n}: mod {mod} bytes '
                   f'{bs[after:]}, expected mod {want_mod} {want_bytes}: '
                   f'{text}')
    stats['disp8'] += mod == 1
    stats['disp32'] += mod == 2
    if p01:
        b4, x_u = p01[0] >> 3 & 1, p01[1] >> 2 & 1
        if b4 != (base >= 16) or x_u != (index < 16):
            bad.append(f'{v} {name}: EVEX B4={b4} U={x_u} for base r{base} '
                       f'index r{index}: {text}')
T.check(not bad, 'objdump: every EVEX form 62-encoded, K-instructions VEX '
        'unless they name R16-R31 (then EVEX), SSE selftest forms REX2 with '
        'R16-R31, B4/X4 exactly for R16-R31, disp8 exactly when disp8*N '
        f'expresses the displacement ({stats["62"]} EVEX, {stats["vex"]} '
        f'VEX, {stats["d5"]} REX2, {stats["legacy"]} legacy; '
        f'{stats["disp8"]} disp8, {stats["disp32"]} disp32)' +
        ('\n' + '\n'.join(bad[:30]) if bad else ''))

# the valid raw cases decode as named (one file, cases back to back)
valid = [(w, bytes.fromhex(b)) for w, b, noapx, apx, *_ in ud_cases.CASES
         if 'ok' in (noapx, apx)]
blob = os.path.join(OUT, 'ud-valid.bin')
with open(blob, 'wb') as f:
    f.write(b''.join(b for _, b in valid))
dis = sid('-C', OUT, 'objdump', '-D', '-w', '-b', 'binary', '-m',
          'i386:x86-64', 'ud-valid.bin')
at_off = {}
for line in dis.splitlines():
    m = re.match(r'\s*([0-9a-f]+):\t((?:[0-9a-f]{2} )+)\s*\t?(.*)$', line)
    if m:
        at_off[int(m.group(1), 16)] = (len(m.group(2).split()), m.group(3))
off, bad = 0, []
for what, b in valid:
    length, text = at_off.get(off, (0, '(nothing)'))
    text = ' '.join(text.replace('{evex} ', '').split())
    if length != len(b) or text != re.split(r' \((?!%)|, k1=', what)[0]:
        bad.append(f'{what}: objdump decodes {b.hex(" ")} as {text!r} '
                   f'({length} bytes)')
    off += len(b)
T.check(not bad, f'objdump decodes the {len(valid)} valid raw cases as '
        'their text says' + ('\n' + '\n'.join(bad) if bad else ''))


def run(cpu, *args):
    cmd = ([USER, '-cpu', cpu] if cpu else []) + [binary] + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout + p.stderr


def digests(out):
    return dict(line.split()[1:3] for line in out.splitlines()
                if line.startswith('AVX512-DIGEST: '))


def cpuid(cpu):
    rc, out = run(cpu, '--cpuid-ud')
    T.check(rc == 0, f'--cpuid-ud under {cpu or "the host CPU"}' +
            ('' if rc == 0 else f'\n{out}'))
    info = {}
    for line in out.splitlines():
        if line.startswith(('AVX512-CPUID: ', 'AVX512-GLIBC: ')):
            tag = 'glibc_' if line.startswith('AVX512-GLIBC') else ''
            for word in line.split()[1:]:
                key, val = word.split('=')
                info[tag + key] = val
    T.log(f'{cpu or "host CPU"}: ' + '; glibc: '.join(
        line.split(': ', 1)[1] for line in out.splitlines()
        if line.startswith(('AVX512-CPUID', 'AVX512-GLIBC'))))
    glibc = [k for k, v in info.items() if k.startswith('glibc_') and
             v != '0']
    T.check(not glibc, f'glibc uses no AVX-512 code under '
            f'{cpu or "the host CPU"} (GLIBC_TUNABLES)' +
            (f': {glibc}' if glibc else ''))
    return info


def check_pass(rc, out, tag, what):
    ok = rc == 0 and f'AVX512-INSN: PASS {tag}' in out
    lines = [ln for ln in out.splitlines() if 'FAIL' in ln]
    T.check(ok, what + ('' if ok else '\n' + '\n'.join(lines[:40] or
                                                       [out[-3000:]])))
    return out


T.log('known differences between the AMD host and the SDM (the tests '
      'follow the SDM):')
for what, (amd, why) in ud_cases.KNOWN_DIFFERENCES.items():
    T.log(f'  {what}: AMD {amd}; {why}')
for name, why in KNOWN_DIFFERENCES.items():
    T.log(f'  form {name}: {why}')
T.log('known differences between QEMU 10.0 and the host/SDM, pre-existing '
      '(left out of the host-vs-QEMU comparisons):')
for name, why in KNOWN_QEMU.items():
    T.log(f'  form {name}: {why}')
for what, why in ud_cases.QEMU_GAPS.items():
    T.log(f'  raw case {what}: {why}')
T.log('implemented under TCG, but held back from IMPLEMENTED (the model '
      'check reports their forms\' differences, does not fail them): ' +
      ('' if HELD_BACK else 'none'))
for grp, mns in HELD_BACK.items():
    for why in set(mns.values()):
        held = sorted(m for m in mns if mns[m] == why)
        T.log(f'  group {grp}: {" ".join(held)}: {HELD_BACK_WHY[why]}')

# 2. The native half
with open('/proc/cpuinfo', encoding='utf-8') as f:
    flags = next((line.split(':', 1)[1].split() for line in f
                  if line.startswith('flags')), [])
lacking = [x for x in NEEDED if x not in flags]
host = cpuid(None)
native = {}
if lacking:
    T.log(f'SKIPPED: native half: the host CPU lacks {" ".join(lacking)}, '
          'so the digests cannot be computed on it; its #UD behaviour is '
          'checked instead')
    check_pass(*run(None, '--expect-ud', 'legacy', 'all'), 'expect-ud',
               'host CPU without AVX-512: every form raises #UD at the '
               'instruction under test')
    check_pass(*run(None, '--ud', 'noavx512', 'all'), 'ud-cases',
               'host CPU without AVX-512: every raw case raises #UD')
else:
    rc, out = run(None, '--digest', 'legacy', ','.join(ALL_GROUPS),
                  str(CASES), SEED)
    check_pass(rc, out, 'digest', f'host CPU: digests of every form, '
               f'{CASES} cases each')
    native = digests(out)
    ran = [n for n, d in native.items() if d != 'sigill']
    T.log(f'host CPU: {len(ran)} forms run natively, '
          f'{len(native) - len(ran)} raise #UD (a feature the host lacks)')
    mode = 'apx' if host.get('apxf') == '1' else 'noapx'
    check_pass(*run(None, '--ud', mode, 'all', '--native'), 'ud-cases',
               f'host CPU: the raw #UD cases ({mode}), with the known '
               'differences')

# Digests recorded on an AVX-512 host (record-host-digests.sh) stand in
# for the host's on a CI host without AVX-512: each one whose key (gen.py:
# the form's code, its table entry, the driver) is still the form's.
RECORDED = os.path.join(HERE, 'host-digests.txt')
unrecorded = []
if not native and os.path.exists(RECORDED):
    with open(os.path.join(OUT, 'keys'), encoding='utf-8') as f:
        keys = dict(line.split() for line in f)
    with open(RECORDED, encoding='utf-8') as f:
        text = f.read()
    header = re.search(r'^cases (\d+) seed (\w+)$', text, re.M)
    where = ' '.join(re.findall(r'^# (?:cpu|date): (.*)$', text, re.M))
    if header and header.groups() == (str(CASES), SEED):
        for line in text.splitlines():
            w = line.split()
            if line.startswith('AVX512-DIGEST: ') and \
                    w[-1] == f'key={keys.get(w[1])}':
                native[w[1]] = w[2]
        selftest = {f.name for f in forms_selftest.FORMS +
                    forms_selftest.LATE + forms_selftest.F16C}
        unrecorded = sorted(n for n in keys if n not in native and
                            n not in selftest)
        T.log(f'host digests: {len(native)} forms recorded on {where}' +
              (f'; none for {len(unrecorded)} forms added or changed '
               f'since (record-host-digests.sh on an AVX-512 host): '
               f'{" ".join(unrecorded[:8])}'
               f'{" ..." if len(unrecorded) > 8 else ""}'
               if unrecorded else ''))
    else:
        T.log(f'host digests recorded on {where} are for other '
              'CASES/SEED: not used (run '
              'tests/avx512-insn/record-host-digests.sh on an AVX-512 host)')

# 3. The QEMU half.  selftest first: the harness itself, host vs QEMU.
# The legacy variants run under a CPU without AVX-512; the APX variants
# need one with it, since GNU as encodes the VEX forms with EVEX there
# (VEX cannot name R16-R31).
SELF_CPU = {'legacy': T.APX_CPU, 'apx': CPU}
rc, out = run(None, '--digest', 'legacy', 'selftest', str(CASES), SEED)
host_self = digests(out)
check_pass(rc, out, 'digest', 'host CPU: selftest digests')
for variant in ('legacy', 'apx'):
    rc, out = run(SELF_CPU[variant], '--digest', variant, 'selftest',
                  str(CASES), SEED)
    check_pass(rc, out, 'digest', f'qemu-x86_64 -cpu {SELF_CPU[variant]}: '
               f'selftest digests ({variant} variants)')
    emulated = digests(out)
    differ = sorted(n for n in host_self if emulated.get(n) != host_self[n]
                    and n not in KNOWN_QEMU)
    known = [n for n in host_self if n in KNOWN_QEMU]
    T.check(not differ and len(host_self) > 20,
            f'selftest: the {variant} variants under QEMU compute what the '
            f'legacy variants compute on the host CPU '
            f'({len(host_self) - len(known)} forms, {CASES} cases; '
            f'{len(known)} known QEMU differences left out)' +
            (f'; differ: {" ".join(differ)}' if differ else ''))
    fixed = sorted(n for n in known if emulated.get(n) == host_self[n])
    if fixed:
        T.log(f'note: {" ".join(fixed)} now match the host: remove them '
              'from KNOWN_QEMU')
# The forms placed AT_END (the VEX.256 shifts by an m128 count, VCVTDQ2PD's
# m64): some of their cases must put the operand in the page's last 32
# bytes such that the size bytes it has fit while 32 would not (QEMU 10.0
# read 32 bytes of the count, and 16 of the m64, and faulted there), and
# none of those may fault.
at_end = [f for f in forms_selftest.FORMS + forms_selftest.LATE
          if f.flags & AT_END]
for cpu, variant in ((None, 'legacy'), (T.APX_CPU, 'legacy'),
                     (CPU, 'apx')):
    rc, out = run(cpu, '--trace', variant,
                  ','.join(f.name for f in at_end), str(CASES), SEED)
    where = f'-cpu {cpu}' if cpu else 'the host CPU'
    check_pass(rc, out, 'trace', f'{where}: --trace of the AT_END forms '
               f'({variant} variants)')
    size = {f.name: f.size for f in at_end}
    tight, faulted, name, off = collections.Counter(), [], None, None
    for line in out.splitlines():
        w = line.split()
        if line.startswith('AVX512-TRACE: form '):
            name = w[2]
        elif line.startswith('I '):
            off = int(w[2].split('=')[1])
        elif line.startswith('O ') and off + size[name] <= M.PAGE < off + 32:
            tight[name] += 1
            if any(x.startswith('sig=') for x in w):
                faulted.append(f'{name} case {w[1]}')
    T.check(all(tight[f.name] for f in at_end) and not faulted,
            f'{where} ({variant} variants): the operands in the last '
            'bytes of the page (a 32-byte read would fault) do not fault: '
            + ', '.join(f'{f.name} {tight[f.name]} of {CASES} cases'
                        for f in at_end) +
            (f'; faulted: {" ".join(faulted[:10])}' if faulted else ''))

maxinfo = cpuid(CPU)
T.check(all(maxinfo.get(f) == '1' for f in NEEDED + ['apxf']),
        f'-cpu {CPU} enumerates AVX512F/VL/BW/DQ/CD and APX under TCG')
# a named model with the x86-64-v4 features keeps them under TCG, quietly
rc, out = run('Skylake-Server', '--cpuid-ud')
T.check(rc == 0 and not re.search(r'warning:.*avx512', out) and
        all(f'{f}=1' in out.split('AVX512-CPUID: ')[-1].split('\n')[0]
            for f in NEEDED),
        '-cpu Skylake-Server enumerates AVX512F/VL/BW/DQ/CD, and QEMU '
        'warns about none of them' + ('' if rc == 0 else f'\n{out}'))
# the state the forms load and store: XRSTOR/XSAVE round trips at the
# offsets of CPUID leaf 0DH, on the host and under QEMU (components 5-7
# once XCR0 has them)
for cpu, info in ((None, host), (CPU, maxinfo)):
    check_pass(*run(cpu, '--xstate', '1000'), 'xstate',
               f'{cpu or "host CPU"}: XRSTOR/XSAVE of components 1, 2, 5, '
               f'6, 7 round-trip 1000 random states (rfbm {info["rfbm"]})')
if not GROUPS:
    T.log('SKIPPED: QEMU half: no AVX-512 group is declared implemented '
          'under TCG (GROUPS is empty), so no digest is required to match '
          'between the host CPU and QEMU or between the APX and legacy '
          'variants; add a group to GROUPS when its step of '
          'docs/design-avx512-tcg.md is complete')
else:
    g = ','.join(GROUPS)
    rc, out = run(CPU, '--digest', 'legacy', g, str(CASES), SEED)
    check_pass(rc, out, 'digest', f'QEMU: digests of {g} (legacy variants)')
    legacy = digests(out)
    rc, out = run(CPU, '--digest', 'apx', g, str(CASES), SEED)
    check_pass(rc, out, 'digest', f'QEMU: digests of {g} (APX variants)')
    apx = digests(out)
    unimpl = sorted(n for n, d in legacy.items() if d == 'sigill')
    T.check(not unimpl, f'QEMU: every form of {g} runs' +
            (f'; #UD: {" ".join(unimpl)}' if unimpl else ''))
    differ = sorted(n for n in legacy if apx.get(n) != legacy[n])
    T.check(not differ, f'QEMU: APX variants == legacy variants '
            f'({len(legacy)} forms, {CASES} cases each)' +
            (f'; differ: {" ".join(differ)}' if differ else ''))
    if native:
        cmp = [n for n in legacy if native.get(n, 'sigill') != 'sigill' and
               n not in KNOWN_DIFFERENCES and n not in KNOWN_QEMU]
        differ = sorted(n for n in cmp if native[n] != legacy[n])
        T.check(not differ, f'QEMU == host CPU ({len(cmp)} forms of {g}, '
                f'{CASES} cases each)' +
                (f'; differ: {" ".join(differ)} (inspect with --dump / '
                 '--case-digests)' if differ else ''))
    else:
        T.log('SKIPPED: QEMU vs host CPU: the host has no AVX-512 and no '
              'digests recorded on one match (record-host-digests.sh)')
# Groups not in GROUPS may be implemented in part: what runs of them is
# reported (APX vs legacy variants, and vs the host's digests when there
# are some), without failing the test.
rest = [x for x in ALL_GROUPS if x not in GROUPS]
if rest:
    got = {}
    for variant in ('legacy', 'apx'):
        rc, out = run(CPU, '--digest', variant, ','.join(rest),
                      str(CASES), SEED)
        got[variant] = digests(out)
    running = sorted(n for n, d in got['legacy'].items() if d != 'sigill')
    differ = [n for n in running if got['apx'].get(n) != got['legacy'][n]]
    T.log(f'QEMU: {len(running)} forms of the groups not in GROUPS '
          f'({",".join(rest)}) execute; their APX variants compute what '
          f'the legacy ones do for {len(running) - len(differ)}' +
          (f'; differ: {" ".join(differ)}' if differ else ''))
    unimpl = collections.Counter(
        M.FORMS[n].group for n, d in got['legacy'].items()
        if d == 'sigill' and n in M.FORMS)
    if unimpl:
        T.log('QEMU: not implemented yet (#UD at the instruction; '
              'reported, not failed): ' + ', '.join(
                  f'{c} forms of group {g}' for g, c in
                  sorted(unimpl.items())))
    if native:
        cmp = [n for n in running if native.get(n, 'sigill') != 'sigill']
        differ = [n for n in cmp if native[n] != got['legacy'][n]]
        T.log(f'QEMU: {len(cmp) - len(differ)} of them compute what the '
              f'host does' + (f'; differ: {" ".join(differ)}'
                              if differ else ''))
    if running:
        T.log(f'(running: {" ".join(running)})')

# 3b. The model: QEMU's result of every case against the SDM's semantics
# (model.py), whatever the host CPU.  Both variants: the APX one checks
# R16-R31 as base, index and GPR operand.
nkat, ncases, fails = M.self_check(20)
T.check(not fails, f'model.py --self-check: {ncases} random cases of '
        f'{len(M.FORMS)} forms against independent formulations and '
        'invariants, and the known answers; each of the '
        f'{len(M.MUTANTS)} deliberately broken models of the groups int, '
        'cmp, shuf, shift, fp, perm and trunc fails that check' +
        ('\n' + '\n'.join(fails[:20]) if fails else ''))
in_groups = [f for f in M.FORMS.values() if f.group in MODEL_GROUPS]
checked = [f for f in in_groups if model_implemented(f)]
unmodelled = [f for f in M.FORMS.values() if f.group not in MODEL_GROUPS]
T.log(f'model: {len(checked)} forms of {",".join(MODEL_GROUPS)} checked '
      f'against the model, {len(in_groups) - len(checked)} skipped (not '
      f'implemented under TCG yet: model_implemented()), '
      f'{len(unmodelled)} of the other groups not checked (MODEL_GROUPS)')
for grp, mns in sorted(IMPLEMENTED.items()):
    gforms = [f for f in in_groups if f.group == grp]
    T.log(f'model: group {grp}: {sum(f in checked for f in gforms)} of '
          f'{len(gforms)} forms checked (IMPLEMENTED: '
          f'{" ".join(sorted(mns)) or "none yet"}), '
          f'{group_cases(grp, MODEL_CASES)} cases each')


def fewer_cases():
    """The groups whose forms run fewer of the MODEL_CASES, as text."""
    return ', '.join(f'group {g}: {group_cases(g, MODEL_CASES)}'
                     for g in sorted(CASE_DIVISOR) if g in MODEL_GROUPS)


def trace(variant, forms, cpu=CPU):
    """Start diff.c --trace of forms under cpu (None: the host CPU)."""
    cmd = ([USER, '-cpu', cpu] if cpu else []) + [
        binary, '--trace', variant, ','.join(f.name for f in forms),
        str(MODEL_CASES), SEED]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def model_run(variant, forms, cpu=CPU, proc=None, known_as=model_known):
    """Compare every case of a trace of forms under cpu (None: the host
    CPU; proc: the trace already started) with the model: (cases,
    [(form, case, state, differences)], {known QEMU difference (by
    known_as): Counter of forms}, trace)."""
    names = [f.name for f in forms]
    where = f'-cpu {cpu}' if cpu else 'the host CPU'
    proc = proc or trace(variant, forms, cpu)
    out = proc.communicate(timeout=600)[0]
    rc = proc.returncode
    T.check(rc == 0 and 'AVX512-INSN: PASS trace' in out,
            f'{where}: --trace of {len(names)} forms ({variant} variants)' +
            ('' if rc == 0 else '\n' + out[-2000:]))
    seen, bad = collections.Counter(), []
    known = collections.defaultdict(collections.Counter)
    for form, case, st, exp, got, diff in M.compare(out.splitlines(),
                                                    set(names)):
        seen[form.name] += 1
        if not diff:
            continue
        why = known_as(form, st, exp, got, diff) if cpu else None
        if why:
            known[why][form.name] += 1
        else:
            bad.append((form, case, st, diff))
    short = [f.name for f in forms
             if seen[f.name] != group_cases(f.group, MODEL_CASES)]
    T.check(not short, f'the trace ({where}, {variant}) has {MODEL_CASES} '
            f'cases of every form ({fewer_cases()})' +
            (f'; not of {" ".join(short[:10])}' if short else ''))
    return sum(seen.values()), bad, known, out


def model_report(bad, variant):
    """The differing cases: the first of each of up to 8 forms."""
    report, first = [], {}
    for b in bad:
        first.setdefault(b[0].name, b)
    for form, case, st, diff in list(first.values())[:8]:
        report.append(f'{form.name} (case {case}, seed {SEED}, '
                      f'{variant}): {form.asm}')
        report += ['    in:  ' + x for x in M.state_text(M.parse(form), st)]
        report += ['    ' + d for d in diff]
    forms_bad = sorted({f.name for f, *_ in bad})
    return (f'; {len(bad)} cases of {len(forms_bad)} forms differ: '
            f'{" ".join(forms_bad[:30])}\n' + '\n'.join(report)
            if bad else '')


# On a host with AVX-512 the model is checked against the CPU as well, for
# every form it models: a difference is a model bug or a host that differs
# from the SDM, and the known host differences (HOST_KNOWN) are classified
# case by case, counted and listed.
if not lacking:
    hw = [f for f in M.FORMS.values() if native.get(f.name, 'sigill') !=
          'sigill']
    seen, bad = 0, []
    hknown = collections.defaultdict(collections.Counter)
    proc = trace('legacy', hw, None)
    out = proc.communicate(timeout=600)[0]
    T.check(proc.returncode == 0 and 'AVX512-INSN: PASS trace' in out,
            f'the host CPU: --trace of {len(hw)} forms' +
            ('' if proc.returncode == 0 else '\n' + out[-2000:]))
    for form, case, st, exp, got, diff in M.compare(out.splitlines()):
        seen += 1
        if not diff:
            continue
        why = host_known(form, st, exp, got, diff)
        if why:
            hknown[why][form.name] += 1
        else:
            bad.append((form, case, st, diff))
    for why, forms in hknown.items():
        T.log(f'model vs the host CPU: known host difference "{why}" in '
              f'{sum(forms.values())} cases of {len(forms)} forms: '
              f'{HOST_KNOWN[why]}')
    T.check(not bad and seen, f'model == the host CPU: {seen} cases of '
            f'{len(hw)} forms' + model_report(bad, 'legacy'))
else:
    T.log('SKIPPED: model vs the host CPU: the host has no AVX-512')

if checked:
    # the two variants' traces run side by side
    variant_forms = {v: [f for f in checked if model_implemented(f, v)]
                     for v in ('legacy', 'apx')}
    procs = {v: trace(v, variant_forms[v]) for v in ('legacy', 'apx')}
    for variant in ('legacy', 'apx'):
        n, bad, known, out = model_run(variant, variant_forms[variant],
                                       proc=procs[variant])
        for why, forms in known.items():
            T.log(f'model ({variant}): known QEMU difference "{why}" in '
                  f'{sum(forms.values())} cases of {len(forms)} forms '
                  f'({" ".join(sorted(forms))}): {MODEL_KNOWN_QEMU[why]}')
        T.check(not bad, f'QEMU == model ({variant} variants): {n} cases of '
                f'{len(variant_forms[variant])} forms ({MODEL_CASES} each, '
                f'{fewer_cases()})' +
                model_report(bad, variant))
    # the comparison can fail: a bit of QEMU's result flipped (GPR slot A
    # of the first case that raised no exception) is found
    lines = out.splitlines()
    at = next(i for i, ln in enumerate(lines)
              if ln.startswith('O ') and ' g=' in ln)
    form_line = max(i for i in range(at) if lines[i].startswith(
        'AVX512-TRACE: form '))
    w = lines[at].split()
    j = next(i for i, x in enumerate(w) if x.startswith('g='))
    gprs = w[j][2:].split(',')
    gprs[0] = f'{int(gprs[0], 16) ^ 0x10:x}'
    w[j] = 'g=' + ','.join(gprs)
    found = [d for *_, d in M.compare([lines[form_line], lines[at - 1],
                                       ' '.join(w)])]
    T.check(len(found) == 1 and found[0] and 'expected' in found[0][0],
            'the model comparison finds a flipped bit in QEMU\'s result '
            f'({found[0][0] if found and found[0] else "not found"})')
else:
    T.log('SKIPPED: model check: no form of MODEL_GROUPS is implemented')

# The held-back forms (HELD_BACK): QEMU's result of every case against the
# model all the same (legacy variants), the differing cases counted by
# kind (held_back_known) and reported, not failed; the first cases of a
# kind no classifier knows are shown.
held = [f for f in in_groups if not model_implemented(f) and
        not not_yet(f) and M.parse(f).mn in HELD_BACK.get(f.group, {})]
if held:
    n, bad, known, _ = model_run('legacy', held, known_as=held_back_known)
    why_text = {**HELD_BACK_WHY, **MODEL_KNOWN_QEMU}
    differ = collections.Counter(f.name for f, *_ in bad)
    for why, forms in sorted(known.items()):
        differ.update(forms)
        mns = sorted({M.parse(M.FORMS[x]).mn for x in forms})
        T.log(f'model (held back, legacy): "{why}" in '
              f'{sum(forms.values())} cases of {len(forms)} forms of '
              f'{" ".join(mns)}: {why_text[why]}')
    T.log(f'model (held back, legacy): {n} cases of {len(held)} forms, '
          f'{sum(differ.values())} differ' +
          (model_report(bad, 'legacy') if bad else
           ', all in the kinds above'))
    same = sorted({M.parse(f).mn for f in held} -
                  {M.parse(M.FORMS[x]).mn for x in differ})
    if same:
        T.log(f'note: held back, but no case differs: {" ".join(same)} '
              '(move them to IMPLEMENTED?)')

# 4. #UD: without AVX-512 every form, and every raw case
models = subprocess.run([USER, '-cpu', 'help'], capture_output=True,
                        text=True).stdout.split()
named = next((m for m in NAMED if m in models), None)
T.check(named is not None, f'a named CPU model without AVX-512 ({named})')
for cpu in NO_AVX512 + [named]:
    info = cpuid(cpu)
    T.check(info.get('avx512f') == '0', f'-cpu {cpu} has no AVX512F')
    variants = 'both' if info.get('apxf') == '1' else 'legacy'
    check_pass(*run(cpu, '--expect-ud', variants, 'all'), 'expect-ud',
               f'-cpu {cpu}: every form ({variants} variants) raises #UD '
               'at the instruction under test')
    check_pass(*run(cpu, '--ud', 'noavx512', 'all', '--qemu'), 'ud-cases',
               f'-cpu {cpu}: every raw case raises #UD')
# one feature off: the forms that need it raise #UD (asserted for GROUPS,
# reported for the other groups)
for feat in ('VL', 'BW', 'DQ', 'VAES'):
    prop = 'vaes' if feat == 'VAES' else f'avx512{feat.lower()}'
    cpu = f'{CPU},{prop}=off'
    for groups in (GROUPS, rest):
        if not groups:
            continue
        rc, out = run(cpu, '--expect-ud', 'both', ','.join(groups), feat)
        what = (f'-cpu ...,{prop}=off: every form of '
                f'{",".join(groups)} that needs {feat} raises #UD')
        if groups == GROUPS:
            check_pass(rc, out, 'expect-ud', what)
        else:
            bad = [ln.split()[2] for ln in out.splitlines()
                   if ln.startswith('AVX512-INSN: FAIL') and
                   'executes' in ln]
            T.log(f'{what}: not yet for {len(set(bad))} of them' +
                  (f' ({" ".join(sorted(set(bad))[:12])} ...)'
                   if bad else ''))
impl = ','.join(GROUPS) or 'none'
out = check_pass(*run(CPU, '--ud', 'apx', impl, '--qemu'), 'ud-cases',
                 f'-cpu {CPU}: the raw #UD cases (valid ones asserted '
                 f'for: {impl})')
T.log('\n'.join(ln for ln in out.splitlines() if ln.startswith('AVX512-UD')))
no_apx = CPU.replace('apxf=on', 'apxf=off')
check_pass(*run(no_apx, '--ud', 'noapx', impl, '--qemu'), 'ud-cases',
           f'-cpu {no_apx}: the raw #UD cases without APX (B4, U=0, EVEX '
           'KMOV)')
T.log('PASS')

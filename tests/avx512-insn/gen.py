#!/usr/bin/env python3
"""Generate the AVX-512 differential instruction test.

Usage: gen.py OUTDIR
Writes into OUTDIR:
  forms.S   a legacy and an APX function per instruction form (forms_*.py),
            each loading the state diff.c prepared (XRSTOR of components
            1, 2, 5, 6, 7, the GPR slots, RFLAGS), running the instruction
            between the symbols <variant>_<name>_t and <variant>_<name>_e,
            and storing the state back (GPR slots, RFLAGS, XSAVE);
  forms.h   the table diff.c iterates over;
  ud.h      the raw #UD cases of ud_cases.py;
  expect    per variant, what objdump must show for the instruction under
            test (see test-avx512-insn.py): encoding, base and index
            register numbers, displacement and its disp8*N scale;
  keys      per form, a key of what its legacy variant's digest depends
            on: its function in forms.S, its line of forms.h and diff.c
            (record-host-digests.sh records it with the digest).
"""
import hashlib
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import forms_cmp  # noqa: E402
import forms_fp  # noqa: E402
import forms_int  # noqa: E402
import forms_kmask  # noqa: E402
import forms_masked  # noqa: E402
import forms_move  # noqa: E402
import forms_perm  # noqa: E402
import forms_selftest  # noqa: E402
import forms_shuf  # noqa: E402
import forms_shift  # noqa: E402
import forms_trunc  # noqa: E402
import ud_cases  # noqa: E402

# diff.c's group_names: the index of each group (a new group's forms go at
# the end, after selftest, so that the forms before them keep their GPR
# slots; fp's, though its index is 8, come after perm's and trunc's, which
# were merged first).  An index without a group has no name in diff.c.
# Likewise the forms added to a group after the later groups' forms had
# their digests recorded (the LATE lists, F16C, F16, FIXUP, RCP14) go at
# the end, in the order they were added (LATE2: the rest of AVX512BW).
GROUPS = {'move': 0, 'kmask': 1, 'masked': 2, 'selftest': 3, 'int': 4,
          'cmp': 5, 'shuf': 6, 'shift': 7, 'fp': 8, 'perm': 9, 'trunc': 10}
FORMS = (forms_move.FORMS + forms_kmask.FORMS + forms_masked.FORMS +
         forms_selftest.FORMS + forms_int.FORMS + forms_cmp.FORMS +
         forms_shuf.FORMS + forms_shift.FORMS + forms_perm.FORMS +
         forms_trunc.FORMS + forms_fp.FORMS + forms_trunc.LATE +
         forms_selftest.LATE + forms_shuf.LATE + forms_move.LATE +
         forms_selftest.F16C + forms_fp.F16 + forms_fp.FIXUP +
         forms_fp.RCP14 + forms_int.LATE + forms_cmp.LATE +
         forms_shift.LATE + forms_masked.LATE + forms_int.LATE2 +
         forms_shuf.LATE2 + forms_trunc.LATE2 + forms_perm.LATE2 +
         forms_masked.LATE2 + forms_int.DQ + forms_masked.DQ +
         forms_perm.DQ + forms_fp.PCVT_DQ + forms_fp.SPECIAL_DQ +
         forms_fp.FPCLASS + forms_int.CD + forms_shuf.CD + forms_cmp.CD +
         forms_shuf.VAES)
SLOTS = ['A', 'B', 'P', 'I']        # value, value, memory base, index
# struct io in diff.c: gpr[4], flags, rfbm, xin, xout
IO_FLAGS, IO_RFBM, IO_XIN, IO_XOUT = 32, 40, 48, 56


def slot_regs(k, variant):
    """The GPRs of the four slots of form number k: R8-R15 (legacy) or
    R16-R31 (APX), rotating so every register is base and index somewhere
    (R12/R13, R20/R21, R28/R29 included: SIB and disp special cases)."""
    if variant == 'leg':
        return [8 + (k + 3 * j) % 8 for j in range(4)]
    return [16 + (3 * k + 5 * j) % 16 for j in range(4)]


def memop(form, regs):
    base, index = regs[2], regs[3]
    if form.scale:
        return f'{form.disp}(%r{base},%r{index},{form.scale})'
    return f'{form.disp}(%r{base})'


def expand(form, regs):
    out = form.asm.replace('{M}', memop(form, regs) if form.memory else '')
    for slot, reg in zip(SLOTS, regs):
        out = out.replace('{' + slot + '_d}', f'%r{reg}d')
        out = out.replace('{' + slot + '}', f'%r{reg}')
    assert '{M}' not in out and '{A' not in out and '{B' not in out, out
    return out


def xstate(area, insn):
    """XRSTOR or XSAVE of io->rfbm from/to the area at io+area."""
    return [f'\tmov {IO_RFBM}(%rdi), %eax',
            f'\tmov {IO_RFBM + 4}(%rdi), %edx',
            f'\tmov {area}(%rdi), %rsi', f'\t{insn} (%rsi)']


def function(sym, insn, regs):
    lines = [f'\t.globl {sym}', f'\t.type {sym}, @function', f'{sym}:']
    lines += [f'\tpush %{r}' for r in ('rbx', 'rbp', 'r12', 'r13', 'r14',
                                       'r15')]
    lines += xstate(IO_XIN, 'xrstor')
    lines += [f'\tmov {8 * i}(%rdi), %r{r}' for i, r in enumerate(regs)]
    lines += [f'\tpushq {IO_FLAGS}(%rdi)', '\tpopfq']
    lines += [f'\t.globl {sym}_t', f'{sym}_t:', '\t' + insn,
              f'\t.globl {sym}_e', f'{sym}_e:']
    lines += ['\tpushfq', f'\tpopq {IO_FLAGS}(%rdi)']
    lines += [f'\tmov %r{r}, {8 * i}(%rdi)' for i, r in enumerate(regs)]
    lines += xstate(IO_XOUT, 'xsave')
    lines += [f'\tpop %{r}' for r in ('r15', 'r14', 'r13', 'r12', 'rbp',
                                      'rbx')]
    lines += ['\tret', f'\t.size {sym}, .-{sym}', '']
    return '\n'.join(lines)


def reg_use(asm):
    """Bit masks of the vector and mask registers a template names (what
    diff.c --trace prints of a case's input)."""
    zuse = sum(1 << n for n in {int(x) for x in
                                re.findall(r'%[xyz]mm(\d+)', asm)})
    kuse = sum(1 << n for n in {int(x) for x in re.findall(r'%k(\d)', asm)})
    return zuse, kuse


def c_string(hexbytes):
    return ''.join(f'\\x{b}' for b in hexbytes.split())


def main():
    out = sys.argv[1]
    names = [f.name for f in FORMS]
    assert len(names) == len(set(names)), 'duplicate form names'
    asm = ['/* generated by tests/avx512-insn/gen.py -- do not edit */',
           '\t.text']
    table = ['/* generated by tests/avx512-insn/gen.py -- do not edit */']
    expect = []
    keys = []
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           'diff.c'), 'rb') as fh:
        driver = fh.read()
    for k, f in enumerate(FORMS):
        asm.append(f'/* {f.group} {f.name}: {f.asm} */')
        for variant in ('leg', 'apx'):
            regs = slot_regs(k, variant)
            insn = expand(f, regs)
            asm.append(function(f'{variant}_{f.name}', insn, regs))
            uses_gpr = f.memory or f.gprs
            enc = {'evex': '62', 'vex': 'vex', 'legacy': 'legacy'}[f.enc]
            if variant == 'apx' and uses_gpr and f.enc != 'evex':
                enc = '62' if f.enc == 'vex' else 'd5'    # EVEX KMOV, REX2
            base, index = (regs[2], regs[3] if f.scale else -1) \
                if f.memory else (-1, -1)
            disp = f.disp if f.memory else 0
            # disp8*N: EVEX only (a VEX form with R16-R31 is EVEX-encoded
            # in the APX variant, with the N of its EVEX row)
            expect.append(f'{variant} {f.name} {enc} {base} {index} {disp} '
                          f'{f.n if enc == "62" else 1}')
        zuse, kuse = reg_use(f.asm)
        table.append(f'FORM({f.name}, {GROUPS[f.group]}, {f.flags:#x}, '
                     f'{f.size}, {f.esize}, {f.align}, {f.disp or 0}, '
                     f'{f.scale}, "{f.gprs}", "{f.feature}", {zuse:#x}u, '
                     f'{kuse:#x})')
        legacy = function(f'leg_{f.name}', expand(f, slot_regs(k, 'leg')),
                          slot_regs(k, 'leg'))
        key = hashlib.sha256(driver + legacy.encode() +
                             table[-1].encode()).hexdigest()[:16]
        keys.append(f'{f.name} {key}')
    asm.append('\t.section .note.GNU-stack,"",@progbits')
    ud = ['/* generated by tests/avx512-insn/gen.py -- do not edit */']
    for what, hexbytes, noapx, apx, group, k1 in ud_cases.CASES:
        amd = ud_cases.KNOWN_DIFFERENCES.get(what, ('',))[0]
        ud.append(f'UDCASE("{what}", "{c_string(hexbytes)}", '
                  f'XP_{noapx.upper()}, XP_{apx.upper()}, '
                  f'{"XP_" + amd.upper() if amd else 0}, "{group}", '
                  f'{k1:#x}ull, {int(what in ud_cases.QEMU_GAPS)})')
    files = {'forms.S': asm, 'forms.h': table, 'ud.h': ud, 'expect': expect,
             'keys': keys}
    for name, lines in files.items():
        with open(os.path.join(out, name), 'w', encoding='utf-8') as fh:
            fh.write('\n'.join(lines) + '\n')
    with open(os.path.join(out, 'groups'), 'w', encoding='utf-8') as fh:
        fh.write(' '.join(sorted(GROUPS, key=GROUPS.get)) + '\n')


main()

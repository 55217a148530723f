"""Shared vocabulary of the AVX-512 instruction forms (see gen.py).

A form is one instruction under test, written once as an assembler
template.  gen.py makes two variants of it: "legacy", where the GPR slots
(value operands A, B, memory base P and index I) are R8-R15, and "apx",
where they are R16-R31 (so a memory operand needs EVEX.B4/X4 and a VEX
K-instruction with a GPR becomes one of APX's EVEX KMOVs).

Template placeholders: {M} the memory operand, {A} {B} 64-bit GPR slots,
{A_d} {B_d} their 32-bit names.  Vector and mask registers are literal.
"""

WIDTHS = [('x', 16), ('y', 32), ('z', 64)]

# diff.c --digest and --trace run CASES // CASE_DIVISOR[group] cases of a
# group's forms (at least 1; diff.c's group_case_div mirrors this): the
# 621 forms of 'int' would otherwise cost more time than the rest together;
# 'cmp' (384 forms) runs half its cases: some 10 s more for the test on a
# 2-core host once QEMU implements it (QEMU digests and traces of both
# variants, the model's comparisons), about 19 s with all of them; with
# all its cases 'shuf' (459 forms) would add some 20 s to the test once
# QEMU implements it, with half of them some 10 s; 'shift' (648 forms) a
# quarter: measured once QEMU implemented it, some 5 s of digests, traces
# and comparisons (2 s with a tenth, 10 s with half); 'perm' (792 forms)
# runs half its cases: measured once QEMU implemented it, per variant
# 2.6 s of QEMU digests, 2.2 s of trace and 1 s of the model's comparison,
# some 12 s in all; 'trunc' (311 forms) half of its cases too: some 2 s
# natively (the host's digests and trace, the model's comparison and
# self-check), under QEMU per variant 0.7 s of digests, 0.9 s of trace
# and 0.5 s of comparison with only its 225 down-convert forms
# implemented; 'fp' (1602 forms) a fifth: some 16 s once QEMU implements
# it (estimated from group int's cost per case under QEMU and the model's
# per fp case); measured with its 324 packed forms running under QEMU
# (108 checked, 216 held back and reported), some 7 s in all, the host's
# digests and trace against the model included
CASE_DIVISOR = {'int': 10, 'cmp': 2, 'shuf': 2, 'shift': 4, 'fp': 5,
                'perm': 2, 'trunc': 2}


def group_cases(group, cases):
    """The cases diff.c runs of a form of group when asked for cases."""
    return cases // CASE_DIVISOR.get(group, 1) or min(cases, 1)


# Form flags (mirrored in diff.c)
MASKED = 0x1     # writemask {%kN}: memory faults of masked-off elements
STORE = 0x2      # memory destination
BCST = 0x4       # embedded broadcast {1toN}
ALIGNED = 0x8    # memory operand must be aligned to its size
FAULTY = 0x10    # place the memory operand across a guard page often
MISALIGN = 0x20  # misalign an ALIGNED operand in 1/4 of the in-page cases
AT_END = 0x40    # put an in-page operand in the last size bytes of the
#                  page in 1/4 of the in-page cases (a wider read faults)


class Form:
    """One instruction form.

    name: C identifier; group: 'move', 'kmask', 'masked', 'int', 'cmp',
    'shuf', 'shift', 'fp', 'perm', 'trunc' or 'selftest'; asm: the
    template; enc: encoding of the instruction under test in the legacy
    variant ('evex' or 'vex'); feature: CPUID bits it needs (text).
    Memory forms: disp and scale (0: no index) of {M}; size and esize
    (bytes accessed, element size for masking); n: the disp8*N scale;
    align: alignment the instruction requires (1: none).
    """

    def __init__(self, name, group, asm, enc='evex', feature='F', flags=0,
                 disp=None, scale=0, size=0, esize=0, n=1, align=1,
                 gprs=''):
        self.name, self.group, self.asm, self.enc = name, group, asm, enc
        self.feature, self.flags = feature, flags
        self.disp, self.scale, self.size = disp, scale, size
        self.esize, self.n, self.align = esize or size, n, align
        self.gprs = gprs            # value slots used: 'A', 'AB', ...
        if '{M}' in asm:
            assert disp is not None and size, name
        if align > 1:
            self.flags |= ALIGNED

    @property
    def memory(self):
        return '{M}' in self.asm


def vregs(k):
    """Three vector register numbers for form number k, spread over 0-31
    so that R, R', X, V' and vvvv bit 3 all get both values."""
    return (3 + 7 * k) % 32, (17 + 11 * k) % 32, (9 + 13 * k) % 32


def kreg(k):
    """A writemask register k1-k7."""
    return 1 + k % 7


def mask_suffix(kind, k):
    """'' (no mask), 'm' (merge: {%kN}), 'z' (zero: {%kN}{z})."""
    if kind == 'm':
        return f'{{%k{kreg(k)}}}'
    if kind == 'z':
        return f'{{%k{kreg(k)}}}{{z}}'
    return ''


def disp_for(k, n):
    """A displacement for form number k whose disp8*N scale is n: exact
    multiples (disp8), the ends of the disp8 range, one past them, values
    that are not multiples (disp32 although they would fit unscaled), 0."""
    choices = [n, 3 * n, -n, 127 * n, -128 * n, 128 * n,
               n // 2 if n > 1 else 0x80, 0, -0x1234 if n > 1 else -0x81,
               5 * n + (4 if n > 4 else 0)]
    return choices[k % len(choices)]


def scale_for(k):
    return [0, 1, 2, 4, 8][k % 5]

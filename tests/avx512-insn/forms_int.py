"""Group 'int': AVX512F integer arithmetic and logic (step 5 of
docs/design-avx512-tcg.md).

VPSUBD/Q, VPANDD/Q, VPANDND/Q, VPORD/Q, VPXORD/Q, VPMINSD/SQ/UD/UQ,
VPMAXSD/SQ/UD/UQ, VPABSD/Q and VPMULLD on dword (D) or qword (Q)
elements; VPMULDQ and VPMULUDQ multiply the low dwords of qwords, so
their elements (for masking and {1toN}) are qwords.  VPADDD/Q are in
group 'masked'.  Each row at 128/256/512 bits with a register source, a
memory source and a {1toN} broadcast (each has an m32bcst or m64bcst
form; tuple FV: disp8*N with N = VL, or the element size with {1toN}),
without a mask, merging ({%kN}) and zeroing ({%kN}{z}).  {evex} keeps
GNU as from choosing VEX where the row has a VEX form (VPSUBD, VPMINSD,
VPABSD, VPMULLD, VPMULDQ, ...).  The masked memory forms are often placed
across a guard page (fault suppression).  diff.c draws this group's
vector and memory inputs from pools of signed and unsigned boundary
values (0, 1, -1, INT_MIN, INT_MAX, ...).

LATE (see gen.py): AVX512BW's byte and word arithmetic, VPADDB/W,
VPSUBB/W, the saturating VPADDS/VPADDUS/VPSUBS/VPSUBUS B/W, VPMINSB/SW/
UB/UW, VPMAXSB/SW/UB/UW, VPABSB/W and VPMULLW: tuple FVM, no broadcast.
LATE2: the rest of AVX512BW's element-wise arithmetic, VPAVGB/W (the
rounded unsigned average), VPMULHW/HUW (the high half of the signed or
unsigned product) and VPMULHRSW (the product scaled and rounded): tuple
FVM, no broadcast, fault suppression (E4).
DQ: AVX512DQ's VPMULLQ and VANDPS/PD, VANDNPS/PD, VORPS/PD, VXORPS/PD (the
logic in the floating-point domain), with {1toN}.
CD: AVX512CD's VPLZCNTD/Q (the leading zero bits), with {1toN}.
"""
from forms_common import (Form, BCST, FAULTY, MASKED, WIDTHS, disp_for,
                          mask_suffix, scale_for, vregs)

FORMS = []
MASKS = ('', 'm', 'z')

# mnemonic, element size (masking and broadcast), number of sources
ROWS = [
    ('vpsubd', 4, 2), ('vpsubq', 8, 2),
    ('vpandd', 4, 2), ('vpandq', 8, 2),
    ('vpandnd', 4, 2), ('vpandnq', 8, 2),
    ('vpord', 4, 2), ('vporq', 8, 2),
    ('vpxord', 4, 2), ('vpxorq', 8, 2),
    ('vpminsd', 4, 2), ('vpminsq', 8, 2),
    ('vpminud', 4, 2), ('vpminuq', 8, 2),
    ('vpmaxsd', 4, 2), ('vpmaxsq', 8, 2),
    ('vpmaxud', 4, 2), ('vpmaxuq', 8, 2),
    ('vpabsd', 4, 1), ('vpabsq', 8, 1),
    ('vpmulld', 4, 2), ('vpmuldq', 8, 2), ('vpmuludq', 8, 2),
]
MNEMONICS = frozenset(mn for mn, _, _ in ROWS)


def add(name, asm, mask, out=None, **kw):
    kw['flags'] = kw.get('flags', 0) | (MASKED | FAULTY if mask else 0)
    (FORMS if out is None else out).append(Form(name, 'int', asm, **kw))


def add_row(mn, es, nsrc, out, k, feat0='F', bcst=True):
    """The forms of one row at each width and mask: a register, a memory
    and (bcst) a {1toN} source; returns the next form number."""
    for w, vl in WIDTHS:
        feat = feat0 + ('+VL' if vl < 64 else '')
        for mask in MASKS:
            d, s, t = vregs(k)
            dst = f'%{w}mm{d}{mask_suffix(mask, k)}'
            # AT&T: [second source (r/m),] [first source (vvvv),] dest
            mid = f', %{w}mm{t}' if nsrc == 2 else ''
            # {evex}: GNU as would pick VEX where it can
            ev = '{evex} '
            add(f'{mn}_{w}_rr{mask}', f'{ev}{mn} %{w}mm{s}{mid}, {dst}',
                mask, out, feature=feat)
            add(f'{mn}_{w}_rm{mask}', f'{ev}{mn} {{M}}{mid}, {dst}', mask,
                out, feature=feat, disp=disp_for(k, vl), scale=scale_for(k),
                size=vl, esize=es, n=vl)
            if bcst:
                add(f'{mn}_{w}_bc{mask}',
                    f'{ev}{mn} {{M}}{{1to{vl // es}}}{mid}, {dst}', mask,
                    out, feature=feat, flags=BCST, disp=disp_for(k + 1, es),
                    scale=scale_for(k + 1), size=es, n=es)
            k += 1
    return k


k = 0
for mn, es, nsrc in ROWS:
    k = add_row(mn, es, nsrc, FORMS, k)

# AVX512BW: mnemonic, element size, number of sources (no broadcast)
BW_ROWS = [(f'vp{op}{t}', es, 2)
           for op in ('add', 'sub', 'adds', 'addus', 'subs', 'subus',
                      'mins', 'minu', 'maxs', 'maxu')
           for t, es in (('b', 1), ('w', 2))]
BW_ROWS += [('vpabsb', 1, 1), ('vpabsw', 2, 1), ('vpmullw', 2, 2)]
LATE = []
for mn, es, nsrc in BW_ROWS:
    k = add_row(mn, es, nsrc, LATE, k, 'BW', bcst=False)
MNEMONICS = MNEMONICS | frozenset(mn for mn, _, _ in BW_ROWS)

BW_ROWS2 = [('vpavgb', 1, 2), ('vpavgw', 2, 2), ('vpmulhw', 2, 2),
            ('vpmulhuw', 2, 2), ('vpmulhrsw', 2, 2)]
LATE2 = []
for mn, es, nsrc in BW_ROWS2:
    k = add_row(mn, es, nsrc, LATE2, k, 'BW', bcst=False)
MNEMONICS = MNEMONICS | frozenset(mn for mn, _, _ in BW_ROWS2)

# AVX512DQ: VPMULLQ and the logic of the FP domain (VANDPS/PD, VANDNPS/PD,
# VORPS/PD, VXORPS/PD), with {1toN}
DQ_ROWS = [('vpmullq', 8, 2)] + [(f'v{op}p{t}', es, 2)
                                 for op in ('and', 'andn', 'or', 'xor')
                                 for t, es in (('s', 4), ('d', 8))]
DQ = []
for mn, es, nsrc in DQ_ROWS:
    k = add_row(mn, es, nsrc, DQ, k, 'DQ')
MNEMONICS = MNEMONICS | frozenset(mn for mn, _, _ in DQ_ROWS)

# CD: AVX512CD's VPLZCNTD/Q, with {1toN}
CD = []
for mn, es in (('vplzcntd', 4), ('vplzcntq', 8)):
    k = add_row(mn, es, 1, CD, k, 'CD')
MNEMONICS = MNEMONICS | frozenset(('vplzcntd', 'vplzcntq'))

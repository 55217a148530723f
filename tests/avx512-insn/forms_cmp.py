"""Group 'cmp': AVX512F integer compares into an opmask register (step 6
of docs/design-avx512-tcg.md, its integer half).

VPCMPEQD/Q and VPCMPGTD/Q (signed), VPCMPD/Q (signed) and VPCMPUD/UQ
(unsigned) with a predicate in imm8 (0 EQ, 1 LT, 2 LE, 3 FALSE, 4 NEQ,
5 NLT, 6 NLE, 7 TRUE), VPTESTMD/Q and VPTESTNMD/Q; the destination is a
k register (k0-k7, the writemask register itself now and then).  Each
row at 128/256/512 bits with a register source (now and then the same
register twice), a memory source and a {1toN} broadcast (m32bcst or
m64bcst; tuple FV: disp8*N with N = VL, or the element size with
{1toN}), without a mask and with a writemask {%kN}, which for a k
destination zeroes the masked-off bits; {z} is #UD with a k destination
(GNU as refuses it: see ud_cases.py for the raw encoding).  A k
destination has no VEX form, so GNU as emits EVEX without {evex}.  The
VPCMP[U]D/Q register forms run all eight predicates at every width, with
and without a mask; their memory and {1toN} forms take the predicates in
turn.  The masked memory forms are often placed across a guard page
(fault suppression).  diff.c draws this group's inputs from a small
palette per case (equal elements are frequent) of signed/unsigned
boundary values, their neighbours and sign-flipped partners.

LATE (see gen.py): AVX512BW's byte and word forms, VPCMPEQB/W,
VPCMPGTB/W, VPCMPB/W, VPCMPUB/UW, VPTESTMB/W and VPTESTNMB/W: tuple FVM,
no broadcast; and between an opmask and a vector (registers only, no
writemask): VPMOVM2B/W, VPMOVB2M/W2M (BW), VPMOVM2D/Q, VPMOVD2M/Q2M (DQ).
CD: AVX512CD's VPBROADCASTMB2Q and VPBROADCASTMW2D (the same shape).
"""
from forms_common import (Form, BCST, FAULTY, MASKED, WIDTHS, disp_for,
                          kreg, mask_suffix, scale_for, vregs)

FORMS = []
MASKS = ('', 'm')       # {z} is not allowed with a k destination

# mnemonic, element size (compare, masking and broadcast), predicate in
# imm8
ROWS = [
    ('vpcmpeqd', 4, False), ('vpcmpeqq', 8, False),
    ('vpcmpgtd', 4, False), ('vpcmpgtq', 8, False),
    ('vptestmd', 4, False), ('vptestmq', 8, False),
    ('vptestnmd', 4, False), ('vptestnmq', 8, False),
    ('vpcmpd', 4, True), ('vpcmpud', 4, True),
    ('vpcmpq', 8, True), ('vpcmpuq', 8, True),
]
MNEMONICS = frozenset(mn for mn, _, _ in ROWS)


def kdest(k, mask):
    """The destination mask register of form number k: k0-k7, and the
    writemask register itself in a quarter of the masked forms."""
    if mask and k % 4 == 3:
        return kreg(k)
    return (5 * k + 2) % 8


def add(name, asm, mask, out=None, **kw):
    kw['flags'] = kw.get('flags', 0) | (MASKED | FAULTY if mask else 0)
    (FORMS if out is None else out).append(Form(name, 'cmp', asm, **kw))


k = 0
for row, (mn, es, has_imm) in enumerate(ROWS):
    pred = 3 * row          # the memory forms' predicates, in turn
    for w, vl in WIDTHS:
        feat = 'F' + ('+VL' if vl < 64 else '')
        for mask in MASKS:
            # AT&T: [imm,] second source (r/m), first source (vvvv), dest
            for imm in range(8) if has_imm else (None,):
                _, s, t = vregs(k)
                if k % 6 == 5:
                    t = s           # the same register: equal elements
                dst = f'%k{kdest(k, mask)}{mask_suffix(mask, k)}'
                ims, tag = ('', '') if imm is None else (f'${imm}, ',
                                                         f'_{imm}')
                add(f'{mn}_{w}_rr{mask}{tag}',
                    f'{mn} {ims}%{w}mm{s}, %{w}mm{t}, {dst}', mask,
                    feature=feat)
                k += 1
            _, s, t = vregs(k)
            dst = f'%k{kdest(k, mask)}{mask_suffix(mask, k)}'
            for src, n, kk in (('rm', vl, k), ('bc', es, k + 1)):
                ims, tag = ('', '') if not has_imm else (f'${pred % 8}, ',
                                                         f'_{pred % 8}')
                bc = f'{{1to{vl // es}}}' if src == 'bc' else ''
                add(f'{mn}_{w}_{src}{mask}{tag}',
                    f'{mn} {ims}{{M}}{bc}, %{w}mm{t}, {dst}', mask,
                    feature=feat, flags=BCST if bc else 0,
                    disp=disp_for(kk, n), scale=scale_for(kk),
                    size=n, esize=es, n=n)
                pred += has_imm
            k += 1

BW_ROWS = [(f'{op}{t}', es, imm) for t, es in (('b', 1), ('w', 2))
           for op, imm in (('vpcmpeq', False), ('vpcmpgt', False),
                           ('vptestm', False), ('vptestnm', False),
                           ('vpcmp', True), ('vpcmpu', True))]
LATE = []
for row, (mn, es, has_imm) in enumerate(BW_ROWS):
    pred = 5 * row
    for w, vl in WIDTHS:
        feat = 'BW' + ('+VL' if vl < 64 else '')
        for mask in MASKS:
            for imm in range(8) if has_imm and w == 'z' else (None,):
                _, s, t = vregs(k)
                if k % 6 == 5:
                    t = s
                if imm is None and has_imm:
                    imm = pred % 8
                    pred += 1
                dst = f'%k{kdest(k, mask)}{mask_suffix(mask, k)}'
                ims, tag = ('', '') if imm is None else (f'${imm}, ',
                                                         f'_{imm}')
                add(f'{mn}_{w}_rr{mask}{tag}',
                    f'{mn} {ims}%{w}mm{s}, %{w}mm{t}, {dst}', mask, LATE,
                    feature=feat)
                k += 1
            _, s, t = vregs(k)
            dst = f'%k{kdest(k, mask)}{mask_suffix(mask, k)}'
            ims, tag = ('', '') if not has_imm else (f'${pred % 8}, ',
                                                     f'_{pred % 8}')
            pred += has_imm
            add(f'{mn}_{w}_rm{mask}{tag}', f'{mn} {ims}{{M}}, %{w}mm{t}, '
                f'{dst}', mask, LATE, feature=feat, disp=disp_for(k, vl),
                scale=scale_for(k), size=vl, esize=es, n=vl)
            k += 1
MNEMONICS = MNEMONICS | frozenset(mn for mn, _, _ in BW_ROWS)

MOVM_ROWS = [('b', 1, 'BW'), ('w', 2, 'BW'), ('d', 4, 'DQ'), ('q', 8, 'DQ')]
for t, es, feat0 in MOVM_ROWS:
    for w, vl in WIDTHS:
        feat = feat0 + ('+VL' if vl < 64 else '')
        d, s, _ = vregs(k)
        add(f'vpmovm2{t}_{w}', f'vpmovm2{t} %k{kreg(k)}, %{w}mm{d}', '',
            LATE, feature=feat)
        add(f'vpmov{t}2m_{w}', f'vpmov{t}2m %{w}mm{s}, %k{kdest(k, "")}',
            '', LATE, feature=feat)
        k += 1
MNEMONICS = MNEMONICS | frozenset(
    f'vpmov{x}' for t, _, _ in MOVM_ROWS for x in (f'm2{t}', f'{t}2m'))

# CD: AVX512CD's VPBROADCASTMB2Q and VPBROADCASTMW2D, an opmask's low
# byte or word in every quadword or dword (registers only, no writemask)
CD = []
for mn, feat0 in (('vpbroadcastmb2q', 'CD'), ('vpbroadcastmw2d', 'CD')):
    for w, vl in WIDTHS:
        d, _, _ = vregs(k)
        add(f'{mn}_{w}', f'{mn} %k{kreg(k)}, %{w}mm{d}', '', CD,
            feature=feat0 + ('+VL' if vl < 64 else ''))
        k += 1
MNEMONICS = MNEMONICS | frozenset(('vpbroadcastmb2q', 'vpbroadcastmw2d'))

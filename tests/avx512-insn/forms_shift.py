"""Group 'shift': AVX512F shifts and rotates of dwords (D) and qwords (Q)
(step 5 of docs/design-avx512-tcg.md).

  * immediate counts: VPSLLD/Q, VPSRLD/Q, VPSRAD/Q (EVEX 0F 72/73 /6 /2
    /4 ib) and VPROLD/Q, VPRORD/Q (72 /1 /0 ib): the destination is
    EVEX.vvvv, the source the r/m operand (register, memory or {1toN};
    tuple FV: disp8*N with N = VL, or the element size with {1toN});
  * xmm/m128 counts: VPSLLD/Q, VPSRLD/Q, VPSRAD/Q (0F F2/F3, D2/D3, E2):
    one count for every element, the low 64 bits of an xmm register or of
    a 128-bit memory operand (tuple M128: N = 16 at every VL, no
    {1toN});
  * per-element counts: VPSLLVD/Q, VPSRLVD/Q, VPSRAVD/Q, VPROLVD/Q and
    VPRORVD/Q (register, memory or {1toN} counts; FV).
Each at 128/256/512 bits, without a mask, merging ({%kN}) and zeroing
({%kN}{z}); {evex} keeps GNU as from choosing VEX where the row has a VEX
form.  An immediate form takes its count from a spread of values (0, 1,
31, 32, 33, 63, 64, 65, 127, 128, 255, ...) that varies with the form, so
that each row meets counts below, at and above its element width.  The
masked memory forms are often placed across a guard page: fault
suppression for the FV operands, none for the m128 count (exception class
E4NF).  diff.c draws this group's vector and memory inputs from pools of
small and huge per-element counts and of signed boundary values.
"""
from forms_common import (Form, BCST, FAULTY, MASKED, WIDTHS, disp_for,
                          mask_suffix, scale_for, vregs)

FORMS = []
MASKS = ('', 'm', 'z')

# element size of each mnemonic: the last letter
IMM_ROWS = ['vpslld', 'vpsllq', 'vpsrld', 'vpsrlq', 'vpsrad', 'vpsraq',
            'vprold', 'vprolq', 'vprord', 'vprorq']
COUNT_ROWS = ['vpslld', 'vpsllq', 'vpsrld', 'vpsrlq', 'vpsrad', 'vpsraq']
VAR_ROWS = ['vpsllvd', 'vpsllvq', 'vpsrlvd', 'vpsrlvq', 'vpsravd',
            'vpsravq', 'vprolvd', 'vprolvq', 'vprorvd', 'vprorvq']
MNEMONICS = frozenset(IMM_ROWS + COUNT_ROWS + VAR_ROWS)
# the immediate counts; form j of a row takes IMMS[j % len(IMMS)]: with 27
# forms per row, every value at least twice (13 is prime to 3 and 9, so
# the widths and masks each meet many of them)
IMMS = [0, 1, 31, 32, 63, 64, 255, 7, 33, 65, 128, 127, 200]


def esize(mn):
    return {'w': 2, 'd': 4, 'q': 8}[mn[-1]]


def add(name, asm, mask, out=None, **kw):
    kw['flags'] = kw.get('flags', 0) | (MASKED | FAULTY if mask else 0)
    (FORMS if out is None else out).append(Form(name, 'shift', asm, **kw))


k = 0
# Immediate counts: {evex} OP $imm, r/m, dest (AT&T)
for mn in IMM_ROWS:
    es, j = esize(mn), 0
    for w, vl in WIDTHS:
        feat = 'F' + ('+VL' if vl < 64 else '')
        for mask in MASKS:
            d, s, _ = vregs(k)
            dst = f'%{w}mm{d}{mask_suffix(mask, k)}'
            ev = '{evex} '
            add(f'{mn}_{w}_ir{mask}',
                f'{ev}{mn} ${IMMS[j % len(IMMS)]}, %{w}mm{s}, {dst}', mask,
                feature=feat)
            add(f'{mn}_{w}_im{mask}',
                f'{ev}{mn} ${IMMS[(j + 1) % len(IMMS)]}, {{M}}, {dst}',
                mask, feature=feat, disp=disp_for(k, vl),
                scale=scale_for(k), size=vl, esize=es, n=vl)
            add(f'{mn}_{w}_ib{mask}',
                f'{ev}{mn} ${IMMS[(j + 2) % len(IMMS)]}, '
                f'{{M}}{{1to{vl // es}}}, {dst}', mask, feature=feat,
                flags=BCST, disp=disp_for(k + 1, es), scale=scale_for(k + 1),
                size=es, n=es)
            j += 3
            k += 1

# One count for all elements: {evex} OP xmm/m128, src, dest (AT&T).  The
# memory operand is 16 bytes (esize: the row's element, so that diff.c
# also places it with only its first 4 or 8 bytes inside the page).
for mn in COUNT_ROWS:
    es = esize(mn)
    for w, vl in WIDTHS:
        feat = 'F' + ('+VL' if vl < 64 else '')
        for mask in MASKS:
            d, s, t = vregs(k)
            dst = f'%{w}mm{d}{mask_suffix(mask, k)}'
            ev = '{evex} '
            add(f'{mn}_{w}_cr{mask}', f'{ev}{mn} %xmm{s}, %{w}mm{t}, {dst}',
                mask, feature=feat)
            add(f'{mn}_{w}_cm{mask}', f'{ev}{mn} {{M}}, %{w}mm{t}, {dst}',
                mask, feature=feat, disp=disp_for(k, 16),
                scale=scale_for(k), size=16, esize=es, n=16)
            k += 1

# Per-element counts: OP counts (r/m), src, dest (AT&T)
for mn in VAR_ROWS:
    es = esize(mn)
    for w, vl in WIDTHS:
        feat = 'F' + ('+VL' if vl < 64 else '')
        for mask in MASKS:
            d, s, t = vregs(k)
            dst = f'%{w}mm{d}{mask_suffix(mask, k)}'
            ev = '{evex} '
            add(f'{mn}_{w}_rr{mask}', f'{ev}{mn} %{w}mm{s}, %{w}mm{t}, {dst}',
                mask, feature=feat)
            add(f'{mn}_{w}_rm{mask}', f'{ev}{mn} {{M}}, %{w}mm{t}, {dst}',
                mask, feature=feat, disp=disp_for(k, vl),
                scale=scale_for(k), size=vl, esize=es, n=vl)
            add(f'{mn}_{w}_bc{mask}',
                f'{ev}{mn} {{M}}{{1to{vl // es}}}, %{w}mm{t}, {dst}', mask,
                feature=feat, flags=BCST, disp=disp_for(k + 1, es),
                scale=scale_for(k + 1), size=es, n=es)
            k += 1

# AVX512BW's word shifts (LATE, see gen.py): by an immediate, by an
# xmm/m128 count and variable; no broadcast (tuple FVM, or M128)
BW_IMM_ROWS = ['vpsllw', 'vpsrlw', 'vpsraw']
BW_COUNT_ROWS = ['vpsllw', 'vpsrlw', 'vpsraw']
BW_VAR_ROWS = ['vpsllvw', 'vpsrlvw', 'vpsravw']
BW_IMMS = [0, 1, 15, 16, 17, 31, 255, 7, 8, 9, 128, 14, 200]
LATE = []
for mn in BW_IMM_ROWS:
    j = 0
    for w, vl in WIDTHS:
        feat = 'BW' + ('+VL' if vl < 64 else '')
        for mask in MASKS:
            d, s, _ = vregs(k)
            dst = f'%{w}mm{d}{mask_suffix(mask, k)}'
            add(f'{mn}_{w}_ir{mask}',
                f'{{evex}} {mn} ${BW_IMMS[j % len(BW_IMMS)]}, %{w}mm{s}, '
                f'{dst}', mask, LATE, feature=feat)
            add(f'{mn}_{w}_im{mask}',
                f'{{evex}} {mn} ${BW_IMMS[(j + 1) % len(BW_IMMS)]}, {{M}}, '
                f'{dst}', mask, LATE, feature=feat, disp=disp_for(k, vl),
                scale=scale_for(k), size=vl, esize=2, n=vl)
            j += 2
            k += 1
# by an xmm/m128 count (16 bytes) and by per-word counts (the vector)
for rows, count in ((BW_COUNT_ROWS, True), (BW_VAR_ROWS, False)):
    for mn in rows:
        for w, vl in WIDTHS:
            feat = 'BW' + ('+VL' if vl < 64 else '')
            size = 16 if count else vl
            ev, tag = ('{evex} ', 'c') if count else ('', 'r')
            for mask in MASKS:
                d, s, t = vregs(k)
                dst = f'%{w}mm{d}{mask_suffix(mask, k)}'
                add(f'{mn}_{w}_{tag}r{mask}',
                    f'{ev}{mn} %{"x" if count else w}mm{s}, %{w}mm{t}, '
                    f'{dst}', mask, LATE, feature=feat)
                add(f'{mn}_{w}_{tag}m{mask}',
                    f'{ev}{mn} {{M}}, %{w}mm{t}, {dst}', mask, LATE,
                    feature=feat, disp=disp_for(k, size),
                    scale=scale_for(k), size=size, esize=2, n=size)
                k += 1
MNEMONICS = MNEMONICS | frozenset(BW_IMM_ROWS + BW_VAR_ROWS)

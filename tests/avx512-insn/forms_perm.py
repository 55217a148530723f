"""Group 'perm': AVX512F permutes, shuffles, unpacks, 128/256-bit inserts
and extracts, compress and expand (step 7 of docs/design-avx512-tcg.md,
in part: VALIGND/Q, VSHUFI32X4/64X2 and VPTERNLOGD/Q are group shuf's;
VEXTRACTPS, VINSERTPS, the VMOV*DUP and VMOVH/L* rows have no forms yet).

  * VPERMD, VPERMQ, VPERMPS, VPERMPD with a vector of indices (SRC1) into
    SRC2 (register, memory or {1toN}); VPERMQ and VPERMPD with an imm8
    (per 256-bit half).  No 128-bit form exists: 256 and 512 bits only.
  * VPERMI2D/Q/PS/PD (the destination holds the indices and is
    overwritten) and VPERMT2D/Q/PS/PD (the destination is the first table,
    SRC1 the indices); SRC2 is the second table.
  * VPERMILPS/PD with a control vector (register, memory, {1toN}) or an
    imm8, VSHUFPS/PD with an imm8, VUNPCKLPS/HPS/LPD/HPD: within 128-bit
    lanes.
  * VINSERTI32X4/F32X4 (256 and 512 bits), VINSERTI64X4/F64X4 (512): a
    register or memory source of 16 or 32 bytes (tuples T4 of dwords,
    N = 16, and of qwords, N = 32), the 128/256-bit block chosen by imm8;
    VEXTRACTI32X4/F32X4/I64X4/F64X4 to a register or to memory (merge
    masking only: {z} with a memory destination is #UD).
  * VPCOMPRESSD/Q, VCOMPRESSPS/PD to a register or to memory (merge only),
    VPEXPANDD/Q, VEXPANDPS/PD from a register or memory; tuple T1S
    (disp8*N with N = the element size).

LATE2: AVX512BW's VPERMW, VPERMI2W and VPERMT2W, the same as the dword
rows at 128, 256 and 512 bits with a register or memory source (no
broadcast; tuple FVM, N = VL).

Each row at every width it has, unmasked, merging ({%kN}) and zeroing
({%kN}{z}); the FV rows (tuple Full: disp8*N with N = VL, the element
size with {1toN}) with a register source, a memory source and an
embedded broadcast.  {evex} keeps GNU as from choosing VEX where the row
has a VEX form.  An imm8 varies with the form, with its ignored bits set
now and then.  The masked memory forms are often placed across a guard
page: the permutes, shuffles, unpacks, inserts and extracts have no
fault suppression (exception classes E4NF and E6NF: a masked extract
store faults on a masked-off element outside the page too), compress and
expand touch only the elements they pack (E4.nb).  diff.c draws this
group's vector and memory inputs from pools of indices (with garbage in
the bits an index ignores) and random data.
"""
from forms_common import (Form, BCST, FAULTY, MASKED, STORE, WIDTHS,
                          disp_for, mask_suffix, scale_for, vregs)

FORMS = []
MASKS = ('', 'm', 'z')
ALL, WIDE, Z = (16, 32, 64), (32, 64), (64,)

# the FV rows: mnemonic, element size, widths, whether it takes an imm8,
# and the number of vector sources besides the r/m operand (1: vvvv)
FV_ROWS = [
    ('vpermd', 4, WIDE, False, 1), ('vpermq', 8, WIDE, False, 1),
    ('vpermps', 4, WIDE, False, 1), ('vpermpd', 8, WIDE, False, 1),
    ('vpermq', 8, WIDE, True, 0), ('vpermpd', 8, WIDE, True, 0),
    ('vpermi2d', 4, ALL, False, 1), ('vpermi2q', 8, ALL, False, 1),
    ('vpermi2ps', 4, ALL, False, 1), ('vpermi2pd', 8, ALL, False, 1),
    ('vpermt2d', 4, ALL, False, 1), ('vpermt2q', 8, ALL, False, 1),
    ('vpermt2ps', 4, ALL, False, 1), ('vpermt2pd', 8, ALL, False, 1),
    ('vpermilps', 4, ALL, False, 1), ('vpermilpd', 8, ALL, False, 1),
    ('vpermilps', 4, ALL, True, 0), ('vpermilpd', 8, ALL, True, 0),
    ('vshufps', 4, ALL, True, 1), ('vshufpd', 8, ALL, True, 1),
    ('vunpcklps', 4, ALL, False, 1), ('vunpckhps', 4, ALL, False, 1),
    ('vunpcklpd', 8, ALL, False, 1), ('vunpckhpd', 8, ALL, False, 1),
]
# VINSERT*/VEXTRACT*: mnemonic, element size, block size, widths
BLOCK_ROWS = [
    ('i32x4', 4, 16, WIDE), ('f32x4', 4, 16, WIDE),
    ('i64x4', 8, 32, Z), ('f64x4', 8, 32, Z),
]
# element size, VPCOMPRESS*/VCOMPRESS* and VPEXPAND*/VEXPAND* mnemonic
PACK_ROWS = [(4, 'vpcompressd', 'vpexpandd'), (8, 'vpcompressq', 'vpexpandq'),
             (4, 'vcompressps', 'vexpandps'), (8, 'vcompresspd', 'vexpandpd')]
# AVX512BW's permutes of words (LATE2): no broadcast, tuple FVM
BW_ROWS = ['vpermw', 'vpermi2w', 'vpermt2w']
MNEMONICS = frozenset(
    [mn for mn, *_ in FV_ROWS] + BW_ROWS +
    [f'v{op}{s}' for s, *_ in BLOCK_ROWS for op in ('insert', 'extract')] +
    [c for _, c, _ in PACK_ROWS] + [e for _, _, e in PACK_ROWS])

# imm8 of the shuffles and permutes: every selector value in every field
# somewhere; block selectors with the ignored bits set now and then
IMMS = [0x1b, 0xe4, 0x4e, 0xb1, 0x00, 0xff, 0x39, 0xd8, 0x72, 0x8d, 0xc6,
        0x93, 0x5a, 0xa5, 0x27, 0x6c, 0x01, 0x80]
BLOCK_IMMS = [0, 1, 2, 3, 0xfe, 0x5d, 0xaa, 0x83, 0x41]


def add(name, asm, mask, out=None, **kw):
    kw['flags'] = kw.get('flags', 0) | (MASKED | FAULTY if mask else 0)
    (FORMS if out is None else out).append(Form(name, 'perm', asm, **kw))


def feature(vl):
    return 'F' + ('+VL' if vl < 64 else '')


k = 0
for mn, es, widths, has_imm, nsrc in FV_ROWS:
    for w, vl in WIDTHS:
        if vl not in widths:
            continue
        for mask in MASKS:
            d, s, t = vregs(k)
            dst = f'%{w}mm{d}{mask_suffix(mask, k)}'
            mid = f', %{w}mm{t}' if nsrc else ''
            tag = '_imm' if has_imm and not nsrc else ''
            for j, src in enumerate(('rr', 'rm', 'bc')):
                kk = k + (src == 'bc')
                imm = f'${IMMS[(3 * k + j) % len(IMMS)]}, ' if has_imm \
                    else ''
                if src == 'rr':
                    op, mem = f'%{w}mm{s}', {}
                else:
                    n = vl if src == 'rm' else es
                    bc = f'{{1to{vl // es}}}' if src == 'bc' else ''
                    op = f'{{M}}{bc}'
                    mem = dict(disp=disp_for(kk, n), scale=scale_for(kk),
                               size=n, esize=es, n=n,
                               flags=BCST if bc else 0)
                add(f'{mn}{tag}_{w}_{src}{mask}',
                    f'{{evex}} {mn} {imm}{op}{mid}, {dst}', mask,
                    feature=feature(vl), **mem)
            k += 1

def add_blocks(sfx, es, bs, widths, k, out=None, feat0='F'):
    """The VINSERT*/VEXTRACT* forms of a block size; returns the next form
    number."""
    for w, vl in WIDTHS:
        if vl not in widths:
            continue
        b = 'x' if bs == 16 else 'y'
        feat = feat0 + ('+VL' if vl < 64 else '')
        for mask in MASKS:
            d, s, t = vregs(k)
            imm = [BLOCK_IMMS[(k + 2 * i) % len(BLOCK_IMMS)]
                   for i in range(4)]
            ms = mask_suffix(mask, k)
            # AT&T: imm, block source (r/m), first source, destination
            add(f'vinsert{sfx}_{w}_rr{mask}',
                f'{{evex}} vinsert{sfx} ${imm[0]}, %{b}mm{s}, %{w}mm{t}, '
                f'%{w}mm{d}{ms}', mask, out, feature=feat)
            add(f'vinsert{sfx}_{w}_rm{mask}',
                f'{{evex}} vinsert{sfx} ${imm[1]}, {{M}}, %{w}mm{t}, '
                f'%{w}mm{d}{ms}', mask, out, feature=feat,
                disp=disp_for(k, bs), scale=scale_for(k), size=bs,
                esize=es, n=bs)
            add(f'vextract{sfx}_{w}_rr{mask}',
                f'{{evex}} vextract{sfx} ${imm[2]}, %{w}mm{s}, '
                f'%{b}mm{d}{ms}', mask, out, feature=feat)
            if mask != 'z':
                add(f'vextract{sfx}_{w}_st{mask}',
                    f'{{evex}} vextract{sfx} ${imm[3]}, %{w}mm{s}, '
                    f'{{M}}{ms}', mask, out, feature=feat, flags=STORE,
                    disp=disp_for(k + 3, bs), scale=scale_for(k + 2),
                    size=bs, esize=es, n=bs)
            k += 1
    return k


for sfx, es, bs, widths in BLOCK_ROWS:
    k = add_blocks(sfx, es, bs, widths, k)

for es, cmn, emn in PACK_ROWS:
    for w, vl in WIDTHS:
        for mask in MASKS:
            d, s, _ = vregs(k)
            ms = mask_suffix(mask, k)
            mem = dict(size=vl, esize=es, n=es)
            add(f'{cmn}_{w}_rr{mask}',
                f'{{evex}} {cmn} %{w}mm{s}, %{w}mm{d}{ms}', mask,
                feature=feature(vl))
            if mask != 'z':
                add(f'{cmn}_{w}_st{mask}',
                    f'{{evex}} {cmn} %{w}mm{s}, {{M}}{ms}', mask,
                    feature=feature(vl), flags=STORE,
                    disp=disp_for(k + 3, es), scale=scale_for(k + 2), **mem)
            add(f'{emn}_{w}_rr{mask}',
                f'{{evex}} {emn} %{w}mm{s}, %{w}mm{d}{ms}', mask,
                feature=feature(vl))
            add(f'{emn}_{w}_rm{mask}',
                f'{{evex}} {emn} {{M}}, %{w}mm{d}{ms}', mask,
                feature=feature(vl), disp=disp_for(k, es),
                scale=scale_for(k), **mem)
            k += 1

LATE2 = []
for mn in BW_ROWS:
    for w, vl in WIDTHS:
        feat = 'BW' + ('+VL' if vl < 64 else '')
        for mask in MASKS:
            d, s, t = vregs(k)
            dst = f'%{w}mm{d}{mask_suffix(mask, k)}'
            add(f'{mn}_{w}_rr{mask}',
                f'{{evex}} {mn} %{w}mm{s}, %{w}mm{t}, {dst}', mask, LATE2,
                feature=feat)
            add(f'{mn}_{w}_rm{mask}', f'{{evex}} {mn} {{M}}, %{w}mm{t}, {dst}',
                mask, LATE2, feature=feat, disp=disp_for(k, vl),
                scale=scale_for(k), size=vl, esize=2, n=vl)
            k += 1

# DQ: AVX512DQ's VINSERT/VEXTRACT F64X2/I64X2 (256 and 512 bits; tuple
# T2, N = 16) and F32X8/I32X8 (512 bits; T8, N = 32)
DQ = []
for sfx, es, bs, widths in (('i64x2', 8, 16, WIDE), ('f64x2', 8, 16, WIDE),
                            ('i32x8', 4, 32, Z), ('f32x8', 4, 32, Z)):
    k = add_blocks(sfx, es, bs, widths, k, DQ, 'DQ')
MNEMONICS = MNEMONICS | frozenset(f'v{op}{sfx}' for op in ('insert', 'extract')
                                  for sfx in ('i64x2', 'f64x2', 'i32x8',
                                              'f32x8'))

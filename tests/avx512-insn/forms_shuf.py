"""Group 'shuf': AVX512F shuffles, permutes within and across 128-bit
lanes, bitwise ternary logic and integer widening (steps 5 and 7 of
docs/design-avx512-tcg.md).

VPSHUFD imm (dwords within each 128-bit lane), VPUNPCKLDQ/HDQ and
VPUNPCKLQDQ/HQDQ (interleave within each lane), VPTERNLOGD/Q imm (truth
table indexed by DEST << 2 | SRC1 << 1 | SRC2, bit by bit; the
destination is a source), VALIGND/Q imm (SRC1:SRC2 shifted right by
whole elements, the count modulo the element count), VSHUFI32X4 and
VSHUFI64X2 imm (whole 128-bit lanes picked from SRC1 and SRC2; 256 and
512 bits only) and VSHUFF32X4/64X2, the same in the floating-point
domain (LATE): tuple FV, so disp8*N with N = VL, or the element size
with {1toN} (m32bcst or m64bcst).  VPMOVZX/VPMOVSX BD, BQ, WD, WQ, DQ
zero- or sign-extend the low VL/4 (QVM), VL/8 (OVM) or VL/2 (HVM) bytes of
an xmm/ymm register or memory operand (N = that size; no broadcast).

LATE2, AVX512BW: VPMADDWD and VPMADDUBSW (pairs of products summed,
the first into dwords, the second saturated to words), VPSADBW (sums of
absolute byte differences per qword; no writemask), VPACKSSWB/USWB and
VPACKSSDW/USDW (the saturating packs, within lanes; the dword packs take
{1toN} of a dword but mask words), VPUNPCKL/H BW and WD, VPSHUFB (bytes
by the index's bits 3:0, zero where bit 7 is set, within lanes),
VPSHUFHW/LW imm (the high or low four words of each lane), VPALIGNR imm
(each lane of SRC1:SRC2 shifted right by whole bytes), VPSLLDQ/VPSRLDQ
imm (each lane shifted by whole bytes; no writemask), VDBPSADBW imm
(SAD of SRC1 against dwords of SRC2 shuffled by imm8) and VPMOVZXBW/SXBW
(HVM, fault suppression).  All are E4NF (no fault suppression) but the
VPMOVZX/SX rows.  CD: AVX512CD's VPCONFLICTD/Q, with {1toN} (E4NF).
VAES: the EVEX VAESENC/ENCLAST/DEC/DECLAST, an AES round in each
128-bit lane (AVX512F with VAES; no writemask, no broadcast).

Each at 128/256/512 bits with a register and a memory source and, where
the instruction has one, a {1toN} broadcast, without a mask, merging
({%kN}) and zeroing ({%kN}{z}).  {evex} keeps GNU as from choosing VEX
(VPSHUFD, VPUNPCK*, VPMOVZX/SX).  The masked memory forms are often
placed across a guard page: VPTERNLOG (exception class E4) and VPMOVZX/SX
(E5) suppress the faults of masked-off elements, the permutes (E4NF) do
not.  The immediates differ from form to form (IMMS): the edge counts of
VALIGN (0, 1, N-1, N, N+1, 15, 16, 255, ...), VPTERNLOG's classic tables
(0x00, 0xff, 0x96, 0xe8, 0xca, 0xd8, 0x3c) and single minterms, lane
orders of VPSHUFD and VSHUFI*/VSHUFF*.  diff.c draws this group's
inputs from a pool of byte/word/dword sign boundaries and the bit
patterns that give VPTERNLOG all eight minterms, besides random
(distinct) elements.
"""
import itertools

from forms_common import (Form, BCST, FAULTY, MASKED, WIDTHS, disp_for,
                          mask_suffix, scale_for, vregs)

FORMS = []
MASKS = ('', 'm', 'z')

# Immediates per kind, used in turn by the forms of a mnemonic (so that
# each of x/y/z and each mask kind meets several)
IMMS = {
    # reverse, broadcast element 0/3, identity, swap halves, swap pairs,
    # and a few arbitrary orders
    'pshufd': [0x1b, 0x00, 0xff, 0xe4, 0x4e, 0xb1, 0x93, 0x39, 0x72,
               0xd8, 0x8d, 0x27, 0x5c],
    # the truth tables of XOR3, majority, select (DEST ? SRC1 : SRC2),
    # (SRC2 ? SRC1 : DEST), SRC1 XOR DEST, the constants, each single
    # minterm, and some arbitrary ones
    'ternlog': [0x96, 0xe8, 0xca, 0xd8, 0x3c, 0x00, 0xff, 0x01, 0x02,
                0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xf0, 0xcc, 0xaa,
                0x1b, 0x4e, 0x6f, 0x71, 0x87, 0xa3, 0xb5, 0x2d, 0x59],
    # shift counts: 0, 1, and (modulo the element count) N-1, N, N+1 of
    # each width, 15, 16, 255 and high bits that must be ignored
    'align': [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 2, 255, 0x83, 0x46,
              0xf9, 6, 0x2a],
    # 256 bits use imm[1:0], 512 bits imm[7:0] (two bits per lane)
    'shufi': [0x00, 0xff, 0xe4, 0x1b, 0x4e, 0xb1, 0x01, 0x02, 0x03, 0x93,
              0x6c, 0xc9],
    # VPSHUFHW/LW: the orders of VPSHUFD
    'pshufhw': [0x1b, 0x00, 0xff, 0xe4, 0x4e, 0xb1, 0x93, 0x39, 0x72,
                0xd8, 0x8d, 0x27, 0x5c],
    # byte counts: 0, 1, 15, 16 (SRC1 alone), 17 to 31, 32 and more (zero)
    'palignr': [0, 1, 7, 8, 15, 16, 17, 24, 31, 32, 33, 255, 3, 0x80],
    'bytesh': [0, 1, 4, 8, 15, 16, 17, 255, 2, 0x81, 11],
    # VDBPSADBW: dword orders
    'dbpsadbw': [0xe4, 0x00, 0x1b, 0x4e, 0xb1, 0xff, 0x39, 0x72, 0x93,
                 0xd8],
}

# mnemonic, kind, element size (masking and {1toN}), sources besides the
# immediate, widths (x y z), {1toN}, exception class: 'nf' no fault
# suppression (E4NF), 'fs' fault suppression (E4, E5)
ROWS = [
    ('vpshufd', 'pshufd', 4, 1, 'xyz', True, 'nf'),
    ('vpunpckldq', 'unpck', 4, 2, 'xyz', True, 'nf'),
    ('vpunpckhdq', 'unpck', 4, 2, 'xyz', True, 'nf'),
    ('vpunpcklqdq', 'unpck', 8, 2, 'xyz', True, 'nf'),
    ('vpunpckhqdq', 'unpck', 8, 2, 'xyz', True, 'nf'),
    ('vpternlogd', 'ternlog', 4, 2, 'xyz', True, 'fs'),
    ('vpternlogq', 'ternlog', 8, 2, 'xyz', True, 'fs'),
    ('valignd', 'align', 4, 2, 'xyz', True, 'nf'),
    ('valignq', 'align', 8, 2, 'xyz', True, 'nf'),
    ('vshufi32x4', 'shufi', 4, 2, 'yz', True, 'nf'),
    ('vshufi64x2', 'shufi', 8, 2, 'yz', True, 'nf'),
]
# VPMOVZX/SX: source element size, destination element size; the source
# is VL * source / destination bytes (QVM, OVM, HVM: disp8*N with N = it)
PMOV = [('bd', 1, 4), ('bq', 1, 8), ('wd', 2, 4), ('wq', 2, 8),
        ('dq', 4, 8)]
for _x in ('zx', 'sx'):
    for _s, _se, _de in PMOV:
        ROWS.append((f'vpmov{_x}{_s}', 'pmov', _de, 1, 'xyz', False, 'fs'))
# VSHUFF32X4/64X2: VSHUFI32X4/64X2 in the floating-point domain
LATE_ROWS = [
    ('vshuff32x4', 'shufi', 4, 2, 'yz', True, 'nf'),
    ('vshuff64x2', 'shufi', 8, 2, 'yz', True, 'nf'),
]
# AVX512BW (LATE2): VPMADDWD (words to dwords, so dword elements),
# VPMADDUBSW, VPSADBW (no writemask: class 'nm'), the packs (VPACKSSDW and
# VPACKUSDW broadcast a dword but mask words), the byte and word unpacks,
# VPSHUFB, VPSHUFHW/LW, VPALIGNR, VPSLLDQ/VPSRLDQ (no writemask),
# VDBPSADBW and VPMOVZXBW/SXBW
BW_ROWS = [
    ('vpmaddwd', 'madd', 4, 2, 'xyz', False, 'nf'),
    ('vpmaddubsw', 'madd', 2, 2, 'xyz', False, 'nf'),
    ('vpsadbw', 'psadbw', 8, 2, 'xyz', False, 'nm'),
    ('vpacksswb', 'pack', 1, 2, 'xyz', False, 'nf'),
    ('vpackuswb', 'pack', 1, 2, 'xyz', False, 'nf'),
    ('vpackssdw', 'pack', 2, 2, 'xyz', True, 'nf'),
    ('vpackusdw', 'pack', 2, 2, 'xyz', True, 'nf'),
    ('vpunpcklbw', 'unpck', 1, 2, 'xyz', False, 'nf'),
    ('vpunpckhbw', 'unpck', 1, 2, 'xyz', False, 'nf'),
    ('vpunpcklwd', 'unpck', 2, 2, 'xyz', False, 'nf'),
    ('vpunpckhwd', 'unpck', 2, 2, 'xyz', False, 'nf'),
    ('vpshufb', 'pshufb', 1, 2, 'xyz', False, 'nf'),
    ('vpshufhw', 'pshufhw', 2, 1, 'xyz', False, 'nf'),
    ('vpshuflw', 'pshufhw', 2, 1, 'xyz', False, 'nf'),
    ('vpalignr', 'palignr', 1, 2, 'xyz', False, 'nf'),
    ('vpslldq', 'bytesh', 1, 1, 'xyz', False, 'nm'),
    ('vpsrldq', 'bytesh', 1, 1, 'xyz', False, 'nm'),
    ('vdbpsadbw', 'dbpsadbw', 2, 2, 'xyz', False, 'nf'),
    ('vpmovzxbw', 'pmov', 2, 1, 'xyz', False, 'fs'),
    ('vpmovsxbw', 'pmov', 2, 1, 'xyz', False, 'fs'),
]
ALL_ROWS = ROWS + LATE_ROWS + BW_ROWS
KIND = {mn: kind for mn, kind, *_ in ALL_ROWS}
NOFS = frozenset(mn for mn, *_, cls in ALL_ROWS if cls == 'nf')
# the rows with one source (besides an imm8)
UNARY = ('pshufd', 'pmov', 'pshufhw', 'bytesh')
MNEMONICS = frozenset(KIND)


def pmov_sizes(mn):
    """(source element size, destination element size) of VPMOVZX/SX."""
    return next((se, de) for s, se, de in PMOV + [('bw', 1, 2)]
                if mn.endswith(s))


def bcst_size(mn, es):
    """The {1toN} element: a dword for VPACKSSDW/USDW, else the row's."""
    return 4 if KIND[mn] == 'pack' and es == 2 else es


def add(out, name, asm, mask, **kw):
    kw['flags'] = kw.get('flags', 0) | (MASKED | FAULTY if mask else 0)
    out.append(Form(name, 'shuf', asm, **kw))


def imm_text(it):
    """The next immediate of the mnemonic's sequence, as an operand."""
    return f'${next(it)}, ' if it else ''


def add_row(out, k, row, mn, kind, es, nsrc, widths, bcst, feat0='F',
            masks=MASKS):
    """Append the forms of one row to out, from form number k on; row
    picks where the row starts in its kind's immediates.  Returns the next
    form number."""
    # each mnemonic of a kind starts elsewhere in the kind's sequence
    it = itertools.islice(itertools.cycle(IMMS[kind]), 7 * row, None) \
        if kind in IMMS else None
    for w, vl in WIDTHS:
        if w not in widths:
            continue
        feat = feat0 + ('+VL' if vl < 64 else '')
        for mask in masks:
            d, s, t = vregs(k)
            dst = f'%{w}mm{d}{mask_suffix(mask, k)}'
            # {evex}: GNU as would pick VEX where it can
            ev = '{evex} '
            if kind == 'pmov':
                se, de = pmov_sizes(mn)
                size = vl * se // de
                rs = 'y' if size == 32 else 'x'
                add(out, f'{mn}_{w}_rr{mask}',
                    f'{ev}{mn} %{rs}mm{s}, {dst}', mask, feature=feat)
                add(out, f'{mn}_{w}_rm{mask}', f'{ev}{mn} {{M}}, {dst}',
                    mask, feature=feat, disp=disp_for(k, size),
                    scale=scale_for(k), size=size, esize=se, n=size)
                k += 1
                continue
            # AT&T: [$imm,] second source (r/m), [first source,] dest
            mid = f', %{w}mm{t}' if nsrc == 2 else ''
            add(out, f'{mn}_{w}_rr{mask}',
                f'{ev}{mn} {imm_text(it)}%{w}mm{s}{mid}, {dst}', mask,
                feature=feat)
            add(out, f'{mn}_{w}_rm{mask}',
                f'{ev}{mn} {imm_text(it)}{{M}}{mid}, {dst}', mask,
                feature=feat, disp=disp_for(k, vl), scale=scale_for(k),
                size=vl, esize=es, n=vl)
            if bcst:
                be = bcst_size(mn, es)
                add(out, f'{mn}_{w}_bc{mask}',
                    f'{ev}{mn} {imm_text(it)}{{M}}{{1to{vl // be}}}{mid}, '
                    f'{dst}', mask, feature=feat, flags=BCST,
                    disp=disp_for(k + 1, be), scale=scale_for(k + 1),
                    size=be, n=be)
            k += 1
    return k


_k = 0
for _row, (_mn, _kind, _es, _nsrc, _widths, _bcst, _) in enumerate(ROWS):
    _k = add_row(FORMS, _k, _row, _mn, _kind, _es, _nsrc, _widths, _bcst)

# Rows added after the forms of later groups had their GPR slots (see
# gen.py): their forms come at the end of the list of all forms
LATE = []
for _row, (_mn, _kind, _es, _nsrc, _widths, _bcst, _) in \
        enumerate(LATE_ROWS, len(ROWS)):
    _k = add_row(LATE, _k, _row, _mn, _kind, _es, _nsrc, _widths, _bcst)

LATE2 = []
for _row, (_mn, _kind, _es, _nsrc, _widths, _bcst, _cls) in \
        enumerate(BW_ROWS, len(ROWS) + len(LATE_ROWS)):
    _k = add_row(LATE2, _k, _row, _mn, _kind, _es, _nsrc, _widths, _bcst,
                 'BW', ('',) if _cls == 'nm' else MASKS)

# CD: AVX512CD's VPCONFLICTD/Q (bit j of element i: element j, j < i,
# equals element i), with {1toN}; no fault suppression
CD_ROWS = [('vpconflictd', 'conflict', 4, 1, 'xyz', True, 'nf'),
           ('vpconflictq', 'conflict', 8, 1, 'xyz', True, 'nf')]
ALL_ROWS += CD_ROWS
KIND.update({mn: kind for mn, kind, *_ in CD_ROWS})
NOFS = NOFS | frozenset(mn for mn, *_ in CD_ROWS)
UNARY = UNARY + ('conflict',)
MNEMONICS = frozenset(KIND)
CD = []
for _row, (_mn, _kind, _es, _nsrc, _widths, _bcst, _cls) in \
        enumerate(CD_ROWS, len(ROWS) + len(LATE_ROWS) + len(BW_ROWS)):
    _k = add_row(CD, _k, _row, _mn, _kind, _es, _nsrc, _widths, _bcst, 'CD')

# VAES: the EVEX forms of VAESENC/ENCLAST/DEC/DECLAST (AVX512F+VAES, with
# VL below 512 bits), one AES round per 128-bit lane: no writemask, no
# broadcast, a full-vector memory operand
VAES_ROWS = [(f'vaes{_op}', 'aes', 8, 2, 'xyz', False, 'nm')
             for _op in ('enc', 'enclast', 'dec', 'declast')]
ALL_ROWS += VAES_ROWS
KIND.update({mn: kind for mn, kind, *_ in VAES_ROWS})
NOFS = NOFS | frozenset(mn for mn, *_ in VAES_ROWS)
MNEMONICS = frozenset(KIND)
VAES = []
for _row, (_mn, _kind, _es, _nsrc, _widths, _bcst, _cls) in \
        enumerate(VAES_ROWS, len(ALL_ROWS) - len(VAES_ROWS)):
    _k = add_row(VAES, _k, _row, _mn, _kind, _es, _nsrc, _widths, _bcst,
                 'F+VAES', ('',))

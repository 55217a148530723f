"""Group 'trunc': AVX512F down-converts and the moves of parts of a vector
register (diff.c's group 10).

VPMOVQB/QW/QD/DB/DW (truncating), VPMOVSQB/... (signed saturation) and
VPMOVUSQB/... (unsigned saturation) from an xmm, ymm or zmm source, to a
register (the result fills VL/2, VL/4 or VL/8 bytes of an xmm or ymm
register, the rest up to MAXVL is zeroed) without a mask, merging
({%kN}) and zeroing ({%kN}{z}), and to memory (tuples HVM, QVM, OVM: the
memory operand is VL/2, VL/4 or VL/8 bytes and disp8*N has N = that
size) without a mask and merging (exception class E6: a masked-off element
is not written and cannot fault).  A down-convert has no VEX form.

VMOVDDUP (tuple DUP: an 8-byte memory operand at 128 bits, N = 8, 32,
64), VMOVSLDUP and VMOVSHDUP (FVM) at 128/256/512 bits from a register
and from memory, without a mask, merging and zeroing; their exception
classes E5NF and E4NF have no fault suppression (the whole operand is
read whatever the mask).

EVEX.128 only, no masking (E9NF, E7NF): VMOVHPS/VMOVLPS (T2, N = 8) and
VMOVHPD/VMOVLPD (T1S, N = 8) as loads (SRC1 xmm, SRC2 m64) and stores
(m64), VMOVHLPS and VMOVLHPS (registers), VEXTRACTPS (T1S, N = 4) to a
32-bit GPR and to m32 with several imm8 (imm8[1:0] selects the dword;
some of the immediates have their upper bits set), VINSERTPS (T1S, N = 4)
from an xmm register and from m32 with immediates that cover every
COUNT_S (ignored with m32), COUNT_D and a spread of ZMASKs.

LATE2 (after all of those): VPMOVWB, VPMOVSWB and VPMOVUSWB (AVX512BW),
the word-to-byte down-converts, like the others (tuple HVM).
LATE (after group fp's forms, so that the forms before keep their GPR
slots): VPINSRB/W/D/Q (AVX512BW, DQ) from a GPR and from memory (T1S,
N = the element) and VPEXTRB/W/D/Q to a GPR and to memory, EVEX.128
without a mask, with immediates whose upper bits are set too.

Each form carries {evex} (GNU as would pick VEX where there is one).  The
masked memory forms are often placed across a guard page.  diff.c draws
this group's vector and memory inputs from pools of saturation
boundaries: the signed and unsigned limits of bytes, words and dwords and
their neighbours, as qwords and as pairs of dwords.
"""
from forms_common import (Form, FAULTY, MASKED, STORE, WIDTHS, disp_for,
                          mask_suffix, scale_for, vregs)

FORMS = []
MASKS = ('', 'm', 'z')

# the down-converts: source and destination element sizes
DOWN = {'qb': (8, 1), 'qw': (8, 2), 'qd': (8, 4), 'db': (4, 1),
        'dw': (4, 2), 'wb': (2, 1)}
# their mnemonics: truncation, signed and unsigned saturation
DOWN_ROWS = [f'vpmov{sat}{kind}' for kind in DOWN if kind != 'wb'
             for sat in ('', 's', 'us')]
# AVX512BW's, words to bytes (LATE2)
DOWN_BW_ROWS = ['vpmovwb', 'vpmovswb', 'vpmovuswb']
# VMOVDDUP qwords, VMOVSLDUP/VMOVSHDUP dwords
DUP_ROWS = [('vmovddup', 8), ('vmovsldup', 4), ('vmovshdup', 4)]
HALF_ROWS = ['vmovhps', 'vmovlps', 'vmovhpd', 'vmovlpd']
# VEXTRACTPS imm8s, to a GPR and to m32
EXTRACT_R = [0, 1, 2, 3, 0xfe, 0x7d]
EXTRACT_M = [0, 3, 0x81, 0x46]
# VINSERTPS imm8s (COUNT_S << 6 | COUNT_D << 4 | ZMASK), from an xmm
# register and from m32 (COUNT_S ignored)
INSERT_R = [0x00, 0x51, 0xa6, 0xf8, 0x30, 0xc2, 0x6f, 0x94]
INSERT_M = [0x00, 0xe0, 0x75, 0x29]
# VPINSR*/VPEXTR*: element size and feature
INS_ROWS = {'b': (1, 'BW'), 'w': (2, 'BW'), 'd': (4, 'DQ'), 'q': (8, 'DQ')}
MNEMONICS = frozenset(DOWN_ROWS + DOWN_BW_ROWS + [mn for mn, _ in DUP_ROWS] + HALF_ROWS +
                      ['vmovhlps', 'vmovlhps', 'vextractps', 'vinsertps'] +
                      [f'vp{op}{t}' for op in ('insr', 'extr')
                       for t in INS_ROWS])


def down_sizes(mn):
    """(source, destination) element sizes of a down-convert."""
    return DOWN[mn[-2:]]


def add(name, asm, mask, out=None, **kw):
    kw['flags'] = kw.get('flags', 0) | (MASKED | FAULTY if mask else 0)
    (FORMS if out is None else out).append(Form(name, 'trunc', asm, **kw))


def add_down(mn, k, out=None, feat0='F'):
    """The forms of a down-convert; returns the next form number."""
    ses, des = down_sizes(mn)
    for w, vl in WIDTHS:
        feat = feat0 + ('+VL' if vl < 64 else '')
        size = vl // ses * des              # bytes of the result
        dw = 'y' if size > 16 else 'x'
        for mask in MASKS:
            d, s, _ = vregs(k)
            ms = mask_suffix(mask, k)
            add(f'{mn}_{w}_rr{mask}',
                f'{{evex}} {mn} %{w}mm{s}, %{dw}mm{d}{ms}',
                mask, out, feature=feat)
            if mask != 'z':
                add(f'{mn}_{w}_st{mask}',
                    f'{{evex}} {mn} %{w}mm{s}, {{M}}{ms}',
                    mask, out, feature=feat, flags=STORE,
                    disp=disp_for(k, size), scale=scale_for(k), size=size,
                    esize=des, n=size)
            k += 1
    return k


k = 0
for mn in DOWN_ROWS:
    k = add_down(mn, k)

for mn, es in DUP_ROWS:
    for w, vl in WIDTHS:
        feat = 'F' + ('+VL' if vl < 64 else '')
        # VMOVDDUP at 128 bits reads one qword
        size = 8 if mn == 'vmovddup' and vl == 16 else vl
        for mask in MASKS:
            d, s, _ = vregs(k)
            dst = f'%{w}mm{d}{mask_suffix(mask, k)}'
            add(f'{mn}_{w}_rr{mask}', f'{{evex}} {mn} %{w}mm{s}, {dst}', mask,
                feature=feat)
            add(f'{mn}_{w}_rm{mask}', f'{{evex}} {mn} {{M}}, {dst}', mask,
                feature=feat, disp=disp_for(2 * k + 1, size),
                scale=scale_for(k + 1), size=size, esize=es, n=size)
            k += 1

for mn in HALF_ROWS:
    d, s, t = vregs(k)
    # the two floats (dwords) of VMOVHPS/VMOVLPS are the elements the
    # operand may straddle a page boundary at; VMOVH/LPD has one
    es = 4 if mn.endswith('ps') else 8
    add(f'{mn}_ld', f'{{evex}} {mn} {{M}}, %xmm{t}, %xmm{d}', '',
        disp=disp_for(k, 8), scale=scale_for(k), size=8, esize=es, n=8)
    add(f'{mn}_st', f'{{evex}} {mn} %xmm{s}, {{M}}', '', flags=STORE,
        disp=disp_for(k + 4, 8), scale=scale_for(k + 2), size=8, esize=es,
        n=8)
    k += 1

for mn in ('vmovhlps', 'vmovlhps'):
    d, s, t = vregs(k)
    add(f'{mn}_rr', f'{{evex}} {mn} %xmm{s}, %xmm{t}, %xmm{d}', '')
    k += 1

for imm in EXTRACT_R:
    _, s, _ = vregs(k)
    add(f'vextractps_r_{imm:02x}', f'{{evex}} vextractps ${imm}, '
        f'%xmm{s}, {{A_d}}', '', gprs='A')
    k += 1
for imm in EXTRACT_M:
    _, s, _ = vregs(k)
    add(f'vextractps_st_{imm:02x}', f'{{evex}} vextractps ${imm}, '
        f'%xmm{s}, {{M}}', '', flags=STORE, disp=disp_for(k, 4),
        scale=scale_for(k), size=4, n=4)
    k += 1

for imm in INSERT_R:
    d, s, t = vregs(k)
    add(f'vinsertps_rr_{imm:02x}', f'{{evex}} vinsertps ${imm}, '
        f'%xmm{s}, %xmm{t}, %xmm{d}', '')
    k += 1
for imm in INSERT_M:
    d, _, t = vregs(k)
    add(f'vinsertps_rm_{imm:02x}', f'{{evex}} vinsertps ${imm}, {{M}}, '
        f'%xmm{t}, %xmm{d}', '', disp=disp_for(k, 4), scale=scale_for(k),
        size=4, n=4)
    k += 1

LATE = []
for t, (es, feat) in INS_ROWS.items():
    gpr = '{A}' if es == 8 else '{A_d}'
    n = 16 // es
    for imm in (0x30 | (n - 1), 0x81):
        d, s, t2 = vregs(k)
        k += 1
        LATE.append(Form(f'vpinsr{t}_r_{imm:02x}', 'trunc',
                         f'{{evex}} vpinsr{t} ${imm}, {gpr}, %xmm{t2}, '
                         f'%xmm{d}', feature=feat, gprs='A'))
        LATE.append(Form(f'vpinsr{t}_m_{imm:02x}', 'trunc',
                         f'{{evex}} vpinsr{t} ${imm}, {{M}}, %xmm{t2}, '
                         f'%xmm{d}', feature=feat, disp=disp_for(k, es),
                         scale=scale_for(k), size=es, n=es))
        LATE.append(Form(f'vpextr{t}_r_{imm:02x}', 'trunc',
                         f'{{evex}} vpextr{t} ${imm}, %xmm{s}, {gpr}',
                         feature=feat, gprs='A'))
        LATE.append(Form(f'vpextr{t}_m_{imm:02x}', 'trunc',
                         f'{{evex}} vpextr{t} ${imm}, %xmm{s}, {{M}}',
                         feature=feat, flags=STORE, disp=disp_for(k + 3, es),
                         scale=scale_for(k + 1), size=es, n=es))

LATE2 = []
for mn in DOWN_BW_ROWS:
    k = add_down(mn, k, LATE2, 'BW')

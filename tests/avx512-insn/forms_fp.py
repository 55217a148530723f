"""Group 'fp': AVX512F floating point (step 8 of
docs/design-avx512-tcg.md, and the floating-point half of step 6:
VCMPPS/PD/SS/SD).

Packed (PS: binary32, PD: binary64 elements) VADD, VSUB, VMUL, VDIV,
VMIN, VMAX and VSQRT; their scalar twins (SS, SD: element 0 only, the
mask guards element 0, bits 127:32 or 127:64 from the first source);
VCMPPS/PD and VCMPSS/SD into an opmask with the 32 predicates of imm8;
the FMA family VFMADD/VFMSUB/VFNMADD/VFNMSUB 132/213/231 PS/PD/SS/SD and
VFMADDSUB/VFMSUBADD 132/213/231 PS/PD; VCOMISS/SD and VUCOMISS/SD (into
ZF, PF and CF); the conversions between element 0 and a GPR or memory
integer, VCVT[U]SI2SS/SD and VCVT[T]SS/SD2[U]SI (CVT_ROWS); the packed
conversions between dwords, binary32 and binary64 (signed and unsigned,
rounding and truncating) and VCVTSS2SD/VCVTSD2SS (PCVT_ROWS); VRNDSCALE,
VGETEXP, VGETMANT and VSCALEF PS/PD/SS/SD (SPECIAL_ROWS).  PCVT_DQ,
SPECIAL_DQ and FPCLASS (after all of the others): AVX512DQ's conversions
between packed FP and quadword integers (PCVT_DQ_ROWS), VRANGE and
VREDUCE PS/PD/SS/SD (SPECIAL_DQ_ROWS: the forms of late_row() plus a
register form per immediate of DQ_IMMS and a {sae} form) and VFPCLASS
PS/PD/SS/SD into an opmask (with and without a writemask; a register
form per immediate of FPCLASS_IMMS).  F16 (after
every other group's forms, see gen.py): VCVTPH2PS and VCVTPS2PH (F16_ROWS)
at each width, register and memory forms (VCVTPS2PH's memory form is a
store, masked per binary16 element), the masks in turn, one {sae} form,
and VCVTPS2PH's imm8 through each rounding control and MXCSR.RC.  FIXUP
(after F16): VFIXUPIMMPS/PD/SS/SD, whose third operand is a table of
4-bit responses (dwords; the low dword of each qword for PD), imm8 the
classes that signal; the packed rows at each width with a register, a
memory and a {1toN} table, the scalar rows with a register and a memory
one, the masks in turn, one {sae} form each.  RCP14 (after FIXUP):
VRCP14PS/PD/SS/SD and VRSQRT14PS/PD/SS/SD, whose results the SDM only
bounds (see model.py); the same shapes, without {sae}.

Packed rows at 128/256/512 bits with a register source, a memory source
and a {1toN} broadcast (tuple FV: disp8*N with N = VL, or the element
size with {1toN}), without a mask, merging ({%kN}) and zeroing
({%kN}{z}); the 132 orders of the FMA rows take the masks in turn.
Scalar rows with a register and a memory source (tuple T1S: N = the
element size), each mask.  Embedded rounding ({rn-sae}, {rd-sae},
{ru-sae}, {rz-sae}: EVEX.b on a register form, at 512 bits or scalar;
the rounding of that instruction only, exceptions suppressed) on
VADD/VSUB/VMUL/VDIV/VSQRT and the FMA rows, {sae} on VMIN/VMAX and the
compares.  The compares' register forms run all 32 predicates at every
width, each with and without a writemask (VCMPPS/PD: at alternate
widths), their memory, broadcast and {sae} forms take predicates in
turn; a k destination has no {z}.
{evex} keeps GNU as from choosing VEX where the row has a VEX form.  The
masked memory forms are often placed across a guard page (fault
suppression).  diff.c draws the vector and memory inputs of this group
from a palette per case of special values (NaNs quiet and signalling
with payloads, infinities, signed zeros, denormals, the extreme normals,
1.0 and its neighbours), random values of moderate exponent, their
negations, neighbours (one ulp away) and rounded products (cancellation
in the FMA rows), and MXCSR with a random rounding control, DAZ, FTZ and
sticky flags, every exception masked.
"""
import itertools

from forms_common import (Form, BCST, FAULTY, MASKED, STORE, WIDTHS,
                          disp_for, kreg, mask_suffix, scale_for, vregs)

FORMS = []
MASKS = ('', 'm', 'z')
ROUNDING = ('rn', 'rd', 'ru', 'rz')

# packed arithmetic: operation, number of sources, embedded rounding
# ('er') or only exception suppression ('sae')
ARITH = [('add', 2, 'er'), ('sub', 2, 'er'), ('mul', 2, 'er'),
         ('div', 2, 'er'), ('min', 2, 'sae'), ('max', 2, 'sae'),
         ('sqrt', 1, 'er')]
FMA = [f'{op}{order}' for op in ('fmadd', 'fmsub', 'fnmadd', 'fnmsub')
       for order in ('132', '213', '231')]
# alternately subtracting and adding (even elements first), packed only
FMA_ALT = [f'{op}{order}' for op in ('fmaddsub', 'fmsubadd')
           for order in ('132', '213', '231')]
# per mnemonic: element size, scalar, kind ('arith', 'cmp', 'fma', 'comi')
ROWS = {}
for _op, _n, _ in ARITH:
    for _t, _es in (('ps', 4), ('pd', 8), ('ss', 4), ('sd', 8)):
        ROWS[f'v{_op}{_t}'] = (_es, _t[0] == 's', 'arith')
for _t, _es in (('ps', 4), ('pd', 8), ('ss', 4), ('sd', 8)):
    ROWS[f'vcmp{_t}'] = (_es, _t[0] == 's', 'cmp')
    for _f in FMA:
        ROWS[f'v{_f}{_t}'] = (_es, _t[0] == 's', 'fma')
for _t, _es in (('ps', 4), ('pd', 8)):
    for _f in FMA_ALT:
        ROWS[f'v{_f}{_t}'] = (_es, False, 'fma')
for _t, _es in (('ss', 4), ('sd', 8)):
    for _u in ('', 'u'):
        ROWS[f'v{_u}comi{_t}'] = (_es, True, 'comi')
# the conversions between element 0 and an integer: float size, 'i2f' or
# 'f2i', unsigned, truncating (VCVTT*)
CVT_ROWS = {}
for _t, _es in (('ss', 4), ('sd', 8)):
    for _u in ('', 'u'):
        CVT_ROWS[f'vcvt{_u}si2{_t}'] = (_es, 'i2f', _u == 'u', False)
        for _tr in ('', 't'):
            CVT_ROWS[f'vcvt{_tr}{_t}2{_u}si'] = (_es, 'f2i', _u == 'u',
                                                 _tr == 't')
# the packed conversions (and VCVTSS2SD/SD2SS): source and destination
# element sizes, 'i2f', 'f2i' or 'f2f', unsigned, truncating, scalar, and
# the rounding forms ('er', 'sae' or '': exact)
PCVT_ROWS = {}
for _u in ('', 'u'):
    PCVT_ROWS[f'vcvt{_u}dq2ps'] = (4, 4, 'i2f', _u == 'u', False, False,
                                   'er')
    PCVT_ROWS[f'vcvt{_u}dq2pd'] = (4, 8, 'i2f', _u == 'u', False, False, '')
    for _tr in ('', 't'):
        PCVT_ROWS[f'vcvt{_tr}ps2{_u}dq'] = (4, 4, 'f2i', _u == 'u',
                                            _tr == 't', False,
                                            'sae' if _tr else 'er')
        PCVT_ROWS[f'vcvt{_tr}pd2{_u}dq'] = (8, 4, 'f2i', _u == 'u',
                                            _tr == 't', False,
                                            'sae' if _tr else 'er')
PCVT_ROWS['vcvtps2pd'] = (4, 8, 'f2f', False, False, False, 'sae')
PCVT_ROWS['vcvtpd2ps'] = (8, 4, 'f2f', False, False, False, 'er')
PCVT_ROWS['vcvtss2sd'] = (4, 8, 'f2f', False, False, True, 'sae')
PCVT_ROWS['vcvtsd2ss'] = (8, 4, 'f2f', False, False, True, 'er')
# AVX512DQ's, with quadword integers (LATE2)
PCVT_DQ_ROWS = {}
for _u in ('', 'u'):
    PCVT_DQ_ROWS[f'vcvt{_u}qq2pd'] = (8, 8, 'i2f', _u == 'u', False, False,
                                      'er')
    PCVT_DQ_ROWS[f'vcvt{_u}qq2ps'] = (8, 4, 'i2f', _u == 'u', False, False,
                                      'er')
    for _tr in ('', 't'):
        for _t, _es in (('pd', 8), ('ps', 4)):
            PCVT_DQ_ROWS[f'vcvt{_tr}{_t}2{_u}qq'] = (
                _es, 8, 'f2i', _u == 'u', _tr == 't', False,
                'sae' if _tr else 'er')
ALL_PCVT_ROWS = {**PCVT_ROWS, **PCVT_DQ_ROWS}
# VRNDSCALE, VGETMANT (imm8), VGETEXP (unary), VSCALEF: element size,
# scalar,
# operation, rounding forms ('er' or 'sae')
SPECIAL_ROWS = {}
for _t, _es in (('ps', 4), ('pd', 8), ('ss', 4), ('sd', 8)):
    for _op, _r in (('rndscale', 'sae'), ('getexp', 'sae'), ('scalef', 'er'),
                    ('getmant', 'sae')):
        SPECIAL_ROWS[f'v{_op}{_t}'] = (_es, _t[0] == 's', _op, _r)
MNEMONICS = (frozenset(ROWS) | frozenset(CVT_ROWS) |
             frozenset(ALL_PCVT_ROWS) |
             frozenset(SPECIAL_ROWS))


def add(name, asm, mask, out=None, **kw):
    kw['flags'] = kw.get('flags', 0) | (MASKED | FAULTY if mask else 0)
    (FORMS if out is None else out).append(Form(name, 'fp', asm, **kw))


def feature(vl, feat0='F'):
    return feat0 + ('+VL' if vl < 64 else '')


def packed(mn, es, nsrc, k):
    """The register, memory and {1toN} forms of a packed row at each
    width and mask; returns the next form number."""
    for w, vl in WIDTHS:
        for mask in MASKS:
            d, s, t = vregs(k)
            if k % 7 == 6:
                t = s           # the same register: x - x, x / x, ...
            dst = f'%{w}mm{d}{mask_suffix(mask, k)}'
            # AT&T: [second source (r/m),] [first source (vvvv),] dest
            mid = f', %{w}mm{t}' if nsrc == 2 else ''
            add(f'{mn}_{w}_rr{mask}', f'{{evex}} {mn} %{w}mm{s}{mid}, {dst}',
                mask, feature=feature(vl), esize=es)
            for src, n, kk in (('rm', vl, k), ('bc', es, k + 1)):
                bc = f'{{1to{vl // es}}}' if src == 'bc' else ''
                add(f'{mn}_{w}_{src}{mask}',
                    f'{{evex}} {mn} {{M}}{bc}{mid}, {dst}', mask,
                    feature=feature(vl), flags=BCST if bc else 0,
                    disp=disp_for(kk, n), scale=scale_for(kk), size=n,
                    esize=es, n=n)
            k += 1
    return k


def packed_in_turn(mn, es, nsrc, k):
    """A packed row's nine width/source combinations with the three
    masks in turn (the FMA 132 orders)."""
    j = 0
    for w, vl in WIDTHS:
        for src in ('rr', 'rm', 'bc'):
            mask = MASKS[j % 3]
            j += 1
            d, s, t = vregs(k)
            dst = f'%{w}mm{d}{mask_suffix(mask, k)}'
            mid = f', %{w}mm{t}' if nsrc == 2 else ''
            bc = f'{{1to{vl // es}}}' if src == 'bc' else ''
            if src == 'rr':
                add(f'{mn}_{w}_rr{mask}',
                    f'{{evex}} {mn} %{w}mm{s}{mid}, {dst}', mask,
                    feature=feature(vl), esize=es)
            else:
                n = es if bc else vl
                add(f'{mn}_{w}_{src}{mask}',
                    f'{{evex}} {mn} {{M}}{bc}{mid}, {dst}', mask,
                    feature=feature(vl), flags=BCST if bc else 0,
                    disp=disp_for(k, n), scale=scale_for(k), size=n,
                    esize=es, n=n)
            k += 1
    return k


def scalar(mn, es, k, masks=MASKS):
    """The register and memory forms of a scalar row (T1S: N = es)."""
    for mask in masks:
        d, s, t = vregs(k)
        if k % 7 == 6:
            t = s
        dst = f'%xmm{d}{mask_suffix(mask, k)}'
        add(f'{mn}_rr{mask}', f'{{evex}} {mn} %xmm{s}, %xmm{t}, {dst}',
            mask, esize=es)
        add(f'{mn}_rm{mask}', f'{{evex}} {mn} {{M}}, %xmm{t}, {dst}', mask,
            disp=disp_for(k, es), scale=scale_for(k), size=es, esize=es,
            n=es)
        k += 1
    return k


def add_rounding(mn, es, k, rc, sw, dw, mw=None, imm='', out=None,
                 feat0='F'):
    """Form number k: the register form with embedded rounding rc ('rn',
    ... or 'sae'), source, destination and (mw) first-source widths
    'x', 'y' or 'z', the mask MASKS[k % 3]."""
    mask = MASKS[k % 3]
    d, s, t = vregs(k)
    mid = f', %{mw}mm{t}' if mw else ''
    rop = '{sae}' if rc == 'sae' else f'{{{rc}-sae}}'
    add(f'{mn}_{"" if rc == "sae" else "e"}{rc}{mask}',
        f'{mn} {imm}{rop}, %{sw}mm{s}{mid}, %{dw}mm{d}{mask_suffix(mask, k)}',
        mask, out, feature=feature(64, feat0), esize=es)


def rounding(mn, es, nsrc, k, rcs, width):
    """Embedded rounding or {sae} register forms at width ('z' or 'x' for
    the scalar rows), the masks in turn."""
    for rc in rcs:
        add_rounding(mn, es, k, rc, width, width, width if nsrc == 2 else None)
        k += 1
    return k


k = 0
# VADD ... VSQRT, packed and scalar, with their rounding forms
for op, nsrc, er in ARITH:
    rcs = ROUNDING if er == 'er' else ('sae',)
    for t, es in (('ps', 4), ('pd', 8)):
        k = packed(f'v{op}{t}', es, nsrc, k)
        k = rounding(f'v{op}{t}', es, nsrc, k, rcs, 'z')
    for t, es in (('ss', 4), ('sd', 8)):
        # VSQRTSS/SD have two sources: the low element of the second is
        # rooted, bits 127:32 (127:64) come from the first
        k = scalar(f'v{op}{t}', es, k)
        k = rounding(f'v{op}{t}', es, 2, k, rcs, 'x')


def kdest(k, mask):
    """The destination mask register of compare form number k: k0-k7,
    and the writemask register itself in a quarter of the masked forms."""
    if mask and k % 4 == 3:
        return kreg(k)
    return (5 * k + 2) % 8


# VCMPPS/PD, VCMPSS/SD into k: all 32 predicates on registers, each with
# and without a writemask (the packed rows: at alternate widths)
for t, es in (('ps', 4), ('pd', 8), ('ss', 4), ('sd', 8)):
    mn = f'vcmp{t}'
    widths = WIDTHS if t[0] == 'p' else [('x', 16)]
    pred = 5 * es                   # the other forms' predicates, in turn
    for wi, (w, vl) in enumerate(widths):
        for imm in range(32):
            for mask in ('', 'm') if t[0] == 's' else \
                    (('', 'm')[(imm + wi) % 2],):
                _, s, t2 = vregs(k)
                if k % 6 == 5:
                    t2 = s          # equal elements
                dst = f'%k{kdest(k, mask)}{mask_suffix(mask, k)}'
                add(f'{mn}_{w}_rr{mask}_{imm}' if t[0] == 'p'
                    else f'{mn}_rr{mask}_{imm}',
                    f'{mn} ${imm}, %{w}mm{s}, %{w}mm{t2}, {dst}', mask,
                    feature=feature(vl) if t[0] == 'p' else 'F', esize=es)
                k += 1
        for mask in ('', 'm'):
            _, s, t2 = vregs(k)
            dst = f'%k{kdest(k, mask)}{mask_suffix(mask, k)}'
            srcs = ('rm', 'bc') if t[0] == 'p' else ('rm',)
            for src in srcs:
                bc = f'{{1to{vl // es}}}' if src == 'bc' else ''
                n = es if bc or t[0] == 's' else vl
                imm = pred % 32
                pred += 7
                kk = k + (src == 'bc')
                add(f'{mn}_{w}_{src}{mask}_{imm}' if t[0] == 'p'
                    else f'{mn}_{src}{mask}_{imm}',
                    f'{mn} ${imm}, {{M}}{bc}, %{w}mm{t2}, {dst}', mask,
                    feature=feature(vl) if t[0] == 'p' else 'F',
                    flags=BCST if bc else 0, disp=disp_for(kk, n),
                    scale=scale_for(kk), size=n, esize=es, n=n)
            k += 1
    # {sae}: quiet and signalling predicates, at 512 bits or scalar
    w = 'z' if t[0] == 'p' else 'x'
    for imm in (0, 1, 3, 4, 13, 17, 19, 24, 30, 31):
        mask = ('', 'm')[imm % 2]
        _, s, t2 = vregs(k)
        dst = f'%k{kdest(k, mask)}{mask_suffix(mask, k)}'
        add(f'{mn}_sae{mask}_{imm}',
            f'{mn} ${imm}, {{sae}}, %{w}mm{s}, %{w}mm{t2}, {dst}', mask,
            feature='F', esize=es)
        k += 1

# The FMA rows: the 213 and 231 orders with every mask, the 132 orders
# with the masks in turn; scalar likewise; one rounding form each
for f in FMA:
    for t, es in (('ps', 4), ('pd', 8)):
        mn = f'v{f}{t}'
        k = packed(mn, es, 2, k) if not f.endswith('132') else \
            packed_in_turn(mn, es, 2, k)
        k = rounding(mn, es, 2, k, (ROUNDING[k % 4],), 'z')
    for t, es in (('ss', 4), ('sd', 8)):
        mn = f'v{f}{t}'
        if f.endswith('132'):
            for src in ('rr', 'rm'):
                mask = MASKS[k % 3]
                d, s, t2 = vregs(k)
                dst = f'%xmm{d}{mask_suffix(mask, k)}'
                if src == 'rr':
                    add(f'{mn}_rr{mask}',
                        f'{{evex}} {mn} %xmm{s}, %xmm{t2}, {dst}', mask,
                        esize=es)
                else:
                    add(f'{mn}_rm{mask}',
                        f'{{evex}} {mn} {{M}}, %xmm{t2}, {dst}', mask,
                        disp=disp_for(k, es), scale=scale_for(k), size=es,
                        esize=es, n=es)
                k += 1
        else:
            k = scalar(mn, es, k)
        k = rounding(mn, es, 2, k, (ROUNDING[(k + 1) % 4],), 'x')

# VFMADDSUB/VFMSUBADD (added after the rows above, which keep their form
# numbers): the masks in turn, one rounding form each
for f in FMA_ALT:
    for t, es in (('ps', 4), ('pd', 8)):
        mn = f'v{f}{t}'
        k = packed_in_turn(mn, es, 2, k)
        k = rounding(mn, es, 2, k, (ROUNDING[k % 4],), 'z')

# V[U]COMISS/SD: SRC1 against SRC2 (a register or T1S memory), {sae}
for u in ('', 'u'):
    for t, es in (('ss', 4), ('sd', 8)):
        mn = f'v{u}comi{t}'
        _, s, t2 = vregs(k)
        add(f'{mn}_rr', f'{{evex}} {mn} %xmm{s}, %xmm{t2}', '', esize=es)
        add(f'{mn}_rm', f'{{evex}} {mn} {{M}}, %xmm{t2}', '',
            disp=disp_for(k, es), scale=scale_for(k), size=es, esize=es,
            n=es)
        add(f'{mn}_sae', f'{mn} {{sae}}, %xmm{s}, %xmm{t2}', '', esize=es)
        k += 1

# The conversions with a GPR: from or to a 32-bit ({A_d}) and a 64-bit
# ({A}) GPR, the register and the memory form (VCVT[U]SI2Sx: T1S, N = the
# integer's size; VCVT[T]Sx2[U]SI: T1F, N = the float's), and one {er}
# (VCVTT*: {sae}) register form of each
for mn, (es, way, _, trunc) in CVT_ROWS.items():
    for gpr, isz in (('{A_d}', 4), ('{A}', 8)):
        d, s, t2 = vregs(k)
        w = f'{mn}_{isz * 8}'
        if way == 'i2f':
            sfx = 'l' if isz == 4 else 'q'
            add(f'{w}_rr', f'{{evex}} {mn} {gpr}, %xmm{t2}, %xmm{d}', '',
                esize=es, gprs='A')
            add(f'{w}_rm', f'{{evex}} {mn}{sfx} {{M}}, %xmm{t2}, %xmm{d}', '',
                disp=disp_for(k, isz), scale=scale_for(k), size=isz,
                esize=isz, n=isz)
            if isz == 8 or es == 4:     # the others are exact: no {er}
                rc = ROUNDING[k % 4]
                add(f'{w}_e{rc}',
                    f'{mn} {gpr}, {{{rc}-sae}}, %xmm{t2}, %xmm{d}', '',
                    esize=es, gprs='A')
        else:
            add(f'{w}_rr', f'{{evex}} {mn} %xmm{s}, {gpr}', '', esize=es,
                gprs='A')
            add(f'{w}_rm', f'{{evex}} {mn} {{M}}, {gpr}', '',
                disp=disp_for(k, es), scale=scale_for(k), size=es, esize=es,
                n=es, gprs='A')
            rc = 'sae' if trunc else ROUNDING[k % 4]
            add(f'{w}_{"" if trunc else "e"}{rc}',
                f'{mn} {{{rc}-sae}}, %xmm{s}, {gpr}' if not trunc else
                f'{mn} {{sae}}, %xmm{s}, {gpr}', '', esize=es, gprs='A')
        k += 1

# The packed conversions: each width with a register, a memory and a
# {1toN} source, the masks in turn, and a rounding or {sae} form at 512
# bits; a narrowing one's memory forms name their width (x, y), its
# destination is half as wide.  VCVTSS2SD/SD2SS: register and memory
# forms with each mask and one rounding form.
HALF = {'x': 'x', 'y': 'x', 'z': 'y'}


def pcvt_forms(mn, row, k, out=None, feat0='F'):
    """The forms of a row of PCVT_ROWS (or PCVT_DQ_ROWS); returns the next
    form number."""
    ses, des, way, _, _, scalar, rnd = row
    if scalar:
        for mask in MASKS:
            d, s, t2 = vregs(k)
            dst = f'%xmm{d}{mask_suffix(mask, k)}'
            add(f'{mn}_rr{mask}', f'{{evex}} {mn} %xmm{s}, %xmm{t2}, {dst}',
                mask, out, esize=ses)
            add(f'{mn}_rm{mask}', f'{{evex}} {mn} {{M}}, %xmm{t2}, {dst}',
                mask, out, disp=disp_for(k, ses), scale=scale_for(k),
                size=ses, esize=ses, n=ses)
            k += 1
        add_rounding(mn, ses, k, 'sae' if rnd == 'sae' else ROUNDING[k % 4],
                     'x', 'x', 'x', out=out, feat0=feat0)
        return k + 1
    j = 0
    for w, vl in WIDTHS:
        sw = HALF[w] if des > ses else w
        dw = HALF[w] if des < ses else w
        n = vl // max(ses, des)
        for src in ('rr', 'rm', 'bc'):
            mask = MASKS[j % 3]
            j += 1
            d, s, _ = vregs(k)
            dst = f'%{dw}mm{d}{mask_suffix(mask, k)}'
            if src == 'rr':
                add(f'{mn}_{w}_rr{mask}', f'{{evex}} {mn} %{sw}mm{s}, {dst}',
                    mask, out, feature=feature(vl, feat0), esize=ses)
            else:
                size = ses if src == 'bc' else n * ses
                sfx = w if des < ses and w != 'z' and src == 'rm' else ''
                bc = f'{{1to{n}}}' if src == 'bc' else ''
                add(f'{mn}_{w}_{src}{mask}',
                    f'{{evex}} {mn}{sfx} {{M}}{bc}, {dst}', mask, out,
                    feature=feature(vl, feat0), flags=BCST if bc else 0,
                    disp=disp_for(k, size), scale=scale_for(k), size=size,
                    esize=ses, n=size)
            k += 1
    if rnd:
        add_rounding(mn, ses, k, 'sae' if rnd == 'sae' else ROUNDING[k % 4],
                     HALF['z'] if des > ses else 'z',
                     HALF['z'] if des < ses else 'z', out=out, feat0=feat0)
        k += 1
    return k


for mn, row in PCVT_ROWS.items():
    k = pcvt_forms(mn, row, k)

# VRNDSCALE, VGETEXP, VSCALEF: packed at each width with a register, a
# memory and a {1toN} source, the masks in turn, one {sae}/{er} form at
# 512 bits; scalar with a register and a memory source and each mask, one
# {sae}/{er} form.  VRNDSCALE's imm8 goes through scales 0-15, each
# rounding control, MXCSR.RC (imm8[2]) and inexact suppression (imm8[3]).
# (per row in form order: the register forms take the first of each
# three, so that they cover imm8[2] and imm8[3] too)
RNDSCALE_IMMS = (0x04, 0x2a, 0x4c, 0x13, 0x79, 0x95, 0x5e, 0x00, 0xf3, 0x1c,
                 0x01, 0xe0, 0x02, 0xb1, 0x6b, 0x03, 0x08, 0x95)
# VGETMANT's imm8: interval (imm8[1:0]) and sign control (imm8[3:2])
GETMANT_IMMS = (0x0c, 0x01, 0x02, 0x03, 0x04, 0x08, 0x09, 0x0e, 0x07, 0x0b,
                0x05, 0x0a, 0x0f, 0x06, 0x0d, 0x00, 0xf1, 0x38)
for mn, (es, is_scalar, op, rnd) in SPECIAL_ROWS.items():
    j = 0
    used = []

    def imm():
        used.append(0)
        imms = {'rndscale': RNDSCALE_IMMS, 'getmant': GETMANT_IMMS}
        return f'${imms[op][(len(used) - 1) % len(imms[op])]}, ' \
            if op in imms else ''
    unary = op in ('rndscale', 'getexp', 'getmant') and not is_scalar
    if is_scalar:
        for mask in MASKS:
            d, s, t2 = vregs(k)
            dst = f'%xmm{d}{mask_suffix(mask, k)}'
            add(f'{mn}_rr{mask}',
                f'{{evex}} {mn} {imm()}%xmm{s}, %xmm{t2}, {dst}', mask,
                esize=es)
            add(f'{mn}_rm{mask}', f'{{evex}} {mn} {imm()}{{M}}, %xmm{t2}, '
                f'{dst}', mask, disp=disp_for(k, es), scale=scale_for(k),
                size=es, esize=es, n=es)
            k += 1
    else:
        for w, vl in WIDTHS:
            for src in ('rr', 'rm', 'bc'):
                mask = MASKS[j % 3]
                j += 1
                d, s, t2 = vregs(k)
                dst = f'%{w}mm{d}{mask_suffix(mask, k)}'
                mid = '' if unary else f', %{w}mm{t2}'
                if src == 'rr':
                    add(f'{mn}_{w}_rr{mask}',
                        f'{{evex}} {mn} {imm()}%{w}mm{s}{mid}, {dst}', mask,
                        feature=feature(vl), esize=es)
                else:
                    bc = f'{{1to{vl // es}}}' if src == 'bc' else ''
                    n = es if bc else vl
                    add(f'{mn}_{w}_{src}{mask}',
                        f'{{evex}} {mn} {imm()}{{M}}{bc}{mid}, {dst}', mask,
                        feature=feature(vl), flags=BCST if bc else 0,
                        disp=disp_for(k, n), scale=scale_for(k), size=n,
                        esize=es, n=n)
                k += 1
    w = 'x' if is_scalar else 'z'
    add_rounding(mn, es, k, 'sae' if rnd == 'sae' else ROUNDING[k % 4], w, w,
                 None if unary else w, imm())
    k += 1

# VCVTPH2PS, VCVTPS2PH: source and destination element sizes.  The
# binary32 side takes the palette (esize 4 also where the memory operand
# has binary16 elements: VCVTPS2PH's store; VCVTPH2PS's memory forms get
# the binary16 elements of diff.c's binary64 palette, esize 2)
F16_ROWS = {'vcvtph2ps': (2, 4), 'vcvtps2ph': (4, 2)}
F16_IMMS = (4, 0, 1, 2, 3, 8, 0xfd, 0x0e, 5)
F16 = []
_i = 0
for mn, (ses, des) in F16_ROWS.items():
    for w, vl in WIDTHS:
        half = vl // 2
        for j, mask in enumerate(MASKS):
            d, s, _ = vregs(k)
            ms = mask_suffix(mask, k)
            if mn == 'vcvtph2ps':
                add(f'{mn}_{w}_rr{mask}',
                    f'{{evex}} {mn} %{HALF[w]}mm{s}, %{w}mm{d}{ms}', mask,
                    F16, feature=feature(vl), esize=4)
                add(f'{mn}_{w}_rm{mask}',
                    f'{{evex}} {mn} {{M}}, %{w}mm{d}{ms}', mask, F16,
                    feature=feature(vl), disp=disp_for(k, half),
                    scale=scale_for(k), size=half, esize=2, n=half)
            else:
                imm = F16_IMMS[_i % len(F16_IMMS)]
                _i += 1
                add(f'{mn}_{w}_rr{mask}',
                    f'{{evex}} {mn} ${imm}, %{w}mm{s}, %{HALF[w]}mm{d}{ms}',
                    mask, F16, feature=feature(vl), esize=4)
                if mask != 'z':
                    imm = F16_IMMS[_i % len(F16_IMMS)]
                    _i += 1
                    add(f'{mn}_{w}_st{mask}',
                        f'{{evex}} {mn} ${imm}, %{w}mm{s}, {{M}}{ms}', mask,
                        F16, feature=feature(vl), flags=STORE,
                        disp=disp_for(k, half), scale=scale_for(k),
                        size=half, esize=4, n=half)
            k += 1
    d, s, _ = vregs(k)
    mask = MASKS[k % 3]
    ms = mask_suffix(mask, k)
    if mn == 'vcvtph2ps':
        add(f'{mn}_sae{mask}', f'{mn} {{sae}}, %ymm{s}, %zmm{d}{ms}',
            mask, F16, esize=4)
    else:
        add(f'{mn}_sae{mask}',
            f'{mn} $1, {{sae}}, %zmm{s}, %ymm{d}{ms}', mask, F16,
            esize=4)
    k += 1

# VFIXUPIMM: element size, scalar; imm8 in turn: none, each class's
# signal alone, all, and mixtures
FIXUP_ROWS = {'vfixupimmps': (4, False), 'vfixupimmpd': (8, False),
              'vfixupimmss': (4, True), 'vfixupimmsd': (8, True)}
FIXUP_IMMS = (0x00, 0xff, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80,
              0x5a, 0xa5, 0x33, 0xcc, 0x96)
FIXUP = []


def late_row(mn, es, is_scalar, out, k, imm=lambda: '', mid=None,
             feat0='F'):
    """The forms of a row added late (FIXUP, RCP14): packed at each width
    with a register, a memory and a {1toN} source, the masks in turn;
    scalar with a register and a memory source and each mask.  imm: the
    next imm8 operand text; mid(w, t): the first source's text.  Returns
    the next form number."""
    j = 0
    for w, vl in ([('x', 16)] if is_scalar else WIDTHS):
        for src in ('rr', 'rm') if is_scalar else ('rr', 'rm', 'bc'):
            for mask in MASKS if is_scalar else (MASKS[(j + j // 3) % 3],):
                j += 1
                ims = imm()
                d, s, t2 = vregs(k)
                dst = f'%{w}mm{d}{mask_suffix(mask, k)}'
                feat = feat0 if is_scalar else feature(vl, feat0)
                mtext = mid(w, t2) if mid else ''
                if src == 'rr':
                    add(f'{mn}_{w}_rr{mask}',
                        f'{{evex}} {mn} {ims}%{w}mm{s}{mtext}, {dst}', mask,
                        out, feature=feat, esize=es)
                else:
                    bc = f'{{1to{vl // es}}}' if src == 'bc' else ''
                    n = es if bc or is_scalar else vl
                    add(f'{mn}_{w}_{src}{mask}',
                        f'{{evex}} {mn} {ims}{{M}}{bc}{mtext}, {dst}', mask,
                        out, feature=feat, flags=BCST if bc else 0,
                        disp=disp_for(k, n), scale=scale_for(k), size=n,
                        esize=es, n=n)
                k += 1
    return k


_imms = itertools.cycle(FIXUP_IMMS)
for mn, (es, is_scalar) in FIXUP_ROWS.items():
    k = late_row(mn, es, is_scalar, FIXUP, k, lambda: f'${next(_imms)}, ',
                 lambda w, t: f', %{w}mm{t}')
    w = 'x' if is_scalar else 'z'
    mask = MASKS[k % 3]
    d, s, t2 = vregs(k)
    add(f'{mn}_sae{mask}',
        f'{mn} ${FIXUP_IMMS[k % len(FIXUP_IMMS)]}, {{sae}}, %{w}mm{s}, '
        f'%{w}mm{t2}, %{w}mm{d}{mask_suffix(mask, k)}', mask, FIXUP,
        feature='F', esize=es)
    k += 1

# VRCP14, VRSQRT14: element size, scalar
RCP14_ROWS = {f'v{op}{t}': (es, t[0] == 's') for op in ('rcp14', 'rsqrt14')
              for t, es in (('ps', 4), ('pd', 8), ('ss', 4), ('sd', 8))}
RCP14 = []
for mn, (es, is_scalar) in RCP14_ROWS.items():
    # the scalar rows have a first source (bits 127:32 or 127:64)
    k = late_row(mn, es, is_scalar, RCP14, k,
                 mid=(lambda w, t: f', %xmm{t}') if is_scalar else None)

# LATE2: AVX512DQ's conversions between packed FP and quadword integers
PCVT_DQ = []
for mn, row in PCVT_DQ_ROWS.items():
    k = pcvt_forms(mn, row, k, PCVT_DQ, 'DQ')

# DQ: AVX512DQ's VRANGE (imm8[1:0]: min, max, min or max magnitude;
# imm8[3:2]: the sign) and VREDUCE (imm8 as VRNDSCALE's), packed and
# scalar, with {sae}; VFPCLASS into an opmask (imm8: a class per bit)
SPECIAL_DQ_ROWS = {}
for _t, _es in (('ps', 4), ('pd', 8), ('ss', 4), ('sd', 8)):
    for _op in ('range', 'reduce'):
        SPECIAL_DQ_ROWS[f'v{_op}{_t}'] = (_es, _t[0] == 's', _op, 'sae')
ALL_SPECIAL_ROWS = {**SPECIAL_ROWS, **SPECIAL_DQ_ROWS}
FPCLASS_ROWS = {'vfpclassps': (4, False), 'vfpclasspd': (8, False),
                'vfpclassss': (4, True), 'vfpclasssd': (8, True)}
# every VRANGE control, some with the ignored bits set; VREDUCE: M from 0
# to 15, each rounding, MXCSR.RC (imm8[2]) and no PE (imm8[3])
DQ_IMMS = {'range': list(range(16)) + [0xf0, 0x5a, 0xa7],
           'reduce': [0x00, 0x01, 0x02, 0x03, 0x04, 0x08, 0x10, 0x23, 0x31,
                      0x4c, 0x52, 0x7b, 0x80, 0x96, 0xc1, 0xf0, 0xff, 0x35]}
FPCLASS_IMMS = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff, 0x00,
                0x81, 0x66, 0x18, 0x22, 0x5a, 0xa5]
SPECIAL_DQ = []
for mn, (es, is_scalar, op, _) in SPECIAL_DQ_ROWS.items():
    _imms = itertools.cycle(DQ_IMMS[op])
    two = op == 'range' or is_scalar
    k = late_row(mn, es, is_scalar, SPECIAL_DQ, k,
                 lambda: f'${next(_imms)}, ',
                 (lambda w, t: f', %{w}mm{t}') if two else None, 'DQ')
    w = 'x' if is_scalar else 'z'
    for imm in DQ_IMMS[op]:
        mask = MASKS[k % 3]
        d, s, t2 = vregs(k)
        if k % 5 == 4:
            t2 = s          # the same source twice
        mid = f', %{w}mm{t2}' if two else ''
        add(f'{mn}_i{imm:02x}', f'{{evex}} {mn} ${imm}, %{w}mm{s}{mid}, '
            f'%{w}mm{d}{mask_suffix(mask, k)}', mask, SPECIAL_DQ,
            feature='DQ', esize=es)
        k += 1
    mask = MASKS[k % 3]
    d, s, t2 = vregs(k)
    mid = f', %{w}mm{t2}' if two else ''
    add(f'{mn}_sae{mask}', f'{mn} ${DQ_IMMS[op][k % 7]}, {{sae}}, '
        f'%{w}mm{s}{mid}, %{w}mm{d}{mask_suffix(mask, k)}', mask,
        SPECIAL_DQ, feature='DQ', esize=es)
    k += 1
FPCLASS = []
for mn, (es, is_scalar) in FPCLASS_ROWS.items():
    _imms = itertools.cycle(FPCLASS_IMMS)
    for w, vl in ([('x', 16)] if is_scalar else WIDTHS):
        feat = 'DQ' if is_scalar else feature(vl, 'DQ')
        for mask in ('', 'm'):
            _, s, _ = vregs(k)
            dst = f'%k{kdest(k, mask)}{mask_suffix(mask, k)}'
            add(f'{mn}_{w}_rr{mask}', f'{mn} ${next(_imms)}, %{w}mm{s}, {dst}',
                mask, FPCLASS, feature=feat, esize=es)
            n = es if is_scalar else vl
            sfx = '' if is_scalar else w
            add(f'{mn}_{w}_rm{mask}',
                f'{mn}{sfx} ${next(_imms)}, {{M}}, {dst}', mask, FPCLASS,
                feature=feat, disp=disp_for(k, n), scale=scale_for(k),
                size=n, esize=es, n=n)
            if not is_scalar:
                add(f'{mn}_{w}_bc{mask}',
                    f'{mn} ${next(_imms)}, {{M}}{{1to{vl // es}}}, {dst}',
                    mask, FPCLASS, feature=feat, flags=BCST,
                    disp=disp_for(k + 1, es), scale=scale_for(k + 1),
                    size=es, esize=es, n=es)
            k += 1
    # every imm8 bit alone, all, none, at the widest register form
    w = 'x' if is_scalar else 'z'
    for imm in FPCLASS_IMMS:
        mask = ('', 'm')[imm % 2]
        _, s, _ = vregs(k)
        add(f'{mn}_i{imm:02x}',
            f'{mn} ${imm}, %{w}mm{s}, %k{kdest(k, mask)}'
            f'{mask_suffix(mask, k)}', mask, FPCLASS,
            feature='DQ', esize=es)
        k += 1

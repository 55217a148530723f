"""Group 'masked': masking, broadcast and fault suppression (step 4 of
docs/design-avx512-tcg.md).

VBLENDMPS/PD and VPBLENDMD/Q (register, memory and {1toN} sources),
VPBROADCASTD/Q from an xmm register, memory and a GPR, VBROADCASTSS/SD,
VBROADCASTF32X4/I32X4 (T4, N=16) and F64X4/I64X4 (T4, N=32), VPADDD/Q with
{1toN}, each without a mask, merging and zeroing; and masked loads and
stores whose memory operand diff.c often places across the edge of the
scratch buffer or entirely inside a PROT_NONE guard page: a masked-off
element must not fault (memory fault suppression), an active one must.
LATE: AVX512BW's VPBROADCASTB/W; LATE2: VPBLENDMB/W (register and memory
sources, tuple FVM, no broadcast).
DQ: AVX512DQ's VBROADCASTF32X2/I32X2 (xmm or m64), F64X2/I64X2 (m128) and
F32X8/I32X8 (m256).
"""
from forms_common import (Form, BCST, FAULTY, MASKED, MISALIGN, STORE,
                          WIDTHS, disp_for, mask_suffix, scale_for, vregs)

FORMS = []
MASKS = ('', 'm', 'z')


def add(name, asm, mask='', out=None, **kw):
    kw['flags'] = kw.get('flags', 0) | (MASKED | FAULTY if mask else 0)
    (FORMS if out is None else out).append(Form(name, 'masked', asm, **kw))


def vl_feature(feat, vl):
    return feat + ('+VL' if vl < 64 else '')


k = 0
def add_fv(mn, es, k, out=None, feat0='F', bcst=True):
    """A two-source row at each width and mask, with a register, a memory
    and (bcst) a {1toN} source; returns the next form number."""
    for w, vl in WIDTHS:
        for mask in MASKS:
            d, s, t = vregs(k)
            ms = mask_suffix(mask, k)
            feat = vl_feature(feat0, vl)
            add(f'{mn}_{w}_rr{mask}',
                f'{mn} %{w}mm{s}, %{w}mm{t}, %{w}mm{d}{ms}', mask, out,
                feature=feat)
            add(f'{mn}_{w}_rm{mask}',
                f'{mn} {{M}}, %{w}mm{t}, %{w}mm{d}{ms}', mask, out,
                feature=feat, disp=disp_for(k, vl), scale=scale_for(k),
                size=vl, esize=es, n=vl)
            if bcst:
                add(f'{mn}_{w}_bc{mask}',
                    f'{mn} {{M}}{{1to{vl // es}}}, %{w}mm{t}, %{w}mm{d}{ms}',
                    mask, out, feature=feat, flags=BCST,
                    disp=disp_for(k + 1, es), scale=scale_for(k + 1),
                    size=es, n=es)
            k += 1
    return k


# Blends and VPADDD/Q: FV tuple, N = VL, or the element size with {1toN}
for mn, es in (('vblendmps', 4), ('vblendmpd', 8), ('vpblendmd', 4),
               ('vpblendmq', 8), ('vpaddd', 4), ('vpaddq', 8)):
    k = add_fv(mn, es, k)

# Broadcasts of one element (T1S) or of 16/32 bytes (T4)
for w, vl in WIDTHS:
    for mask in MASKS:
        d, s, _ = vregs(k)
        ms = mask_suffix(mask, k)
        feat = vl_feature('F', vl)
        for mn, es in (('vpbroadcastd', 4), ('vpbroadcastq', 8)):
            gpr = '{A_d}' if es == 4 else '{A}'
            add(f'{mn}_{w}_x{mask}', f'{mn} %xmm{s}, %{w}mm{d}{ms}', mask,
                feature=feat)
            add(f'{mn}_{w}_m{mask}', f'{mn} {{M}}, %{w}mm{d}{ms}', mask,
                feature=feat, disp=disp_for(k + es, es),
                scale=scale_for(k + es), size=es, n=es)
            add(f'{mn}_{w}_r{mask}', f'{mn} {gpr}, %{w}mm{d}{ms}', mask,
                feature=feat, gprs='A')
        for mn, es in (('vbroadcastss', 4), ('vbroadcastsd', 8)):
            if mn == 'vbroadcastsd' and vl == 16:
                continue            # no 128-bit VBROADCASTSD
            add(f'{mn}_{w}_x{mask}', f'{mn} %xmm{s}, %{w}mm{d}{ms}', mask,
                feature=feat)
            add(f'{mn}_{w}_m{mask}', f'{mn} {{M}}, %{w}mm{d}{ms}', mask,
                feature=feat, disp=disp_for(k + 2 + es, es),
                scale=scale_for(k + 3), size=es, n=es)
        for mn, es, size in (('vbroadcastf32x4', 4, 16),
                             ('vbroadcasti32x4', 4, 16),
                             ('vbroadcastf64x4', 8, 32),
                             ('vbroadcasti64x4', 8, 32)):
            if vl <= size:
                continue            # 32x4: 256 and 512 bits; 64x4: 512
            add(f'{mn}_{w}{mask}', f'{mn} {{M}}, %{w}mm{d}{ms}', mask,
                feature=feat, disp=disp_for(k + size, size),
                scale=scale_for(k + 1), size=size, esize=es, n=size)
        k += 1

# Masked loads and stores, placed across guard pages (fault suppression)
for mn, es, aligned in (('vmovdqu8', 1, 0), ('vmovdqu16', 2, 0),
                        ('vmovdqu32', 4, 0), ('vmovdqu64', 8, 0),
                        ('vmovups', 4, 0), ('vmovupd', 8, 0),
                        ('vmovaps', 4, 1), ('vmovapd', 8, 1),
                        ('vmovdqa32', 4, 1), ('vmovdqa64', 8, 1)):
    feat = 'BW' if es < 4 else 'F'
    for w, vl in WIDTHS:
        d, s, _ = vregs(k)
        mem = dict(scale=scale_for(k), size=vl, esize=es, n=vl,
                   align=vl if aligned else 1)
        extra = MISALIGN if aligned else 0
        for mask in ('m', 'z'):
            add(f'mls_{mn}_{w}_ld{mask}',
                f'{mn} {{M}}, %{w}mm{d}{mask_suffix(mask, k)}', mask,
                feature=vl_feature(feat, vl), flags=extra,
                disp=disp_for(k + 6, vl), **mem)
        add(f'mls_{mn}_{w}_st', f'{mn} %{w}mm{s}, {{M}}{mask_suffix("m", k)}',
            'm', feature=vl_feature(feat, vl), flags=STORE | extra,
            disp=disp_for(k + 2, vl), **mem)
        k += 1

# LATE (see gen.py): AVX512BW's VPBROADCASTB/W from an xmm register, m8/m16
# and (EVEX only) a 32-bit GPR
LATE = []
for w, vl in WIDTHS:
    for mask in MASKS:
        d, s, _ = vregs(k)
        ms = mask_suffix(mask, k)
        feat = vl_feature('BW', vl)
        for mn, es in (('vpbroadcastb', 1), ('vpbroadcastw', 2)):
            add(f'{mn}_{w}_x{mask}', f'{{evex}} {mn} %xmm{s}, %{w}mm{d}{ms}',
                mask, LATE, feature=feat)
            add(f'{mn}_{w}_m{mask}', f'{{evex}} {mn} {{M}}, %{w}mm{d}{ms}',
                mask, LATE, feature=feat, disp=disp_for(k + es, es),
                scale=scale_for(k + es), size=es, n=es)
            add(f'{mn}_{w}_r{mask}', f'{mn} {{A_d}}, %{w}mm{d}{ms}', mask,
                LATE, feature=feat, gprs='A')
        k += 1

# LATE2 (see gen.py): AVX512BW's VPBLENDMB/W (tuple FVM, no broadcast)
LATE2 = []
for mn, es in (('vpblendmb', 1), ('vpblendmw', 2)):
    k = add_fv(mn, es, k, LATE2, 'BW', bcst=False)

# DQ: AVX512DQ's broadcasts of two dwords (VBROADCASTF32X2 from 256 bits,
# VBROADCASTI32X2 at every width; an xmm register or m64, tuple T2), of
# 16 bytes of quadwords (F64X2/I64X2, 256 and 512 bits) and of 32 bytes
# of dwords (F32X8/I32X8, 512 bits), from memory
DQ = []
for w, vl in WIDTHS:
    for mask in MASKS:
        d, s, _ = vregs(k)
        ms = mask_suffix(mask, k)
        feat = vl_feature('DQ', vl)
        for mn, es, size in (('vbroadcastf32x2', 4, 8),
                             ('vbroadcasti32x2', 4, 8),
                             ('vbroadcastf64x2', 8, 16),
                             ('vbroadcasti64x2', 8, 16),
                             ('vbroadcastf32x8', 4, 32),
                             ('vbroadcasti32x8', 4, 32)):
            # the narrowest destination: twice the block, 256 bits at least
            # (VBROADCASTI32X2 has a 128-bit form)
            if vl < (16 if mn == 'vbroadcasti32x2' else max(32, 2 * size)):
                continue
            if size == 8:
                add(f'{mn}_{w}_x{mask}', f'{mn} %xmm{s}, %{w}mm{d}{ms}',
                    mask, DQ, feature=feat)
            add(f'{mn}_{w}_m{mask}', f'{mn} {{M}}, %{w}mm{d}{ms}', mask, DQ,
                feature=feat, disp=disp_for(k + size, size),
                scale=scale_for(k + 1), size=size, esize=es, n=size)
        k += 1

"""Group 'move': EVEX moves (step 2 of docs/design-avx512-tcg.md, and
their masked forms from step 4).

VMOVUPS/UPD/APS/APD, VMOVDQU8/16/32/64, VMOVDQA32/64 at 128/256/512 bits
(register, load, store; no mask, merge {%kN}, zero {%kN}{z}, which a
store does not have), and the scalar VMOVSS/SD (load, store, three-operand
register form) and VMOVD/Q.  LATE (see gen.py): the non-temporal
VMOVNTPS/PD, VMOVNTDQ (stores) and VMOVNTDQA (a load), aligned to the
vector length and without a writemask.  Tuple FVM (disp8*N with N = vector length)
for the packed rows, T1S (N = element size) for the scalar ones.
{evex} makes GNU as use EVEX where VEX would do.
"""
from forms_common import (Form, FAULTY, MASKED, MISALIGN, STORE, WIDTHS,
                          disp_for, mask_suffix, scale_for, vregs)

FORMS = []

# mnemonic, element size, CPUID, aligned
PACKED = [
    ('vmovups', 4, 'F', False), ('vmovupd', 8, 'F', False),
    ('vmovaps', 4, 'F', True), ('vmovapd', 8, 'F', True),
    ('vmovdqu8', 1, 'BW', False), ('vmovdqu16', 2, 'BW', False),
    ('vmovdqu32', 4, 'F', False), ('vmovdqu64', 8, 'F', False),
    ('vmovdqa32', 4, 'F', True), ('vmovdqa64', 8, 'F', True),
]


def add(name, asm, out=None, **kw):
    (FORMS if out is None else out).append(Form(name, 'move', asm, **kw))


k = 0
for mn, es, feat, aligned in PACKED:
    for w, vl in WIDTHS:
        feature = feat + ('+VL' if vl < 64 else '')
        for mask in ('', 'm', 'z'):
            d, s, _ = vregs(k)
            ms = mask_suffix(mask, k)
            flags = MASKED if mask else 0
            mflags = flags | (MISALIGN if aligned else 0)
            mem = dict(disp=disp_for(k, vl), scale=scale_for(k), size=vl,
                       esize=es, n=vl, align=vl if aligned else 1)
            add(f'{mn}_{w}_rr{mask}',
                f'{{evex}} {mn} %{w}mm{s}, %{w}mm{d}{ms}',
                feature=feature, flags=flags)
            add(f'{mn}_{w}_ld{mask}',
                f'{{evex}} {mn} {{M}}, %{w}mm{d}{ms}',
                feature=feature, flags=mflags, **mem)
            if mask != 'z':
                mem['disp'] = disp_for(k + 3, vl)
                mem['scale'] = scale_for(k + 2)
                add(f'{mn}_{w}_st{mask}',
                    f'{{evex}} {mn} %{w}mm{s}, {{M}}{ms}',
                    feature=feature, flags=mflags | STORE, **mem)
            k += 1

# VMOVSS/VMOVSD: the mask applies to element 0 only
for mn, es in (('vmovss', 4), ('vmovsd', 8)):
    for mask in ('', 'm', 'z'):
        d, s, t = vregs(k)
        ms = mask_suffix(mask, k)
        flags = (MASKED | FAULTY) if mask else 0
        mem = dict(disp=disp_for(k, es), scale=scale_for(k), size=es, n=es)
        add(f'{mn}_ld{mask}', f'{{evex}} {mn} {{M}}, %xmm{d}{ms}',
            flags=flags, **mem)
        add(f'{mn}_rr{mask}', f'{{evex}} {mn} %xmm{s}, %xmm{t}, %xmm{d}{ms}',
            flags=flags)
        if mask != 'z':
            mem['disp'] = disp_for(k + 5, es)
            add(f'{mn}_st{mask}', f'{{evex}} {mn} %xmm{s}, {{M}}{ms}',
                flags=flags | STORE, **mem)
        k += 1

# VMOVD/VMOVQ: GPR and memory forms (no masking)
for mn, es, gpr in (('vmovd', 4, '{A_d}'), ('vmovq', 8, '{A}')):
    d, s, _ = vregs(k)
    mem = dict(disp=disp_for(k, es), scale=scale_for(k), size=es, n=es)
    add(f'{mn}_from_gpr', f'{{evex}} {mn} {gpr}, %xmm{d}', gprs='A')
    add(f'{mn}_to_gpr', f'{{evex}} {mn} %xmm{s}, {gpr}', gprs='A')
    add(f'{mn}_ld', f'{{evex}} {mn} {{M}}, %xmm{d}', **mem)
    mem['disp'] = disp_for(k + 4, es)
    add(f'{mn}_st', f'{{evex}} {mn} %xmm{s}, {{M}}', flags=STORE, **mem)
    k += 1
d, s, _ = vregs(k)
add('vmovq_rr', f'{{evex}} vmovq %xmm{s}, %xmm{d}')

LATE = []
for mn, es in (('vmovntps', 4), ('vmovntpd', 8), ('vmovntdq', 4),
               ('vmovntdqa', 4)):
    for w, vl in WIDTHS:
        k += 1
        d, s, _ = vregs(k)
        mem = dict(disp=disp_for(k, vl), scale=scale_for(k), size=vl,
                   esize=es, n=vl, align=vl, flags=MISALIGN)
        feature = 'F' + ('+VL' if vl < 64 else '')
        if mn == 'vmovntdqa':
            add(f'{mn}_{w}_ld', f'{{evex}} {mn} {{M}}, %{w}mm{d}', LATE,
                feature=feature, **mem)
        else:
            mem['flags'] |= STORE
            add(f'{mn}_{w}_st', f'{{evex}} {mn} %{w}mm{s}, {{M}}', LATE,
                feature=feature, **mem)

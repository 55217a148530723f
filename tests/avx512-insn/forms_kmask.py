"""Group 'kmask': the opmask instructions (step 3 of
docs/design-avx512-tcg.md).

Every K* instruction in its B/W/D/Q widths: KMOV (k, memory, GPR),
KAND/KANDN/KOR/KXOR/KXNOR/KADD, KNOT, KSHIFTL/KSHIFTR (counts below, at
and above the width), KORTEST/KTEST (RFLAGS), KUNPCKBW/WD/DQ.  They are
VEX-encoded; in the APX variant the KMOVs that name a GPR or address
memory use R16-R31, which makes GNU as emit APX's EVEX-encoded KMOV
(e.g. kmovb %r17d,%k1 = 62 f9 7d 08 92 c9; memory forms are disp8
without scaling).
"""
from forms_common import Form, STORE, disp_for, scale_for

FORMS = []
# suffix, bytes, CPUID of the plain ops, of KADD/KTEST
WIDTHS = [('b', 1, 'DQ', 'DQ'), ('w', 2, 'F', 'DQ'), ('d', 4, 'BW', 'BW'),
          ('q', 8, 'BW', 'BW')]


def add(name, asm, **kw):
    FORMS.append(Form(name, 'kmask', asm, enc='vex', **kw))


def ks(k):
    """Three mask registers for form number k (k0 included: the
    K-instructions read and write it like the others)."""
    return k % 8, (3 + 5 * k) % 8, (6 + 3 * k) % 8


k = 0
for w, nb, feat, feat_add in WIDTHS:
    a, b, d = ks(k)
    gpr = '{A}' if w == 'q' else '{A_d}'
    add(f'kmov{w}_kk', f'kmov{w} %k{a}, %k{d}', feature=feat)
    for i in range(3):
        add(f'kmov{w}_ld{i}', f'kmov{w} {{M}}, %k{d}', feature=feat,
            disp=disp_for(k + i, 1), scale=scale_for(k + i), size=nb)
        add(f'kmov{w}_st{i}', f'kmov{w} %k{a}, {{M}}', feature=feat,
            flags=STORE, disp=disp_for(k + i + 4, 1),
            scale=scale_for(k + i + 2), size=nb)
    add(f'kmov{w}_from_gpr', f'kmov{w} {gpr}, %k{d}', feature=feat,
        gprs='A')
    add(f'kmov{w}_to_gpr', f'kmov{w} %k{a}, {gpr}', feature=feat, gprs='A')
    for op in ('and', 'andn', 'or', 'xor', 'xnor', 'add'):
        a, b, d = ks(k)
        add(f'k{op}{w}', f'k{op}{w} %k{a}, %k{b}, %k{d}',
            feature=feat_add if op == 'add' else feat)
        k += 1
    for op in ('xor', 'xnor'):
        add(f'k{op}{w}_same', f'k{op}{w} %k{a}, %k{a}, %k{a}', feature=feat)
    add(f'knot{w}', f'knot{w} %k{b}, %k{d}', feature=feat)
    for op in ('kshiftl', 'kshiftr'):
        for imm in (0, 1, nb * 8 - 1, nb * 8, 0xff):
            a, b, d = ks(k)
            add(f'{op}{w}_{imm}', f'{op}{w} ${imm}, %k{a}, %k{d}',
                feature=feat)
            k += 1
    for op in ('kortest', 'ktest'):
        a, b, d = ks(k)
        f = feat_add if op == 'ktest' else feat
        add(f'{op}{w}', f'{op}{w} %k{a}, %k{b}', feature=f)
        add(f'{op}{w}_same', f'{op}{w} %k{d}, %k{d}', feature=f)
        k += 1
for w, feat in (('bw', 'F'), ('wd', 'BW'), ('dq', 'BW')):
    a, b, d = ks(k)
    add(f'kunpck{w}', f'kunpck{w} %k{a}, %k{b}, %k{d}', feature=feat)
    k += 1

"""Group 'selftest': forms that need no AVX-512, to check the harness.

Legacy SSE and GPR instructions whose APX variant uses R16-R31 through
REX2.  They run on any x86-64 host and under today's qemu-x86_64, so the
driver's whole path (XRSTOR/XSAVE of the state, memory placement across
guard pages, #PF and #GP recorded as results, MXCSR with every rounding
mode and DAZ/FTZ, RFLAGS, digests) is compared between the host CPU and
QEMU, and between the two variants, before any AVX-512 group works.
diff.c gives them only the SSE/AVX state (XCR0 bits 1 and 2), which both
sides have whatever their AVX-512 support.

Besides, VEX (AVX2) forms whose QEMU implementation had a bug the host
shows: VPSLLD, VPSRLQ and VPSRAD ymm by an m128 count, which is 16 bytes
at every VL (QEMU 10.0 read 32, and so faulted where only the bytes past
the count were in the guard page).  FAULTY places the count across
either edge of the page and AT_END in the page's last 16 bytes, where a
32-byte read faults.  In the APX variant GNU as encodes them with EVEX
(VEX cannot name R16-R31): they need AVX512VL there, and their
displacement scales by N = 16 (tuple M128).

LATE (after every other group's forms, so that those keep their GPR
slots): VEX rows whose decoding the AVX-512 work changed, against the
host: VCVTDQ2PD, whose VEX.128 form read 16 bytes for its m64 (AT_END
puts it in the page's last 8 bytes), and VCMPPS, whose row the EVEX
compare into k now shares a decoder with.

F16C (after the LATE forms of shuf and move): the VEX VCVTPH2PS and
VCVTPS2PH (register and memory forms, each rounding control of imm8 and
MXCSR.RC), against the host: MXCSR.DAZ does not apply to VCVTPH2PS's
half-precision source, nor MXCSR.FTZ to VCVTPS2PH's result (QEMU 10.0
flushed both).  In the APX variant the memory forms are EVEX-encoded
(AVX512F).
"""
from forms_common import (Form, ALIGNED, AT_END, FAULTY, MISALIGN, STORE,
                          disp_for, scale_for)

FORMS = []


def add(name, asm, enc='legacy', feature='SSE2', **kw):
    FORMS.append(Form(name, 'selftest', asm, enc=enc, feature=feature,
                      **kw))


k = 0
for mn, size, es, flags, reg in (
        ('movups', 16, 4, FAULTY, 3), ('movdqu', 16, 1, FAULTY, 12),
        ('movaps', 16, 4, ALIGNED | MISALIGN, 7),
        ('movq', 8, 8, 0, 6), ('movss', 4, 4, 0, 1), ('movsd', 8, 8, 0, 9)):
    align = 16 if flags & ALIGNED else 1
    add(f'st_{mn}_ld', f'{mn} {{M}}, %xmm{reg}', flags=flags & ~ALIGNED,
        disp=disp_for(k, 1), scale=scale_for(k), size=size, esize=es,
        align=align)
    add(f'st_{mn}_st', f'{mn} %xmm{reg + 2}, {{M}}',
        flags=(flags & ~ALIGNED) | STORE, disp=disp_for(k + 3, 1),
        scale=scale_for(k + 1), size=size, esize=es, align=align)
    k += 1
add('st_movd_from_gpr', 'movd {A_d}, %xmm2', gprs='A')
add('st_movd_to_gpr', 'movd %xmm13, {A_d}', gprs='A')
add('st_movq_from_gpr', 'movq {A}, %xmm4', gprs='A')
add('st_movq_to_gpr', 'movq %xmm14, {A}', gprs='A')
add('st_paddd_m', 'paddd {M}, %xmm3', disp=disp_for(k, 1),
    scale=scale_for(k), size=16, esize=4, align=16)
add('st_pxor', 'pxor %xmm1, %xmm2')
add('st_addps', 'addps %xmm5, %xmm6')
add('st_mulpd_m', 'mulpd {M}, %xmm8', disp=disp_for(k + 1, 1),
    scale=scale_for(k + 1), size=16, esize=8, align=16)
add('st_cvtps2dq', 'cvtps2dq %xmm9, %xmm10')
add('st_add_gpr', 'add {A}, {B}', gprs='AB')
add('st_add_mem', 'add {A_d}, {M}', gprs='A', flags=STORE,
    disp=disp_for(k + 2, 1), scale=scale_for(k + 2), size=4)
# VEX.256 shifts by an m128 count (see above); esize: the row's element,
# the step of the placements across the page's edges
for j, (mn, es, reg) in enumerate((('vpslld', 4, 1), ('vpsrlq', 8, 3),
                                   ('vpsrad', 4, 5))):
    add(f'st_{mn}_ym', f'{mn} {{M}}, %ymm{reg}, %ymm{reg + 1}', enc='vex',
        feature='AVX2', flags=FAULTY | AT_END, disp=disp_for(k + 3 + j, 16),
        scale=scale_for(k + 3 + j), size=16, esize=es, n=16)

LATE = []
for name, asm, kw in (
        ('st_vcvtdq2pd_m64', 'vcvtdq2pd {M}, %xmm6',
         dict(flags=FAULTY | AT_END, disp=disp_for(k + 6, 8),
              scale=scale_for(k + 6), size=8, esize=4, n=8)),
        ('st_vcvtdq2pd_y', 'vcvtdq2pd %xmm7, %ymm8', {}),
        ('st_vcmpps_y', 'vcmpps $17, %ymm9, %ymm10, %ymm11', {})):
    LATE.append(Form(name, 'selftest', asm, enc='vex', feature='AVX', **kw))

F16C = []
for name, asm, kw in (
        ('st_vcvtph2ps_x', 'vcvtph2ps %xmm3, %xmm4', {}),
        ('st_vcvtph2ps_ym', 'vcvtph2ps {M}, %ymm5',
         dict(flags=FAULTY, disp=disp_for(k + 7, 16), scale=scale_for(k + 7),
              size=16, esize=2, n=16)),
        ('st_vcvtps2ph_x4', 'vcvtps2ph $4, %xmm6, %xmm7', {}),
        ('st_vcvtps2ph_y1', 'vcvtps2ph $1, %ymm8, %xmm9', {}),
        ('st_vcvtps2ph_xm2', 'vcvtps2ph $2, %xmm10, {M}',
         dict(flags=FAULTY | STORE, disp=disp_for(k + 8, 8),
              scale=scale_for(k + 8), size=8, esize=2, n=8)),
        ('st_vcvtps2ph_ym3', 'vcvtps2ph $3, %ymm11, {M}',
         dict(flags=FAULTY | STORE, disp=disp_for(k + 9, 16),
              scale=scale_for(k + 9), size=16, esize=2, n=16)),
        ('st_vcvtps2ph_y0', 'vcvtps2ph $0, %ymm12, %xmm13', {})):
    F16C.append(Form(name, 'selftest', asm, enc='vex', feature='AVX', **kw))

"""EVEX map 4 forms (promoted legacy instructions) for gen.py.

Same conventions as forms_rex2.py.  An APX form uses EVEX.ND (three
operands, the last one the new destination, zero-extended from 8 and 16
bits) and/or EVEX.NF ({nf}: the flags stay as they were); its legacy
equivalent spells that out: a MOV into the destination first, MOVZX after
8/16-bit results, PUSHF/POPF around a no-flags operation.
"""

FORMS = []
ND_NF = ['add', 'or', 'and', 'sub', 'xor']
ND_ONLY = ['adc', 'sbb']
CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np',
      'l', 'ge', 'le', 'g']


def form(name, asm, legacy, **kinds):
    FORMS.append((name, asm, legacy, kinds))


def nf(legacy):
    return 'pushfq\n\t' + legacy + '\n\tpopfq'


for op in ND_NF + ND_ONLY:
    form(f'{op}_nd64', f'{op} {{B}}, {{C}}, {{A}}',
         f'mov {{C}}, {{A}}\n\t{op} {{B}}, {{A}}')
    form(f'{op}_nd32', f'{op} {{B_d}}, {{C_d}}, {{A_d}}',
         f'mov {{C_d}}, {{A_d}}\n\t{op} {{B_d}}, {{A_d}}')
    form(f'{op}_nd16', f'{op} {{B_w}}, {{C_w}}, {{A_w}}',
         f'movzwl {{C_w}}, {{A_d}}\n\t{op} {{B_w}}, {{A_w}}\n\t'
         f'movzwl {{A_w}}, {{A_d}}')
    form(f'{op}_nd8', f'{op} {{B_b}}, {{C_b}}, {{A_b}}',
         f'movzbl {{C_b}}, {{A_d}}\n\t{op} {{B_b}}, {{A_b}}\n\t'
         f'movzbl {{A_b}}, {{A_d}}')
    form(f'{op}_nd_mem', f'{op} 8({{P}}), {{C}}, {{A}}',
         f'mov {{C}}, {{A}}\n\t{op} 8({{P}}), {{A}}', P='p')
    form(f'{op}_nd_memd', f'{op} {{C}}, 8({{P}}), {{A}}',
         f'mov 8({{P}}), {{A}}\n\t{op} {{C}}, {{A}}', P='p')
    form(f'{op}_nd_imm', f'{op} $0x12345, {{C}}, {{A}}',
         f'mov {{C}}, {{A}}\n\t{op} $0x12345, {{A}}')
    form(f'{op}_nd_imm8', f'{op} $-5, {{C_d}}, {{A_d}}',
         f'mov {{C_d}}, {{A_d}}\n\t{op} $-5, {{A_d}}')
    form(f'{op}_nd_immb', f'{op} $0x7f, {{C_b}}, {{A_b}}',
         f'movzbl {{C_b}}, {{A_d}}\n\t{op} $0x7f, {{A_b}}\n\t'
         f'movzbl {{A_b}}, {{A_d}}')
    form(f'{op}_evex', f'{{evex}} {op} {{B}}, {{A}}', f'{op} {{B}}, {{A}}')
    form(f'{op}_evex_m', f'{{evex}} {op} {{B}}, 8({{P}})',
         f'{op} {{B}}, 8({{P}})', P='p')
for op in ND_NF:
    form(f'{op}_nf', f'{{nf}} {op} {{B}}, {{A}}', nf(f'{op} {{B}}, {{A}}'))
    form(f'{op}_nf8', f'{{nf}} {op} {{B_b}}, {{A_b}}',
         nf(f'{op} {{B_b}}, {{A_b}}'))
    form(f'{op}_nf_m', f'{{nf}} {op} {{B}}, 8({{P}})',
         nf(f'{op} {{B}}, 8({{P}})'), P='p')
    form(f'{op}_nf_imm', f'{{nf}} {op} $77, {{A_w}}', nf(f'{op} $77, {{A_w}}'))
    form(f'{op}_nf_nd', f'{{nf}} {op} {{B}}, {{C}}, {{A}}',
         nf(f'mov {{C}}, {{A}}\n\t{op} {{B}}, {{A}}'))
for op in ('inc', 'dec', 'neg', 'not'):
    form(f'{op}_nd', f'{op} {{C}}, {{A}}', f'mov {{C}}, {{A}}\n\t{op} {{A}}')
    form(f'{op}_nd8', f'{op} {{C_b}}, {{A_b}}',
         f'movzbl {{C_b}}, {{A_d}}\n\t{op} {{A_b}}\n\tmovzbl {{A_b}}, {{A_d}}')
    form(f'{op}_evex_m', f'{{evex}} {op}q 8({{P}})', f'{op}q 8({{P}})', P='p')
    if op != 'not':
        form(f'{op}_nf', f'{{nf}} {op} {{A}}', nf(f'{op} {{A}}'))
        form(f'{op}_nf_nd16', f'{{nf}} {op} {{C_w}}, {{A_w}}',
             nf(f'movzwl {{C_w}}, {{A_d}}\n\t{op} {{A_w}}\n\t'
                f'movzwl {{A_w}}, {{A_d}}'))
for op in ('rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sar'):
    form(f'{op}_nd_imm', f'{op} $5, {{C}}, {{A}}',
         f'mov {{C}}, {{A}}\n\t{op} $5, {{A}}')
    form(f'{op}_nd_1', f'{op} $1, {{C_d}}, {{A_d}}',
         f'mov {{C_d}}, {{A_d}}\n\t{op} $1, {{A_d}}')
    form(f'{op}_nd_cl16', f'{op} %cl, {{C_w}}, {{A_w}}',
         f'movzwl {{C_w}}, {{A_d}}\n\t{op} %cl, {{A_w}}\n\t'
         f'movzwl {{A_w}}, {{A_d}}')
    form(f'{op}_evex_cl8', f'{{evex}} {op} %cl, {{A_b}}', f'{op} %cl, {{A_b}}')
    if op not in ('rcl', 'rcr'):
        form(f'{op}_nf_cl', f'{{nf}} {op} %cl, {{A}}', nf(f'{op} %cl, {{A}}'))
        form(f'{op}_nf_nd_imm', f'{{nf}} {op} $3, {{C_b}}, {{A_b}}',
             nf(f'movzbl {{C_b}}, {{A_d}}\n\t{op} $3, {{A_b}}\n\t'
                f'movzbl {{A_b}}, {{A_d}}'))
form('shld_nd_imm', 'shld $7, {B}, {C}, {A}',
     'mov {C}, {A}\n\tshld $7, {B}, {A}')
form('shrd_nd_cl', 'shrd %cl, {B_d}, {C_d}, {A_d}',
     'mov {C_d}, {A_d}\n\tshrd %cl, {B_d}, {A_d}')
form('shld_nf_cl', '{nf} shld %cl, {B}, {A}', nf('shld %cl, {B}, {A}'))
form('shrd_nf_nd16', '{nf} shrd $3, {B_w}, {C_w}, {A_w}',
     nf('movzwl {C_w}, {A_d}\n\tshrd $3, {B_w}, {A_w}\n\tmovzwl {A_w}, {A_d}'))
form('imul_nd', 'imul {B}, {C}, {A}', 'mov {C}, {A}\n\timul {B}, {A}')
form('imul_nd16', 'imul {B_w}, {C_w}, {A_w}',
     'movzwl {C_w}, {A_d}\n\timul {B_w}, {A_w}\n\tmovzwl {A_w}, {A_d}')
form('imul_nf', '{nf} imul {B}, {A}', nf('imul {B}, {A}'))
form('imul_nf_imm', '{nf} imul $77, {B}, {A}', nf('imul $77, {B}, {A}'))
form('imul_nf_1op', '{nf} imul {A}', nf('imul {A}'))
form('mul_nf', '{nf} mul {A_d}', nf('mul {A_d}'))
form('div_nf', 'xor %edx, %edx\n\t{nf} div {A}',
     'xor %edx, %edx\n\t' + nf('div {A}'), A='n')
for cc in CC:
    form(f'cmov{cc}_nd', f'cmp {{D}}, {{C}}\n\tcmov{cc} {{B}}, {{C}}, {{A}}',
         f'cmp {{D}}, {{C}}\n\tmov {{C}}, {{A}}\n\tcmov{cc} {{B}}, {{A}}')
form('cmovl_nd32', 'cmp {D}, {C}\n\tcmovl {B_d}, {C_d}, {A_d}',
     'cmp {D}, {C}\n\tmov {C_d}, {A_d}\n\tcmovl {B_d}, {A_d}')
form('cmovb_nd16', 'cmp {D}, {C}\n\tcmovb {B_w}, {C_w}, {A_w}',
     'cmp {D}, {C}\n\tmovzwl {C_w}, {A_d}\n\tcmovb {B_w}, {A_w}\n\t'
     'movzwl {A_w}, {A_d}')
form('cmovg_nd_mem', 'cmp {D}, {C}\n\tcmovg 8({P}), {C}, {A}',
     'cmp {D}, {C}\n\tmov {C}, {A}\n\tcmovg 8({P}), {A}', P='p')
for op in ('popcnt', 'lzcnt', 'tzcnt'):
    form(f'{op}_nf', f'{{nf}} {op} {{B}}, {{A}}', nf(f'{op} {{B}}, {{A}}'))
    form(f'{op}_evex16', f'{{evex}} {op} {{B_w}}, {{A_w}}',
         f'{op} {{B_w}}, {{A_w}}')
# PUSH2/POP2 need RSP 16-byte aligned; at the form it is 8 mod 16 (LEA, not
# SUB/ADD: flags that depend on the stack address differ from host to QEMU)
ALIGN, UNALIGN = 'lea -8(%rsp), %rsp\n\t', '\n\tlea 8(%rsp), %rsp'
form('push2', ALIGN + 'push2 {A}, {B}\n\tpop {C}\n\tpop {D}' + UNALIGN,
     ALIGN + 'push {B}\n\tpush {A}\n\tpop {C}\n\tpop {D}' + UNALIGN)
form('pop2', ALIGN + 'push {A}\n\tpush {B}\n\tpop2 {C}, {D}' + UNALIGN,
     ALIGN + 'push {A}\n\tpush {B}\n\tpop {D}\n\tpop {C}' + UNALIGN)
form('push2p_pop2p', ALIGN + 'push2p {A}, {B}\n\tpop2p {C}, {D}' + UNALIGN,
     ALIGN + 'push {B}\n\tpush {A}\n\tpop {D}\n\tpop {C}' + UNALIGN)
for cc in CC:
    form(f'setzu{cc}', f'cmp {{B}}, {{A}}\n\tsetzu{cc} {{C_b}}',
         f'cmp {{B}}, {{A}}\n\tset{cc} {{C_b}}\n\tmovzbl {{C_b}}, {{C_d}}')
form('sete_evex', 'cmp {B}, {A}\n\t{evex} sete {C_b}',
     'cmp {B}, {A}\n\tsete {C_b}')
form('imulzu', 'imulzu $3, {B_w}, {A_w}',
     'imul $3, {B_w}, {A_w}\n\tmovzwl {A_w}, {A_d}')
form('imulzu_nf', '{nf} imulzu $-300, {B_w}, {A_w}',
     nf('imul $-300, {B_w}, {A_w}\n\tmovzwl {A_w}, {A_d}'))
form('imul_evex_imm16', '{evex} imul $1000, {B_w}, {A_w}',
     'imul $1000, {B_w}, {A_w}')
# CCMP/CTEST: the legacy variant branches on the source condition and
# either compares/tests or loads the default flags value (OF SF ZF CF from
# DFV, PF = CF, AF = 0) through PUSHF/POPF.
SCC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 't', 'f',
       'l', 'ge', 'le', 'g']
INVERSE = {'o': 'no', 'no': 'o', 'b': 'ae', 'ae': 'b', 'e': 'ne', 'ne': 'e',
           'be': 'a', 'a': 'be', 's': 'ns', 'ns': 's', 'l': 'ge', 'ge': 'l',
           'le': 'g', 'g': 'le'}
DFVS = [('', 0), ('of', 0x800), ('sf, zf', 0xc0), ('cf', 0x5),
        ('of, sf, zf, cf', 0x8c5)]


def conditional(scc, insn, dflags):
    dfv = (f'pushfq\n\tandq $~0x8d5, (%rsp)\n\torq ${dflags:#x}, (%rsp)\n\t'
           'popfq')
    if scc == 't':
        return insn
    if scc == 'f':
        return dfv
    return (f'j{INVERSE[scc]} 1f\n\t{insn}\n\tjmp 2f\n1:\t{dfv}\n2:')


for k, scc in enumerate(SCC):
    dfv, dflags = DFVS[k % len(DFVS)]
    form(f'ccmp{scc}', f'ccmp{scc} {{dfv={dfv}}} {{B}}, {{A}}',
         conditional(scc, 'cmp {B}, {A}', dflags))
    dfv, dflags = DFVS[(k + 2) % len(DFVS)]
    form(f'ccmp{scc}_imm8', f'ccmp{scc}b {{dfv={dfv}}} $0x41, {{A_b}}',
         conditional(scc, 'cmpb $0x41, {A_b}', dflags))
    form(f'ctest{scc}', f'ctest{scc} {{dfv={dfv}}} {{B_d}}, {{A_d}}',
         conditional(scc, 'test {B_d}, {A_d}', dflags))
    dfv, dflags = DFVS[(k + 4) % len(DFVS)]
    form(f'ctest{scc}_mimm', f'ctest{scc}q {{dfv={dfv}}} $0x1234, 8({{P}})',
         conditional(scc, 'testq $0x1234, 8({P})', dflags), P='p')
    form(f'ccmp{scc}_mem', f'ccmp{scc} {{dfv={dfv}}} 8({{P}}), {{A_w}}',
         conditional(scc, 'cmp 8({P}), {A_w}', dflags), P='p')
# NF after an instruction whose lazy flags state is still pending (CMP/SUB
# keep their operands for a later flags computation): that state must come
# through the NF instruction whole, for a consumer of each kind.
for cc in ('b', 'l', 'be', 'e'):
    form(f'nf_after_cmp_set{cc}',
         f'cmp {{D}}, {{C}}\n\t{{nf}} add {{B}}, {{A}}\n\tset{cc} {{C_b}}',
         f'cmp {{D}}, {{C}}\n\t' + nf('add {B}, {A}') + f'\n\tset{cc} {{C_b}}')
form('nf_after_sub_adc', 'sub {D}, {C}\n\t{nf} shl $3, {B}, {A}\n\tadc $0, {D}',
     'sub {D}, {C}\n\t' + nf('mov {B}, {A}\n\tshl $3, {A}') + '\n\tadc $0, {D}')
form('nf_after_cmp', 'cmp {D_d}, {C_d}\n\t{nf} imul {B}, {A}',
     'cmp {D_d}, {C_d}\n\t' + nf('imul {B}, {A}'))
# EVEX maps 2 and 3: the VEX instructions on GPRs, promoted (legacy = VEX)
for op, nf_ok in (('andn', True), ('bzhi', True), ('bextr', True),
                  ('shlx', False), ('sarx', False), ('shrx', False),
                  ('pdep', False), ('pext', False)):
    form(f'{op}_evex', f'{op} {{C}}, {{B}}, {{A}}', f'{op} {{C}}, {{B}}, {{A}}')
    form(f'{op}_evex32', f'{op} {{C_d}}, {{B_d}}, {{A_d}}',
         f'{op} {{C_d}}, {{B_d}}, {{A_d}}')
    if nf_ok:
        form(f'{op}_nf', f'{{nf}} {op} {{C}}, {{B}}, {{A}}',
             nf(f'{op} {{C}}, {{B}}, {{A}}'))
for op in ('blsi', 'blsr', 'blsmsk'):
    form(f'{op}_evex', f'{op} {{B}}, {{A}}', f'{op} {{B}}, {{A}}')
    form(f'{op}_nf', f'{{nf}} {op} {{B_d}}, {{A_d}}', nf(f'{op} {{B_d}}, {{A_d}}'))
form('rorx_evex', 'rorx $13, {B}, {A}', 'rorx $13, {B}, {A}')
form('mulx_evex', 'mulx {C}, {B}, {A}', 'mulx {C}, {B}, {A}')
form('andn_evex_mem', 'andn 8({P}), {B}, {A}', 'andn 8({P}), {B}, {A}', P='p')
# MOVBE (now also register to register), CRC32, ADCX/ADOX in map 4
form('movbe_rr64', 'movbe {B}, {A}', 'mov {B}, {A}\n\tbswap {A}')
form('movbe_rr32', 'movbe {B_d}, {A_d}', 'mov {B_d}, {A_d}\n\tbswap {A_d}')
form('movbe_rr16', 'movbe {B_w}, {A_w}',
     nf('mov {B_w}, {A_w}\n\trol $8, {A_w}'))
form('movbe_load', 'movbe 8({P}), {A}', 'movbe 8({P}), {A}', P='p')
form('movbe_store16', 'movbe {A_w}, 8({P})', 'movbe {A_w}, 8({P})', P='p')
form('crc32q', 'crc32q {B}, {A}', 'crc32q {B}, {A}')
form('crc32b', 'crc32b {B_b}, {A_d}', 'crc32b {B_b}, {A_d}')
form('crc32w_mem', 'crc32w 8({P}), {A_d}', 'crc32w 8({P}), {A_d}', P='p')
for op in ('adcx', 'adox'):
    form(f'{op}_evex', f'{op} {{B}}, {{A}}', f'{op} {{B}}, {{A}}')
    form(f'{op}_nd', f'{op} {{B}}, {{C}}, {{A}}',
         f'mov {{C}}, {{A}}\n\t{op} {{B}}, {{A}}')
    form(f'{op}_nd32_mem', f'{op} 8({{P}}), {{C_d}}, {{A_d}}',
         f'mov {{C_d}}, {{A_d}}\n\t{op} 8({{P}}), {{A_d}}', P='p')
# CFCMOVcc, the conditional faulting moves (EVEX.NF is an opcode bit there:
# ND=0 NF=0 loads, ND=0 NF=1 stores, ND=1 NF=1 is CMOVcc with a new
# destination).  Without ND a false condition zeroes a register
# destination: the legacy variant does that with a CMOV of the opposite
# condition from a zero pushed on the stack; a store becomes a branch
# around a MOV.  Fault suppression itself: diff.c --faults.
INVERSE.update({'p': 'np', 'np': 'p'})


def zero_unless(cc, dst):
    return (f'pushq $0\n\tcmov{INVERSE[cc]} (%rsp), {dst}\n\t'
            f'lea 8(%rsp), %rsp')


for cc in CC:
    form(f'cfcmov{cc}', f'cfcmov{cc} {{B}}, {{A}}',
         zero_unless(cc, '{A}') + f'\n\tcmov{cc} {{B}}, {{A}}')
    form(f'cfcmov{cc}_st', f'{{store}} cfcmov{cc} {{B}}, {{A}}',
         zero_unless(cc, '{A}') + f'\n\tcmov{cc} {{B}}, {{A}}')
    form(f'cfcmov{cc}_nd', f'cfcmov{cc} {{C}}, {{B}}, {{A}}',
         f'mov {{B}}, {{A}}\n\tcmov{cc} {{C}}, {{A}}')
    form(f'cfcmov{cc}_stm', f'cfcmov{cc} {{B}}, 8({{P}})',
         f'j{INVERSE[cc]} 1f\n\tmov {{B}}, 8({{P}})\n1:', P='p')
form('cfcmovb_ld32', 'cfcmovb {B_d}, {A_d}',
     zero_unless('b', '{A_d}') + '\n\tcmovb {B_d}, {A_d}')
form('cfcmovl_ld16', 'cfcmovl {B_w}, {A_w}',
     zero_unless('l', '{A_w}') + '\n\tcmovl {B_w}, {A_w}')
form('cfcmovg_st32', '{store} cfcmovg {B_d}, {A_d}',
     zero_unless('g', '{A_d}') + '\n\tcmovg {B_d}, {A_d}')
form('cfcmovg_ldm', 'cfcmovg 8({P}), {A}',
     zero_unless('g', '{A}') + '\n\tcmovg 8({P}), {A}', P='p')
form('cfcmovbe_ldm32', 'cfcmovbe 8({P}), {A_d}',
     zero_unless('be', '{A_d}') + '\n\tcmovbe 8({P}), {A_d}', P='p')
form('cfcmovs_nd16', 'cfcmovs {C_w}, {B_w}, {A_w}',
     'movzwl {B_w}, {A_d}\n\tcmovs {C_w}, {A_w}\n\tmovzwl {A_w}, {A_d}')
form('cfcmova_ndm', 'cfcmova 8({P}), {B}, {A}',
     'mov {B}, {A}\n\tcmova 8({P}), {A}', P='p')
form('cfcmovnp_stm16', 'cfcmovnp {B_w}, 8({P})',
     'jp 1f\n\tmov {B_w}, 8({P})\n1:', P='p')
form('cfcmovo_stm32', 'cfcmovo {B_d}, 8({P})',
     'jno 1f\n\tmov {B_d}, 8({P})\n1:', P='p')

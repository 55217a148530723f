"""REX2 instruction forms for the differential test (gen.py).

Each form is (name, AT&T assembly, kinds).  {A}..{D} are 64-bit register
operands, {A_d}/{A_w}/{A_b} their 32/16/8-bit parts; the APX variant uses
R16..R31 (rotating, so every EGPR appears in every position), the legacy
variant R8..R11.  %rax, %rcx, %rdx and the arithmetic flags are inputs and
outputs of both variants too.  kinds maps an operand to the values it gets:
  v  random 64-bit values with edge cases (default)
  p  a pointer to the 64-byte scratch buffer (compared after the run)
  i  a small index, 0..7
  n  a non-zero value
  d  a value whose low 32 bits are neither 0 nor -1 (a safe divisor)
"""

ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp']
SHIFTS = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sar']
CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np',
      'l', 'ge', 'le', 'g']

FORMS = []


def form(name, asm, legacy=None, **kinds):
    FORMS.append((name, asm, legacy or asm, kinds))


# Map 0: ALU in every operand shape and size
for op in ALU:
    form(f'{op}_rr64', f'{op} {{B}}, {{A}}')
    form(f'{op}_rr32', f'{op} {{B_d}}, {{A_d}}')
    form(f'{op}_rr16', f'{op} {{B_w}}, {{A_w}}')
    form(f'{op}_rr8', f'{op} {{B_b}}, {{A_b}}')
    form(f'{op}_mr64', f'{op} 8({{P}}), {{A}}', P='p')
    form(f'{op}_rm64', f'{op} {{A}}, 16({{P}},{{I}},8)', P='p', I='i')
    form(f'{op}_rm8', f'{op} {{A_b}}, 3({{P}})', P='p')
    form(f'{op}_ri32', f'{op} $0x12345678, {{A}}')
    form(f'{op}_ri8', f'{op} $-3, {{A_d}}')
    form(f'{op}_ri8b', f'{op} $0x7f, {{A_b}}')
for op in ('test', 'xchg', 'mov'):
    form(f'{op}_rr64', f'{op} {{B}}, {{A}}')
    form(f'{op}_rr8', f'{op} {{B_b}}, {{A_b}}')
    form(f'{op}_rm64', f'{op} {{A}}, 8({{P}})', P='p')
form('test_ri', 'test $0x40008001, {A}')
form('mov_mr64', 'mov 24({P}), {A}', P='p')
form('mov_mr16', 'mov 2({P}), {A_w}', P='p')
form('mov_ri32', 'mov $-2, {A}')
form('mov_ri64', 'movabs $0x123456789abcdef0, {A}')
form('mov_ri32d', 'mov $0x89abcdef, {A_d}')
form('mov_ri8', 'mov $0x99, {A_b}')
form('movsxd', 'movslq {B_d}, {A}')
form('lea_sib', 'lea 0x40({B},{C},4), {A}')
form('lea_sib_disp32', 'lea -0x1234567({B},{C},8), {A_d}')
form('lea_nobase', 'lea 0x10(,{C},2), {A}')
form('lea_rip', 'lea 1f(%rip), {A}\n\tlea 0f(%rip), {B}\n\tsub {B}, {A}\n\t'
     'xor {B_d}, {B_d}\n0:\tnop\n1:')
form('mov_base0', 'mov ({P}), {A}', P='p')
form('mov_base_disp8', 'mov -8({P}), {A}\n\tmov 56({P}), {B}', P='p')
form('mov_sib_scale1', 'mov ({P},{I}), {A_d}', P='p', I='i')
form('push_pop', 'push {A}\n\tpush {B}\n\tpop {C}\n\tpop {D}')
form('push_m_pop_m', 'push 8({P})\n\tpop 16({P})', P='p')
form('pushp_popp', 'pushp {A}\n\tpopp {B}', legacy='push {A}\n\tpop {B}')
form('xchg_rax', 'xchg %rax, {A}')
form('imul_rri32', 'imul $0x10001, {B}, {A}')
form('imul_rri8', 'imul $-7, {B_d}, {A_d}')
for op in SHIFTS:
    form(f'{op}_1', f'{op} {{A}}')
    form(f'{op}_imm', f'{op} $5, {{A_d}}')
    form(f'{op}_cl', f'{op} %cl, {{A}}')
    form(f'{op}_cl8', f'{op} %cl, {{A_b}}')
for op in ('not', 'neg', 'mul', 'imul', 'inc', 'dec'):
    form(f'{op}64', f'{op} {{A}}')
    form(f'{op}8', f'{op} {{A_b}}')
form('div64', 'xor %edx, %edx\n\tdiv {A}', A='n')
form('idiv32', 'cltd\n\tidiv {A_d}', A='d')
form('jmp_ind', 'lea 0f(%rip), {A}\n\tjmp *{A}\n\tud2\n0:\tlea 0b(%rip), {B}\n\t'
     'sub {B}, {A}\n\txor {B_d}, {B_d}')
form('call_ind', 'lea 0f(%rip), {A}\n\tcall *{A}\n2:\tud2\n0:\tpop {B}\n\t'
     'lea 2b(%rip), {C}\n\tsub {C}, {B}\n\tlea 0b(%rip), {C}\n\tsub {C}, {A}\n\t'
     'xor {C_d}, {C_d}')
form('jmpabs', 'jmpabs $0f\n\tud2\n0:\tmov {B}, {A}',
     legacy='jmp 0f\n\tud2\n0:\tmov {B}, {A}')
form('cmp_setcc', 'cmp {B}, {A}\n\tsetl {C_b}\n\tsetb {D_b}')
# Map 1 (0F xx)
for cc in CC:
    form(f'cmov{cc}', f'cmp {{C}}, {{D}}\n\tcmov{cc} {{B}}, {{A}}')
    form(f'set{cc}', f'set{cc} {{A_b}}')
form('movzbl', 'movzbl {B_b}, {A_d}')
form('movzwq', 'movzwq {B_w}, {A}')
form('movsbq', 'movsbq {B_b}, {A}')
form('movswl_m', 'movswl 6({P}), {A_d}', P='p')
for op in ('bt', 'bts', 'btr', 'btc'):
    form(f'{op}_rr', f'{op} {{B}}, {{A}}')
    form(f'{op}_ri', f'{op} $45, {{A}}')
form('bsf', 'bsf {B}, {A}', B='n')
# B_d is not 0: for a zero source BSR's destination is undefined (AMD
# CPUs leave it alone, QEMU does not), which --digest on the host would see
form('bsr', 'bsr {B_d}, {A_d}', B='d')
form('shld_imm', 'shld $7, {B}, {A}')
form('shrd_cl', 'shrd %cl, {B}, {A}')
form('imul_rr', 'imul {B}, {A}')
form('cmpxchg', 'cmpxchg {B}, {A}')
form('xadd', 'xadd {B}, {A}')
form('bswap64', 'bswap {A}')
form('bswap32', 'bswap {A_d}')
form('popcnt', 'popcnt {B}, {A}')
form('lzcnt', 'lzcnt {B}, {A}')
form('tzcnt', 'tzcnt {B_d}, {A_d}')
form('movq_xmm', 'movq {A}, %xmm2\n\tpaddq %xmm2, %xmm2\n\tmovq %xmm2, {B}')
form('cvtsi2sd', 'cvtsi2sd {A_d}, %xmm1\n\tcvttsd2si %xmm1, {B}')
form('movnti', 'movnti {A}, 8({P})', P='p')
# XCHG with rAX in its one-byte form (90+r): REX2.B4 selects R16..R23
form('xchg_rax_short', 'xchg %rax, {A}\n\txchg %eax, {B_d}\n\txchg %rax, {C}\n\t'
     'xchg %ax, {D_w}')
# LOCK with REX2 (the EVEX forms take no LOCK: see diff.c's ud_cases)
for body in ('lock add {B}, 8({P})', 'lock xadd {B_d}, 8({P})',
             'lock cmpxchg {B}, 8({P})', 'lock btsq $37, 8({P})',
             'lock btrl $3, 8({P})', 'lock incw 8({P})', 'lock negq 8({P})',
             'lock xchg {B}, 8({P})', 'lock orb {B_b}, 8({P})'):
    name = 'lock_' + body.split()[1] + ('_b' if '_b' in body else '')
    form(name, body, body, P='p')

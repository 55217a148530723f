/*
 * CFCMOVcc with operands that fault, for diff.c --faults.  Each function
 * sets CF from its third argument (cf) and runs one CFCMOVB (condition:
 * CF=1) on the memory at p, in R16..R18.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
	.text

/* uint64_t cf_load(const void *p, uint64_t old, int cf): cf ? *p : 0 */
	.globl cf_load
	.type cf_load, @function
cf_load:
	mov %rdi, %r16
	mov %rsi, %r17
	bt $0, %edx
	cfcmovb (%r16), %r17
	mov %r17, %rax
	ret
	.size cf_load, .-cf_load

/* uint64_t cf_load16(const void *p, uint64_t old, int cf) */
	.globl cf_load16
	.type cf_load16, @function
cf_load16:
	mov %rdi, %r16
	mov %rsi, %r17
	bt $0, %edx
	cfcmovb (%r16), %r17w
	mov %r17, %rax
	ret
	.size cf_load16, .-cf_load16

/* uint64_t cf_load_nd(const void *p, uint64_t old, int cf): cf ? *p : old */
	.globl cf_load_nd
	.type cf_load_nd, @function
cf_load_nd:
	mov %rdi, %r16
	mov %rsi, %r17
	mov $-1, %r18
	bt $0, %edx
	cfcmovb (%r16), %r17, %r18
	mov %r18, %rax
	ret
	.size cf_load_nd, .-cf_load_nd

/* uint64_t cf_store(void *p, uint64_t v, int cf): if cf, *p = v */
	.globl cf_store
	.type cf_store, @function
cf_store:
	mov %rdi, %r16
	mov %rsi, %r17
	bt $0, %edx
	cfcmovb %r17, (%r16)
	mov %r17, %rax
	ret
	.size cf_store, .-cf_store

/* uint64_t cmov_load(const void *p, uint64_t old, int cf): a plain CMOVB */
	.globl cmov_load
	.type cmov_load, @function
cmov_load:
	mov %rdi, %r16
	mov %rsi, %r17
	bt $0, %edx
	cmovb (%r16), %r17
	mov %r17, %rax
	ret
	.size cmov_load, .-cmov_load

	.section .note.GNU-stack,"",@progbits

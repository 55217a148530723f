/*
 * raw_run(code, xarea, rfbm, ptr, apx): run the raw bytes of a #UD case
 * (diff.c, ud_cases.py) with a known state: the vector and mask registers
 * from xarea (XRSTOR of rfbm), every GPR 0 except RAX = ptr (and, with
 * apx != 0, R16 = ptr and R17-R31 = 0).  The bytes end with a RET.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
	.text
	.globl	raw_run
	.type	raw_run, @function
raw_run:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rdi, %r11
	mov	%rcx, %r10
	mov	%rdx, %rax
	shr	$32, %rdx
	xrstor	(%rsi)
	test	%r8d, %r8d
	jz	1f
	mov	%r10, %r16
	xor	%r17d, %r17d
	xor	%r18d, %r18d
	xor	%r19d, %r19d
	xor	%r20d, %r20d
	xor	%r21d, %r21d
	xor	%r22d, %r22d
	xor	%r23d, %r23d
	xor	%r24d, %r24d
	xor	%r25d, %r25d
	xor	%r26d, %r26d
	xor	%r27d, %r27d
	xor	%r28d, %r28d
	xor	%r29d, %r29d
	xor	%r30d, %r30d
	xor	%r31d, %r31d
1:	xor	%ebx, %ebx
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%ebp, %ebp
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d
	mov	%r10, %rax
	call	*%r11
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret
	.size	raw_run, .-raw_run

/*
 * xstate_roundtrip(io): XRSTOR io->xin then XSAVE io->xout (io->rfbm), with
 * nothing in between: checks the XSAVE layout diff.c uses (--xstate).
 */
	.globl	xstate_roundtrip
	.type	xstate_roundtrip, @function
xstate_roundtrip:
	mov	40(%rdi), %eax
	mov	44(%rdi), %edx
	mov	48(%rdi), %rsi
	xrstor	(%rsi)
	mov	40(%rdi), %eax
	mov	44(%rdi), %edx
	mov	56(%rdi), %rsi
	xsave	(%rsi)
	ret
	.size	xstate_roundtrip, .-xstate_roundtrip
	.section .note.GNU-stack,"",@progbits

/*
 * Boot sector for tests/apx/test-gdb-modes.py: loads R16..R31 with
 * XRSTOR while in real mode, then clears XCR0[19] again and halts, so
 * that the vCPU holds EGPR values that the guest cannot address.
 * R(16 + i) = 0xa5a5a5a5_000000RR with RR = 16 + i.
 */
    .code16
    .globl _start, halt
_start:
    cli
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $0x7c00, %sp

    /* an XSAVE image at 0x8000: all zero, XSTATE_BV = bit 19, pattern */
    mov $0x8000, %di
    mov $(1088 / 2), %cx
    rep stosw
    movl $0x00080000, 0x8000 + 512
    mov $0x8000 + 960, %di
    mov $16, %eax
1:  mov %eax, (%di)
    movl $0xa5a5a5a5, 4(%di)
    add $8, %di
    inc %eax
    cmp $32, %eax
    jne 1b

    /* CR4.OSXSAVE; XCR0 = x87 | APX; XRSTOR the APX component */
    mov %cr4, %eax
    or $(1 << 18), %eax
    mov %eax, %cr4
    xor %ecx, %ecx
    xor %edx, %edx
    mov $0x00080001, %eax
    xsetbv
    mov $0x00080000, %eax
    xrstor 0x8000

    /* XCR0 = x87 again: APX is off, the values stay in the vCPU */
    mov $1, %eax
    xsetbv
halt:
    hlt
    jmp halt

    .org 510
    .byte 0x55, 0xaa

/*
 * A boot sector that tries XSETBV with a list of XCR0 values, for
 * tests/avx512-state/test-avx512-xsetbv.py.  SeaBIOS loads it at 0x7c00
 * in real mode (CPL 0).  It takes over the #UD and #GP vectors (a fault
 * is recorded and the 3-byte XSETBV skipped), writes to the
 * isa-debugcon port 0xe9
 *
 *   CPUID 00000001 ECX..... (before CR4.OSXSAVE)
 *   CPUID 00000007 EBX.....
 *   CPUID 0000000d EAX..... EBX..... ECX..... EDX.....
 *   OSXSAVE ECX.....         (CPUID.1:ECX after setting CR4.OSXSAVE)
 *
 * and then, for each value V of 'values': XSETBV(1) (x87 only, so that
 * a refused V leaves a known XCR0), XSETBV(V), XGETBV(0) and CPUID
 * (0DH, 0) EBX (the XSAVE area size for the XCR0 in force):
 *
 *   XSETBV VVVVVVVV R XCR0.... EBX.....
 *
 * R is '-' (no fault), 'G' (#GP) or 'U' (#UD).  Then "DONE", and 0x20
 * to isa-debug-exit (port 0xf4): QEMU exits with status 0x41.
 * Built with: as --32; ld -m elf_i386 -Ttext=0x7c00; objcopy -O binary.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
    .code16
    .globl _start
_start:
    cli
    cld
    xorw    %ax, %ax
    movw    %ax, %ds
    movw    %ax, %es
    movw    %ax, %ss
    movw    $0x7c00, %sp
    movw    $on_ud, 6 * 4           /* real-mode IVT: offset, segment 0 */
    movw    %ax, 6 * 4 + 2
    movw    $on_gp, 13 * 4
    movw    %ax, 13 * 4 + 2

    movl    $1, %eax
    cpuid
    movl    %ecx, %edx
    movl    $1, %eax
    call    line_leaf
    movl    $7, %eax
    xorl    %ecx, %ecx
    cpuid
    movl    %ebx, %edx
    movl    $7, %eax
    call    line_leaf
    movl    $0xd, %eax
    xorl    %ecx, %ecx
    cpuid
    pushl   %edx
    pushl   %ecx
    pushl   %ebx
    movl    %eax, %edx
    movl    $0xd, %eax
    call    line_leaf_open
    popl    %edx
    call    sp_hex
    popl    %edx
    call    sp_hex
    popl    %edx
    call    sp_hex
    call    newline

    movl    %cr4, %eax
    orl     $1 << 18, %eax          /* CR4.OSXSAVE */
    movl    %eax, %cr4
    movw    $m_osxsave, %si
    call    puts
    movl    $1, %eax
    cpuid
    movl    %ecx, %edx
    call    sp_hex
    call    newline

    movw    $values, %di
next:
    movl    (%di), %ebx
    cmpl    $0xffffffff, %ebx
    je      done
    addw    $4, %di
    xorl    %ecx, %ecx
    xorl    %edx, %edx
    movl    $1, %eax
    xsetbv                          /* XCR0 = x87 only */
    movb    $'-', fault
    movl    %ebx, %eax
    xorl    %edx, %edx
    xorl    %ecx, %ecx
    xsetbv                          /* the value under test */
    movw    $m_xsetbv, %si
    call    puts
    movl    %ebx, %edx
    call    sp_hex
    movb    $' ', %al
    outb    %al, $0xe9
    movb    fault, %al
    outb    %al, $0xe9
    xorl    %ecx, %ecx
    xgetbv
    movl    %eax, %edx
    call    sp_hex
    movl    $0xd, %eax
    xorl    %ecx, %ecx
    cpuid
    movl    %ebx, %edx
    call    sp_hex
    call    newline
    jmp     next

done:
    movw    $m_done, %si
    call    puts
    movw    $0xf4, %dx              /* isa-debug-exit: QEMU exits (0x20<<1)|1 */
    movb    $0x20, %al
    outb    %al, %dx
halt:
    hlt
    jmp     halt

/* #UD and #GP: note the fault, return past the 3-byte XSETBV */
on_ud:
    movb    $'U', %cs:fault
    jmp     skip3
on_gp:
    movb    $'G', %cs:fault
skip3:
    pushw   %bp
    movw    %sp, %bp
    addw    $3, 2(%bp)              /* the IP pushed by the fault */
    popw    %bp
    iret

/* line_leaf: "CPUID " %eax as hex, " " %edx as hex, newline */
line_leaf:
    call    line_leaf_open
    jmp     newline
/* line_leaf_open: the same without the newline */
line_leaf_open:
    pushl   %edx
    movl    %eax, %edx
    movw    $m_cpuid, %si
    call    puts
    call    sp_hex
    popl    %edx
    /* fall through */

/* sp_hex: a space, then %edx as eight hex digits on port 0xe9 */
sp_hex:
    movb    $' ', %al
    outb    %al, $0xe9
    movw    $8, %cx
1:  roll    $4, %edx
    movb    %dl, %al
    andb    $15, %al
    addb    $'0', %al
    cmpb    $'9', %al
    jbe     2f
    addb    $'a' - '9' - 1, %al
2:  outb    %al, $0xe9
    loop    1b
    ret

newline:
    movb    $'\n', %al
    outb    %al, $0xe9
    ret

/* puts: the NUL-terminated string at %si on port 0xe9 */
puts:
    lodsb
    testb   %al, %al
    jz      3f
    outb    %al, $0xe9
    jmp     puts
3:  ret

m_cpuid:   .asciz "CPUID"
m_osxsave: .asciz "OSXSAVE"
m_xsetbv:  .asciz "XSETBV"
m_done:    .asciz "DONE\n"
fault:     .byte 0

    .p2align 2
values:                             /* XCR0 values to try; -1 ends */
    .long   0x00000003, 0x00000007
    .long   0x00000027, 0x00000047, 0x00000087      /* one of 5-7 */
    .long   0x00000067, 0x000000a7, 0x000000c7      /* two of 5-7 */
    .long   0x000000e7                              /* all three */
    .long   0x000000e3, 0x000000e5, 0x000000e1      /* 5-7 without YMM/SSE */
    .long   0x000000e6                              /* no x87 */
    .long   0x000002e7, 0x000802e7, 0x00080007
    .long   0x000001e7                              /* bit 8: not in XCR0 */
    .long   0x000000e7
    .long   0xffffffff

    .org    510
    .byte   0x55, 0xaa

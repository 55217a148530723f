/*
 * A boot sector that reports CPUID as the guest sees it, for
 * tests/apx/test-cpuid-options.py.  SeaBIOS loads it at 0x7c00 in real
 * mode; for each (leaf, sub-leaf) of 'leaves' it executes CPUID and
 * writes one line to the isa-debugcon port 0xe9:
 *
 *   CPUID LLLLLLLL SSSSSSSS EAX..... EBX..... ECX..... EDX.....
 *
 * (eight lower-case hex digits each), then "DONE", and writes 0x20 to
 * the isa-debug-exit port 0xf4, so QEMU exits with status 0x41.
 * Built with: as --32; ld -m elf_i386 -Ttext=0x7c00; objcopy -O binary.
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

    movw    $leaves, %si
next:
    movl    (%si), %eax
    cmpl    $0xffffffff, %eax
    je      done
    movl    4(%si), %ecx
    addw    $8, %si
    movl    %eax, buf
    movl    %ecx, buf + 4
    cpuid
    movl    %eax, buf + 8
    movl    %ebx, buf + 12
    movl    %ecx, buf + 16
    movl    %edx, buf + 20

    pushw   %si
    movw    $m_cpuid, %si
    call    puts
    movw    $buf, %bx
1:  movb    $' ', %al
    outb    %al, $0xe9
    movl    (%bx), %edx
    call    puthex
    addw    $4, %bx
    cmpw    $buf + 24, %bx
    jb      1b
    movb    $'\n', %al
    outb    %al, $0xe9
    popw    %si
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

/* puthex: %edx as eight hex digits on port 0xe9 */
puthex:
    movw    $8, %cx
2:  roll    $4, %edx
    movb    %dl, %al
    andb    $15, %al
    addb    $'0', %al
    cmpb    $'9', %al
    jbe     3f
    addb    $'a' - '9' - 1, %al
3:  outb    %al, $0xe9
    loop    2b
    ret

/* puts: the NUL-terminated string at %si on port 0xe9 */
puts:
    lodsb
    testb   %al, %al
    jz      4f
    outb    %al, $0xe9
    jmp     puts
4:  ret

m_cpuid: .asciz "CPUID"
m_done:  .asciz "DONE\n"

    .p2align 2
leaves:                             /* leaf, sub-leaf; -1 ends the list */
    .long   0x00, 0
    .long   0x01, 0
    .long   0x07, 0
    .long   0x07, 1
    .long   0x0d, 0
    .long   0x0d, 1
    .long   0x0d, 3
    .long   0x0d, 4
    .long   0x0d, 19
    .long   0x29, 0
    .long   0xffffffff
buf:
    .fill   6, 4, 0

    .org    510
    .byte   0x55, 0xaa

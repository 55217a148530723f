/*
 * A boot sector for qemu-system-i386 smoke tests: from SeaBIOS's real mode
 * into 32-bit protected mode, then report on the serial port (COM1):
 *
 *   I386-GUEST: protected mode
 *   I386-GUEST: sum=0007a314                 (1 + 2 + ... + 1000)
 *   I386-GUEST: cpuid0.eax=XXXXXXXX          (highest basic leaf)
 *   I386-GUEST: cpuid7.1.edx=XXXXXXXX        (bit 21: APX_F)
 *   I386-GUEST: cpuid80000001.edx=XXXXXXXX   (bit 29: long mode)
 *   I386-GUEST: done
 *
 * and halt at 'halt'.  Built with: as --32; ld -m elf_i386 -Ttext=0x7c00
 * --oformat=binary (tests/i386/test-system-i386.py).
 */
    .code16
    .globl _start
_start:
    cli
    xorw    %ax, %ax
    movw    %ax, %ds
    movw    %ax, %ss
    movw    $0x7c00, %sp
    lgdtl   gdtr
    movl    %cr0, %eax
    orb     $1, %al                 /* CR0.PE */
    movl    %eax, %cr0
    ljmpl   $0x08, $pm32

    .code32
pm32:
    movw    $0x10, %ax
    movw    %ax, %ds
    movw    %ax, %es
    movw    %ax, %ss
    movl    $0x7c00, %esp

    movl    $m_pm, %esi
    call    puts

    xorl    %eax, %eax              /* a loop in 32-bit code */
    movl    $1000, %ecx
1:  addl    %ecx, %eax
    loop    1b
    movl    $m_sum, %esi
    call    putval

    xorl    %eax, %eax
    xorl    %ecx, %ecx
    cpuid
    movl    $m_c0, %esi
    call    putval

    movl    $7, %eax
    movl    $1, %ecx
    cpuid
    movl    %edx, %eax
    movl    $m_c7, %esi
    call    putval

    movl    $0x80000001, %eax
    xorl    %ecx, %ecx
    cpuid
    movl    %edx, %eax
    movl    $m_ext, %esi
    call    putval

    movl    $m_done, %esi
    call    puts
    .globl halt
halt:
    hlt
    jmp     halt

/* putval: the string at %esi, %eax as 8 hex digits, newline */
putval:
    pushl   %eax
    call    puts
    popl    %ebx
    movl    $8, %ecx
2:  roll    $4, %ebx
    movl    %ebx, %eax
    andl    $15, %eax
    movb    hex(%eax), %al
    call    putc
    loop    2b
    movb    $'\n', %al
    jmp     putc

/* puts: the NUL-terminated string at %esi */
puts:
    lodsb
    testb   %al, %al
    jz      3f
    call    putc
    jmp     puts
3:  ret

/* putc: %al to COM1, once its transmitter holding register is empty */
putc:
    movb    %al, %ah
    movw    $0x3fd, %dx
4:  inb     %dx, %al
    testb   $0x20, %al
    jz      4b
    movw    $0x3f8, %dx
    movb    %ah, %al
    outb    %al, %dx
    ret

hex:    .ascii  "0123456789abcdef"
m_pm:   .asciz  "I386-GUEST: protected mode\n"
m_sum:  .asciz  "I386-GUEST: sum="
m_c0:   .asciz  "I386-GUEST: cpuid0.eax="
m_c7:   .asciz  "I386-GUEST: cpuid7.1.edx="
m_ext:  .asciz  "I386-GUEST: cpuid80000001.edx="
m_done: .asciz  "I386-GUEST: done\n"

    .p2align 3
gdt:
    .quad   0
    .quad   0x00cf9a000000ffff      /* 0x08: code, base 0, 4 GiB, 32-bit */
    .quad   0x00cf92000000ffff      /* 0x10: data, base 0, 4 GiB */
gdtr:
    .word   gdtr - gdt - 1
    .long   gdt

    .org    510
    .byte   0x55, 0xaa

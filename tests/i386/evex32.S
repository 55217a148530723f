/*
 * EVEX in 32-bit mode, for qemu-i386 -cpu ...,avx512f=on (no libc).
 *
 * Each check prints "EVEX32: ok N" or "EVEX32: FAIL N"; the exit status
 * is the number of failed checks ("EVEX32: PASS" when it is 0):
 *  1  VADDPS zmm: 16 floats added to themselves;
 *  2  disp8*N: VMOVUPS 0x40(%ebx) is encoded with disp8 = 1;
 *  3  zero-masking: VMOVDQU32 {k1}{z} with k1 = 0x5555 (KMOVW);
 *  4  EVEX.R' = 0 is ignored: the destination is ZMM2 (0x62 0xe1 ...);
 *  5  the high bit of vvvv is ignored: vvvv = 0110 names ZMM1;
 *  6  VPGATHERDD with a 32-bit base and index ZMM5;
 *  7  0x62 with ModRM.mod != 11 is still BOUND (in range: no #BR);
 * With the argument "ud" it then executes an EVEX instruction with P0[3]
 * (APX's B4) set, which is reserved outside 64-bit mode: it must die of
 * SIGILL; with "vprime" one with EVEX.V' = 0, the same.
 */
        .code32
        /* store reg to out, compare it with the 64 bytes at expect */
        .macro  RESULT reg, expect, n
        vmovups \reg, out
        lea     \expect, %esi
        mov     $\n, %eax
        call    check
        .endm

        .text
        .globl _start
_start:
        xor     %edi, %edi              /* failed checks */
        lea     data, %ebx

        /* 1 */
        vmovups (%ebx), %zmm1
        vaddps  %zmm1, %zmm1, %zmm2
        RESULT  %zmm2, twice, 1

        /* 2 */
        .byte   0x62, 0xf1, 0x7c, 0x48, 0x10, 0x5b, 0x01  /* vmovups 0x40(%ebx),%zmm3 */
        RESULT  %zmm3, data+64, 2

        /* 3 */
        mov     $0x5555, %eax
        kmovw   %eax, %k1
        vmovdqu32 (%ebx), %zmm4{%k1}{z}
        RESULT  %zmm4, evens, 3

        /* 4: vaddps %zmm1,%zmm1,%zmm2 with R' = 0 */
        vpxord  %zmm2, %zmm2, %zmm2
        .byte   0x62, 0xe1, 0x74, 0x48, 0x58, 0xd1
        RESULT  %zmm2, twice, 4

        /* 5: vaddps %zmm1,%zmm9->%zmm1,%zmm2: vvvv = 0110 */
        vpxord  %zmm2, %zmm2, %zmm2
        .byte   0x62, 0xf1, 0x34, 0x48, 0x58, 0xd1
        RESULT  %zmm2, twice, 5

        /* 6 */
        vmovdqu32 index, %zmm5
        kxnorw  %k2, %k2, %k2
        vpxord  %zmm6, %zmm6, %zmm6
        vpgatherdd (%ebx,%zmm5,4), %zmm6{%k2}
        RESULT  %zmm6, reversed, 6

        /* 7 */
        mov     $5, %eax
        lea     bounds, %edx
        .byte   0x62, 0x02                      /* bound %eax,(%edx) */
        lea     out, %esi       /* reached: no #BR, no #UD (out with itself) */
        mov     $7, %eax
        call    check

        mov     (%esp), %eax                    /* argc */
        cmp     $2, %eax
        jne     done
        mov     8(%esp), %esi                   /* argv[1] */
        cmpb    $'u', (%esi)
        jne     1f
        .byte   0x62, 0xf9, 0x74, 0x48, 0x58, 0xd1  /* B4 set: #UD */
        jmp     done
1:      cmpb    $'v', (%esi)
        jne     done
        .byte   0x62, 0xf1, 0x74, 0x40, 0x58, 0xd1  /* V' = 0: #UD */
done:
        test    %edi, %edi
        jnz     1f
        lea     msg_pass, %ecx
        mov     $msg_pass_len, %edx
        call    print
1:      mov     %edi, %ebx
        mov     $1, %eax                        /* exit */
        int     $0x80

/* check: compare the 64 bytes at out with those at %esi; eax: number */
check:
        push    %eax
        lea     out, %ecx
        xor     %edx, %edx
2:      mov     (%esi,%edx), %eax
        cmp     (%ecx,%edx), %eax
        jne     3f
        add     $4, %edx
        cmp     $64, %edx
        jne     2b
        pop     %eax
        add     $'0', %al
        mov     %al, msg_ok + 11
        lea     msg_ok, %ecx
        mov     $msg_ok_len, %edx
        jmp     print
3:      pop     %eax
        add     $'0', %al
        mov     %al, msg_fail + 13
        inc     %edi
        lea     msg_fail, %ecx
        mov     $msg_fail_len, %edx
        /* fall through */
print:
        push    %ebx
        mov     $4, %eax                        /* write */
        mov     $1, %ebx
        int     $0x80
        pop     %ebx
        ret

        .data
        .balign 64
data:   .float  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
        .float  17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
        .float  31, 32
twice:  .float  2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32
evens:  .float  1, 0, 3, 0, 5, 0, 7, 0, 9, 0, 11, 0, 13, 0, 15, 0
reversed:
        .float  16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1
index:  .long   15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0
bounds: .long   0, 10
out:    .fill   64, 1, 0
msg_ok: .ascii  "EVEX32: ok N\n"
        .set    msg_ok_len, . - msg_ok
msg_fail:
        .ascii  "EVEX32: FAIL N\n"
        .set    msg_fail_len, . - msg_fail
msg_pass:
        .ascii  "EVEX32: PASS\n"
        .set    msg_pass_len, . - msg_pass

/*
 * avx512-state: the AVX-512 register state (XSAVE state components 5, 6
 * and 7: opmask k0-k7, ZMM_Hi256, Hi16_ZMM) as a 64-bit program sees it.
 *
 * No EVEX instruction is used: the program sets ZMM0-31 and k0-7 with
 * XRSTOR and reads them back with XSAVE (or XSAVEOPT), and in between
 * runs VEX- and legacy-SSE-encoded instructions, signals and threads.
 * Each load-run-save sequence is one asm statement, so that nothing the
 * compiler or libc emits can touch the vector registers in between.
 *
 * Usage: avx512-state             every check below, one line each:
 *            AVX512-STATE: ok NAME
 *            AVX512-STATE: FAIL NAME -- DETAIL
 *        then "AVX512-STATE: PASS checks=N" or "AVX512-STATE: FAILED M of N
 *        checks".
 *        Lines "AVX512-STATE: info ..." describe the machine and are not
 *        checks (they differ between hosts).
 *        avx512-state --ymm-only  the same checks on XSAVE components 1
 *            and 2 only (XMM, YMM_Hi128): a self-test of this program on
 *            hosts without AVX-512.  Checks that need components 5-7 are
 *            left out.
 *        avx512-state [--ymm-only] threads T SECONDS [SEED]
 *            T threads each keep their own k0-7/ZMM0-31 values across
 *            sched_yield() and preemption for SECONDS; every second one
 *            line per thread,
 *            AVX512-STATE: t=T n=ROUNDS cs=N k0=... y15=... z15=... z31=...
 *            (N: the thread's context switches, from getrusage(); as
 *            last read back: k0-7, bits 255:192 of ZMM15 and bits
 *            511:448 of ZMM15 and ZMM31),
 *            and at the end "AVX512-STATE: PASS threads=T rounds=N" or,
 *            at the first mismatch, "AVX512-STATE: FAIL t=T ...".
 * Exit: 0 pass, 1 a check failed, 3 no AVX-512 state (CPUID.7.0:EBX[16]
 * clear or XCR0[7:5] not 111; the reason is printed after consistency
 * checks of CPUID leaf 0DH), 64 usage.
 *
 * Checks (64-bit mode, standard XSAVE format):
 *  - CPUID 0DH: sub-leaves 5/6/7 are 64/512/1024 bytes in component order
 *    (at 1088/1152/1664 on Intel and under TCG, which the tests check),
 *    user state; 0DH.0 EAX has bits 5-7; the area sizes cover them;
 *    XCR0 has bits 5-7 (and 1-2).
 *  - XRSTOR then XSAVE (and XSAVEOPT) gives back distinct patterns in
 *    k0-7, ZMM_Hi256 and Hi16_ZMM (and XMM/YMM_Hi128), with XSTATE_BV
 *    bits set; XINUSE (XGETBV 1) has bits 5-7 then.
 *  - XRSTOR with XSTATE_BV[i] clear puts component i in its initial
 *    state (zero), for 5-7 together and each alone; XRSTOR and XSAVE
 *    leave components outside RFBM alone.
 *  - every VEX instruction writing a vector register zeroes bits 511:VL
 *    of it (VEX.128: 511:128, VEX.256: 511:256), including the VEX.256
 *    forms with an XMM destination and the mask of VPGATHERDD; legacy
 *    SSE instructions leave 511:128 alone; VZEROUPPER zeroes 511:128 of
 *    ZMM0-15 only, VZEROALL all of ZMM0-15; neither touches ZMM16-31 or k.
 *  - a signal frame (uc_mcontext.fpregs) holds components 5-7 in the
 *    kernel's XSAVE format, with XSTATE_BV and the sw_reserved
 *    xfeatures/magic words; values the handler writes there are what the
 *    interrupted code has after sigreturn, whatever the handler left in
 *    the registers; 1 ms timer signals whose handler resets the registers
 *    never disturb a running loop.
 *  - four threads keep distinct values across many sched_yield() calls.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

/* Standard-format XSAVE area layout (SDM vol. 1, 13.4 and 13.5) */
#define OFF_MXCSR   24
#define OFF_XMM     160
#define OFF_SWRES   464         /* software-reserved bytes (signal frames) */
#define OFF_HDR     512         /* XSTATE_BV, then XCOMP_BV */
#define OFF_YMMH    576         /* component 2: bits 255:128 of YMM0-15 */
/*
 * Components 5-7 in the standard format: where CPUID 0DH.5-7 EBX puts
 * them (check_enumeration() reads it).  Intel's processors, and QEMU's
 * TCG, which follows them, use 1088/1152/1664; AMD's Zen 4 has no MPX
 * components and uses 832/896/1408.
 */
static unsigned off_k = 1088;   /* component 5: k0-k7 */
static unsigned off_zmmh = 1152; /* component 6: bits 511:256 of ZMM0-15 */
static unsigned off_hi16 = 1664; /* component 7: ZMM16-31 */
#define OFF_K       off_k
#define OFF_ZMMH    off_zmmh
#define OFF_HI16    off_hi16
#define AREA_END    (off_hi16 + 1024)
#define AREA_ALLOC  8192        /* room for anything CPUID may add */

#define XMASK_512   0xe0u
#define MXCSR_INIT  0x1f80u

#ifndef FP_XSTATE_MAGIC1
#define FP_XSTATE_MAGIC1 0x46505853u
#define FP_XSTATE_MAGIC2 0x46505845u
#endif

/* The architectural register state this program looks at */
struct vstate {
    uint8_t z[32][64];          /* ZMM0-31, byte 0 = bit 0 */
    uint64_t k[8];
};

/* Read by the asm statements below: the RFBM in use (0xe6 or 0x06). */
unsigned rfbm_lo = 0x06 | XMASK_512;
static int full = 1;            /* components 5-7 in use */
static unsigned nchecks, nfailed;

/* Memory operand of the instructions under test (asm: src_mem(%rip)) */
uint8_t src_mem[64] __attribute__((aligned(64), used));
/* Second XRSTOR image for the XRSTOR checks (asm: aux_ptr(%rip)) */
uint8_t *aux_ptr __attribute__((used));

/* ------------------------------------------------------------------ */
/* patterns and conversions                                            */

static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* A state in which every byte depends on seed and on its position */
static void fill(struct vstate *s, uint64_t seed)
{
    unsigned r, i;

    for (r = 0; r < 32; r++) {
        for (i = 0; i < 64; i += 8) {
            uint64_t v = mix64((seed << 16) ^ (r << 8) ^ i);
            memcpy(&s->z[r][i], &v, 8);
        }
    }
    for (r = 0; r < 8; r++) {
        s->k[r] = mix64((seed << 16) ^ 0x8000 ^ r);
    }
}

static uint8_t *area_alloc(void)
{
    uint8_t *b = aligned_alloc(64, AREA_ALLOC);

    if (!b) {
        perror("aligned_alloc");
        exit(1);
    }
    memset(b, 0, AREA_ALLOC);
    return b;
}

/*
 * Write the data of those of components 1, 2, 5, 6, 7 that are in mask
 * from s into area b (only those: a signal frame has room for no more).
 */
static void put_components(const struct vstate *s, uint8_t *b, uint64_t mask)
{
    unsigned r;

    for (r = 0; r < 16; r++) {
        if (mask & 2) {
            memcpy(b + OFF_XMM + 16 * r, s->z[r], 16);
        }
        if (mask & 4) {
            memcpy(b + OFF_YMMH + 16 * r, s->z[r] + 16, 16);
        }
        if (mask & 0x40) {
            memcpy(b + OFF_ZMMH + 32 * r, s->z[r] + 32, 32);
        }
        if (mask & 0x80) {
            memcpy(b + OFF_HI16 + 64 * r, s->z[16 + r], 64);
        }
    }
    if (mask & 0x20) {
        memcpy(b + OFF_K, s->k, 64);
    }
}

/* A complete XRSTOR image of s with the given XSTATE_BV. */
static void to_area(const struct vstate *s, uint8_t *b, uint64_t bv)
{
    uint32_t mxcsr = MXCSR_INIT;

    memset(b, 0, AREA_ALLOC);
    memcpy(b + OFF_MXCSR, &mxcsr, 4);
    put_components(s, b, 0x06 | XMASK_512);
    memcpy(b + OFF_HDR, &bv, 8);
}

static uint64_t xstate_bv(const uint8_t *b)
{
    uint64_t bv;

    memcpy(&bv, b + OFF_HDR, 8);
    return bv;
}

/*
 * The state an XSAVE image b describes, for the components in mask: a
 * component whose XSTATE_BV bit is clear is in its initial state (zero),
 * whatever its bytes hold.
 */
static void from_area(const uint8_t *b, uint64_t mask, struct vstate *s)
{
    uint64_t bv = xstate_bv(b) & mask;
    unsigned r;

    memset(s, 0, sizeof(*s));
    for (r = 0; r < 16; r++) {
        if (bv & 2) {
            memcpy(s->z[r], b + OFF_XMM + 16 * r, 16);
        }
        if (bv & 4) {
            memcpy(s->z[r] + 16, b + OFF_YMMH + 16 * r, 16);
        }
        if (bv & 0x40) {
            memcpy(s->z[r] + 32, b + OFF_ZMMH + 32 * r, 32);
        }
        if (bv & 0x80) {
            memcpy(s->z[16 + r], b + OFF_HI16 + 64 * r, 64);
        }
    }
    if (bv & 0x20) {
        memcpy(s->k, b + OFF_K, 64);
    }
}

static void hex(char *out, const uint8_t *p, unsigned n)
{
    static const char digits[] = "0123456789abcdef";
    unsigned i;

    /* most significant byte first, as a register value is written */
    for (i = 0; i < n; i++) {
        out[2 * i] = digits[p[n - 1 - i] >> 4];
        out[2 * i + 1] = digits[p[n - 1 - i] & 15];
    }
    out[2 * n] = 0;
}

/*
 * Compare want and got (the parts that are in use: without components
 * 5-7, only YMM0-15).  On a mismatch, describe the first differing
 * 16-byte lane in msg and return 0.
 */
static int same_state(const struct vstate *want, const struct vstate *got,
                      char *msg, size_t len)
{
    unsigned r, lane, k;
    char w[33], g[33];

    for (r = 0; r < 32; r++) {
        for (lane = 0; lane < 4; lane++) {
            if (!full && (r >= 16 || lane >= 2)) {
                continue;
            }
            if (memcmp(want->z[r] + 16 * lane, got->z[r] + 16 * lane, 16)) {
                hex(w, want->z[r] + 16 * lane, 16);
                hex(g, got->z[r] + 16 * lane, 16);
                snprintf(msg, len, "zmm%u bits %u:%u want %s got %s",
                         r, 128 * lane + 127, 128 * lane, w, g);
                return 0;
            }
        }
    }
    for (k = 0; full && k < 8; k++) {
        if (want->k[k] != got->k[k]) {
            snprintf(msg, len, "k%u want %016" PRIx64 " got %016" PRIx64,
                     k, want->k[k], got->k[k]);
            return 0;
        }
    }
    return 1;
}

static void result(int ok, const char *name, const char *fmt, ...)
{
    char detail[512] = "";
    va_list ap;

    if (fmt) {
        va_start(ap, fmt);
        vsnprintf(detail, sizeof(detail), fmt, ap);
        va_end(ap);
    }
    nchecks++;
    if (ok) {
        printf("AVX512-STATE: ok %s\n", name);
    } else {
        nfailed++;
        printf("AVX512-STATE: FAIL %s -- %s\n", name, detail);
    }
    fflush(stdout);
}

/* ------------------------------------------------------------------ */
/* load - run - save                                                   */

#define XMM_CLOBBERS "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", \
    "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", \
    "xmm14", "xmm15"

/*
 * BLOCK(name, insns): void name(in, out) loads the whole state from the
 * XSAVE image in (RFBM = rfbm_lo), runs insns, then saves it into out
 * with SAVE (xsave64 or xsaveopt64).  insns may use rax, rcx, rdx, r11.
 */
#define BLOCK_SAVE(name, insns, save)                                   \
    static void name(uint8_t *in, uint8_t *out)                         \
    {                                                                   \
        asm volatile("movl rfbm_lo(%%rip), %%eax\n\t"                   \
                     "xorl %%edx, %%edx\n\t"                            \
                     "xrstor64 (%0)\n\t"                                \
                     insns "\n\t"                                       \
                     "movl rfbm_lo(%%rip), %%eax\n\t"                   \
                     "xorl %%edx, %%edx\n\t"                            \
                     save " (%1)"                                       \
                     : : "r"(in), "r"(out)                              \
                     : "rax", "rcx", "rdx", "r11", "memory", "cc",      \
                       XMM_CLOBBERS);                                   \
    }
#define BLOCK(name, insns) BLOCK_SAVE(name, insns, "xsave64")

BLOCK(b_nothing, "")
BLOCK_SAVE(b_nothing_opt, "", "xsaveopt64")

/* a second XRSTOR from aux_ptr, with RFBM = rfbm_lo or 0x06 */
BLOCK(b_xrstor_aux,
      "movq aux_ptr(%%rip), %%rcx\n\t"
      "xrstor64 (%%rcx)")
BLOCK(b_xrstor_aux_06,
      "movq aux_ptr(%%rip), %%rcx\n\t"
      "movl $6, %%eax\n\t"
      "xrstor64 (%%rcx)")

/* XSAVE with RFBM = 0x06 only: components 5-7 must stay as they were */
static void b_xsave_06(uint8_t *in, uint8_t *out)
{
    asm volatile("movl rfbm_lo(%%rip), %%eax\n\t"
                 "xorl %%edx, %%edx\n\t"
                 "xrstor64 (%0)\n\t"
                 "movl $6, %%eax\n\t"
                 "xsave64 (%1)"
                 : : "r"(in), "r"(out)
                 : "rax", "rdx", "memory", XMM_CLOBBERS);
}

/* XRSTOR, then XGETBV with ECX = 1 (XINUSE) */
static uint64_t b_xinuse(uint8_t *in)
{
    uint32_t lo, hi;

    asm volatile("movl rfbm_lo(%%rip), %%eax\n\t"
                 "xorl %%edx, %%edx\n\t"
                 "xrstor64 (%2)\n\t"
                 "movl $1, %%ecx\n\t"
                 "xgetbv"
                 : "=&a"(lo), "=&d"(hi) : "r"(in)
                 : "rcx", "memory", XMM_CLOBBERS);
    return ((uint64_t)hi << 32) | lo;
}

/* VEX.128 */
BLOCK(v128_por, "vpor %%xmm1, %%xmm2, %%xmm4")
BLOCK(v128_por_self, "vpor %%xmm1, %%xmm1, %%xmm1")
BLOCK(v128_movdqa, "vmovdqa %%xmm5, %%xmm6")
BLOCK(v128_pxor_hi, "vpxor %%xmm9, %%xmm10, %%xmm11")
BLOCK(v128_paddd, "vpaddd %%xmm7, %%xmm8, %%xmm15")
BLOCK(v128_addss, "vaddss %%xmm1, %%xmm2, %%xmm12")
BLOCK(v128_movd_m, "vmovd src_mem(%%rip), %%xmm13")
BLOCK(v128_movq, "vmovq %%xmm1, %%xmm2")
BLOCK(v128_movdqu_m, "vmovdqu src_mem(%%rip), %%xmm14")
BLOCK(v128_pcmpeqb, "vpcmpeqb %%xmm3, %%xmm3, %%xmm7")
BLOCK(v128_pcmpistrm, "vpcmpistrm $0x40, %%xmm2, %%xmm1")
BLOCK(v128_gather,
      "pxor %%xmm2, %%xmm2\n\t"
      "pcmpeqd %%xmm1, %%xmm1\n\t"
      "leaq src_mem(%%rip), %%rax\n\t"
      "vpgatherdd %%xmm1, (%%rax, %%xmm2, 4), %%xmm3")
/* VEX.256 */
BLOCK(v256_por, "vpor %%ymm1, %%ymm2, %%ymm3")
BLOCK(v256_addps, "vaddps %%ymm1, %%ymm2, %%ymm3")
BLOCK(v256_movdqu_m, "vmovdqu src_mem(%%rip), %%ymm7")
BLOCK(v256_pxor_hi, "vpxor %%ymm13, %%ymm14, %%ymm15")
BLOCK(v256_pcmpeqd, "vpcmpeqd %%ymm0, %%ymm0, %%ymm0")
BLOCK(v256_bcast, "vbroadcastss src_mem(%%rip), %%ymm9")
BLOCK(v256_paddd_m, "vpaddd src_mem(%%rip), %%ymm4, %%ymm5")
BLOCK(v256_perm2i128, "vperm2i128 $0x21, %%ymm1, %%ymm2, %%ymm8")
BLOCK(v256_extracti128, "vextracti128 $1, %%ymm1, %%xmm10")
BLOCK(v256_cvtpd2ps, "vcvtpd2ps %%ymm1, %%xmm11")
/* VEX, no vector register written */
BLOCK(vex_to_gpr,
      "vpmovmskb %%ymm1, %%eax\n\t"
      "vmovd %%xmm2, %%ecx\n\t"
      "vptest %%ymm1, %%ymm2")
BLOCK(vex_store, "vmovdqu %%ymm6, src_mem(%%rip)")
BLOCK(vzeroupper, "vzeroupper")
BLOCK(vzeroall, "vzeroall")
/* legacy SSE */
BLOCK(sse_por, "por %%xmm1, %%xmm3")
BLOCK(sse_movaps, "movaps %%xmm1, %%xmm2")
BLOCK(sse_addps, "addps %%xmm1, %%xmm4")
BLOCK(sse_movdqu_m, "movdqu src_mem(%%rip), %%xmm5")
BLOCK(sse_pxor_hi, "pxor %%xmm14, %%xmm15")
BLOCK(sse_movd_m, "movd src_mem(%%rip), %%xmm6")
BLOCK(sse_movq, "movq %%xmm1, %%xmm2")
BLOCK(sse_pcmpistrm, "pcmpistrm $0x40, %%xmm2, %%xmm1")

/* ------------------------------------------------------------------ */
/* expectations: e starts as the loaded state; got is what was saved   */

static void zero_from(struct vstate *e, unsigned r, unsigned byte)
{
    memset(e->z[r] + byte, 0, 64 - byte);
}

/* bytes [from, to) of register r: whatever the instruction computed */
static void any(struct vstate *e, const struct vstate *got, unsigned r,
                unsigned from, unsigned to)
{
    memcpy(e->z[r] + from, got->z[r] + from, to - from);
}

static void op_or(struct vstate *e, unsigned d, unsigned a, unsigned b,
                  unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        e->z[d][i] = e->z[a][i] | e->z[b][i];
    }
}

static void op_xor(struct vstate *e, unsigned d, unsigned a, unsigned b,
                   unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        e->z[d][i] = e->z[a][i] ^ e->z[b][i];
    }
}

static void op_addd(struct vstate *e, unsigned d, const uint8_t *a,
                    const uint8_t *b, unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i += 4) {
        uint32_t x, y;

        memcpy(&x, a + i, 4);
        memcpy(&y, b + i, 4);
        x += y;
        memcpy(e->z[d] + i, &x, 4);
    }
}

static void e_none(struct vstate *e, const struct vstate *g)
{
}

static void e_v128_por(struct vstate *e, const struct vstate *g)
{
    op_or(e, 4, 1, 2, 16);
    zero_from(e, 4, 16);
}

static void e_v128_por_self(struct vstate *e, const struct vstate *g)
{
    zero_from(e, 1, 16);
}

static void e_v128_movdqa(struct vstate *e, const struct vstate *g)
{
    memcpy(e->z[6], e->z[5], 16);
    zero_from(e, 6, 16);
}

static void e_v128_pxor_hi(struct vstate *e, const struct vstate *g)
{
    op_xor(e, 11, 9, 10, 16);
    zero_from(e, 11, 16);
}

static void e_v128_paddd(struct vstate *e, const struct vstate *g)
{
    op_addd(e, 15, e->z[7], e->z[8], 16);
    zero_from(e, 15, 16);
}

static void e_v128_addss(struct vstate *e, const struct vstate *g)
{
    any(e, g, 12, 0, 4);
    memcpy(e->z[12] + 4, e->z[2] + 4, 12);
    zero_from(e, 12, 16);
}

static void e_v128_movd_m(struct vstate *e, const struct vstate *g)
{
    memcpy(e->z[13], src_mem, 4);
    zero_from(e, 13, 4);
}

static void e_v128_movq(struct vstate *e, const struct vstate *g)
{
    memcpy(e->z[2], e->z[1], 8);
    zero_from(e, 2, 8);
}

static void e_v128_movdqu_m(struct vstate *e, const struct vstate *g)
{
    memcpy(e->z[14], src_mem, 16);
    zero_from(e, 14, 16);
}

static void e_v128_pcmpeqb(struct vstate *e, const struct vstate *g)
{
    memset(e->z[7], 0xff, 16);
    zero_from(e, 7, 16);
}

static void e_v128_pcmpistrm(struct vstate *e, const struct vstate *g)
{
    any(e, g, 0, 0, 16);
    zero_from(e, 0, 16);
}

static void e_v128_gather(struct vstate *e, const struct vstate *g)
{
    unsigned i;

    memset(e->z[2], 0, 16);             /* legacy pxor: 511:128 kept */
    zero_from(e, 1, 0);                 /* the mask: done, and VEX.128 */
    for (i = 0; i < 16; i += 4) {
        memcpy(e->z[3] + i, src_mem, 4);
    }
    zero_from(e, 3, 16);
}

static void e_v256_por(struct vstate *e, const struct vstate *g)
{
    op_or(e, 3, 1, 2, 32);
    zero_from(e, 3, 32);
}

static void e_v256_addps(struct vstate *e, const struct vstate *g)
{
    any(e, g, 3, 0, 32);
    zero_from(e, 3, 32);
}

static void e_v256_movdqu_m(struct vstate *e, const struct vstate *g)
{
    memcpy(e->z[7], src_mem, 32);
    zero_from(e, 7, 32);
}

static void e_v256_pxor_hi(struct vstate *e, const struct vstate *g)
{
    op_xor(e, 15, 13, 14, 32);
    zero_from(e, 15, 32);
}

static void e_v256_pcmpeqd(struct vstate *e, const struct vstate *g)
{
    memset(e->z[0], 0xff, 32);
    zero_from(e, 0, 32);
}

static void e_v256_bcast(struct vstate *e, const struct vstate *g)
{
    unsigned i;

    for (i = 0; i < 32; i += 4) {
        memcpy(e->z[9] + i, src_mem, 4);
    }
    zero_from(e, 9, 32);
}

static void e_v256_paddd_m(struct vstate *e, const struct vstate *g)
{
    op_addd(e, 5, e->z[4], src_mem, 32);
    zero_from(e, 5, 32);
}

static void e_v256_perm2i128(struct vstate *e, const struct vstate *g)
{
    /* imm 0x21: low lane = src1 (ymm2) high lane, high = src2 (ymm1) low */
    memcpy(e->z[8], e->z[2] + 16, 16);
    memcpy(e->z[8] + 16, e->z[1], 16);
    zero_from(e, 8, 32);
}

static void e_v256_extracti128(struct vstate *e, const struct vstate *g)
{
    memcpy(e->z[10], e->z[1] + 16, 16);
    zero_from(e, 10, 16);
}

static void e_v256_cvtpd2ps(struct vstate *e, const struct vstate *g)
{
    any(e, g, 11, 0, 16);
    zero_from(e, 11, 16);
}

static void e_vzeroupper(struct vstate *e, const struct vstate *g)
{
    unsigned r;

    for (r = 0; r < 16; r++) {
        zero_from(e, r, 16);
    }
}

static void e_vzeroall(struct vstate *e, const struct vstate *g)
{
    unsigned r;

    for (r = 0; r < 16; r++) {
        zero_from(e, r, 0);
    }
}

static void e_sse_por(struct vstate *e, const struct vstate *g)
{
    op_or(e, 3, 3, 1, 16);
}

static void e_sse_movaps(struct vstate *e, const struct vstate *g)
{
    memcpy(e->z[2], e->z[1], 16);
}

static void e_sse_addps(struct vstate *e, const struct vstate *g)
{
    any(e, g, 4, 0, 16);
}

static void e_sse_movdqu_m(struct vstate *e, const struct vstate *g)
{
    memcpy(e->z[5], src_mem, 16);
}

static void e_sse_pxor_hi(struct vstate *e, const struct vstate *g)
{
    op_xor(e, 15, 15, 14, 16);
}

static void e_sse_movd_m(struct vstate *e, const struct vstate *g)
{
    memcpy(e->z[6], src_mem, 4);
    memset(e->z[6] + 4, 0, 12);
}

static void e_sse_movq(struct vstate *e, const struct vstate *g)
{
    memcpy(e->z[2], e->z[1], 8);
    memset(e->z[2] + 8, 0, 8);
}

static void e_sse_pcmpistrm(struct vstate *e, const struct vstate *g)
{
    any(e, g, 0, 0, 16);
}

struct icase {
    const char *name;
    void (*run)(uint8_t *in, uint8_t *out);
    void (*expect)(struct vstate *e, const struct vstate *got);
};

static const struct icase icases[] = {
    { "VEX.128 vpor xmm1,xmm2,xmm4 zeroes zmm4[511:128]",
      v128_por, e_v128_por },
    { "VEX.128 vpor xmm1,xmm1,xmm1 zeroes zmm1[511:128]",
      v128_por_self, e_v128_por_self },
    { "VEX.128 vmovdqa xmm5,xmm6 zeroes zmm6[511:128]",
      v128_movdqa, e_v128_movdqa },
    { "VEX.128 vpxor xmm9,xmm10,xmm11 zeroes zmm11[511:128]",
      v128_pxor_hi, e_v128_pxor_hi },
    { "VEX.128 vpaddd xmm7,xmm8,xmm15 zeroes zmm15[511:128]",
      v128_paddd, e_v128_paddd },
    { "VEX.128 vaddss xmm1,xmm2,xmm12 zeroes zmm12[511:128]",
      v128_addss, e_v128_addss },
    { "VEX.128 vmovd m32,xmm13 zeroes zmm13[511:32]",
      v128_movd_m, e_v128_movd_m },
    { "VEX.128 vmovq xmm1,xmm2 zeroes zmm2[511:64]",
      v128_movq, e_v128_movq },
    { "VEX.128 vmovdqu m128,xmm14 zeroes zmm14[511:128]",
      v128_movdqu_m, e_v128_movdqu_m },
    { "VEX.128 vpcmpeqb xmm3,xmm3,xmm7 zeroes zmm7[511:128]",
      v128_pcmpeqb, e_v128_pcmpeqb },
    { "VEX.128 vpcmpistrm (implicit xmm0) zeroes zmm0[511:128]",
      v128_pcmpistrm, e_v128_pcmpistrm },
    { "VEX.128 vpgatherdd zeroes zmm3[511:128] and all of the mask zmm1",
      v128_gather, e_v128_gather },
    { "VEX.256 vpor ymm1,ymm2,ymm3 zeroes zmm3[511:256]",
      v256_por, e_v256_por },
    { "VEX.256 vaddps ymm1,ymm2,ymm3 zeroes zmm3[511:256]",
      v256_addps, e_v256_addps },
    { "VEX.256 vmovdqu m256,ymm7 zeroes zmm7[511:256]",
      v256_movdqu_m, e_v256_movdqu_m },
    { "VEX.256 vpxor ymm13,ymm14,ymm15 zeroes zmm15[511:256]",
      v256_pxor_hi, e_v256_pxor_hi },
    { "VEX.256 vpcmpeqd ymm0,ymm0,ymm0 zeroes zmm0[511:256]",
      v256_pcmpeqd, e_v256_pcmpeqd },
    { "VEX.256 vbroadcastss m32,ymm9 zeroes zmm9[511:256]",
      v256_bcast, e_v256_bcast },
    { "VEX.256 vpaddd m256,ymm4,ymm5 zeroes zmm5[511:256]",
      v256_paddd_m, e_v256_paddd_m },
    { "VEX.256 vperm2i128 ymm1,ymm2,ymm8 zeroes zmm8[511:256]",
      v256_perm2i128, e_v256_perm2i128 },
    { "VEX.256 vextracti128 ymm1,xmm10 zeroes zmm10[511:128]",
      v256_extracti128, e_v256_extracti128 },
    { "VEX.256 vcvtpd2ps ymm1,xmm11 zeroes zmm11[511:128]",
      v256_cvtpd2ps, e_v256_cvtpd2ps },
    { "VEX vpmovmskb/vmovd/vptest to GPRs and flags change no vector",
      vex_to_gpr, e_none },
    { "VEX.256 vmovdqu ymm6,m256 (a store) changes no vector",
      vex_store, e_none },
    { "VZEROUPPER zeroes zmm0-15[511:128], keeps zmm16-31 and k0-7",
      vzeroupper, e_vzeroupper },
    { "VZEROALL zeroes zmm0-15, keeps zmm16-31 and k0-7",
      vzeroall, e_vzeroall },
    { "SSE por xmm1,xmm3 keeps zmm3[511:128]", sse_por, e_sse_por },
    { "SSE movaps xmm1,xmm2 keeps zmm2[511:128]", sse_movaps, e_sse_movaps },
    { "SSE addps xmm1,xmm4 keeps zmm4[511:128]", sse_addps, e_sse_addps },
    { "SSE movdqu m128,xmm5 keeps zmm5[511:128]",
      sse_movdqu_m, e_sse_movdqu_m },
    { "SSE pxor xmm14,xmm15 keeps zmm15[511:128]",
      sse_pxor_hi, e_sse_pxor_hi },
    { "SSE movd m32,xmm6 zeroes xmm6[127:32], keeps zmm6[511:128]",
      sse_movd_m, e_sse_movd_m },
    { "SSE movq xmm1,xmm2 zeroes xmm2[127:64], keeps zmm2[511:128]",
      sse_movq, e_sse_movq },
    { "SSE pcmpistrm (implicit xmm0) keeps zmm0[511:128]",
      sse_pcmpistrm, e_sse_pcmpistrm },
};

/* Load pattern seed, run c->run, compare with c->expect. */
static void check_insn(const struct icase *c, uint64_t seed, uint8_t *in,
                       uint8_t *out)
{
    struct vstate s, e, got;
    char msg[256];
    unsigned i;

    fill(&s, seed);
    for (i = 0; i < sizeof(src_mem); i += 8) {
        uint64_t v = mix64(seed ^ 0x5352434d454dull ^ i);
        memcpy(src_mem + i, &v, 8);
    }
    to_area(&s, in, 0x06 | (full ? XMASK_512 : 0));
    memset(out, 0, AREA_ALLOC);
    c->run(in, out);
    from_area(out, rfbm_lo, &got);
    e = s;
    c->expect(&e, &got);
    result(same_state(&e, &got, msg, sizeof(msg)), c->name, "%s", msg);
}

/* ------------------------------------------------------------------ */
/* CPUID and XCR0                                                      */

struct leafd {
    unsigned eax, ebx, ecx, edx;
};

static struct leafd cpuid_d(unsigned sub)
{
    struct leafd l = { 0, 0, 0, 0 };

    __cpuid_count(0xd, sub, l.eax, l.ebx, l.ecx, l.edx);
    return l;
}

static uint64_t xgetbv(unsigned n)
{
    uint32_t lo, hi;

    asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(n));
    return ((uint64_t)hi << 32) | lo;
}

static const struct {
    unsigned comp, size;
    unsigned *offset;
    const char *name;
} comps[] = {
    { 5, 64, &off_k, "opmask" },
    { 6, 512, &off_zmmh, "ZMM_Hi256" },
    { 7, 1024, &off_hi16, "Hi16_ZMM" },
};

/*
 * The CPUID and XCR0 checks.  Returns 1 if AVX-512 state is there to be
 * tested, 0 if not (after checking that CPUID is consistent about it).
 */
static int check_enumeration(int ymm_only)
{
    unsigned a, b, c, d, avx512f, i, maxleaf;
    uint64_t xcr0 = 0, supported;
    struct leafd d0, d1, dc;

    __cpuid(0, maxleaf, b, c, d);
    __cpuid(1, a, b, c, d);
    if (!(c & (1u << 26)) || !(c & (1u << 27)) || maxleaf < 0xd) {
        printf("AVX512-STATE: no XSAVE enabled by the OS (CPUID.1:ECX "
               "%#x)\n", c);
        exit(3);
    }
    __cpuid_count(7, 0, a, b, c, d);
    avx512f = (b >> 16) & 1;
    xcr0 = xgetbv(0);
    d0 = cpuid_d(0);
    d1 = cpuid_d(1);
    supported = ((uint64_t)d0.edx << 32) | d0.eax;
    printf("AVX512-STATE: info avx512f=%u avx512vl=%u xcr0=%#" PRIx64
           " 0dh.0: eax=%#x ebx=%u ecx=%u edx=%#x 0dh.1: eax=%#x\n",
           avx512f, (b >> 31) & 1, xcr0, d0.eax, d0.ebx, d0.ecx, d0.edx,
           d1.eax);
    fflush(stdout);

    if (ymm_only || !avx512f) {
        /* CPUID must then say nothing about components 5-7 */
        if (!avx512f) {
            result(!(supported & XMASK_512),
                   "no avx512f: CPUID 0DH.0 EAX[7:5] = 000", "eax %#x",
                   d0.eax);
            for (i = 0; i < 3; i++) {
                char name[80];

                dc = cpuid_d(comps[i].comp);
                snprintf(name, sizeof(name),
                         "no avx512f: CPUID 0DH.%u all zero", comps[i].comp);
                result(!dc.eax && !dc.ebx && !dc.ecx && !dc.edx, name,
                       "%#x %#x %#x %#x", dc.eax, dc.ebx, dc.ecx, dc.edx);
            }
            result(!(xcr0 & XMASK_512), "no avx512f: XCR0[7:5] = 000",
                   "xcr0 %#" PRIx64, xcr0);
        }
        if (!ymm_only) {
            printf("AVX512-STATE: no AVX-512 state: avx512f=0 "
                   "xcr0[7:5]=%u\n", (unsigned)(xcr0 >> 5) & 7);
            fflush(stdout);
            exit(nfailed ? 1 : 3);
        }
        return 0;
    }

    result((supported & XMASK_512) == XMASK_512,
           "CPUID 0DH.0 EAX has bits 5-7 (XCR0 may enable AVX-512 state)",
           "eax %#x", d0.eax);
    /*
     * The offsets are the processor's: after the legacy area, the header
     * and the AVX component (576 + 256), in component order, without
     * overlap.  The tests compare them with Intel's where they must be.
     */
    for (i = 0; i < 3; i++) {
        char name[96];
        unsigned lowest = i ? *comps[i - 1].offset + comps[i - 1].size
                            : 576 + 256;

        dc = cpuid_d(comps[i].comp);
        snprintf(name, sizeof(name), "CPUID 0DH.%u: %s, %u bytes after "
                 "component %u, user state", comps[i].comp, comps[i].name,
                 comps[i].size, i ? comps[i - 1].comp : 2);
        result(dc.eax == comps[i].size && dc.ebx >= lowest &&
               !(dc.ecx & 1), name, "eax %u ebx %u ecx %#x", dc.eax, dc.ebx,
               dc.ecx);
        if (dc.eax == comps[i].size && dc.ebx >= lowest) {
            *comps[i].offset = dc.ebx;
        }
    }
    printf("AVX512-STATE: info layout 5@%u 6@%u 7@%u\n", off_k, off_zmmh,
           off_hi16);
    fflush(stdout);
    result(d0.ecx >= AREA_END && d0.ecx <= AREA_ALLOC,
           "CPUID 0DH.0 ECX (largest area) covers component 7",
           "ecx %u", d0.ecx);
    if ((xcr0 & (XMASK_512 | 6)) != (XMASK_512 | 6)) {
        printf("AVX512-STATE: no AVX-512 state: avx512f=1 "
               "xcr0[7:5]=%u (the OS did not enable it)\n",
               (unsigned)(xcr0 >> 5) & 7);
        fflush(stdout);
        exit(nfailed ? 1 : 3);
    }
    result(1, "XCR0 has bits 1, 2 and 5-7 (the OS enabled AVX-512 state)",
           NULL);
    result(d0.ebx >= AREA_END && d0.ebx <= d0.ecx,
           "CPUID 0DH.0 EBX (area for XCR0) covers component 7",
           "ebx %u ecx %u", d0.ebx, d0.ecx);
    return 1;
}

/* ------------------------------------------------------------------ */
/* XSAVE / XRSTOR                                                      */

static void check_xsave(uint8_t *in, uint8_t *out, uint8_t *aux)
{
    struct vstate a, bst, got, e;
    char msg[256];
    unsigned a_, b_, c_, d_, comp;
    uint64_t bv;

    fill(&a, 0xa1);
    fill(&bst, 0xb2);
    to_area(&a, in, rfbm_lo);
    memset(out, 0, AREA_ALLOC);
    b_nothing(in, out);
    from_area(out, rfbm_lo, &got);
    result(same_state(&a, &got, msg, sizeof(msg)),
           full ? "XRSTOR/XSAVE round trip: k0-7, ZMM0-31 (all 512 bits)"
                : "XRSTOR/XSAVE round trip: YMM0-15", "%s", msg);
    bv = xstate_bv(out);
    result((bv & rfbm_lo) == rfbm_lo,
           full ? "XSAVE sets XSTATE_BV bits 1, 2, 5-7 for non-initial state"
                : "XSAVE sets XSTATE_BV bits 1, 2 for non-initial state",
           "xstate_bv %#" PRIx64, bv);

    __cpuid_count(0xd, 1, a_, b_, c_, d_);
    if (a_ & 1) {
        memset(out, 0, AREA_ALLOC);
        b_nothing_opt(in, out);
        from_area(out, rfbm_lo, &got);
        result(same_state(&a, &got, msg, sizeof(msg)) &&
               (xstate_bv(out) & rfbm_lo) == rfbm_lo,
               "XRSTOR/XSAVEOPT round trip", "%s xstate_bv %#" PRIx64, msg,
               xstate_bv(out));
    } else {
        printf("AVX512-STATE: info no XSAVEOPT\n");
    }
    if (full && (a_ & 4)) {
        uint64_t inuse = b_xinuse(in);

        result((inuse & (XMASK_512 | 6)) == (XMASK_512 | 6),
               "XGETBV(1) XINUSE has bits 1, 2, 5-7 for non-initial state",
               "xinuse %#" PRIx64, inuse);
    }

    /* XRSTOR of an image whose XSTATE_BV leaves out components */
    {
        static const struct {
            uint64_t bv;
            const char *name;
        } inits[] = {
            { 0x06, "XRSTOR with XSTATE_BV[7:5] = 000: k0-7, ZMM_Hi256, "
                    "Hi16_ZMM become zero" },
            { 0xc6, "XRSTOR with XSTATE_BV[5] = 0: k0-7 become zero, "
                    "the rest loads" },
            { 0xa6, "XRSTOR with XSTATE_BV[6] = 0: zmm0-15[511:256] become "
                    "zero, the rest loads" },
            { 0x66, "XRSTOR with XSTATE_BV[7] = 0: zmm16-31 become zero, "
                    "the rest loads" },
            { 0x00, "XRSTOR with XSTATE_BV = 0: everything in RFBM becomes "
                    "zero" },
        };
        unsigned i, r;

        aux_ptr = aux;
        for (i = 0; i < sizeof(inits) / sizeof(inits[0]); i++) {
            if (!full && inits[i].bv != 0) {
                continue;
            }
            to_area(&bst, aux, inits[i].bv);
            memset(out, 0, AREA_ALLOC);
            b_xrstor_aux(in, out);
            from_area(out, rfbm_lo, &got);
            e = bst;
            for (comp = 1; comp < 8; comp++) {
                if (inits[i].bv & (1u << comp)) {
                    continue;
                }
                for (r = 0; r < 16; r++) {
                    if (comp == 1) {
                        memset(e.z[r], 0, 16);
                    } else if (comp == 2) {
                        memset(e.z[r] + 16, 0, 16);
                    } else if (comp == 6) {
                        memset(e.z[r] + 32, 0, 32);
                    } else if (comp == 7) {
                        memset(e.z[16 + r], 0, 64);
                    }
                }
                if (comp == 5) {
                    memset(e.k, 0, sizeof(e.k));
                }
            }
            result(same_state(&e, &got, msg, sizeof(msg)), inits[i].name,
                   "%s", msg);
        }
        if (!full) {
            return;
        }

        /* RFBM 0x06: components 5-7 keep what the first XRSTOR loaded */
        to_area(&bst, aux, 0x06 | XMASK_512);
        memset(out, 0, AREA_ALLOC);
        b_xrstor_aux_06(in, out);
        from_area(out, rfbm_lo, &got);
        e = bst;
        for (r = 0; r < 16; r++) {
            memcpy(e.z[r] + 32, a.z[r] + 32, 32);
            memcpy(e.z[16 + r], a.z[16 + r], 64);
        }
        memcpy(e.k, a.k, sizeof(e.k));
        result(same_state(&e, &got, msg, sizeof(msg)),
               "XRSTOR with RFBM = 0x06 leaves k0-7, ZMM_Hi256, Hi16_ZMM "
               "alone", "%s", msg);

        /* XSAVE with RFBM 0x06 writes nothing of components 5-7 */
        memset(out, 0x5a, AREA_ALLOC);
        memset(out + OFF_HDR, 0, 64);
        b_xsave_06(in, out);
        for (r = OFF_K; r < AREA_END && out[r] == 0x5a; r++) {
        }
        result(r == AREA_END && (xstate_bv(out) & XMASK_512) == 0,
               "XSAVE with RFBM = 0x06 writes no byte of components 5-7 "
               "and no XSTATE_BV bit of them",
               "byte %u is %#x, xstate_bv %#" PRIx64, r, out[r],
               xstate_bv(out));
    }
}

/* ------------------------------------------------------------------ */
/* signals                                                             */

static struct vstate sig_a, sig_b;
static uint8_t *sig_clobber;
static volatile int sig_frame_ok, sig_handled;
static char sig_msg[256];

struct sw_bytes {               /* the kernel's struct _fpx_sw_bytes */
    uint32_t magic1;
    uint32_t extended_size;
    uint64_t xfeatures;
    uint32_t xstate_size;
    uint32_t padding[7];
};

/*
 * SIGUSR1: the frame must hold sig_a; write sig_b into it, then load
 * sig_clobber into the registers: sigreturn must restore sig_b.
 */
static void on_usr1(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    uint8_t *fx = (uint8_t *)uc->uc_mcontext.fpregs;
    struct sw_bytes sw;
    struct vstate got;
    uint32_t magic2 = 0;
    uint64_t bv;

    sig_handled++;
    memcpy(&sw, fx + OFF_SWRES, sizeof(sw));
    if (sw.magic1 == FP_XSTATE_MAGIC1 && sw.xstate_size <= AREA_ALLOC) {
        memcpy(&magic2, fx + sw.xstate_size, 4);
    }
    bv = xstate_bv(fx);
    if (sw.magic1 != FP_XSTATE_MAGIC1 || magic2 != FP_XSTATE_MAGIC2 ||
        (sw.xfeatures & rfbm_lo) != rfbm_lo ||
        sw.xstate_size < (full ? AREA_END : OFF_YMMH + 256) ||
        (bv & rfbm_lo) != rfbm_lo) {
        snprintf(sig_msg, sizeof(sig_msg), "frame: magic1 %#x magic2 %#x "
                 "xfeatures %#" PRIx64 " xstate_size %u xstate_bv %#" PRIx64,
                 sw.magic1, magic2, sw.xfeatures, sw.xstate_size, bv);
        sig_frame_ok = -1;
        return;
    }
    from_area(fx, rfbm_lo, &got);
    sig_frame_ok = same_state(&sig_a, &got, sig_msg, sizeof(sig_msg));
    put_components(&sig_b, fx, rfbm_lo);
    bv |= rfbm_lo;
    memcpy(fx + OFF_HDR, &bv, 8);
    asm volatile("movl rfbm_lo(%%rip), %%eax\n\t"
                 "xorl %%edx, %%edx\n\t"
                 "xrstor64 (%0)"
                 : : "r"(sig_clobber) : "rax", "rdx", "memory",
                 XMM_CLOBBERS);
}

/* XRSTOR in, tgkill(pid, tid, SIGUSR1), XSAVE out */
static void b_signal(uint8_t *in, uint8_t *out, long pid, long tid)
{
    asm volatile("movl rfbm_lo(%%rip), %%eax\n\t"
                 "xorl %%edx, %%edx\n\t"
                 "xrstor64 (%0)\n\t"
                 "movl %[nr], %%eax\n\t"
                 "movl %[sig], %%edx\n\t"
                 "syscall\n\t"
                 "movl rfbm_lo(%%rip), %%eax\n\t"
                 "xorl %%edx, %%edx\n\t"
                 "xsave64 (%1)"
                 : : "r"(in), "r"(out), "D"(pid), "S"(tid),
                 [nr] "i"(SYS_tgkill), [sig] "i"(SIGUSR1)
                 : "rax", "rcx", "rdx", "r11", "memory", "cc",
                 XMM_CLOBBERS);
}

static volatile unsigned long alarms;

/* SIGALRM: leave the registers in their initial state */
static void on_alarm(int sig)
{
    alarms++;
    asm volatile("movl rfbm_lo(%%rip), %%eax\n\t"
                 "xorl %%edx, %%edx\n\t"
                 "xrstor64 (%0)"
                 : : "r"(sig_clobber + AREA_ALLOC) : "rax", "rdx", "memory",
                 XMM_CLOBBERS);
}

BLOCK(b_spin,
      "movl $20000, %%ecx\n"
      "1:\n\t"
      "decl %%ecx\n\t"
      "jnz 1b")

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void check_signals(uint8_t *in, uint8_t *out)
{
    struct sigaction sa;
    struct itimerval it;
    struct vstate got, s;
    struct vstate c;
    char msg[256];
    unsigned long rounds = 0, bad = 0;
    uint32_t mxcsr = MXCSR_INIT;
    double end;

    /* two images: a clobbering one, and (after it) the initial state */
    sig_clobber = aligned_alloc(64, 2 * AREA_ALLOC);
    fill(&c, 0xc3);
    to_area(&c, sig_clobber, rfbm_lo);
    memset(sig_clobber + AREA_ALLOC, 0, AREA_ALLOC);
    memcpy(sig_clobber + AREA_ALLOC + OFF_MXCSR, &mxcsr, 4);

    fill(&sig_a, 0x5a);
    fill(&sig_b, 0x5b);
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    to_area(&sig_a, in, rfbm_lo);
    memset(out, 0, AREA_ALLOC);
    b_signal(in, out, getpid(), syscall(SYS_gettid));
    result(sig_handled == 1 && sig_frame_ok != -1,
           "signal frame: XSAVE layout, magic words, xfeatures and "
           "XSTATE_BV cover the state", "%s", sig_msg);
    result(sig_frame_ok == 1,
           full ? "signal frame holds k0-7 and ZMM0-31 of the interrupted "
                  "code" : "signal frame holds YMM0-15 of the interrupted "
                  "code", "%s", sig_msg);
    from_area(out, rfbm_lo, &got);
    result(same_state(&sig_b, &got, msg, sizeof(msg)),
           "sigreturn loads what the handler wrote into the frame",
           "%s (xstate_bv %#" PRIx64 ")", msg, xstate_bv(out));

    /* a loop interrupted by 1 ms timer signals that reset the registers */
    signal(SIGALRM, on_alarm);
    it.it_interval.tv_sec = 0;
    it.it_interval.tv_usec = 1000;
    it.it_value = it.it_interval;
    fill(&s, 0x77);
    to_area(&s, in, rfbm_lo);
    setitimer(ITIMER_REAL, &it, NULL);
    end = now() + 0.5;
    while (now() < end || alarms < 20) {
        memset(out, 0, AREA_ALLOC);
        b_spin(in, out);
        from_area(out, rfbm_lo, &got);
        rounds++;
        if (!same_state(&s, &got, msg, sizeof(msg)) && !bad++) {
            memcpy(sig_msg, msg, sizeof(msg));
        }
        if (now() > end + 10) {
            break;
        }
    }
    memset(&it, 0, sizeof(it));
    setitimer(ITIMER_REAL, &it, NULL);
    signal(SIGALRM, SIG_DFL);
    printf("AVX512-STATE: info timer: %lu rounds, %lu signals\n", rounds,
           (unsigned long)alarms);
    result(!bad && alarms >= 20,
           "1 ms timer signals whose handler resets the registers leave "
           "a running loop's state intact", "%lu of %lu rounds differ "
           "(first: %s), %lu signals", bad, rounds, sig_msg,
           (unsigned long)alarms);
}

/* ------------------------------------------------------------------ */
/* threads                                                             */

#define MAX_THREADS 64

/* XRSTOR in, sched_yield() 8 times, XSAVE out */
static void b_yield(uint8_t *in, uint8_t *out)
{
    asm volatile("movl rfbm_lo(%%rip), %%eax\n\t"
                 "xorl %%edx, %%edx\n\t"
                 "xrstor64 (%0)\n\t"
                 "movl $8, %%r8d\n"
                 "1:\n\t"
                 "movl %[nr], %%eax\n\t"
                 "syscall\n\t"
                 "decl %%r8d\n\t"
                 "jnz 1b\n\t"
                 "movl rfbm_lo(%%rip), %%eax\n\t"
                 "xorl %%edx, %%edx\n\t"
                 "xsave64 (%1)"
                 : : "r"(in), "r"(out), [nr] "i"(SYS_sched_yield)
                 : "rax", "rcx", "rdx", "r8", "r11", "memory", "cc",
                 XMM_CLOBBERS);
}

struct worker {
    pthread_t tid;
    unsigned t;
    unsigned long seed;
    unsigned long rounds;       /* how many; 0: until stop */
    volatile unsigned long done;
    volatile unsigned long switches;    /* context switches of the thread */
    volatile int failed;
    char msg[256];
    pthread_mutex_t lock;
    struct vstate seen;
};

static struct worker workers[MAX_THREADS];
static volatile int stop;

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    uint8_t *in = area_alloc(), *out = area_alloc();
    long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
    struct vstate s, got;
    cpu_set_t cpus;

    CPU_ZERO(&cpus);
    CPU_SET(w->t % (ncpus > 0 ? ncpus : 1), &cpus);
    sched_setaffinity(0, sizeof(cpus), &cpus);
    fill(&s, (w->seed << 8) | w->t);
    to_area(&s, in, rfbm_lo);
    while (!stop && (!w->rounds || w->done < w->rounds)) {
        memset(out, 0, AREA_ALLOC);
        b_yield(in, out);
        from_area(out, rfbm_lo, &got);
        pthread_mutex_lock(&w->lock);
        w->seen = got;
        pthread_mutex_unlock(&w->lock);
        if (!same_state(&s, &got, w->msg, sizeof(w->msg))) {
            w->failed = 1;
            break;
        }
        w->done++;
        if (w->done % 64 == 0) {
            struct rusage ru;

            if (!getrusage(RUSAGE_THREAD, &ru)) {
                w->switches = ru.ru_nvcsw + ru.ru_nivcsw;
            }
        }
    }
    free(in);
    free(out);
    return NULL;
}

static int start_workers(unsigned n, unsigned long seed, unsigned long rounds)
{
    unsigned t;

    for (t = 0; t < n; t++) {
        workers[t].t = t;
        workers[t].seed = seed;
        workers[t].rounds = rounds;
        pthread_mutex_init(&workers[t].lock, NULL);
        if (pthread_create(&workers[t].tid, NULL, worker_main,
                           &workers[t])) {
            perror("pthread_create");
            return 0;
        }
    }
    return 1;
}

static void check_threads(void)
{
    unsigned t, n = 4, bad = 0;
    unsigned long rounds = 400, total = 0;
    char msg[400] = "";

    if (!start_workers(n, 0x7e, rounds)) {
        result(0, "threads", "pthread_create failed");
        return;
    }
    for (t = 0; t < n; t++) {
        pthread_join(workers[t].tid, NULL);
        total += workers[t].done;
        if (workers[t].failed && !bad++) {
            snprintf(msg, sizeof(msg), "thread %u after %lu rounds: %s", t,
                     workers[t].done, workers[t].msg);
        }
    }
    result(!bad && total == n * rounds,
           full ? "4 threads keep their own k0-7/ZMM0-31 across 3200 "
                  "sched_yield() each" : "4 threads keep their own YMM0-15 "
                  "across 3200 sched_yield() each", "%s (%lu rounds)", msg,
           total);
}

static void report_threads(unsigned n)
{
    unsigned t, k;

    for (t = 0; t < n; t++) {
        struct vstate v;
        uint64_t y15, z15, z31;

        pthread_mutex_lock(&workers[t].lock);
        v = workers[t].seen;
        pthread_mutex_unlock(&workers[t].lock);
        memcpy(&y15, v.z[15] + 24, 8);
        memcpy(&z15, v.z[15] + 56, 8);
        memcpy(&z31, v.z[31] + 56, 8);
        printf("AVX512-STATE: t=%u n=%lu cs=%lu", t, workers[t].done,
               workers[t].switches);
        for (k = 0; k < 8; k++) {
            printf(" k%u=%016" PRIx64, k, v.k[k]);
        }
        printf(" y15=%016" PRIx64 " z15=%016" PRIx64 " z31=%016" PRIx64 "\n",
               y15, z15, z31);
    }
    fflush(stdout);
}

static int threads_mode(unsigned n, unsigned seconds, unsigned long seed)
{
    unsigned t, s;
    unsigned long total = 0;

    printf("AVX512-STATE: start threads=%u seconds=%u\n", n, seconds);
    fflush(stdout);
    if (!start_workers(n, seed, 0)) {
        return 1;
    }
    for (s = 0; s < seconds; s++) {
        sleep(1);
        for (t = 0; t < n; t++) {
            if (workers[t].failed) {
                stop = 1;
            }
        }
        report_threads(n);
        if (stop) {
            break;
        }
    }
    stop = 1;
    for (t = 0; t < n; t++) {
        pthread_join(workers[t].tid, NULL);
        total += workers[t].done;
    }
    report_threads(n);
    for (t = 0; t < n; t++) {
        if (workers[t].failed) {
            printf("AVX512-STATE: FAIL t=%u after %lu rounds: %s\n", t,
                   workers[t].done, workers[t].msg);
            return 1;
        }
        if (!workers[t].done) {
            printf("AVX512-STATE: FAIL t=%u ran no round\n", t);
            return 1;
        }
    }
    printf("AVX512-STATE: PASS threads=%u rounds=%lu\n", n, total);
    return 0;
}

/* ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    int ymm_only = 0;
    uint8_t *in, *out, *aux;
    unsigned i;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && !strcmp(argv[1], "--ymm-only")) {
        ymm_only = 1;
        argc--;
        argv++;
    }
    if (argc > 1 && !strcmp(argv[1], "threads")) {
        unsigned n = argc > 2 ? atoi(argv[2]) : 4;
        unsigned secs = argc > 3 ? atoi(argv[3]) : 5;
        unsigned long seed = argc > 4 ? strtoul(argv[4], NULL, 0) : 0x5eed;

        if (n < 1 || n > MAX_THREADS) {
            fprintf(stderr, "THREADS must be 1..%d\n", MAX_THREADS);
            return 64;
        }
        full = check_enumeration(ymm_only);
        if (!full) {
            rfbm_lo = 0x06;
        }
        return threads_mode(n, secs, seed);
    } else if (argc > 1) {
        fprintf(stderr, "usage: avx512-state [--ymm-only] "
                "[threads T SECONDS [SEED]]\n");
        return 64;
    }

    full = check_enumeration(ymm_only);
    if (!full) {
        rfbm_lo = 0x06;
    }
    in = area_alloc();
    out = area_alloc();
    aux = area_alloc();
    check_xsave(in, out, aux);
    for (i = 0; i < sizeof(icases) / sizeof(icases[0]); i++) {
        check_insn(&icases[i], 0x100 + i, in, out);
    }
    check_signals(in, out);
    check_threads();
    if (nfailed) {
        printf("AVX512-STATE: FAILED %u of %u checks\n", nfailed, nchecks);
        return 1;
    }
    printf("AVX512-STATE: PASS checks=%u\n", nchecks);
    return 0;
}

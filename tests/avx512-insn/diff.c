/*
 * Differential test of AVX-512 instructions: every form (forms_*.py via
 * gen.py) runs on random inputs in a legacy variant (GPR slots R8-R15) and
 * an APX variant (R16-R31); a digest of everything it computed is printed
 * per form, so that runs on the host CPU and under qemu-x86_64 can be
 * compared.  This driver is compiled without AVX-512 and never executes an
 * EVEX instruction itself: the forms load and store the vector state with
 * XRSTOR/XSAVE (components 1, 2, 5, 6, 7 at the offsets CPUID leaf 0DH
 * gives), the raw #UD cases run from a code page.
 *
 * State of a case: zmm0-31, k0-7, MXCSR, the four GPR slots, RFLAGS and a
 * 4 KiB scratch buffer between two PROT_NONE pages.  A SIGSEGV, SIGILL,
 * SIGBUS or SIGFPE is caught per case and is part of the result.
 *
 * Usage: avx512-insn-diff MODE ...
 *   --list                               one line per form
 *   --digest legacy|apx [GROUPS [CASES [SEED]]]
 *                                        one line per form: a digest of
 *                                        the outputs of CASES cases (of
 *                                        CASES / 10 in group int, / 2 in
 *                                        the groups cmp, shuf, perm and
 *                                        trunc, / 4 in group shift, / 5 in
 *                                        group fp), or "sigill" when the
 *                                        first case raised #UD at the
 *                                        instruction
 *   --case-digests legacy|apx FORM [CASES [SEED]]   one line per case
 *   --dump legacy|apx FORM CASE [SEED]   inputs and outputs of one case
 *   --trace legacy|apx LIST [CASES [SEED]]
 *                                        inputs and outputs of every case
 *                                        of the forms and groups of LIST
 *                                        (comma-separated), for model.py
 *                                        (CASES / 10 in group int, / 2 in
 *                                        the groups cmp, shuf, perm and
 *                                        trunc, / 4 in group shift, / 5 in
 *                                        group fp)
 *   --expect-ud legacy|apx|both [GROUPS [FEATURE]]
 *                                        every form (that needs FEATURE:
 *                                        VL, BW, DQ) must raise #UD at the
 *                                        instruction under test
 *   --ud noapx|apx|noavx512 [GROUPS [--native|--qemu]]
 *                                        the raw cases of ud_cases.py
 *   --cpuid-ud                           what CPUID (and glibc) say
 *   --xstate [N]                         XRSTOR/XSAVE round trips of N
 *                                        random states (the layout)
 * GROUPS: comma-separated names (move, kmask, masked, selftest, int, cmp,
 * shuf, shift, fp, perm, trunc), "all" (every AVX-512 group, not
 * selftest) or "none".
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/platform/x86.h>
#include <ucontext.h>

/* shared with the functions gen.py writes */
struct io {
    uint64_t gpr[4];            /* slots A, B, P (base), I (index) */
    uint64_t flags;             /* RFLAGS in and out */
    uint64_t rfbm;              /* XRSTOR/XSAVE requested-feature bitmap */
    void *xin, *xout;           /* XSAVE areas, standard format */
};
_Static_assert(offsetof(struct io, flags) == 32, "gen.py IO_FLAGS");
_Static_assert(offsetof(struct io, rfbm) == 40, "gen.py IO_RFBM");
_Static_assert(offsetof(struct io, xin) == 48, "gen.py IO_XIN");
_Static_assert(offsetof(struct io, xout) == 56, "gen.py IO_XOUT");

enum { SLOT_A, SLOT_B, SLOT_P, SLOT_I, NSLOT };
/* form flags, as in forms_common.py */
enum {
    MASKED = 0x1, STORE = 0x2, BCST = 0x4, ALIGNED = 0x8, FAULTY = 0x10,
    MISALIGN = 0x20,            /* sometimes misalign an ALIGNED one (#GP) */
    AT_END = 0x40,              /* sometimes flush against the page's end */
};
/* the groups, by the index gen.py gives them (gen.GROUPS); an index
 * without a group would have no name (NULL) and no forms */
enum {
    SELFTEST = 3, INT = 4, CMP = 5, SHUF = 6, SHIFT = 7, FP = 8, PERM = 9,
    TRUNC = 10, NGROUP
};
static const char *const group_names[NGROUP] = {
    "move", "kmask", "masked", "selftest", "int", "cmp", "shuf", "shift",
    [FP] = "fp", [PERM] = "perm", [TRUNC] = "trunc",
};
/* --digest and --trace run CASES / this many cases of a group's forms
 * (forms_common.CASE_DIVISOR): a big group costs less time; 0 (an index
 * without a group) counts as 1 */
static const unsigned group_case_div[NGROUP] = {
    1, 1, 1, 1, [INT] = 10, [CMP] = 2, [SHUF] = 2, [SHIFT] = 4, [FP] = 5,
    [PERM] = 2, [TRUNC] = 2,
};

typedef void form_fn(struct io *io);
struct form {
    const char *name;
    unsigned group, flags, size, esize, align;
    long disp;
    unsigned scale;
    const char *gprs, *feature;
    uint32_t zuse;              /* vector registers the form names */
    unsigned kuse;              /* mask registers the form names */
    form_fn *fn[2];             /* legacy, APX */
    const char *insn[2];        /* address of the instruction under test */
};

#define FORM(n, g, fl, sz, es, al, d, sc, gp, ft, zu, ku) \
    form_fn leg_##n, apx_##n; extern const char leg_##n##_t[], apx_##n##_t[];
#include "forms.h"
#undef FORM
#define FORM(n, g, fl, sz, es, al, d, sc, gp, ft, zu, ku) \
    { #n, g, fl, sz, es, al, d, sc, gp, ft, zu, ku, { leg_##n, apx_##n }, \
      { leg_##n##_t, apx_##n##_t } },
static const struct form forms[] = {
#include "forms.h"
};
#undef FORM
enum { NFORM = sizeof(forms) / sizeof(forms[0]) };

/* ---- CPU and XSAVE layout ---- */

enum { XC_SSE = 1, XC_YMM = 2, XC_K = 5, XC_ZMMH = 6, XC_HI16 = 7 };
#define XCOMPONENTS ((1u << XC_SSE) | (1u << XC_YMM) | (1u << XC_K) | \
                     (1u << XC_ZMMH) | (1u << XC_HI16))
enum { XAREA = 16384 };

static struct {
    char vendor[13];
    int avx512f, avx512vl, avx512bw, avx512dq, avx512cd, avx512fp16, apxf;
    int osxsave;
    uint64_t xcr0, rfbm;
    unsigned off[8], size[8];   /* CPUID.(0DH, i): EBX, EAX */
    unsigned xsave_size;        /* CPUID.(0DH, 0).EBX */
} cpu;

static void cpu_init(void)
{
    unsigned a, b, c, d, i;

    __cpuid(0, a, b, c, d);
    memcpy(cpu.vendor, &b, 4);
    memcpy(cpu.vendor + 4, &d, 4);
    memcpy(cpu.vendor + 8, &c, 4);
    __cpuid(1, a, b, c, d);
    cpu.osxsave = (c >> 27) & 1;
    __cpuid_count(7, 0, a, b, c, d);
    cpu.avx512f = (b >> 16) & 1;
    cpu.avx512dq = (b >> 17) & 1;
    cpu.avx512cd = (b >> 28) & 1;
    cpu.avx512bw = (b >> 30) & 1;
    cpu.avx512vl = (b >> 31) & 1;
    cpu.avx512fp16 = (d >> 23) & 1;
    __cpuid_count(7, 1, a, b, c, d);
    cpu.apxf = (d >> 21) & 1;
    if (cpu.osxsave) {
        uint32_t lo, hi;

        asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        cpu.xcr0 = ((uint64_t)hi << 32) | lo;
        __cpuid_count(0xd, 0, a, b, c, d);
        cpu.xsave_size = b;
        for (i = 2; i < 8; i++) {
            __cpuid_count(0xd, i, a, b, c, d);
            cpu.size[i] = a;
            cpu.off[i] = b;
        }
    }
    cpu.rfbm = cpu.xcr0 & XCOMPONENTS;
    for (i = XC_YMM; i <= XC_HI16; i++) {
        /* a component CPUID does not describe is not used */
        if ((cpu.rfbm >> i & 1) &&
            (!cpu.size[i] || cpu.off[i] + cpu.size[i] > XAREA)) {
            cpu.rfbm &= ~(1ull << i);
        }
    }
}

/* ---- state ---- */

struct vstate {
    uint8_t z[32][64];
    uint64_t k[8];
    uint32_t mxcsr;
};

static uint8_t xin[XAREA] __attribute__((aligned(64)));
static uint8_t xout[XAREA] __attribute__((aligned(64)));

static void pack(const struct vstate *v, uint8_t *x, uint64_t rfbm)
{
    unsigned i;

    memset(x, 0, 576 + 64);
    memcpy(x + 24, &v->mxcsr, 4);
    for (i = 0; i < 16; i++) {
        memcpy(x + 160 + 16 * i, v->z[i], 16);
    }
    if (rfbm >> XC_YMM & 1) {
        for (i = 0; i < 16; i++) {
            memcpy(x + cpu.off[XC_YMM] + 16 * i, v->z[i] + 16, 16);
        }
    }
    if (rfbm >> XC_K & 1) {
        memcpy(x + cpu.off[XC_K], v->k, 64);
    }
    if (rfbm >> XC_ZMMH & 1) {
        for (i = 0; i < 16; i++) {
            memcpy(x + cpu.off[XC_ZMMH] + 32 * i, v->z[i] + 32, 32);
        }
    }
    if (rfbm >> XC_HI16 & 1) {
        memcpy(x + cpu.off[XC_HI16], v->z[16], 16 * 64);
    }
    memcpy(x + 512, &rfbm, 8);          /* XSTATE_BV; XCOMP_BV = 0 */
}

/* What XSAVE stored; a component in its initial state (XSTATE_BV bit
 * clear) is zero whatever the area holds. */
static void unpack(const uint8_t *x, struct vstate *v, uint64_t rfbm)
{
    uint64_t bv;
    unsigned i;

    memset(v, 0, sizeof(*v));
    memcpy(&bv, x + 512, 8);
    bv &= rfbm;
    memcpy(&v->mxcsr, x + 24, 4);
    for (i = 0; i < 16; i++) {
        if (bv >> XC_SSE & 1) {
            memcpy(v->z[i], x + 160 + 16 * i, 16);
        }
        if (bv >> XC_YMM & 1) {
            memcpy(v->z[i] + 16, x + cpu.off[XC_YMM] + 16 * i, 16);
        }
        if (bv >> XC_ZMMH & 1) {
            memcpy(v->z[i] + 32, x + cpu.off[XC_ZMMH] + 32 * i, 32);
        }
    }
    if (bv >> XC_K & 1) {
        memcpy(v->k, x + cpu.off[XC_K], 64);
    }
    if (bv >> XC_HI16 & 1) {
        memcpy(v->z[16], x + cpu.off[XC_HI16], 16 * 64);
    }
}

/* ---- random inputs from pools ---- */

static uint64_t rng;

static uint64_t rnd(void)
{
    /* splitmix64 */
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t name_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;

    while (*s) {
        h = (h ^ (uint8_t)*s++) * 0x100000001b3ull;
    }
    return h;
}

/* every case of a form has its own stream: --dump reproduces it alone */
static void seed_case(uint64_t seed, const struct form *fm, uint64_t c)
{
    rng = seed ^ name_hash(fm->name) ^ (c * 0xd1342543de82ef95ull);
    rnd();
}

static const uint32_t f32_pool[] = {
    0x00000000, 0x80000000, 0x7f800000, 0xff800000,     /* +-0, +-inf */
    0x7fc00000, 0xffc00000, 0x7fc12345, 0xffe00001,     /* QNaN */
    0x7f800001, 0x7fa00000, 0xff912345, 0x7fbfffff,     /* SNaN */
    0x00000001, 0x007fffff, 0x80000001, 0x80400000,     /* denormal */
    0x00800000, 0x80800000, 0x7f7fffff, 0xff7fffff,     /* min/max normal */
    0x3f800000, 0xbf800000,                             /* +-1.0 */
};
static const uint64_t f64_pool[] = {
    0, 0x8000000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
    0x7ff8000000000000ull, 0xfff8000000000000ull, 0x7ff8000012345678ull,
    0x7ff0000000000001ull, 0x7ff4000000000000ull, 0xfff7ffffffffffffull,
    0x0000000000000001ull, 0x000fffffffffffffull, 0x8000000000000001ull,
    0x0010000000000000ull, 0x8010000000000000ull, 0x7fefffffffffffffull,
    0xffefffffffffffffull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
};
static const uint64_t int_pool[] = {
    0, 1, ~0ull, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
    0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull,
    0x8000000000000000ull, 0xfffffffffffffffeull,
};
#define PICK(pool) (pool[rnd() % (sizeof(pool) / sizeof(pool[0]))])

/* an integer edge value (0, -1, MIN, MAX, 1) in every element of a lane */
static uint64_t int_lane(void)
{
    static const unsigned bits[] = { 8, 16, 32, 64 };
    unsigned b = bits[rnd() % 4];
    uint64_t ones = b == 64 ? ~0ull : (1ull << b) - 1, v, lane = 0;
    unsigned i;

    switch (rnd() % 5) {
    case 0: v = 0; break;
    case 1: v = ones; break;
    case 2: v = 1ull << (b - 1); break;         /* MIN */
    case 3: v = ones >> 1; break;               /* MAX */
    default: v = 1; break;
    }
    for (i = 0; i < 64; i += b) {
        lane |= v << i;
    }
    return lane;
}

static uint64_t lane(void)
{
    switch (rnd() % 8) {
    case 0: case 1: case 2:
        return rnd();
    case 3: case 4:
        return PICK(f32_pool) | (uint64_t)PICK(f32_pool) << 32;
    case 5:
        return PICK(f64_pool);
    case 6:
        return int_lane();
    default:
        return rnd() & 0xff;
    }
}

/* Group int: signed and unsigned boundaries of dwords and qwords */
static const uint32_t d_edge_pool[] = {
    0, 1, 2, 0xffffffff, 0xfffffffe, 0x7fffffff, 0x7ffffffe, 0x80000000,
    0x80000001, 0xffff, 0x10000, 0xffff0000, 0x55555555, 0xaaaaaaaa,
};
static const uint64_t q_edge_pool[] = {
    0, 1, ~0ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
    0x8000000000000001ull, 0xfffffffffffffffeull, 0xffffffffull,
    0x100000000ull, 0x80000000ull, 0x7fffffffull, 0xffffffff80000000ull,
    0xffffffff7fffffffull, 0x0000ffffffff0000ull,
};

static uint32_t d_edge(void)
{
    return rnd() % 4 ? PICK(d_edge_pool) : (uint32_t)rnd();
}

/* a lane of group int: two boundary dwords, a boundary qword or random */
static uint64_t int_edge_lane(void)
{
    switch (rnd() % 8) {
    case 0: case 1: case 2: case 3:
        return d_edge() | (uint64_t)d_edge() << 32;
    case 4: case 5:
        return PICK(q_edge_pool);
    case 6:
        return rnd();
    default:
        return lane();
    }
}

/*
 * Group cmp: every vector register and the memory operand of a case take
 * their lanes from a palette of a few values drawn per case, so that the
 * two sources often hold equal elements (EQ, LE, NLT true; VPTESTM of x
 * and x).  Besides boundary values the palette holds neighbours of its
 * other entries (per qword or per dword: LT against LE), sign-flipped
 * partners (signed and unsigned order disagree) and complements (VPTESTM:
 * x AND NOT x is 0).
 */
enum { NPALETTE = 4 };
static uint64_t palette[NPALETTE];

static uint32_t nudge(uint32_t d)
{
    static const uint32_t by[] = { 0, 1, ~0u };

    return d + PICK(by);
}

static void cmp_palette(void)
{
    unsigned i;

    for (i = 0; i < NPALETTE; i++) {
        uint64_t p = i ? palette[rnd() % i] : 0;

        switch (i ? rnd() % 8 : rnd() % 3) {
        case 0:
            palette[i] = d_edge() | (uint64_t)d_edge() << 32;
            break;
        case 1:
            palette[i] = PICK(q_edge_pool);
            break;
        case 2:
            palette[i] = rnd();
            break;
        case 3:                 /* qword neighbour */
            palette[i] = p + (rnd() & 1 ? 1 : ~0ull);
            break;
        case 4:                 /* dword neighbours */
            palette[i] = nudge(p) | (uint64_t)nudge(p >> 32) << 32;
            break;
        case 5:                 /* sign bits of both dwords flipped */
            palette[i] = p ^ 0x8000000080000000ull;
            break;
        case 6:                 /* sign bit of the qword flipped */
            palette[i] = p ^ 0x8000000000000000ull;
            break;
        default:                /* complement, or the lowest bit cleared */
            palette[i] = rnd() & 1 ? ~p : p & (p - 1);
            break;
        }
    }
}

/* a lane of group cmp: a palette entry, two entries' dwords, or other */
static uint64_t cmp_lane(void)
{
    uint64_t a = palette[rnd() % NPALETTE], b;

    switch (rnd() % 8) {
    case 0: case 1: case 2: case 3: case 4:
        return a;
    case 5:
        b = palette[rnd() % NPALETTE];
        return (a & 0xffffffffull) | (b & ~0xffffffffull);
    case 6:
        return int_edge_lane();
    default:
        return rnd();
    }
}

/*
 * Group shuf: random elements (all different, so that a permute taking
 * the wrong one shows), sign boundaries of bytes, words and dwords
 * (VPMOVSX/ZX), and bit patterns: 0xf0.., 0xcc.. and 0xaa.. as DEST,
 * SRC1 and SRC2 of VPTERNLOG meet all eight minterms in every byte.
 */
static const uint64_t shuf_pattern_pool[] = {
    0, ~0ull, 0xf0f0f0f0f0f0f0f0ull, 0xccccccccccccccccull,
    0xaaaaaaaaaaaaaaaaull, 0x0f0f0f0f0f0f0f0full, 0x3333333333333333ull,
    0x5555555555555555ull, 0xff00ff00ff00ff00ull, 0xffff0000ffff0000ull,
    0xffffffff00000000ull,
};

/* bytes, words or dwords, each 0, 1, MAX, MIN, MIN + 1, -2 or -1 */
static uint64_t sign_edge_lane(void)
{
    unsigned b = 8u << (rnd() % 3), i;
    uint64_t ones = (1ull << b) - 1, min = 1ull << (b - 1), lane = 0;
    const uint64_t edge[] = { 0, 1, min - 1, min, min + 1, ones - 1, ones };

    for (i = 0; i < 64; i += b) {
        lane |= edge[rnd() % 7] << i;
    }
    return lane;
}

static uint64_t shuf_lane(void)
{
    switch (rnd() % 8) {
    case 0: case 1: case 2: case 3:
        return rnd();
    case 4: case 5:
        return sign_edge_lane();
    case 6:
        return PICK(shuf_pattern_pool);
    default:
        return lane();
    }
}

/*
 * Group shift: per-element counts (VPSLLVD, VPROLVQ, ...) and the count of
 * the xmm/m128 forms (the low qword), below, at and above the element
 * width, huge ones, and huge ones whose low bits are a small count (an
 * emulator that keeps only the low 5, 6 or 8 bits of a count, or the low
 * dword of a qword count, gets them wrong).
 */
static const uint32_t d_count_pool[] = {
    0, 1, 2, 7, 15, 16, 30, 31, 32, 33, 63, 64, 65, 255, 256, 257,
    0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0xffffffe1, 0x10000,
};
static const uint64_t q_count_pool[] = {
    0, 1, 2, 7, 31, 32, 33, 62, 63, 64, 65, 127, 128, 255, 256, 0x101,
    0xffffffff, 0x80000000ull, 0x100000000ull, 0x100000001ull,
    0x100000020ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
    0x8000000000000001ull, ~0ull, 0xffffffffffffffc1ull,
};

/* a lane of group shift: a qword count (a small one is also two dword
 * counts), two dword counts, boundary data (sign bits) or random bits */
static uint64_t shift_lane(void)
{
    switch (rnd() % 8) {
    case 0: case 1:
        return PICK(q_count_pool);
    case 2: case 3:
        return PICK(d_count_pool) | (uint64_t)PICK(d_count_pool) << 32;
    case 4:
        return rnd() % 70;
    case 5:
        return (uint64_t)(rnd() % 70) << 32 | rnd() % 40;
    case 6:
        return rnd() & 1 ? PICK(q_edge_pool)
                         : d_edge() | (uint64_t)d_edge() << 32;
    default:
        return rnd();
    }
}

/*
 * Group perm: the same registers and memory serve as indices (VPERMD/Q/PS/
 * PD, VPERMI2*, VPERMT2*), controls (VPERMILPS/PD) and data.  An index
 * dword is 0-31 (every table-select bit of VPERMI2/T2 and every lane or
 * element bit at every width), now and then with garbage in the bits no
 * index uses, or an edge value (all ones, the sign bit, one above a width's
 * range); a qword index has its garbage in the upper dword too.  Random
 * lanes keep the data elements distinct, so that a wrong choice of element
 * shows.
 */
static const uint32_t perm_edge_pool[] = {
    0xffffffff, 0x80000000, 0x7fffffff, 0xfffffff0, 0x00000003,
    0x00000004, 0x00000007, 0x00000008, 0x0000000f, 0x00000010,
    0x0000001f, 0x00000020, 0x00000040, 0x000000ff, 0x00000100,
};

static uint32_t perm_dword(void)
{
    uint32_t i = rnd() % 32;

    switch (rnd() % 4) {
    case 0: return i;
    case 1: return i | ((uint32_t)rnd() & ~31u);        /* ignored bits */
    case 2: return PICK(perm_edge_pool);
    default: return (uint32_t)rnd();
    }
}

static uint64_t perm_lane(void)
{
    switch (rnd() % 8) {
    case 0: case 1: case 2:
        return perm_dword() | (uint64_t)perm_dword() << 32;
    case 3:                     /* a qword index, garbage in bits 63:5 */
        return (rnd() % 32) | (rnd() & 1 ? rnd() & ~31ull : 0);
    case 4:
        return lane();
    default:
        return rnd();
    }
}

/*
 * Group trunc: the limits the down-converts saturate to (signed and
 * unsigned bytes, words and dwords) and their neighbours, in qwords (the
 * Q rows) or in dwords (the D rows: bytes and words only), besides the
 * source's own extremes; zero and small numbers of either sign.
 */
static uint64_t sat_edge(unsigned bits)
{
    static const uint64_t by[] = { 0, 0, 1, ~0ull };
    unsigned b = 8 << rnd() % (bits == 64 ? 3 : 2);
    uint64_t v;

    switch (rnd() % 8) {
    case 0: case 1:
        v = (1ull << (b - 1)) - 1;              /* signed MAX */
        break;
    case 2: case 3:
        v = -(1ull << (b - 1));                 /* signed MIN */
        break;
    case 4: case 5:
        v = (1ull << b) - 1;                    /* unsigned MAX */
        break;
    case 6:
        v = 1ull << (bits - 1);                 /* the source's MIN */
        break;
    default:
        v = rnd() % 3;                          /* 0, 1, 2 */
        break;
    }
    v += PICK(by);
    return bits == 64 ? v : (uint32_t)v;
}

/* a lane of group trunc: a boundary qword, two boundary dwords, a small
 * number of either sign, or random bits */
static uint64_t trunc_lane(void)
{
    uint64_t lo, hi;

    switch (rnd() % 8) {
    case 0: case 1: case 2:
        return sat_edge(64);
    case 3: case 4:
        lo = sat_edge(32);
        hi = sat_edge(32);
        return lo | hi << 32;
    case 5:
        if (rnd() & 1) {
            return rnd() % 600 - 300;
        }
        lo = (uint32_t)(rnd() % 600 - 300);
        hi = (uint32_t)(rnd() % 600 - 300);
        return lo | hi << 32;
    case 6:
        return rnd();
    default:
        return lane();
    }
}

/*
 * Group fp: the elements (binary32 or binary64: the form's element size)
 * of every vector register and of the memory operand of a case come from
 * a palette drawn per case, so that the sources often hold equal values
 * (compares, x - x), a value and its negation (cancellation), a value one
 * ulp away, the rounded product of two others (a*b - RN(a*b): the FMA
 * rows' single rounding) or a value whose product with another is near
 * the underflow or overflow threshold (tininess after rounding); in a
 * quarter of the cases the palette holds special values only (inf * 0 +
 * QNaN, a denormal times 1.0, ...).  New values are special ones (NaNs
 * quiet and signalling with payloads, infinities, signed zeros,
 * denormals, extreme normals, 1.0 and its neighbours, halfway addends),
 * random values of moderate exponent (inexact results in every rounding
 * mode), values near the overflow and underflow thresholds, small
 * integers and random bit patterns.
 */
static const uint32_t fp32_pool[] = {
    0x00000000, 0x80000000, 0x7f800000, 0xff800000,     /* +-0, +-inf */
    0x7fc00000, 0xffc00000, 0x7fc12345, 0xffe00001,     /* QNaN */
    0x7fffffff, 0x7f800001, 0xff800001, 0x7fa00000,     /* SNaN */
    0xff912345, 0x7fbfffff,
    0x00000001, 0x80000001, 0x007fffff, 0x807fffff,     /* denormal */
    0x00400000, 0x00000003, 0x80012345,
    0x00800000, 0x80800000, 0x00800001, 0x00ffffff,     /* min normal */
    0x7f7fffff, 0xff7fffff, 0x7f7ffffe, 0x7f000000,     /* max normal */
    0x3f800000, 0xbf800000, 0x3f800001, 0x3f7fffff,     /* 1.0 and ulps */
    0x40000000, 0x3f000000, 0x3fc00000, 0x40400000,     /* 2, .5, 1.5, 3 */
    0x33800000, 0x34000000, 0xb3800000,                 /* 2^-24, 2^-23 */
    0x5f800000, 0x1f800000, 0x20000000,                 /* 2^64, 2^-64 */
};
static const uint64_t fp64_pool[] = {
    0, 0x8000000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
    0x7ff8000000000000ull, 0xfff8000000000000ull, 0x7ff8000012345678ull,
    0xfffc000000000001ull, 0x7fffffffffffffffull,
    0x7ff0000000000001ull, 0xfff0000000000001ull, 0x7ff4000000000000ull,
    0xfff7ffffffffffffull, 0x7ff0000123456789ull,
    0x0000000000000001ull, 0x8000000000000001ull, 0x000fffffffffffffull,
    0x800fffffffffffffull, 0x0008000000000000ull, 0x0000000000000003ull,
    0x0010000000000000ull, 0x8010000000000000ull, 0x0010000000000001ull,
    0x001fffffffffffffull,
    0x7fefffffffffffffull, 0xffefffffffffffffull, 0x7feffffffffffffeull,
    0x7fe0000000000000ull,
    0x3ff0000000000000ull, 0xbff0000000000000ull, 0x3ff0000000000001ull,
    0x3fefffffffffffffull, 0x4000000000000000ull, 0x3fe0000000000000ull,
    0x3ff8000000000000ull, 0x4008000000000000ull,
    0x3ca0000000000000ull, 0x3cb0000000000000ull, 0xbca0000000000000ull,
    0x5ff0000000000000ull, 0x1ff0000000000000ull, 0x2000000000000000ull,
};
enum { NFPPAL = 4 };
static uint64_t fp_pal[NFPPAL];
static unsigned fp_es;          /* the case's element size, 4 or 8 */

/* a new value: special, moderate, near a threshold, small or random */
static uint64_t fp_value(void)
{
    unsigned mbits = fp_es == 4 ? 23 : 52, ebits = fp_es == 4 ? 8 : 11;
    unsigned bias = (1u << (ebits - 1)) - 1, emax = (1u << ebits) - 2;
    uint64_t sign = (uint64_t)(rnd() & 1) << (mbits + ebits);
    uint64_t frac = rnd() & ((1ull << mbits) - 1), e;

    switch (rnd() % 8) {
    case 0: case 1: case 2:
        return fp_es == 4 ? PICK(fp32_pool) : PICK(fp64_pool);
    case 3: case 4:             /* moderate, some with short fractions */
        e = bias - 6 + rnd() % 13;
        if (rnd() & 1) {
            frac &= ~0ull << (mbits - rnd() % 6);
        }
        break;
    case 5:                     /* near underflow or overflow */
        switch (rnd() % 3) {
        case 0: e = 0; break;                       /* denormal */
        case 1: e = 1 + rnd() % (mbits + 3); break;
        default: e = emax - rnd() % (mbits + 3); break;
        }
        break;
    case 6:                     /* a small integer or a half of one */
        e = rnd() % 17;
        if (fp_es == 4) {
            float f = (float)((int)e - 8) / (float)(1 + rnd() % 2);
            uint32_t b;

            memcpy(&b, &f, 4);
            return b;
        } else {
            double f = (double)((int)e - 8) / (double)(1 + rnd() % 2);
            uint64_t b;

            memcpy(&b, &f, 8);
            return b;
        }
    default:
        return fp_es == 4 ? (uint32_t)rnd() : rnd();
    }
    return sign | e << mbits | frac;
}

/*
 * a * b or a / b rounded to nearest (the host's SSE, MXCSR 0x1f80).  A
 * NaN operand gives that NaN, quieted, a's before b's (SSE's rule, SDM
 * vol. 1 table 4-7), computed here without floating point: under QEMU the
 * driver's own SSE arithmetic picks between two NaNs by the x87 rules,
 * and a case's inputs must not depend on the CPU that draws them.
 */
static uint64_t fp_mul_div(uint64_t a, uint64_t b, int div)
{
    uint64_t expo = fp_es == 4 ? 0x7f800000ull : 0x7ff0000000000000ull;
    uint64_t quiet = fp_es == 4 ? 1ull << 22 : 1ull << 51;

    if ((a & expo) == expo && a & (2 * quiet - 1)) {
        return a | quiet;
    }
    if ((b & expo) == expo && b & (2 * quiet - 1)) {
        return b | quiet;
    }
    if (fp_es == 4) {
        float x, y;
        uint32_t u = a, v = b;

        memcpy(&x, &u, 4);
        memcpy(&y, &v, 4);
        x = div ? x / y : x * y;
        memcpy(&u, &x, 4);
        return u;
    } else {
        double x, y;

        memcpy(&x, &a, 8);
        memcpy(&y, &b, 8);
        x = div ? x / y : x * y;
        memcpy(&a, &x, 8);
        return a;
    }
}

static void fp_palette(unsigned es)
{
    uint64_t sbit, emask, one, e;
    unsigned i, special;

    /* the products round to nearest whatever the last case left in
     * MXCSR (the forms return with the case's): --dump reproduces a case
     * alone */
    asm volatile("ldmxcsr %0" : : "m"((uint32_t){ 0x1f80 }));
    fp_es = es;
    sbit = 1ull << (8 * es - 1);
    emask = es == 4 ? 0x7f800000ull : 0x7ff0000000000000ull;
    one = es == 4 ? 1ull << 23 : 1ull << 52;    /* exponent + 1 */
    special = rnd() % 4 == 0;   /* a palette of special values only */
    for (i = 0; i < NFPPAL; i++) {
        uint64_t p = i ? fp_pal[rnd() % i] : 0;

        switch (special ? 8 : i ? rnd() % 8 : 0) {
        case 2:                 /* negation */
            fp_pal[i] = p ^ sbit;
            break;
        case 3:                 /* one ulp away (or into NaN/inf) */
            fp_pal[i] = (p + (rnd() & 1 ? 1 : -1)) & (sbit | (sbit - 1));
            break;
        case 4: case 5:         /* a rounded product, maybe negated */
            e = fp_mul_div(p, fp_pal[rnd() % i], 0);
            fp_pal[i] = e ^ (rnd() & 1 ? sbit : 0);
            break;
        case 6:                 /* scaled by 2 or 1/2 (if normal) */
            e = (p & emask) + (rnd() & 1 ? one : -one);
            fp_pal[i] = (p & emask) && (p & emask) != emask &&
                        (e & emask) && e != emask ? (p & ~emask) | e
                                                  : fp_value();
            break;
        case 7:                 /* its product with p is near the smallest
                                 * normal or the largest finite number */
            fp_pal[i] = fp_mul_div(rnd() & 1 ? emask - 1 /* max */
                                   : es == 4 ? 0x00800000ull
                                   : 0x0010000000000000ull, p, 1);
            break;
        case 8:
            fp_pal[i] = es == 4 ? PICK(fp32_pool) : PICK(fp64_pool);
            break;
        default:
            fp_pal[i] = fp_value();
            break;
        }
    }
}

/* an element of group fp: a palette value, or a new one */
static uint64_t fp_elem(void)
{
    switch (rnd() % 8) {
    case 0:
        return fp_value();
    case 1:
        return fp_es == 4 ? (uint32_t)rnd() : rnd();
    default:
        return fp_pal[rnd() % NFPPAL];
    }
}

static uint64_t fp_lane(void)
{
    uint64_t lo = fp_elem();

    return fp_es == 4 ? lo | fp_elem() << 32 : lo;
}

/*
 * A lane of a form's vector inputs (and, in the groups int, cmp, shuf,
 * shift, fp, perm and trunc, of its memory operand).  first: the lane is
 * the low qword of a register or of the memory operand, which in group
 * shift is half of the time a count 0-69 (the xmm/m128 count forms would
 * see few counts below the element width otherwise).
 */
static uint64_t group_lane(const struct form *fm, int first)
{
    switch (fm->group) {
    case INT:
        return int_edge_lane();
    case CMP:
        return cmp_lane();
    case SHUF:
        return shuf_lane();
    case SHIFT:
        return first && rnd() % 2 ? rnd() % 70 : shift_lane();
    case FP:
        return fp_lane();
    case PERM:
        return perm_lane();
    case TRUNC:
        return trunc_lane();
    default:
        return lane();
    }
}

static uint64_t mask_value(void)
{
    switch (rnd() % 7) {
    case 0: return 0;
    case 1: return ~0ull;
    case 2: return 1ull << (rnd() % 64);
    case 3: return 1ull << (rnd() % 16);
    case 4: return (1ull << (rnd() % 64)) - 1;
    default: return rnd();
    }
}

static uint64_t gpr_value(void)
{
    return rnd() % 3 ? rnd() : PICK(int_pool);
}

/* ---- memory: [guard][scratch 4 KiB][guard] ---- */

enum { PAGE = 4096 };
static uint8_t *scratch;
enum { IN, STRADDLE_HI, STRADDLE_LO, GUARD_HI, GUARD_LO };
static const char *const place_names[] = {
    "inside", "across the end", "across the start", "upper guard page",
    "lower guard page",
};

static void map_scratch(void)
{
    uint8_t *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED || mprotect(p, PAGE, PROT_NONE) ||
        mprotect(p + 2 * PAGE, PAGE, PROT_NONE)) {
        perror("mmap/mprotect");
        exit(2);
    }
    scratch = p + PAGE;
}

/* ---- one case ---- */

struct kase {
    struct vstate v;
    uint64_t gpr[NSLOT], flags;
    long off;                   /* memory operand - scratch */
    unsigned place, lo, hi;     /* memory window [lo, hi) of the scratch */
};

struct result {
    struct vstate v;
    uint64_t gpr[NSLOT], flags;
    int sig, code;              /* 0 or the signal the case raised */
    long at;                    /* its RIP - the instruction under test */
};

static void make_case(const struct form *fm, uint64_t seed, uint64_t c,
                      struct kase *k)
{
    unsigned i, r, place = IN;
    long idx = 0;

    seed_case(seed, fm, c);
    memset(k, 0, sizeof(*k));
    if (fm->group == CMP) {
        cmp_palette();
    }
    if (fm->group == FP) {
        fp_palette(fm->esize);
    }
    for (i = 0; i < 32 * 8; i++) {
        uint64_t l = group_lane(fm, i % 8 == 0);

        memcpy(&k->v.z[i / 8][(i % 8) * 8], &l, 8);
    }
    for (i = 0; i < 8; i++) {
        k->v.k[i] = mask_value();
    }
    k->v.mxcsr = 0x1f80 | (uint32_t)(rnd() % 4) << 13 |
                 (rnd() & 1 ? 0x40 : 0) | (rnd() & 1 ? 0x8000 : 0);
    if (fm->group == FP && rnd() % 4 == 0) {
        k->v.mxcsr |= rnd() & 0x3f;     /* sticky flags already set */
    }
    for (i = 0; i < NSLOT; i++) {
        k->gpr[i] = gpr_value();
    }
    k->flags = (rnd() & 0x8d5) | 2;
    if (!fm->size) {
        return;
    }
    r = rnd() % 32;
    if ((fm->flags & FAULTY ? r < 8 : r == 0) && !(fm->flags & ALIGNED) &&
        fm->size > fm->esize) {
        place = rnd() & 1 ? STRADDLE_HI : STRADDLE_LO;
    } else if (fm->flags & FAULTY ? r < 14 : r == 1) {
        place = rnd() & 1 ? GUARD_HI : GUARD_LO;
    }
    switch (place) {
    case IN:
        if (fm->align > 1) {
            k->off = (long)(rnd() % (PAGE / fm->align - 1)) * fm->align;
            if (fm->flags & MISALIGN && rnd() % 4 == 0) {
                k->off += 4;
            }
        } else {
            k->off = rnd() % (PAGE - fm->size + 1);
            if (rnd() & 1) {
                k->off &= ~(long)(fm->esize - 1);
            }
            if (fm->flags & AT_END && rnd() % 4 == 0) {
                /* the last size bytes: a read of more faults */
                k->off = PAGE - fm->size;
            }
        }
        break;
    case STRADDLE_HI:
    case STRADDLE_LO:
        i = 1 + rnd() % (fm->size / fm->esize - 1);
        k->off = place == STRADDLE_HI ? PAGE - (long)(i * fm->esize)
                                      : -(long)(i * fm->esize);
        break;
    default:
        i = fm->align > fm->esize ? fm->align : fm->esize;
        k->off = (long)(rnd() % ((PAGE - fm->size) / i + 1)) * i +
                 (place == GUARD_HI ? PAGE : -PAGE);
        break;
    }
    k->place = place;
    if (fm->scale) {
        idx = (long)(rnd() % 16) - 8;
        k->gpr[SLOT_I] = idx;
    }
    k->gpr[SLOT_P] = (uintptr_t)scratch + k->off - fm->disp -
                     idx * (long)fm->scale;
    k->lo = k->off < 64 ? 0 : k->off - 64;
    k->hi = k->off + (long)fm->size + 64 > PAGE ? PAGE
                                                : k->off + fm->size + 64;
    if (k->off >= PAGE || k->off + (long)fm->size <= 0) {
        k->lo = k->hi = 0;      /* entirely in a guard page */
    }
    if (fm->group == INT || fm->group == CMP || fm->group == SHUF ||
        fm->group == SHIFT || fm->group == FP || fm->group == PERM ||
        fm->group == TRUNC) {
        /* boundary values (cmp, fp: the palette; shuf: sign boundaries
         * and bit patterns; shift: counts; perm: indices; trunc:
         * saturation limits), in elements aligned with the operand */
        long p;

        for (p = k->off - 64; p < (long)k->hi; p += 8) {
            uint64_t l = group_lane(fm, p == k->off);

            for (i = 0; i < 8; i++) {
                if (p + i >= (long)k->lo && p + i < (long)k->hi) {
                    scratch[p + i] = l >> (8 * i);
                }
            }
        }
        return;
    }
    for (i = k->lo; i < k->hi; i++) {
        scratch[i] = rnd();
    }
}

static sigjmp_buf case_jmp;
static volatile int got_sig, got_code;
static volatile uintptr_t got_rip;

static void on_signal(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;

    got_sig = sig;
    got_code = si->si_code;
    got_rip = uc->uc_mcontext.gregs[REG_RIP];
    siglongjmp(case_jmp, 1);
}

static void catch_signals(void)
{
    static const int sigs[] = { SIGILL, SIGSEGV, SIGBUS, SIGFPE };
    struct sigaction sa;
    unsigned i;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO;
    for (i = 0; i < 4; i++) {
        sigaction(sigs[i], &sa, NULL);
    }
}

static void run_case(const struct form *fm, int apx, const struct kase *k,
                     struct result *r)
{
    static struct io io;

    memset(r, 0, sizeof(*r));
    /* the selftest forms get the state every x86-64 host has */
    io.rfbm = fm->group == SELFTEST ? cpu.rfbm & 6 : cpu.rfbm;
    pack(&k->v, xin, io.rfbm);
    memset(xout, 0xa5, cpu.xsave_size < XAREA ? cpu.xsave_size : XAREA);
    memcpy(io.gpr, k->gpr, sizeof(io.gpr));
    io.flags = k->flags;
    io.xin = xin;
    io.xout = xout;
    got_sig = 0;
    if (!sigsetjmp(case_jmp, 1)) {
        fm->fn[apx](&io);
        unpack(xout, &r->v, io.rfbm);
        memcpy(r->gpr, io.gpr, sizeof(r->gpr));
        r->flags = io.flags;
    } else {
        r->sig = got_sig;
        r->code = got_code;
        r->at = (long)(got_rip - (uintptr_t)fm->insn[apx]);
        /* the handler leaves the FP state initialised; be sure of MXCSR */
        asm volatile("ldmxcsr %0" : : "m"((uint32_t){ 0x1f80 }));
    }
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h = (h ^ v) * 0x100000001b3ull;
    return h ^ (h >> 29);
}

static uint64_t mix_bytes(uint64_t h, const uint8_t *p, unsigned n)
{
    uint64_t w;
    unsigned i;

    for (i = 0; i + 8 <= n; i += 8) {
        memcpy(&w, p + i, 8);
        h = mix(h, w);
    }
    for (; i < n; i++) {
        h = mix(h, p[i]);
    }
    return h;
}

#define FLAGS_OUT 0x8d5ull     /* CF PF AF ZF SF OF */
#define MXCSR_DE  0x2u         /* not emulated by QEMU: left out */

/* Digest of one case: the outputs, or the exception and the memory. */
static uint64_t case_digest(const struct form *fm, const struct kase *k,
                            const struct result *r)
{
    uint64_t h = 0x9ae16a3b2f90404full;
    unsigned i;

    if (r->sig) {
        /* #GP: SI_KERNEL; a page fault: SEGV_MAPERR/ACCERR */
        h = mix(h, 0xe0000000ull | (uint64_t)r->sig << 8 |
                   (r->sig == SIGSEGV ? (r->code == SI_KERNEL ? 1 : 2) : 0));
        h = mix(h, r->at != 0);
    } else {
        h = mix_bytes(h, &r->v.z[0][0], sizeof(r->v.z));
        h = mix_bytes(h, (const uint8_t *)r->v.k, sizeof(r->v.k));
        h = mix(h, r->v.mxcsr & ~MXCSR_DE);
        for (i = 0; i < NSLOT; i++) {
            h = mix(h, r->gpr[i] - (i == SLOT_P && fm->size ?
                                    (uintptr_t)scratch : 0));
        }
        h = mix(h, r->flags & FLAGS_OUT);
    }
    return mix_bytes(h, scratch + k->lo, k->hi - k->lo);
}

/* ---- modes ---- */

static int parse_groups(const char *s, int *want)
{
    unsigned g;
    char *copy, *tok, *save = NULL;

    memset(want, 0, sizeof(int) * (NGROUP + 1));
    if (!s || !strcmp(s, "all")) {
        for (g = 0; g <= NGROUP; g++) {
            /* the AVX-512 groups, and want[NGROUP]: raw cases of groups
             * that have no forms (e.g. arith) */
            want[g] = g != SELFTEST;
        }
        return 0;
    }
    copy = strdup(s);
    for (tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        for (g = 0; g < NGROUP && (!group_names[g] ||
                                   strcmp(tok, group_names[g])); g++) {
        }
        if (g == NGROUP && strcmp(tok, "none")) {
            fprintf(stderr, "unknown group '%s'\n", tok);
            free(copy);
            return -1;
        }
        if (g < NGROUP) {
            want[g] = 1;
        }
    }
    free(copy);
    return 0;
}

static const struct form *find_form(const char *name)
{
    unsigned f;

    for (f = 0; f < NFORM; f++) {
        if (!strcmp(forms[f].name, name)) {
            return &forms[f];
        }
    }
    fprintf(stderr, "no form '%s' (see --list)\n", name);
    exit(2);
}

static int variant(const char *s)
{
    if (!strcmp(s, "legacy")) {
        return 0;
    }
    if (!strcmp(s, "apx")) {
        return 1;
    }
    fprintf(stderr, "variant must be legacy or apx, not '%s'\n", s);
    exit(2);
}

static void fill_scratch(const struct form *fm, uint64_t seed)
{
    unsigned i;

    seed_case(seed, fm, ~0ull);
    for (i = 0; i < PAGE; i += 8) {
        uint64_t w = rnd();

        memcpy(scratch + i, &w, 8);
    }
}

/* the cases --digest and --trace run of a form */
static unsigned form_cases(const struct form *fm, unsigned cases)
{
    unsigned div = group_case_div[fm->group],
             n = cases / (div ? div : 1);

    return n ? n : cases != 0;
}

static int run_digest(int apx, const int *want, unsigned all_cases,
                      uint64_t seed)
{
    unsigned f, c, n = 0, errors = 0;

    for (f = 0; f < NFORM; f++) {
        const struct form *fm = &forms[f];
        uint64_t h = 0xcbf29ce484222325ull;
        unsigned faults = 0, cases = form_cases(fm, all_cases);
        struct kase k;
        struct result r;

        if (!want[fm->group]) {
            continue;
        }
        n++;
        fill_scratch(fm, seed);
        for (c = 0; c < cases; c++) {
            make_case(fm, seed, c, &k);
            run_case(fm, apx, &k, &r);
            if (r.sig && r.at) {
                printf("AVX512-DIGEST: %s error: signal %d at insn%+ld "
                       "(not the instruction under test), case %u\n",
                       fm->name, r.sig, r.at, c);
                errors++;
                break;
            }
            if (c == 0 && r.sig == SIGILL) {
                printf("AVX512-DIGEST: %s sigill\n", fm->name);
                break;
            }
            faults += r.sig != 0;
            h = mix(h, case_digest(fm, &k, &r));
        }
        if (c == cases) {
            h = mix_bytes(h, scratch, PAGE);
            printf("AVX512-DIGEST: %s %016" PRIx64 " faults=%u/%u\n",
                   fm->name, h, faults, cases);
        }
    }
    printf("AVX512-INSN: %s digest forms=%u cases=%u errors=%u\n",
           errors ? "FAIL" : "PASS", n, all_cases, errors);
    return errors ? 1 : 0;
}

static int run_case_digests(int apx, const struct form *fm, unsigned cases,
                            uint64_t seed)
{
    unsigned c;

    fill_scratch(fm, seed);
    for (c = 0; c < cases; c++) {
        struct kase k;
        struct result r;

        make_case(fm, seed, c, &k);
        run_case(fm, apx, &k, &r);
        printf("AVX512-CASE: %s %u %016" PRIx64, fm->name, c,
               case_digest(fm, &k, &r));
        if (r.sig) {
            printf(" signal=%d code=%d at=insn%+ld", r.sig, r.code, r.at);
        }
        printf(" (%s)\n", fm->size ? place_names[k.place] : "no memory");
    }
    return 0;
}

static void dump_vstate(const char *tag, const struct vstate *v,
                        const struct vstate *ref)
{
    unsigned i, j;

    for (i = 0; i < 32; i++) {
        int diff = ref && memcmp(v->z[i], ref->z[i], 64);

        printf("  %s zmm%-2u ", tag, i);
        for (j = 64; j > 0; j -= 8) {
            uint64_t w;

            memcpy(&w, &v->z[i][j - 8], 8);
            printf("%016" PRIx64 "%s", w, j > 8 ? "_" : "");
        }
        printf("%s\n", diff ? "  <--" : "");
    }
    for (i = 0; i < 8; i++) {
        printf("  %s k%u %016" PRIx64 "%s\n", tag, i, v->k[i],
               ref && v->k[i] != ref->k[i] ? "  <--" : "");
    }
    printf("  %s mxcsr %08x\n", tag, v->mxcsr);
}

static int run_dump(int apx, const struct form *fm, unsigned c,
                    uint64_t seed)
{
    static const char *const slot[] = { "A", "B", "P", "I" };
    struct kase k;
    struct result r;
    uint8_t before[PAGE];
    unsigned i;

    fill_scratch(fm, seed);
    make_case(fm, seed, c, &k);
    memcpy(before, scratch, PAGE);
    printf("form %s (%s variant), case %u, seed %#" PRIx64 "\n", fm->name,
           apx ? "apx" : "legacy", c, seed);
    dump_vstate("in ", &k.v, NULL);
    for (i = 0; i < NSLOT; i++) {
        printf("  in  %s %016" PRIx64 "\n", slot[i], k.gpr[i]);
    }
    printf("  in  rflags %016" PRIx64 "\n", k.flags);
    if (fm->size) {
        printf("  memory operand at scratch%+ld (%s), %u bytes\n", k.off,
               place_names[k.place], fm->size);
    }
    run_case(fm, apx, &k, &r);
    if (r.sig) {
        printf("  signal %d, si_code %d, at insn%+ld\n", r.sig, r.code, r.at);
    } else {
        dump_vstate("out", &r.v, &k.v);
        for (i = 0; i < NSLOT; i++) {
            printf("  out %s %016" PRIx64 "%s\n", slot[i], r.gpr[i],
                   r.gpr[i] != k.gpr[i] ? "  <--" : "");
        }
        printf("  out rflags %016" PRIx64 "\n", r.flags);
    }
    for (i = 0; i < PAGE; i++) {
        if (before[i] != scratch[i]) {
            printf("  memory scratch+%u: %02x -> %02x\n", i, before[i],
                   scratch[i]);
        }
    }
    printf("  digest %016" PRIx64 "\n", case_digest(fm, &k, &r));
    return 0;
}

static void put_hex(const uint8_t *p, unsigned n)
{
    static const char digits[] = "0123456789abcdef";
    char buf[2 * PAGE + 1];
    unsigned i;

    for (i = 0; i < n; i++) {
        buf[2 * i] = digits[p[i] >> 4];
        buf[2 * i + 1] = digits[p[i] & 15];
    }
    buf[2 * n] = 0;
    fputs(buf, stdout);
}

/* is the form named in the comma-separated list of groups and forms? */
static int listed(const struct form *fm, const char *list)
{
    size_t n = strlen(fm->name), g = strlen(group_names[fm->group]);
    const char *p = list;

    while (*p) {
        size_t len = strcspn(p, ",");

        if ((len == n && !strncmp(p, fm->name, n)) ||
            (len == g && !strncmp(p, group_names[fm->group], g)) ||
            (len == 3 && !strncmp(p, "all", 3) && fm->group != SELFTEST)) {
            return 1;
        }
        p += len + (p[len] == ',');
    }
    return 0;
}

/*
 * --trace: the input and output state of every case, for a model of the
 * instructions (model.py).  Per form a line "AVX512-TRACE: form NAME
 * scratch=ADDR cases=N", then per case:
 *   I C off=OFF g=A,B,P,I f=RFLAGS x=MXCSR k=K0,...,K7 zN=HEX... [m=HEX]
 *   O C sig=SIG,CODE,AT [MOFF=HEX...]            (the case raised a signal)
 *   O C g=A,B,P,I f=RFLAGS x=MXCSR [zN=HEX...] [kN=K...] [MOFF=HEX...]
 * The input shows the vector registers the form names (zuse), all of
 * k0-k7 and, m, the bytes of the memory operand that lie in the scratch
 * buffer (from max(OFF, 0)).  The output shows the vector and mask
 * registers whose value changed and, MOFF, each run of scratch bytes that
 * changed (OFF from the scratch buffer's start).  HEX is bytes in memory
 * order; the other numbers are hexadecimal, OFF and AT decimal.
 */
static int run_trace(int apx, const char *list, unsigned cases,
                     uint64_t seed)
{
    static uint8_t before[PAGE];
    unsigned f, c, i, n = 0;

    for (f = 0; f < NFORM; f++) {
        const struct form *fm = &forms[f];
        unsigned nc = form_cases(fm, cases);

        if (!listed(fm, list)) {
            continue;
        }
        n++;
        printf("AVX512-TRACE: form %s scratch=%" PRIxPTR " cases=%u\n",
               fm->name, (uintptr_t)scratch, nc);
        fill_scratch(fm, seed);
        for (c = 0; c < nc; c++) {
            struct kase k;
            struct result r;

            make_case(fm, seed, c, &k);
            memcpy(before, scratch, PAGE);
            printf("I %u off=%ld g=%" PRIx64 ",%" PRIx64 ",%" PRIx64 ",%"
                   PRIx64 " f=%" PRIx64 " x=%x k=", c, k.off, k.gpr[0],
                   k.gpr[1], k.gpr[2], k.gpr[3], k.flags, k.v.mxcsr);
            for (i = 0; i < 8; i++) {
                printf("%" PRIx64 "%s", k.v.k[i], i < 7 ? "," : "");
            }
            for (i = 0; i < 32; i++) {
                if (fm->zuse >> i & 1) {
                    printf(" z%u=", i);
                    put_hex(k.v.z[i], 64);
                }
            }
            if (fm->size) {
                long lo = k.off < 0 ? 0 : k.off;
                long hi = k.off + (long)fm->size > PAGE ? PAGE
                                                        : k.off + fm->size;

                if (lo < hi) {
                    printf(" m=");
                    put_hex(scratch + lo, hi - lo);
                }
            }
            putchar('\n');
            run_case(fm, apx, &k, &r);
            printf("O %u", c);
            if (r.sig) {
                printf(" sig=%d,%d,%ld", r.sig, r.code, r.at);
            } else {
                printf(" g=%" PRIx64 ",%" PRIx64 ",%" PRIx64 ",%" PRIx64
                       " f=%" PRIx64 " x=%x", r.gpr[0], r.gpr[1], r.gpr[2],
                       r.gpr[3], r.flags, r.v.mxcsr);
                for (i = 0; i < 32; i++) {
                    if (memcmp(r.v.z[i], k.v.z[i], 64)) {
                        printf(" z%u=", i);
                        put_hex(r.v.z[i], 64);
                    }
                }
                for (i = 0; i < 8; i++) {
                    if (r.v.k[i] != k.v.k[i]) {
                        printf(" k%u=%" PRIx64, i, r.v.k[i]);
                    }
                }
            }
            for (i = 0; i < PAGE; i++) {
                unsigned j = i;

                while (j < PAGE && before[j] != scratch[j]) {
                    j++;
                }
                if (j > i) {
                    printf(" M%u=", i);
                    put_hex(scratch + i, j - i);
                    i = j;
                }
            }
            putchar('\n');
        }
    }
    printf("AVX512-INSN: %s trace forms=%u cases=%u\n", n ? "PASS" : "FAIL",
           n, cases);
    return n ? 0 : 1;
}

/* does the form's feature text ("F+VL", "BW", ...) name feat? */
static int needs(const struct form *fm, const char *feat)
{
    size_t n = strlen(feat);
    const char *p;

    for (p = fm->feature; (p = strstr(p, feat)); p += n) {
        if ((p == fm->feature || p[-1] == '+') && (!p[n] || p[n] == '+')) {
            return 1;
        }
    }
    return 0;
}

/* Every form (that needs feat, if given) must raise #UD at the
 * instruction under test. */
static int run_expect_ud(int which, const int *want, const char *feat)
{
    unsigned f, n = 0, bad = 0;
    int v;

    for (f = 0; f < NFORM; f++) {
        const struct form *fm = &forms[f];

        if (!want[fm->group] || (feat && !needs(fm, feat))) {
            continue;
        }
        for (v = 0; v < 2; v++) {
            struct kase k;
            struct result r;

            if (which != 2 && which != v) {
                continue;
            }
            make_case(fm, 1, 0, &k);
            run_case(fm, v, &k, &r);
            n++;
            if (r.sig != SIGILL || r.at) {
                bad++;
                if (r.sig) {
                    printf("AVX512-INSN: FAIL %s (%s): signal %d at "
                           "insn%+ld, not #UD at the instruction\n",
                           fm->name, v ? "apx" : "legacy", r.sig, r.at);
                } else {
                    printf("AVX512-INSN: FAIL %s (%s): executes\n",
                           fm->name, v ? "apx" : "legacy");
                }
            }
        }
    }
    printf("AVX512-INSN: %s expect-ud variants=%u bad=%u\n",
           bad ? "FAIL" : "PASS", n, bad);
    return bad ? 1 : 0;
}

/* ---- raw encodings (ud_cases.py) ---- */

enum { XP_UD = 1, XP_OK, XP_GP, XP_PF, XP_FP16 };
static const char *const x_names[] = { "-", "#UD", "executes", "#GP",
                                       "#PF", "#UD unless FP16" };
struct ud_case {
    const char *what, *bytes;
    unsigned len;
    int noapx, apx, amd;
    const char *group;
    uint64_t k1;
    int qemu_gap;               /* ud_cases.QEMU_GAPS */
};
#define UDCASE(w, b, n, a, amd, g, k1, q) \
    { w, b, sizeof(b) - 1, n, a, amd, g, k1, q },
static const struct ud_case ud_cases[] = {
#include "ud.h"
};
#undef UDCASE

/* raw.S: runs code with every GPR 0 except RAX (and R16) = ptr */
void raw_run(const void *code, void *xarea, uint64_t rfbm, void *ptr,
             int apx);

static int raw_result(uint8_t *page, const struct ud_case *u, int apx)
{
    struct vstate v;

    memset(&v, 0, sizeof(v));
    v.mxcsr = 0x1f80;
    v.k[1] = u->k1;
    pack(&v, xin, cpu.rfbm);
    memset(page, 0xcc, 64);
    memcpy(page, u->bytes, u->len);
    page[u->len] = 0xc3;
    got_sig = 0;
    if (!sigsetjmp(case_jmp, 1)) {
        raw_run(page, xin, cpu.rfbm, scratch + PAGE / 2, apx);
        return XP_OK;
    }
    asm volatile("ldmxcsr %0" : : "m"((uint32_t){ 0x1f80 }));
    if (got_rip != (uintptr_t)page) {
        return 0;               /* not at the case's first byte */
    }
    switch (got_sig) {
    case SIGILL:
        return XP_UD;
    case SIGSEGV:
        return got_code == SI_KERNEL ? XP_GP : XP_PF;
    default:
        return 0;
    }
}

/*
 * mode: 0 no APX, 1 APX, 2 no AVX-512 (everything #UD).  where: 1 native
 * (the host's known differences from the SDM apply), 2 under QEMU (its
 * known gaps are reported, not counted).
 */
static int run_ud(int mode, const int *want, int where)
{
    uint8_t *page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int amd = !strcmp(cpu.vendor, "AuthenticAMD");
    unsigned i, g, bad = 0, asserted = 0, gaps = 0;

    if (page == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    for (i = 0; i < sizeof(ud_cases) / sizeof(ud_cases[0]); i++) {
        const struct ud_case *u = &ud_cases[i];
        int exp = mode == 2 ? XP_UD : mode ? u->apx : u->noapx;
        int got = raw_result(page, u, mode == 1);
        const char *note = "";
        int check;

        if (exp == XP_FP16) {
            exp = cpu.avx512fp16 ? XP_OK : XP_UD;
        }
        if (mode != 2 && where == 1 && amd && u->amd) {
            exp = u->amd;
            note = " (known difference: AMD; the SDM says otherwise)";
        }
        for (g = 0; g < NGROUP && (!group_names[g] ||
                                   strcmp(u->group, group_names[g])); g++) {
        }
        check = exp == XP_UD || want[g];
        if (check && where == 2 && u->qemu_gap) {
            note = got == exp ? " (a known QEMU gap no more: drop it from "
                                "ud_cases.QEMU_GAPS)"
                              : " (known QEMU gap, see ud_cases.QEMU_GAPS)";
            check = got == exp;
            gaps += got != exp;
        }
        asserted += check;
        bad += check && got != exp;
        printf("AVX512-UD: %s %s: %s, want %s%s\n",
               !check ? (*note ? "gap" : "skip") : got == exp ? "ok" : "FAIL",
               u->what, got ? x_names[got] : "a signal elsewhere",
               x_names[exp], note);
    }
    printf("AVX512-INSN: %s ud-cases=%u asserted=%u bad=%u known-gaps=%u\n",
           bad ? "FAIL" : "PASS", i, asserted, bad, gaps);
    return bad ? 1 : 0;
}

/* XRSTOR then XSAVE random states: what comes out must be what went in,
 * at the offsets CPUID gives (and zero where XSAVE reports a component in
 * its initial state, which then must be zero). */
void xstate_roundtrip(struct io *io);

static int run_xstate(unsigned n)
{
    static struct io io;
    struct vstate in, out;
    unsigned i, c, bad = 0;

    for (c = 0; c < n; c++) {
        rng = 0x5eedull + c;
        memset(&in, 0, sizeof(in));
        for (i = 0; i < 32 * 8; i++) {
            uint64_t l = c % 4 == 3 ? 0 : lane();  /* some in init state */

            memcpy(&in.z[i / 8][(i % 8) * 8], &l, 8);
        }
        for (i = 0; i < 8; i++) {
            in.k[i] = c % 4 == 3 ? 0 : mask_value();
        }
        in.mxcsr = 0x1f80 | (uint32_t)(rnd() % 4) << 13;
        /* what the CPU cannot hold stays zero */
        for (i = 0; i < 32; i++) {
            if (!(cpu.rfbm >> XC_YMM & 1) && i < 16) {
                memset(in.z[i] + 16, 0, 48);
            }
            if (!(cpu.rfbm >> XC_ZMMH & 1) && i < 16) {
                memset(in.z[i] + 32, 0, 32);
            }
            if (!(cpu.rfbm >> XC_HI16 & 1) && i >= 16) {
                memset(in.z[i], 0, 64);
            }
        }
        if (!(cpu.rfbm >> XC_K & 1)) {
            memset(in.k, 0, sizeof(in.k));
        }
        pack(&in, xin, cpu.rfbm);
        memset(xout, 0x5a, sizeof(xout));
        io.rfbm = cpu.rfbm;
        io.xin = xin;
        io.xout = xout;
        xstate_roundtrip(&io);
        unpack(xout, &out, cpu.rfbm);
        if (memcmp(&in, &out, sizeof(in))) {
            bad++;
            printf("AVX512-INSN: FAIL xstate round trip %u differs\n", c);
            for (i = 0; i < 32; i++) {
                if (memcmp(in.z[i], out.z[i], 64)) {
                    printf("  zmm%u differs\n", i);
                }
            }
            for (i = 0; i < 8; i++) {
                if (in.k[i] != out.k[i]) {
                    printf("  k%u: %016" PRIx64 " -> %016" PRIx64 "\n", i,
                           in.k[i], out.k[i]);
                }
            }
            if (in.mxcsr != out.mxcsr) {
                printf("  mxcsr: %08x -> %08x\n", in.mxcsr, out.mxcsr);
            }
        }
    }
    printf("AVX512-INSN: %s xstate rfbm=%#" PRIx64 " states=%u bad=%u\n",
           bad ? "FAIL" : "PASS", cpu.rfbm, n, bad);
    return bad ? 1 : 0;
}

static int run_cpuid(void)
{
    unsigned i;

    printf("AVX512-CPUID: vendor=%s avx512f=%d avx512vl=%d avx512bw=%d "
           "avx512dq=%d avx512cd=%d avx512fp16=%d apxf=%d osxsave=%d "
           "xcr0=%#" PRIx64 " rfbm=%#" PRIx64 " xsave_size=%u\n",
           cpu.vendor, cpu.avx512f, cpu.avx512vl, cpu.avx512bw, cpu.avx512dq,
           cpu.avx512cd, cpu.avx512fp16, cpu.apxf, cpu.osxsave, cpu.xcr0,
           cpu.rfbm, cpu.xsave_size);
    for (i = 2; i < 8; i++) {
        if (i == 2 || i >= 5) {
            printf("AVX512-XSAVE: component %u offset %u size %u%s\n", i,
                   cpu.off[i], cpu.size[i],
                   cpu.rfbm >> i & 1 ? "" : " (not used)");
        }
    }
    /* what glibc will use: GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX512F,...
     * must switch its AVX-512 string functions off */
    printf("AVX512-GLIBC: avx512f=%d avx512vl=%d avx512bw=%d avx512dq=%d "
           "avx512cd=%d\n", CPU_FEATURE_ACTIVE(AVX512F) ? 1 : 0,
           CPU_FEATURE_ACTIVE(AVX512VL) ? 1 : 0,
           CPU_FEATURE_ACTIVE(AVX512BW) ? 1 : 0,
           CPU_FEATURE_ACTIVE(AVX512DQ) ? 1 : 0,
           CPU_FEATURE_ACTIVE(AVX512CD) ? 1 : 0);
    return 0;
}

int main(int argc, char **argv)
{
    int want[NGROUP + 1];
    const char *mode = argc > 1 ? argv[1] : "";
    unsigned f;

    setvbuf(stdout, NULL, _IOLBF, 0);
    cpu_init();
    if (!cpu.osxsave || !(cpu.rfbm >> XC_SSE & 1)) {
        fprintf(stderr, "XSAVE with SSE state is needed\n");
        return 2;
    }
    map_scratch();
    catch_signals();
    if (!strcmp(mode, "--list")) {
        for (f = 0; f < NFORM; f++) {
            printf("AVX512-FORM: %s %s %s flags=%#x size=%u\n",
                   forms[f].name, group_names[forms[f].group],
                   forms[f].feature, forms[f].flags, forms[f].size);
        }
        return 0;
    }
    if (!strcmp(mode, "--xstate")) {
        return run_xstate(argc > 2 ? strtoul(argv[2], NULL, 0) : 1000);
    }
    if (!strcmp(mode, "--cpuid-ud")) {
        return run_cpuid();
    }
    if (!strcmp(mode, "--digest") && argc > 2) {
        if (parse_groups(argc > 3 ? argv[3] : NULL, want)) {
            return 2;
        }
        return run_digest(variant(argv[2]), want,
                          argc > 4 ? strtoul(argv[4], NULL, 0) : 200,
                          argc > 5 ? strtoull(argv[5], NULL, 0) : 0x5eed);
    }
    if (!strcmp(mode, "--case-digests") && argc > 3) {
        return run_case_digests(variant(argv[2]), find_form(argv[3]),
                                argc > 4 ? strtoul(argv[4], NULL, 0) : 200,
                                argc > 5 ? strtoull(argv[5], NULL, 0)
                                         : 0x5eed);
    }
    if (!strcmp(mode, "--dump") && argc > 4) {
        return run_dump(variant(argv[2]), find_form(argv[3]),
                        strtoul(argv[4], NULL, 0),
                        argc > 5 ? strtoull(argv[5], NULL, 0) : 0x5eed);
    }
    if (!strcmp(mode, "--trace") && argc > 3) {
        return run_trace(variant(argv[2]), argv[3],
                         argc > 4 ? strtoul(argv[4], NULL, 0) : 200,
                         argc > 5 ? strtoull(argv[5], NULL, 0) : 0x5eed);
    }
    if (!strcmp(mode, "--expect-ud") && argc > 2) {
        int which = !strcmp(argv[2], "both") ? 2 : variant(argv[2]);

        if (parse_groups(argc > 3 ? argv[3] : NULL, want)) {
            return 2;
        }
        return run_expect_ud(which, want, argc > 4 ? argv[4] : NULL);
    }
    if (!strcmp(mode, "--ud") && argc > 2) {
        int m = !strcmp(argv[2], "noapx") ? 0 : !strcmp(argv[2], "apx") ? 1
              : !strcmp(argv[2], "noavx512") ? 2 : -1;

        if (m < 0 || parse_groups(argc > 3 ? argv[3] : "none", want)) {
            fprintf(stderr,
                    "--ud noapx|apx|noavx512 [GROUPS [--native|--qemu]]\n");
            return 2;
        }
        return run_ud(m, want, argc <= 4 ? 0 : !strcmp(argv[4], "--native")
                               ? 1 : !strcmp(argv[4], "--qemu") ? 2 : 0);
    }
    fprintf(stderr, "usage: see the comment at the top of diff.c\n");
    return 2;
}

/*
 * Differential test of APX instructions: every form runs in an APX variant
 * (R16..R31, REX2/EVEX encodings from GNU as) and a legacy variant (R8..R13,
 * legacy encodings) on the same random inputs; registers, RFLAGS and the
 * scratch memory must come out identical.
 *
 * Usage: apx-insn-diff [CASES [SEED]]   run all forms (default 2000 cases)
 *        apx-insn-diff --ud             the #UD rules (see ud_cases)
 *        apx-insn-diff --no-apx         every APX encoding must raise #UD
 *        apx-insn-diff --ud-no-nci      the same with apx-nci-ndd-nf=off
 *        apx-insn-diff --faults         CFCMOVcc suppresses faults (see
 *                                       fault_cases)
 *        apx-insn-diff --digest apx|legacy [CASES [SEED]]
 *                                       one line per form: a digest of the
 *                                       registers and memory, and one of
 *                                       RFLAGS, over the same random cases;
 *                                       to compare QEMU with the host CPU
 * Prints one line per failure and "APX-INSN: PASS forms=N cases=M" at the
 * end; exit 0 when everything matched.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

enum { NIO = 10, FLAGS = 9, SCRATCH = 128 };
#define FLAGS_IN    0x8d5ull     /* CF PF AF ZF SF OF */
#define FLAGS_OUT   0xcd5ull     /* ... and DF */

typedef void form_fn(uint64_t *io);
struct form {
    const char *name, *kinds, *egprs;
    form_fn *apx, *leg;
    uint64_t undef;         /* RFLAGS bits the legacy code leaves undefined */
};

#define FORM(n, k, e, u) form_fn apx_##n, leg_##n;
#include "forms.h"
#undef FORM
#define FORM(n, k, e, u) { #n, k, e, apx_##n, leg_##n, u },
static const struct form forms[] = {
#include "forms.h"
};
#undef FORM

static uint8_t scratch[SCRATCH] __attribute__((aligned(64)));
static uint64_t rng_state;

static uint64_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static uint64_t value(char kind)
{
    static const uint64_t edge[] = {
        0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
        0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull,
        0x8000000000000000ull, ~0ull, 63, 64, 31, 32,
    };
    uint64_t v;

    switch (kind) {
    case 'p':
        return (uintptr_t)scratch + 16;
    case 'i':
        return rnd() % 8;
    case 'n':
        do {
            v = value('v');
        } while (!v);
        return v;
    case 'd':   /* a 32-bit divisor that cannot fault: not 0, not -1 */
        do {
            v = value('v');
        } while ((uint32_t)v == 0 || (uint32_t)v == 0xffffffff);
        return v;
    default:
        switch (rnd() % 4) {
        case 0:
            return edge[rnd() % (sizeof(edge) / sizeof(edge[0]))];
        case 1:
            return rnd() & 0xff;
        default:
            return rnd();
        }
    }
}

/* One random case of form FM: registers and flags in IN, memory in MEM */
static void make_case(const struct form *fm, uint64_t *in, uint8_t *mem)
{
    unsigned i;

    for (i = 0; i < NIO; i++) {
        in[i] = value(i < 6 ? fm->kinds[i] : 'v');
    }
    in[7] = rnd() % 80;                     /* %rcx: shift counts */
    in[FLAGS] = (rnd() & FLAGS_IN) | 2;
    for (i = 0; i < SCRATCH; i++) {
        mem[i] = rnd();
    }
}

static int run_forms(unsigned cases)
{
    unsigned f, c, i, failures = 0;
    unsigned long total = 0;

    for (f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
        const struct form *fm = &forms[f];

        for (c = 0; c < cases; c++) {
            uint64_t in[NIO], a[NIO], l[NIO];
            uint8_t mem[SCRATCH], ma[SCRATCH];

            make_case(fm, in, mem);
            memcpy(a, in, sizeof(in));
            memcpy(l, in, sizeof(in));
            memcpy(scratch, mem, SCRATCH);
            fm->apx(a);
            memcpy(ma, scratch, SCRATCH);
            memcpy(scratch, mem, SCRATCH);
            fm->leg(l);
            a[FLAGS] &= FLAGS_OUT;
            l[FLAGS] &= FLAGS_OUT;
            total++;
            if (memcmp(a, l, sizeof(a)) || memcmp(ma, scratch, SCRATCH)) {
                failures++;
                printf("APX-INSN: FAIL %s (%s) case %u\n", fm->name,
                       fm->egprs, c);
                for (i = 0; i < NIO; i++) {
                    printf("  io[%u] in %016" PRIx64 " apx %016" PRIx64
                           " legacy %016" PRIx64 "%s\n", i, in[i], a[i], l[i],
                           a[i] != l[i] ? "  <--" : "");
                }
                if (memcmp(ma, scratch, SCRATCH)) {
                    printf("  scratch memory differs\n");
                }
                break;
            }
        }
    }
    printf("APX-INSN: %s forms=%zu cases=%lu failures=%u\n",
           failures ? "FAIL" : "PASS", sizeof(forms) / sizeof(forms[0]),
           total, failures);
    return failures ? 1 : 0;
}

/*
 * Run one variant of every form and print digests of what it computed: the
 * legacy variants can run on the host CPU, so "--digest legacy" there and
 * "--digest apx" under QEMU must agree; the RFLAGS digest leaves out the
 * bits the form's instructions leave undefined (gen.py's UNDEFINED).  A
 * form whose variant raises SIGILL (an instruction the host lacks) prints
 * "sigill" instead.
 */
static sigjmp_buf digest_jmp;

static void on_digest_sigill(int sig)
{
    (void)sig;
    siglongjmp(digest_jmp, 1);
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v;
    h *= 0x100000001b3ull;
    return h ^ (h >> 29);
}

static int run_digest(int apx, unsigned cases)
{
    unsigned f, c, i;

    signal(SIGILL, on_digest_sigill);
    for (f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
        const struct form *fm = &forms[f];
        form_fn *fn = apx ? fm->apx : fm->leg;
        uint64_t regs = 0xcbf29ce484222325ull, flags = regs;

        if (sigsetjmp(digest_jmp, 1)) {
            printf("APX-DIGEST: %s sigill\n", fm->name);
            continue;
        }
        for (c = 0; c < cases; c++) {
            uint64_t io[NIO];

            make_case(fm, io, scratch);
            fn(io);
            for (i = 0; i < FLAGS; i++) {
                /* a pointer into scratch memory is the same in both runs */
                regs = mix(regs, io[i]);
            }
            for (i = 0; i < SCRATCH; i += 8) {
                uint64_t w;

                memcpy(&w, scratch + i, 8);
                regs = mix(regs, w);
            }
            flags = mix(flags, io[FLAGS] & FLAGS_OUT & ~fm->undef);
        }
        printf("APX-DIGEST: %s %016" PRIx64 " %016" PRIx64 "\n", fm->name,
               regs, flags);
    }
    signal(SIGILL, SIG_DFL);
    return 0;
}

/*
 * Raw encodings and whether they must raise #UD (SIGILL) with APX on, and
 * with APX on but apx-nci-ndd-nf (CPUID 29H.EBX[0]) off.
 */
struct ud_case {
    const char *what, *bytes;
    unsigned len;
    int ud, ud_no_nci;
};
#define UD(what, bytes, ud) { what, bytes, sizeof(bytes) - 1, ud, ud }
#define UDN(what, bytes, ud, no_nci) \
    { what, bytes, sizeof(bytes) - 1, ud, no_nci }
static const struct ud_case ud_cases[] = {
    UD("REX2 add %r16,%rax (valid)", "\xd5\x48\x01\xc0", 0),
    UD("REX2 with no payload bits (valid)", "\xd5\x00\x01\xc0", 0),
    UD("66 before REX2 (valid)", "\x66\xd5\x00\x01\xc0", 0),
    UD("REX2 map 1 cmove (valid)", "\xd5\xc0\x44\xc0", 0),
    UD("REX2 bswap %r16 (valid)", "\xd5\x98\xc8", 0),
    UD("REX before REX2", "\x48\xd5\x00\x01\xc0", 1),
    UD("66 after REX2", "\xd5\x00\x66\x01\xc0", 1),
    UD("F3 after REX2", "\xd5\x00\xf3\x90", 1),
    UD("REX after REX2", "\xd5\x00\x48\x01\xc0", 1),
    UD("REX2 after REX2", "\xd5\x00\xd5\x00\x01\xc0", 1),
    UD("REX2 + 0F escape (map 0)", "\xd5\x00\x0f\x44\xc0", 1),
    UD("REX2 + Jcc rel8", "\xd5\x00\x74\x00", 1),
    UD("REX2 + moffs mov A0", "\xd5\x00\xa0\0\0\0\0\0\0\0\0", 1),
    UD("REX2 + stosb AA", "\xd5\x00\xaa", 1),
    UD("REX2.W + A1 (JMPABS needs W=0)", "\xd5\x08\xa1\0\0\0\0\0\0\0\0", 1),
    UD("REX2 + jmp rel32 E9", "\xd5\x00\xe9\0\0\0\0", 1),
    UD("REX2 + loop E2", "\xd5\x00\xe2\x00", 1),
    UD("REX2 + VEX C5", "\xd5\x00\xc5\xf8\x77", 1),
    UD("REX2 map 1 + 0F 38 escape", "\xd5\x80\x38\x00\xc0", 1),
    UD("REX2 map 1 + rdtsc (row 3)", "\xd5\x80\x31", 1),
    UD("REX2 map 1 + Jcc rel32 (row 8)", "\xd5\x80\x84\0\0\0\0", 1),
    UD("REX2 map 1 + mov %cr16 (R4)", "\xd5\xc0\x20\xc0", 1),
    UD("EVEX map 4 add %rax,%rcx (valid)", "\x62\xf4\xfc\x08\x01\xc1", 0),
    UDN("EVEX map 4 add %rax,%rcx,%rdx (ND, valid)",
        "\x62\xf4\xec\x18\x01\xc1", 0, 1),
    UDN("EVEX map 4 {nf} add (valid)", "\x62\xf4\xfc\x0c\x01\xc1", 0, 1),
    UD("EVEX map 4 {nf} adc", "\x62\xf4\xfc\x0c\x11\xc1", 1),
    UD("EVEX map 4 mul with ND", "\x62\xf4\xec\x18\xf7\xe1", 1),
    UD("EVEX map 4 vvvv without ND", "\x62\xf4\xec\x08\x01\xc1", 1),
    UD("EVEX map 4 with L=1", "\x62\xf4\xfc\x28\x01\xc1", 1),
    UD("66 before EVEX", "\x66\x62\xf4\xfc\x08\x01\xc1", 1),
    UD("REX before EVEX", "\x48\x62\xf4\xfc\x08\x01\xc1", 1),
    UD("EVEX map 5", "\x62\xf5\xfc\x08\x01\xc1", 1),
    UD("PUSH2 naming RSP", "\x62\xf4\x7c\x18\xff\xf4", 1),
    UD("POP2 naming one register twice", "\x62\xf4\x7c\x18\x8f\xc0", 1),
    UD("PUSH2 without ND", "\x62\xf4\x7c\x08\xff\xf1", 1),
    UD("PUSH2 with vvvv = RSP", "\x62\xf4\x5c\x18\xff\xf3", 1),
    UD("POP2 with r/m = RSP", "\x62\xf4\x7c\x18\x8f\xc4", 1),
    UD("PUSH2 with 66 (EVEX.pp=01)", "\x62\xf4\x7d\x18\xff\xf3", 1),
    UD("EVEX map 4 ADD with F2", "\x62\xf4\xff\x08\x01\xc1", 1),
    UD("EVEX map 4 CRC32 (valid)", "\x62\xf4\x7c\x08\xf0\xc1", 0),
    UD("EVEX map 4 CRC32 with F2", "\x62\xf4\x7f\x08\xf0\xc1", 1),
    UD("EVEX map 4 CRC32 with F3", "\x62\xf4\x7e\x08\xf0\xc1", 1),
    UD("EVEX map 4 MOVBE %rcx,%rax (register form, valid)",
       "\x62\xf4\xfc\x08\x60\xc1", 0),
    UD("EVEX map 4 MOVBE with F2", "\x62\xf4\xff\x08\x60\xc1", 1),
    UD("CCMP with ND", "\x62\xf4\xfc\x1a\x39\xc1", 1),
    UD("{nf} ADD with aaa bits", "\x62\xf4\xfc\x0d\x01\xc1", 1),
    UD("EVEX map 4 ADD with F3", "\x62\xf4\xfe\x08\x01\xc1", 1),
    UD("SETcc.ZU with vvvv", "\x62\xf4\x47\x18\x44\xc1", 1),
    UD("LOCK + REX2 add %r16,(%rax) (valid)", "\xf0\xd5\x48\x01\x00", 0),
    /* GNU as: "expecting lockable instruction" for any EVEX form */
    UD("LOCK + EVEX map 4 add %rax,(%rax)", "\xf0\x62\xf4\xfc\x08\x01\x00",
       1),
    UD("LOCK + EVEX map 4 {nf} add %rax,(%rax)",
       "\xf0\x62\xf4\xfc\x0c\x01\x00", 1),
    UDN("CFCMOVB load (valid)", "\x62\xf4\xfc\x08\x42\xc2", 0, 1),
    UDN("CFCMOVB store (valid)", "\x62\xf4\xfc\x0c\x42\xc2", 0, 1),
    UDN("CMOVB with ND (valid)", "\x62\xf4\xec\x18\x42\xc1", 0, 1),
    UDN("CCMPB {dfv=of,sf,zf,cf} %rax,%rcx (valid)",
        "\x62\xf4\xfc\x02\x39\xc1", 0, 1),
    UDN("SETB.ZU %cl (valid)", "\x62\xf4\x7f\x18\x42\xc1", 0, 0),
    UD("CFCMOVB with F3", "\x62\xf4\xfe\x08\x42\xc2", 1),
    UD("CFCMOVB load with vvvv, no ND", "\x62\xf4\xbc\x08\x42\xc2", 1),
    UD("CFCMOVB with aaa bits", "\x62\xf4\xfc\x09\x42\xc2", 1),
    UD("EVEX map 2 ANDN with ND", "\x62\xf2\x74\x18\xf2\xc1", 1),
    UD("EVEX map 2 {nf} SHLX", "\x62\xf2\xf5\x0c\xf7\xc1", 1),
};

static sigjmp_buf ud_jmp;
static volatile int got_sigill;

static void on_sigill(int sig)
{
    (void)sig;
    got_sigill = 1;
    siglongjmp(ud_jmp, 1);
}

/* Run bytes followed by a ret; 1 if they raised SIGILL. */
static int raises_ud(uint8_t *page, const char *bytes, unsigned len)
{
    static uint64_t stack_scratch[64];

    memset(page, 0x90, 64);
    memcpy(page, bytes, len);
    page[len] = 0xc3;
    got_sigill = 0;
    if (!sigsetjmp(ud_jmp, 1)) {
        /* %rax points at scratch memory, in case the bytes are valid */
        /* step over the red zone: the call pushes a return address */
        asm volatile("lea -128(%%rsp), %%rsp\n\t"
                     "call *%0\n\t"
                     "lea 128(%%rsp), %%rsp"
                     : : "r"(page), "a"(stack_scratch)
                     : "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
                       "memory", "cc");
    }
    return got_sigill;
}

/* apx: 0 no APX, 1 APX, 2 APX without apx-nci-ndd-nf */
static int run_ud(int apx)
{
    uint8_t *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned i, bad = 0;

    if (page == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    signal(SIGILL, on_sigill);
    for (i = 0; i < sizeof(ud_cases) / sizeof(ud_cases[0]); i++) {
        const struct ud_case *u = &ud_cases[i];
        int want = apx == 2 ? u->ud_no_nci : apx ? u->ud : 1;
        int got = raises_ud(page, u->bytes, u->len);

        printf("APX-INSN: %s %s: %s\n", got == want ? "ok" : "FAIL", u->what,
               got ? "#UD" : "executes");
        bad += got != want;
    }
    if (!apx) {
        /* The first APX form must fault too. */
        uint64_t io[NIO] = { 0 };

        got_sigill = 0;
        if (!sigsetjmp(ud_jmp, 1)) {
            forms[0].apx(io);
        }
        printf("APX-INSN: %s %s without APX: %s\n",
               got_sigill ? "ok" : "FAIL", forms[0].name,
               got_sigill ? "#UD" : "executes");
        bad += !got_sigill;
    }
    printf("APX-INSN: %s ud-cases bad=%u\n", bad ? "FAIL" : "PASS", bad);
    return bad ? 1 : 0;
}

/*
 * CFCMOVcc on memory that faults (cfcmov-faults.S): with its condition
 * false it must not touch the memory at all, so neither an unmapped page
 * nor a read-only one faults; with the condition true it faults like a MOV.
 * The plain CMOVcc shows the pages do fault: it reads even when false.
 */
typedef uint64_t cf_fn(void *p, uint64_t v, int cf);
cf_fn cf_load, cf_load16, cf_load_nd, cf_store, cmov_load;

static sigjmp_buf segv_jmp;
static volatile int got_sigsegv;

static void on_sigsegv(int sig)
{
    (void)sig;
    got_sigsegv = 1;
    siglongjmp(segv_jmp, 1);
}

enum { UNMAPPED, READONLY };
struct fault_case {
    const char *what;
    cf_fn *fn;
    int page, cf, faults;
    uint64_t expect;        /* the function's result, if it does not fault */
};
#define OLD 0x1111222233334444ull
static const struct fault_case fault_cases[] = {
    { "cfcmovb load, unmapped, false", cf_load, UNMAPPED, 0, 0, 0 },
    { "cfcmovb load, unmapped, true", cf_load, UNMAPPED, 1, 1, 0 },
    { "cfcmovb load16, unmapped, false", cf_load16, UNMAPPED, 0, 0,
      OLD & ~0xffffull },
    { "cfcmovb load, read-only, true", cf_load, READONLY, 1, 0,
      0x5a5a5a5a5a5a5a5aull },
    { "cfcmovb load ND, unmapped, false", cf_load_nd, UNMAPPED, 0, 0, OLD },
    { "cfcmovb load ND, unmapped, true", cf_load_nd, UNMAPPED, 1, 1, 0 },
    { "cfcmovb store, unmapped, false", cf_store, UNMAPPED, 0, 0, OLD },
    { "cfcmovb store, read-only, false", cf_store, READONLY, 0, 0, OLD },
    { "cfcmovb store, read-only, true", cf_store, READONLY, 1, 1, 0 },
    { "cmovb load, unmapped, false", cmov_load, UNMAPPED, 0, 1, 0 },
};

static int run_faults(void)
{
    uint8_t *pages = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned i, bad = 0;

    if (pages == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    memset(pages, 0x5a, 4096);
    if (mprotect(pages, 4096, PROT_READ) || munmap(pages + 4096, 4096)) {
        perror("mprotect/munmap");
        return 2;
    }
    signal(SIGSEGV, on_sigsegv);
    for (i = 0; i < sizeof(fault_cases) / sizeof(fault_cases[0]); i++) {
        const struct fault_case *c = &fault_cases[i];
        uint8_t *p = pages + (c->page == UNMAPPED ? 4096 : 0);
        volatile uint64_t got = 0;
        int ok;

        got_sigsegv = 0;
        if (!sigsetjmp(segv_jmp, 1)) {
            got = c->fn(p, OLD, c->cf);
        }
        ok = got_sigsegv == c->faults && (c->faults || got == c->expect);
        if (p == pages) {
            ok = ok && pages[0] == 0x5a && pages[4095] == 0x5a;
        }
        printf("APX-INSN: %s %s: %s %016" PRIx64 "\n", ok ? "ok" : "FAIL",
               c->what, got_sigsegv ? "SIGSEGV" : "result", (uint64_t)got);
        bad += !ok;
    }
    signal(SIGSEGV, SIG_DFL);
    printf("APX-INSN: %s fault-cases bad=%u\n", bad ? "FAIL" : "PASS", bad);
    return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && !strcmp(argv[1], "--ud")) {
        return run_ud(1);
    }
    if (argc > 1 && !strcmp(argv[1], "--no-apx")) {
        return run_ud(0);
    }
    if (argc > 1 && !strcmp(argv[1], "--ud-no-nci")) {
        return run_ud(2);
    }
    if (argc > 1 && !strcmp(argv[1], "--faults")) {
        return run_faults();
    }
    if (argc > 2 && !strcmp(argv[1], "--digest")) {
        rng_state = argc > 4 ? strtoull(argv[4], NULL, 0) : 0xa9a9a9a9ull;
        return run_digest(!strcmp(argv[2], "apx"),
                          argc > 3 ? strtoul(argv[3], NULL, 0) : 2000);
    }
    rng_state = argc > 2 ? strtoull(argv[2], NULL, 0) : 0xa9a9a9a9ull;
    return run_forms(argc > 1 ? strtoul(argv[1], NULL, 0) : 2000);
}

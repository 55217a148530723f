/*
 * The AVX512F gathers and scatters, checked against the SDM's operation
 * sections, natively (an AVX-512 host) and under QEMU.
 *
 * Usage: avx512-gather leg|apx CASES SEED
 *
 * Every form of forms.h (gen.py: each gather and scatter at 128, 256 and
 * 512 bits) runs CASES random cases on a buffer of three read-write pages
 * followed by a guard page (PROT_NONE); the base register points into the
 * middle page and the index elements reach all three, with repeated and
 * (for the gathers and the scatters' ordering) overlapping addresses.
 * Checked after each case:
 *   - a gather: each element whose opmask bit was set holds the memory
 *     element at base + disp + index * scale (sign-extended index), the
 *     others are unchanged, the bits above the data elements are zero;
 *   - a scatter: memory is what writing the active elements in order,
 *     element 0 first, gives (so the highest of overlapping elements
 *     wins); the source is unchanged;
 *   - the opmask ends all zero.
 * In a quarter of the cases some active elements point into the guard
 * page.  The SDM makes the instructions restartable: a fault is delivered
 * for the lowest faulting element, the elements below it are complete and
 * their opmask bits clear, those above it may or may not be.  The SIGSEGV
 * handler checks that the fault address is the lowest faulting element's,
 * then (gathers) changes the memory of every active element below it and
 * (scatters) checks that each of those has been written, the faulting one
 * not; it makes the guard page readable and writable and returns, so the
 * instruction restarts.  The final state must then show that the
 * elements below the fault were not gathered again (their old values)
 * and everything else as if there had been no fault.  Fault cases use
 * non-overlapping element addresses.
 *
 * Prints "GATHER: ok|FAIL <form> ..." per form and "GATHER: PASS" at the
 * end if every check passed; exit status 0 then, 1 otherwise.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096
#define NPAGE 3         /* read-write pages, then one guard page */

struct io {
    uint8_t idx[64];
    uint8_t data[64];
    uint64_t k;
    uint64_t base;
};

struct form {
    const char *name;
    int scatter, qidx, esize, vl, scale, disp;
    const char *insn;
    void (*fn[2])(struct io *);
};

#define FORM(n, sc, q, es, vl, s, d, text) \
    void leg_##n(struct io *); void apx_##n(struct io *);
#include "forms.h"
#undef FORM
#define FORM(n, sc, q, es, vl, s, d, text) \
    { #n, sc, q, es, vl, s, d, text, { leg_##n, apx_##n } },
static const struct form forms[] = {
#include "forms.h"
};
#undef FORM

static uint8_t *buf;            /* NPAGE pages + the guard page */
static uint64_t rng;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* the case the handler sees */
static const struct form *cur;
static struct io in;
static long off[64];            /* element addresses, offsets into buf */
static int nelem, faults, lowest, fail_line;
static uint8_t mem_before[NPAGE * PAGE];
static char why[256];

#define CHECK(cond, ...) do {                                  \
        if (!(cond) && !fail_line) {                           \
            fail_line = __LINE__;                              \
            snprintf(why, sizeof(why), __VA_ARGS__);           \
        }                                                      \
    } while (0)

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    long at = (long)((uint8_t *)si->si_addr - buf);
    int i, es = cur->esize;

    (void)sig;
    (void)uc;
    faults++;
    if (faults > 1 || lowest < 0) {
        CHECK(0, "unexpected fault at buf%+ld (fault %d)", at, faults);
        _exit(2);
    }
    CHECK(at == off[lowest], "fault at buf%+ld, want element %d's at "
          "buf%+ld", at, lowest, off[lowest]);
    for (i = 0; i < lowest; i++) {
        if (!(in.k >> i & 1)) {
            continue;
        }
        if (cur->scatter) {
            CHECK(!memcmp(buf + off[i], in.data + es * i, es),
                  "at the fault, element %d (below the faulting %d) is "
                  "not written", i, lowest);
        } else {
            for (int b = 0; b < es; b++) {
                buf[off[i] + b] ^= 0xff;        /* gathered: not re-read */
            }
        }
    }
    mprotect(buf + NPAGE * PAGE, PAGE, PROT_READ | PROT_WRITE);
    memset(buf + NPAGE * PAGE, 0x5c, PAGE);
}

static int run_form(const struct form *f, int apx, int cases)
{
    int c, i, nfault_cases = 0, isize = f->qidx ? 8 : 4;
    int es = f->esize;
    long base_off = PAGE + PAGE / 2;

    cur = f;
    nelem = f->vl / (isize > es ? isize : es);
    for (c = 0; c < cases; c++) {
        struct io io;
        uint8_t expect_mem[NPAGE * PAGE];
        uint8_t expect_data[64];
        int fault_case = rnd() % 4 == 0;
        uint64_t kmask = nelem == 64 ? ~0ull : (1ull << nelem) - 1;
        uint64_t k0;

        fail_line = 0;
        faults = 0;
        lowest = -1;
        mprotect(buf + NPAGE * PAGE, PAGE, PROT_NONE);
        for (i = 0; i < NPAGE * PAGE; i++) {
            buf[i] = rnd();
        }
        memset(&io, 0, sizeof(io));
        for (i = 0; i < 64; i++) {
            io.idx[i] = rnd();
            io.data[i] = rnd();
        }
        switch (rnd() % 4) {
        case 0:
            k0 = ~0ull;
            break;
        case 1:
            k0 = rnd() & kmask;
            break;
        default:
            k0 = rnd();
            break;
        }
        io.k = k0;
        io.base = (uint64_t)(buf + base_off) - f->disp;
        /* element addresses: anywhere in the three pages, aligned to the
         * element but for some; the fault cases apart, some repeat */
        for (i = 0; i < nelem; i++) {
            long o;
            int64_t ix;

            if (fault_case) {
                /* distinct slots, apart by the element and the scale */
                long slot = es > f->scale ? es : f->scale;

                o = slot * (i * 37 % (NPAGE * PAGE / slot - 1));
                if ((k0 >> i & 1) && rnd() % 3 == 0) {
                    o = NPAGE * PAGE + slot * (long)(rnd() % (PAGE / slot));
                }
            } else if (i && rnd() % 4 == 0) {
                o = off[rnd() % i];             /* the same as another */
            } else if (i && rnd() % 8 == 0) {
                o = off[rnd() % i] + es / 2;    /* overlapping another */
                if (o > NPAGE * PAGE - es) {
                    o -= es;
                }
            } else {
                o = (long)(rnd() % (NPAGE * PAGE - es));
            }
            o -= o % f->scale;                  /* reachable by index */
            ix = (o - base_off) / f->scale;
            off[i] = base_off + ix * f->scale;
            if (f->qidx) {
                memcpy(io.idx + 8 * i, &ix, 8);
            } else {
                int32_t x = ix;

                memcpy(io.idx + 4 * i, &x, 4);
            }
        }
        for (i = 0; i < nelem; i++) {
            if ((k0 >> i & 1) && off[i] >= NPAGE * PAGE && lowest < 0) {
                lowest = i;
            }
        }
        nfault_cases += lowest >= 0;
        /* what the SDM says, without the fault */
        memcpy(mem_before, buf, sizeof(mem_before));
        memcpy(expect_mem, buf, sizeof(expect_mem));
        memset(expect_data, 0, 64);
        memcpy(expect_data, io.data, nelem * es);
        if (!f->scatter) {
            /* DEST above the data elements: zero */
            memset(expect_data + nelem * es, 0, 64 - nelem * es);
        } else {
            memcpy(expect_data, io.data, 64);
        }
        in = io;
        f->fn[apx](&io);
        /* the expected memory and data, now that the guard page (if it
         * faulted) holds 0x5c and the gathered-before-fault elements
         * were flipped */
        for (i = 0; i < nelem; i++) {
            const uint8_t *src;

            if (!(k0 >> i & 1)) {
                continue;
            }
            if (f->scatter) {
                if (off[i] < NPAGE * PAGE) {
                    memcpy(expect_mem + off[i], io.data + es * i, es);
                }
                continue;
            }
            if (off[i] >= NPAGE * PAGE) {
                src = buf + off[i];             /* 0x5c after the fault */
            } else if (lowest >= 0 && i < lowest) {
                src = mem_before + off[i];      /* gathered before it */
            } else {
                src = buf + off[i];
            }
            if (lowest >= 0 && i > lowest &&
                !memcmp(io.data + es * i, mem_before + off[i], es)) {
                /* gathered before the fault (allowed above it) */
                src = mem_before + off[i];
            }
            memcpy(expect_data + es * i, src, es);
        }
        CHECK(faults == (lowest >= 0), "%d faults, want %d", faults,
              lowest >= 0);
        CHECK(io.k == 0, "opmask %#" PRIx64 " at the end", io.k);
        CHECK(!memcmp(io.data, expect_data, 64), "%s differs",
              f->scatter ? "the source" : "the destination");
        if (f->scatter) {
            CHECK(!memcmp(buf, expect_mem, sizeof(expect_mem)),
                  "memory differs");
        } else {
            CHECK(!memcmp(buf, mem_before, sizeof(mem_before)) ||
                  lowest >= 0, "a gather wrote memory");
        }
        if (fail_line) {
            printf("GATHER: FAIL %s_%s case %d (k %#" PRIx64 ", fault "
                   "element %d): %s [line %d]\n", apx ? "apx" : "leg",
                   f->name, c, k0, lowest, why, fail_line);
            return 0;
        }
    }
    printf("GATHER: ok %s_%s: %d cases, %d with a fault (%s)\n",
           apx ? "apx" : "leg", f->name, cases, nfault_cases, f->insn);
    return 1;
}

int main(int argc, char **argv)
{
    struct sigaction sa;
    int apx, cases, ok = 1;
    size_t i;

    if (argc != 4) {
        fprintf(stderr, "usage: %s leg|apx CASES SEED\n", argv[0]);
        return 2;
    }
    apx = !strcmp(argv[1], "apx");
    cases = atoi(argv[2]);
    rng = strtoull(argv[3], NULL, 0) | 1;
    buf = mmap(NULL, (NPAGE + 1) * PAGE, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        ok &= run_form(&forms[i], apx, cases);
    }
    printf("GATHER: %s\n", ok ? "PASS" : "FAIL");
    return !ok;
}

/*
 * APX state in linux-user: signal frames and the gdbstub.
 *
 * Usage: apx-user signals     EGPRs across a synchronous signal whose
 *                             handler checks them in the signal frame,
 *                             clobbers them and changes R31 in the frame;
 *                             then across 2 s of 1 ms timer signals whose
 *                             handler clobbers them.
 *        apx-user gdb         sets R16..R31, calls apx_checkpoint() (a
 *                             breakpoint for gdb), prints R16..R31 after.
 *        apx-user plt         R16..R31 across the first call of a libc
 *                             function, which (in a dynamic build with
 *                             lazy binding) goes through ld.so's resolver.
 * Built without -mapxf: nothing but the inline assembly touches R16..R31.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

#define NREGS 16
#define APX_OFFSET 960          /* XSAVE component 19, standard format */

static uint64_t pattern[NREGS];
static volatile unsigned long handled;
static volatile int frame_ok = 1;

static void set_egprs(const uint64_t *v)
{
    asm volatile("mov 0(%0), %%r16\n\tmov 8(%0), %%r17\n\t"
                 "mov 16(%0), %%r18\n\tmov 24(%0), %%r19\n\t"
                 "mov 32(%0), %%r20\n\tmov 40(%0), %%r21\n\t"
                 "mov 48(%0), %%r22\n\tmov 56(%0), %%r23\n\t"
                 "mov 64(%0), %%r24\n\tmov 72(%0), %%r25\n\t"
                 "mov 80(%0), %%r26\n\tmov 88(%0), %%r27\n\t"
                 "mov 96(%0), %%r28\n\tmov 104(%0), %%r29\n\t"
                 "mov 112(%0), %%r30\n\tmov 120(%0), %%r31"
                 : : "r"(v) : "memory");
}

static void get_egprs(uint64_t *v)
{
    asm volatile("mov %%r16, 0(%0)\n\tmov %%r17, 8(%0)\n\t"
                 "mov %%r18, 16(%0)\n\tmov %%r19, 24(%0)\n\t"
                 "mov %%r20, 32(%0)\n\tmov %%r21, 40(%0)\n\t"
                 "mov %%r22, 48(%0)\n\tmov %%r23, 56(%0)\n\t"
                 "mov %%r24, 64(%0)\n\tmov %%r25, 72(%0)\n\t"
                 "mov %%r26, 80(%0)\n\tmov %%r27, 88(%0)\n\t"
                 "mov %%r28, 96(%0)\n\tmov %%r29, 104(%0)\n\t"
                 "mov %%r30, 112(%0)\n\tmov %%r31, 120(%0)"
                 : : "r"(v) : "memory");
}

static void clobber_egprs(void)
{
    uint64_t junk[NREGS];
    int i;

    for (i = 0; i < NREGS; i++) {
        junk[i] = 0xbad0000000000000ull | i;
    }
    set_egprs(junk);
}

#define NEW_R31 0x3131313131313131ull

/* Synchronous signal: check the frame, clobber, change R31 in the frame */
static void on_usr1(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    uint8_t *xsave = (uint8_t *)uc->uc_mcontext.fpregs;
    uint64_t bv, v;
    int i;

    (void)sig;
    (void)si;
    memcpy(&bv, xsave + 512, 8);
    if (!(bv & (1ull << 19))) {
        printf("APX-USER: FAIL the signal frame's XSTATE_BV lacks bit 19 "
               "(%#" PRIx64 ")\n", bv);
        frame_ok = 0;
    }
    for (i = 0; i < NREGS; i++) {
        memcpy(&v, xsave + APX_OFFSET + 8 * i, 8);
        if (v != pattern[i]) {
            printf("APX-USER: FAIL frame r%d = %016" PRIx64 " want %016"
                   PRIx64 "\n", 16 + i, v, pattern[i]);
            frame_ok = 0;
        }
    }
    v = NEW_R31;
    memcpy(xsave + APX_OFFSET + 8 * 15, &v, 8);
    clobber_egprs();
    handled++;
}

static void on_alarm(int sig)
{
    (void)sig;
    clobber_egprs();
    handled++;
}

static int check(const uint64_t *got, const uint64_t *want, const char *what)
{
    int i, bad = 0;

    for (i = 0; i < NREGS; i++) {
        if (got[i] != want[i]) {
            printf("APX-USER: FAIL %s: r%d = %016" PRIx64 " want %016" PRIx64
                   "\n", what, 16 + i, got[i], want[i]);
            bad = 1;
        }
    }
    return bad;
}

static int test_signals(void)
{
    struct sigaction sa = { 0 };
    struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
    uint64_t got[NREGS], want[NREGS];
    unsigned long loops = 0;
    struct timeval t0, t;
    int bad = 0;

    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);

    set_egprs(pattern);
    syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
    get_egprs(got);
    memcpy(want, pattern, sizeof(want));
    want[15] = NEW_R31;
    bad |= check(got, want, "after a synchronous signal");
    bad |= !frame_ok || handled != 1;
    printf("APX-USER: %s synchronous signal: frame holds R16..R31, the "
           "handler's clobbering is undone, R31 set in the frame arrives\n",
           bad ? "FAIL" : "ok");

    handled = 0;
    signal(SIGALRM, on_alarm);
    setitimer(ITIMER_REAL, &it, NULL);
    gettimeofday(&t0, NULL);
    set_egprs(pattern);
    do {
        get_egprs(got);
        if (check(got, pattern, "under timer signals")) {
            bad = 1;
            break;
        }
        loops++;
        gettimeofday(&t, NULL);
    } while ((t.tv_sec - t0.tv_sec) * 1000000 + t.tv_usec - t0.tv_usec <
             2000000);
    it.it_value.tv_usec = it.it_interval.tv_usec = 0;
    setitimer(ITIMER_REAL, &it, NULL);
    printf("APX-USER: %s %lu timer signals during %lu checks\n",
           bad || handled < 10 ? "FAIL" : "ok", handled, loops);
    bad |= handled < 10;
    printf("APX-USER: %s signals\n", bad ? "FAIL" : "PASS");
    return bad;
}

void __attribute__((noinline)) apx_checkpoint(void)
{
    asm volatile("" : : : "memory");
}

static int test_gdb(void)
{
    uint64_t got[NREGS];
    int i;

    set_egprs(pattern);
    apx_checkpoint();
    get_egprs(got);
    for (i = 0; i < NREGS; i++) {
        printf("APX-USER: r%d=%016" PRIx64 "\n", 16 + i, got[i]);
    }
    return 0;
}

static int test_plt(void)
{
    uint64_t got[NREGS];
    int bad;

    set_egprs(pattern);
    getppid();          /* first call: through the PLT and the resolver */
    get_egprs(got);
    bad = check(got, pattern, "across the first call of getppid()");
    printf("APX-USER: %s plt\n", bad ? "FAIL" : "PASS");
    return bad;
}

int main(int argc, char **argv)
{
    int i;

    setvbuf(stdout, NULL, _IOLBF, 0);
    for (i = 0; i < NREGS; i++) {
        pattern[i] = 0xa9a9000000000000ull | ((uint64_t)(16 + i) << 16) | i;
    }
    if (argc > 1 && !strcmp(argv[1], "signals")) {
        return test_signals();
    }
    if (argc > 1 && !strcmp(argv[1], "gdb")) {
        return test_gdb();
    }
    if (argc > 1 && !strcmp(argv[1], "plt")) {
        return test_plt();
    }
    fprintf(stderr, "usage: %s signals|gdb|plt\n", argv[0]);
    return 64;
}

/*
 * apx-xstate: keep distinct values in R16..R31 in several threads and check
 * that they survive context switches, savevm/loadvm and migration.
 *
 * Built with a plain compiler (no APX instructions): the registers are
 * loaded with XRSTOR and read back with XSAVE of state component 19 only,
 * so the program runs wherever the OS enabled APX in XCR0.
 *
 * Usage: apx-xstate THREADS SECONDS [SEED [DIRTY_MB]]
 * Thread T runs on CPU T modulo the number of online CPUs, so with as many
 * threads as CPUs every CPU holds its own thread's values.
 * With DIRTY_MB, one more thread keeps rewriting a DIRTY_MB buffer, one
 * word per page and pass, every 100 ms (a migration workload), checking
 * that each page still holds what the previous pass wrote.
 * Every second it prints one line per thread,
 *   APX-XSTATE: t=T r16=XXXXXXXXXXXXXXXX ... r31=XXXXXXXXXXXXXXXX
 * with the values that thread last read back, and at the end
 *   APX-XSTATE: PASS threads=N checks=M
 * or, at the first mismatch,
 *   APX-XSTATE: FAIL t=T reg=rR want=W got=G
 * Exit: 0 pass, 1 mismatch, 2 no APX in CPUID, 3 APX not enabled in XCR0.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define APX_BIT     19
#define NREGS       16
#define MAX_THREADS 64

static unsigned xsave_size, apx_offset;
static unsigned nthreads;
static unsigned long seed;
static volatile int stop;
static unsigned dirty_mb;

struct thread_state {
    pthread_t tid;
    unsigned t;
    volatile unsigned long checks;
    uint64_t seen[NREGS];
    pthread_mutex_t lock;
};
static struct thread_state threads[MAX_THREADS];

static uint64_t pattern(unsigned t, unsigned reg)
{
    return (0xa9ull << 56) | ((uint64_t)(seed & 0xffff) << 40) |
           ((uint64_t)t << 32) | ((uint64_t)reg << 24) | 0xc0deu;
}

static uint8_t *xbuf_alloc(void)
{
    uint8_t *b = aligned_alloc(64, (xsave_size + 63) & ~63u);

    if (!b) {
        perror("aligned_alloc");
        exit(1);
    }
    memset(b, 0, xsave_size);
    return b;
}

static void load_egprs(uint8_t *b, const uint64_t *v)
{
    uint64_t bv = 1ull << APX_BIT;

    memset(b, 0, xsave_size);
    memcpy(b + 512, &bv, sizeof(bv));           /* XSTATE_BV */
    memcpy(b + apx_offset, v, NREGS * 8);
    asm volatile("xrstor64 %0" : : "m"(*b), "a"(1u << APX_BIT), "d"(0)
                 : "memory");
}

static void save_egprs(uint8_t *b, uint64_t *v)
{
    uint64_t bv;

    memset(b + 512, 0, 64);                     /* XSAVE header */
    asm volatile("xsave64 %0" : "+m"(*b) : "a"(1u << APX_BIT), "d"(0)
                 : "memory");
    memcpy(&bv, b + 512, sizeof(bv));
    if (bv & (1ull << APX_BIT)) {
        memcpy(v, b + apx_offset, NREGS * 8);
    } else {
        memset(v, 0, NREGS * 8);                /* initial state */
    }
}

static void *worker(void *arg)
{
    struct thread_state *ts = arg;
    uint8_t *b = xbuf_alloc();
    uint64_t want[NREGS], got[NREGS];
    long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
    cpu_set_t cpus;
    unsigned r;

    CPU_ZERO(&cpus);
    CPU_SET(ts->t % (ncpus > 0 ? ncpus : 1), &cpus);
    if (sched_setaffinity(0, sizeof(cpus), &cpus)) {
        perror("sched_setaffinity");
    }
    for (r = 0; r < NREGS; r++) {
        want[r] = pattern(ts->t, 16 + r);
    }
    load_egprs(b, want);
    while (!stop) {
        save_egprs(b, got);
        pthread_mutex_lock(&ts->lock);
        memcpy(ts->seen, got, sizeof(got));
        pthread_mutex_unlock(&ts->lock);
        for (r = 0; r < NREGS; r++) {
            if (got[r] != want[r]) {
                printf("APX-XSTATE: FAIL t=%u reg=r%u want=%016" PRIx64
                       " got=%016" PRIx64 "\n", ts->t, 16 + r, want[r], got[r]);
                fflush(stdout);
                exit(1);
            }
        }
        ts->checks++;
        /* Give the scheduler every chance to switch threads. */
        if (ts->checks % 64 == 0) {
            sched_yield();
        }
    }
    return NULL;
}

static void *dirtier(void *arg)
{
    size_t pages = (size_t)dirty_mb << 8, p;
    uint64_t *buf = calloc(pages, 4096), pass;

    (void)arg;
    if (!buf) {
        perror("calloc");
        exit(1);
    }
    for (pass = 1; !stop; pass++) {
        for (p = 0; p < pages; p++) {
            uint64_t *w = buf + p * 512;

            if (*w != pass - 1) {
                printf("APX-XSTATE: FAIL dirty page %zu holds %" PRIu64
                       " want %" PRIu64 "\n", p, *w, pass - 1);
                fflush(stdout);
                exit(1);
            }
            *w = pass;
        }
        usleep(100000);
    }
    return NULL;
}

static void report(void)
{
    unsigned t, r;

    for (t = 0; t < nthreads; t++) {
        uint64_t v[NREGS];

        pthread_mutex_lock(&threads[t].lock);
        memcpy(v, threads[t].seen, sizeof(v));
        pthread_mutex_unlock(&threads[t].lock);
        printf("APX-XSTATE: t=%u", t);
        for (r = 0; r < NREGS; r++) {
            printf(" r%u=%016" PRIx64, 16 + r, v[r]);
        }
        printf("\n");
    }
    fflush(stdout);
}

int main(int argc, char **argv)
{
    unsigned eax, ebx, ecx, edx, t, seconds, s;
    unsigned long total = 0;

    if (argc < 3) {
        fprintf(stderr, "usage: %s THREADS SECONDS [SEED [DIRTY_MB]]\n",
                argv[0]);
        return 64;
    }
    nthreads = atoi(argv[1]);
    seconds = atoi(argv[2]);
    seed = argc > 3 ? strtoul(argv[3], NULL, 0) : 0x5eed;
    dirty_mb = argc > 4 ? atoi(argv[4]) : 0;
    if (nthreads < 1 || nthreads > MAX_THREADS) {
        fprintf(stderr, "THREADS must be 1..%d\n", MAX_THREADS);
        return 64;
    }

    if (!__get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) ||
        !(edx & (1u << 21))) {
        printf("APX-XSTATE: no APX (CPUID.(7,1):EDX[21] clear)\n");
        return 2;
    }
    __get_cpuid(1, &eax, &ebx, &ecx, &edx);
    if (!(ecx & (1u << 27))) {
        printf("APX-XSTATE: the OS did not enable XSAVE (no OSXSAVE)\n");
        return 3;
    }
    asm volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    if (!(eax & (1u << APX_BIT))) {
        printf("APX-XSTATE: the OS did not enable APX (XCR0 = %#x)\n", eax);
        return 3;
    }
    __get_cpuid_count(0xd, 0, &eax, &ebx, &ecx, &edx);
    xsave_size = ebx;
    __get_cpuid_count(0xd, APX_BIT, &eax, &ebx, &ecx, &edx);
    apx_offset = ebx;
    if (eax != NREGS * 8 || apx_offset + eax > xsave_size) {
        printf("APX-XSTATE: bad CPUID.(0xd,19): size %u offset %u (area %u)\n",
               eax, apx_offset, xsave_size);
        return 1;
    }
    printf("APX-XSTATE: start threads=%u seconds=%u offset=%u area=%u\n",
           nthreads, seconds, apx_offset, xsave_size);
    fflush(stdout);

    for (t = 0; t < nthreads; t++) {
        threads[t].t = t;
        pthread_mutex_init(&threads[t].lock, NULL);
        if (pthread_create(&threads[t].tid, NULL, worker, &threads[t])) {
            perror("pthread_create");
            return 1;
        }
    }
    if (dirty_mb) {
        pthread_t d;

        if (pthread_create(&d, NULL, dirtier, NULL)) {
            perror("pthread_create");
            return 1;
        }
        pthread_detach(d);
    }
    for (s = 0; s < seconds; s++) {
        sleep(1);
        report();
    }
    stop = 1;
    for (t = 0; t < nthreads; t++) {
        pthread_join(threads[t].tid, NULL);
        total += threads[t].checks;
    }
    report();
    printf("APX-XSTATE: PASS threads=%u checks=%lu\n", nthreads, total);
    fflush(stdout);
    return 0;
}

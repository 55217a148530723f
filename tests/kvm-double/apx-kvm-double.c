/*
 * apx-kvm-double: a TEST DOUBLE for a KVM that offers APX to guests.
 *
 * Load it into QEMU with LD_PRELOAD.  It interposes ioctl() and makes the
 * host's real /dev/kvm look like a kernel carrying the "KVM: x86: Enable
 * APX for guests" series (see ../shared/apx-facts.md, "Kernel ABI"):
 *
 *  - KVM_GET_SUPPORTED_CPUID reports CPUID.(7,1).EDX[21] (APX_F), leaf
 *    29H.EBX[0], XSAVE, and XSAVE component 19 in leaf 0DH: sub-leaf 0
 *    bit 19 and XSAVE area sizes (EBX, ECX) that cover it, sub-leaf 19 =
 *    128 bytes at OFFSET; the maximum basic leaf reaches 29H.
 *  - KVM_CHECK_EXTENSION(KVM_CAP_XSAVE2) reports a buffer size that covers
 *    component 19 (and, like KVM, at least sizeof(struct kvm_xsave)).
 *  - KVM_GET_DEVICE_ATTR(KVM_X86_XCOMP_GUEST_SUPP) includes bit 19.
 *  - Per vCPU file descriptor it keeps a shadow of component 19, which a
 *    real APX KVM keeps in the vCPU's register file: KVM_SET_XSAVE stores
 *    it from OFFSET (when XSTATE_BV[19] is set) and KVM_GET_XSAVE and
 *    KVM_GET_XSAVE2 put it back at OFFSET (XSTATE_BV[19] set again).  The
 *    real kernel never sees bit 19: it is stripped from XSTATE_BV and XCR0
 *    on the way in, because the host kernel would (rightly) reject it.
 *
 * The layout is reported the way KVM reports layouts, and it is faithful:
 * OFFSET lies past the end of every user state component that this host's
 * KVM reports in leaf 0DH of KVM_GET_SUPPORTED_CPUID (sub-leaf i: EAX =
 * size, EBX = offset), and of those QEMU would take from the host's CPUID
 * instead (KVM reports EAX = 0 for them, e.g. AMX before arch_prctl),
 * rounded up to 64.  In the standard XSAVE format that real hardware uses
 * the APX component sits at 960, over MPX, but an AMD host without MPX has
 * its AVX-512 state there; overlaying it would make R16..R31 travel in the
 * AVX-512 registers too, and tests could pass for the wrong reason.
 *
 * The double refuses to run (KVM_GET_SUPPORTED_CPUID, and any ioctl that
 * would move component 19, fails with EINVAL after a message on stderr
 * that starts with "apx-kvm-double: refusing to run") when two components
 * of the layout would overlap, when the host's KVM already reports
 * component 19, or when component 19 would not fit in the XSAVE buffer
 * QEMU uses (4096 bytes without KVM_CAP_XSAVE2).
 *
 * Nothing else is faked: vCPUs really run under KVM, and every other
 * register goes through the real ioctls.  The guest cannot execute APX
 * instructions here, so values only change through userspace (gdbstub,
 * migration, loadvm), which is exactly what the tests exercise.
 *
 * With APX_KVM_DOUBLE_LOG=FILE, the layout and every state transfer of
 * component 19 are logged, so tests can prove that values went through
 * the KVM ioctls.  With APX_KVM_DOUBLE_FORGET=1 the double advertises APX
 * but does not keep component 19 (a negative control: values must then
 * get lost).  With APX_KVM_DOUBLE_OFFSET=N component 19 is reported at
 * offset N even where it overlaps other components (fault injection: e.g.
 * 960, the old overlay, for testing that QEMU itself refuses overlapping
 * layouts); the legacy region, the header and the buffer size are still
 * enforced.
 *
 * This file is part of the qemu-apx test suite; it is not part of QEMU.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/kvm.h>

#define APX_BIT         19
#define APX_MASK        (1ULL << APX_BIT)
#define APX_SIZE        128
#define XSTATE_BV_OFF   512
#define LEGACY_END      576     /* legacy region (512) + XSAVE header (64) */
#define NB_COMPONENTS   63      /* XCR0 bits 0..62 */
#define MAX_FDS         4096

struct shadow {
    int in_use;             /* XSTATE_BV[19] as last set by userspace */
    uint8_t area[APX_SIZE]; /* R16..R31, little endian */
    uint64_t xcr0_apx;      /* XCR0[19] as last set by userspace */
};

/* One user state component of the standard-format XSAVE layout */
struct component {
    uint32_t size, offset;  /* size 0: the component is not there */
    const char *from;       /* who reports it: "KVM", "host CPUID", ... */
};

static struct shadow shadows[MAX_FDS];
static int (*real_ioctl)(int, unsigned long, ...);
static int log_fd = -1;
static int forget;

/* The layout: component 19 at apx_offset; XSAVE area size xsave_end */
static struct component layout[NB_COMPONENTS];
static uint32_t apx_offset, xsave_end;
/* KVM_CAP_XSAVE2 as reported to QEMU, 0 before it asked */
static uint32_t xsave2_reported;
/* Why the double refuses to run, or "" */
static char refusal[1024];

static void dlog(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    int n;

    if (log_fd < 0) {
        return;
    }
    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(buf) - 2) {
        n = sizeof(buf) - 2;
    }
    buf[n++] = '\n';
    /* One write() per line: lines from vCPU threads do not interleave. */
    if (write(log_fd, buf, n) < 0) {
        /* nothing sensible to do */
    }
}

static void log_area(const char *what, int fd, const struct shadow *s)
{
    char regs[16 * 22 + 1];
    int i, n = 0;

    for (i = 0; i < 16; i++) {
        uint64_t v;

        memcpy(&v, s->area + 8 * i, 8);
        n += snprintf(regs + n, sizeof(regs) - n, " r%d=%016llx", 16 + i,
                      (unsigned long long)v);
    }
    dlog("%s vcpu-fd=%d xstate_bv19=%d%s", what, fd, s->in_use,
         s->in_use ? regs : "");
}

static void refuse(const char *fmt, ...)
{
    va_list ap;

    if (refusal[0]) {
        return;             /* the first reason is the one reported */
    }
    va_start(ap, fmt);
    vsnprintf(refusal, sizeof(refusal), fmt, ap);
    va_end(ap);
}

/*
 * Fail an ioctl because the double cannot stand in for an APX KVM here.
 * The reason goes to stderr once, so that it precedes QEMU's own error.
 */
static int refused(const char *ioctl_name)
{
    static int told;

    if (!told) {
        told = 1;
        dprintf(STDERR_FILENO, "apx-kvm-double: refusing to run: %s\n",
                refusal);
    }
    dlog("REFUSED %s: %s", ioctl_name, refusal);
    errno = EINVAL;
    return -1;
}

static struct kvm_cpuid_entry2 *find(struct kvm_cpuid2 *c, uint32_t fn,
                                     uint32_t idx)
{
    uint32_t i;

    for (i = 0; i < c->nent; i++) {
        struct kvm_cpuid_entry2 *e = &c->entries[i];

        if (e->function == fn &&
            (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || e->index == idx)) {
            return e;
        }
    }
    return NULL;
}

static struct kvm_cpuid_entry2 *get(struct kvm_cpuid2 *c, uint32_t fn,
                                    uint32_t idx)
{
    struct kvm_cpuid_entry2 *e = find(c, fn, idx);

    if (!e) {
        e = &c->entries[c->nent++];
        memset(e, 0, sizeof(*e));
        e->function = fn;
        e->index = idx;
        e->flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
    }
    return e;
}

/* The real KVM_GET_SUPPORTED_CPUID, or NULL (free() the result) */
static struct kvm_cpuid2 *real_supported_cpuid(int kvm)
{
    uint32_t nent;

    for (nent = 64; nent <= 4096; nent *= 2) {
        struct kvm_cpuid2 *c = calloc(1, sizeof(*c) +
                                      nent * sizeof(c->entries[0]));

        if (!c) {
            return NULL;
        }
        c->nent = nent;
        if (real_ioctl(kvm, KVM_GET_SUPPORTED_CPUID, c) == 0) {
            return c;
        }
        free(c);
        if (errno != E2BIG) {
            return NULL;
        }
    }
    return NULL;
}

/*
 * The standard-format layout QEMU will use: the user state components
 * (CPUID.(0DH,i).ECX[0] clear) that KVM reports, and for those it reports
 * with EAX = 0 what the host's CPUID says (QEMU's kvm_cpu_xsave_init()
 * falls back the same way).
 */
static void read_layout(struct kvm_cpuid2 *c)
{
    uint32_t eax, ebx, ecx, edx;
    int i;

    for (i = 2; i < NB_COMPONENTS; i++) {
        struct kvm_cpuid_entry2 *e = find(c, 0xd, i);
        struct component *p = &layout[i];

        if (e && e->eax) {
            if (!(e->ecx & 1)) {
                *p = (struct component){ e->eax, e->ebx, "KVM" };
            }
            continue;
        }
        if (i == APX_BIT) {
            continue;
        }
        __cpuid_count(0xd, i, eax, ebx, ecx, edx);
        if (eax && !(ecx & 1)) {
            *p = (struct component){ eax, ebx, "host CPUID" };
        }
    }
}

static int overlap(const struct component *a, const struct component *b)
{
    return a->offset < b->offset + b->size && b->offset < a->offset + a->size;
}

/*
 * Decide where component 19 goes, or why the double must refuse to run.
 * Runs once, in the constructor, against the real /dev/kvm.
 */
static void plan_layout(void)
{
    const char *forced = getenv("APX_KVM_DOUBLE_OFFSET");
    struct kvm_cpuid2 *c;
    char desc[NB_COMPONENTS * 24] = "", *end;
    uint32_t top = LEGACY_END;
    int kvm, xsave2, i, j, n = 0;
    unsigned long v;

    kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) {
        refuse("cannot open /dev/kvm to read its XSAVE layout: %s",
               strerror(errno));
        return;
    }
    c = real_supported_cpuid(kvm);
    xsave2 = real_ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_XSAVE2);
    close(kvm);
    if (!c) {
        refuse("KVM_GET_SUPPORTED_CPUID failed: %s", strerror(errno));
        return;
    }
    read_layout(c);
    free(c);

    if (layout[APX_BIT].size) {
        refuse("the host's KVM already reports XSAVE component 19 (%u bytes "
               "at %u): it supports APX, run without the double",
               layout[APX_BIT].size, layout[APX_BIT].offset);
        return;
    }
    for (i = 2; i < NB_COMPONENTS; i++) {
        const struct component *p = &layout[i];

        if (!p->size) {
            continue;
        }
        n += snprintf(desc + n, sizeof(desc) - n, " %d:%u@%u", i, p->size,
                      p->offset);
        if (p->offset + p->size > top) {
            top = p->offset + p->size;
        }
    }

    if (forced && *forced) {
        errno = 0;
        v = strtoul(forced, &end, 0);
        if (errno || *end || v > UINT32_MAX - APX_SIZE) {
            refuse("APX_KVM_DOUBLE_OFFSET=%s is not an offset", forced);
            return;
        }
        apx_offset = v;
    } else {
        apx_offset = (top + 63) & ~63u;
    }
    layout[APX_BIT] = (struct component){ APX_SIZE, apx_offset, "double" };
    xsave_end = top > apx_offset + APX_SIZE ? top : apx_offset + APX_SIZE;
    dlog("layout:%s apx:%u@%u xsave-size=%u%s", desc, APX_SIZE, apx_offset,
         xsave_end, forced && *forced ? " (forced by APX_KVM_DOUBLE_OFFSET)"
                                      : "");

    /* The legacy region and the header are never a component's. */
    for (i = 2; i < NB_COMPONENTS; i++) {
        const struct component *p = &layout[i];

        if (p->size && p->offset < LEGACY_END) {
            refuse("XSAVE component %d (%s: %u bytes at %u) lies in the "
                   "legacy region or the XSAVE header (bytes 0-%d)", i,
                   p->from, p->size, p->offset, LEGACY_END - 1);
            return;
        }
    }
    for (i = 2; i < NB_COMPONENTS; i++) {
        for (j = i + 1; j < NB_COMPONENTS; j++) {
            const struct component *a = &layout[i], *b = &layout[j];

            if (!a->size || !b->size || !overlap(a, b)) {
                continue;
            }
            if (forced && *forced && (i == APX_BIT || j == APX_BIT)) {
                const struct component *o = i == APX_BIT ? b : a;

                /* Wanted: QEMU must notice.  Not on stderr, QEMU speaks. */
                dlog("layout: forced component 19 at %u shares bytes with "
                     "component %d (%u@%u)", apx_offset, i == APX_BIT ? j : i,
                     o->size, o->offset);
                continue;
            }
            refuse("XSAVE components %d (%s: %u bytes at %u) and %d (%s: "
                   "%u bytes at %u) share bytes", i, a->from, a->size,
                   a->offset, j, b->from, b->size, b->offset);
            return;
        }
    }
    /*
     * QEMU's buffer is KVM_CAP_XSAVE2 bytes (rounded up to 4096), which the
     * double raises to cover component 19, or struct kvm_xsave without it.
     */
    if (xsave2 <= 0 && xsave_end > sizeof(struct kvm_xsave)) {
        refuse("component 19 (%u bytes at %u) does not fit in the %zu-byte "
               "XSAVE buffer of a KVM without KVM_CAP_XSAVE2", APX_SIZE,
               apx_offset, sizeof(struct kvm_xsave));
    }
}

__attribute__((constructor))
static void init(void)
{
    const char *path = getenv("APX_KVM_DOUBLE_LOG");

    real_ioctl = dlsym(RTLD_NEXT, "ioctl");
    forget = getenv("APX_KVM_DOUBLE_FORGET") != NULL;
    if (path && *path) {
        log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    }
    dlog("loaded: pretending the host KVM supports APX (test double)");
    plan_layout();
    if (refusal[0]) {
        dlog("refusing to run: %s", refusal);
    }
}

/* Returns 0, or -1 with errno = E2BIG when the caller's array is too small */
static int patch_supported_cpuid(struct kvm_cpuid2 *c, uint32_t capacity)
{
    static const uint32_t need[][2] = {
        { 0, 0 }, { 1, 0 }, { 7, 0 }, { 7, 1 }, { 0xd, 0 }, { 0xd, APX_BIT },
        { 0x29, 0 },
    };
    struct kvm_cpuid_entry2 *e;
    uint32_t i, missing = 0;

    for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
        missing += !find(c, need[i][0], need[i][1]);
    }
    if (c->nent + missing > capacity) {
        errno = E2BIG;
        return -1;
    }

    e = get(c, 0, 0);
    if (e->eax < 0x29) {
        e->eax = 0x29;
    }
    get(c, 1, 0)->ecx |= 1u << 26;                  /* XSAVE */
    e = get(c, 7, 0);
    if (e->eax < 1) {
        e->eax = 1;
    }
    get(c, 7, 1)->edx |= 1u << 21;                  /* APX_F */
    e = get(c, 0xd, 0);
    e->eax |= 3 | APX_MASK;                         /* x87, SSE, APX */
    if (e->ebx < xsave_end) {                       /* size for XCR0 */
        e->ebx = xsave_end;
    }
    if (e->ecx < xsave_end) {                       /* maximum size */
        e->ecx = xsave_end;
    }
    e = get(c, 0xd, APX_BIT);
    e->eax = APX_SIZE;
    e->ebx = apx_offset;
    e->ecx = 0;                                     /* user, not aligned */
    e->edx = 0;
    e = get(c, 0x29, 0);
    e->eax = 0;
    e->ebx |= 1;                                    /* APX_NCI_NDD_NF */
    return 0;
}

static struct shadow *shadow_of(int fd)
{
    return fd >= 0 && fd < MAX_FDS ? &shadows[fd] : NULL;
}

/*
 * The size of the XSAVE buffer an ioctl passes, by the KVM ABI: struct
 * kvm_xsave for KVM_GET_XSAVE; for KVM_GET_XSAVE2 and KVM_SET_XSAVE the
 * size KVM_CAP_XSAVE2 reported (QEMU rounds it up to 4096), if asked.
 */
static uint32_t xsave_buf_len(unsigned long req)
{
    if (req == KVM_GET_XSAVE || !xsave2_reported) {
        return sizeof(struct kvm_xsave);
    }
    return xsave2_reported;
}

/* Whether component 19 fits in the ioctl's buffer; refuses if not */
static int apx_fits(unsigned long req)
{
    if (apx_offset + APX_SIZE <= xsave_buf_len(req)) {
        return 1;
    }
    refuse("component 19 (%u bytes at %u) does not fit in the %u-byte "
           "XSAVE buffer of %s", APX_SIZE, apx_offset, xsave_buf_len(req),
           req == KVM_GET_XSAVE ? "KVM_GET_XSAVE" :
           req == KVM_GET_XSAVE2 ? "KVM_GET_XSAVE2" : "KVM_SET_XSAVE");
    return 0;
}

/* "SET_CPUID2" log line: what QEMU tells "KVM" the guest sees */
static void log_cpuid(int fd, struct kvm_cpuid2 *c)
{
    struct kvm_cpuid_entry2 *l7 = find(c, 7, 1), *ld = find(c, 0xd, 19);
    struct kvm_cpuid_entry2 *l29 = find(c, 0x29, 0), *l0 = find(c, 0xd, 0);
    char desc[NB_COMPONENTS * 24] = "";
    int i, n = 0;

    /* the guest's user state components, i:size@offset */
    for (i = 2; i < NB_COMPONENTS; i++) {
        struct kvm_cpuid_entry2 *e = find(c, 0xd, i);

        if (e && e->eax && !(e->ecx & 1)) {
            n += snprintf(desc + n, sizeof(desc) - n, "%s%d:%u@%u",
                          n ? "," : "", i, e->eax, e->ebx);
        }
    }
    dlog("SET_CPUID2 vcpu-fd=%d 7.1.edx.apxf=%d 0xd.19=%u@%u 0x29.ebx=%u "
         "0xd.0.ebx=%u 0xd.0.ecx=%u 0xd=%s",
         fd, l7 ? !!(l7->edx & (1u << 21)) : 0, ld ? ld->eax : 0,
         ld ? ld->ebx : 0, l29 ? l29->ebx : 0, l0 ? l0->ebx : 0,
         l0 ? l0->ecx : 0, desc);
}

int ioctl(int fd, unsigned long req, ...)
{
    struct shadow *s = shadow_of(fd);
    va_list ap;
    void *arg;
    int ret;

    va_start(ap, req);
    arg = va_arg(ap, void *);
    va_end(ap);

    switch (req) {
    case KVM_GET_SUPPORTED_CPUID: {
        struct kvm_cpuid2 *c = arg;
        uint32_t capacity = c->nent;

        if (refusal[0]) {
            return refused("KVM_GET_SUPPORTED_CPUID");
        }
        ret = real_ioctl(fd, req, arg);
        if (ret == 0 && patch_supported_cpuid(c, capacity) < 0) {
            return -1;
        }
        return ret;
    }
    case KVM_GET_DEVICE_ATTR: {
        struct kvm_device_attr *a = arg;

        ret = real_ioctl(fd, req, arg);
        if (ret == 0 && a->group == 0 && a->attr == KVM_X86_XCOMP_GUEST_SUPP) {
            *(uint64_t *)(uintptr_t)a->addr |= 3 | APX_MASK;
        }
        return ret;
    }
    case KVM_CHECK_EXTENSION:
        ret = real_ioctl(fd, req, arg);
        if ((uintptr_t)arg == KVM_CAP_XSAVE2 && ret > 0) {
            /* Like KVM: the standard-format size, at least a kvm_xsave */
            if ((uint32_t)ret < xsave_end) {
                ret = xsave_end;
            }
            if ((uint32_t)ret < sizeof(struct kvm_xsave)) {
                ret = sizeof(struct kvm_xsave);
            }
            xsave2_reported = ret;
        }
        return ret;
    case KVM_SET_CPUID2:
        /* Log what QEMU tells "KVM" the guest sees; pass it on unchanged */
        log_cpuid(fd, arg);
        break;
    case KVM_CREATE_VCPU:
        ret = real_ioctl(fd, req, arg);
        if (ret >= 0 && shadow_of(ret)) {
            memset(shadow_of(ret), 0, sizeof(struct shadow));
            dlog("CREATE_VCPU vcpu-fd=%d", ret);
        }
        return ret;
    case KVM_SET_XSAVE: {
        uint8_t *buf = arg;
        uint64_t bv;

        if (!s) {
            break;
        }
        if (refusal[0] || !apx_fits(req)) {
            return refused("KVM_SET_XSAVE");
        }
        memcpy(&bv, buf + XSTATE_BV_OFF, 8);
        s->in_use = !forget && (bv & APX_MASK);
        if (s->in_use) {
            memcpy(s->area, buf + apx_offset, APX_SIZE);
        }
        log_area("SET_XSAVE", fd, s);
        /* The host kernel does not know component 19: hide it. */
        memcpy(buf + XSTATE_BV_OFF, &(uint64_t){ bv & ~APX_MASK }, 8);
        ret = real_ioctl(fd, req, arg);
        memcpy(buf + XSTATE_BV_OFF, &bv, 8);
        return ret;
    }
    case KVM_GET_XSAVE:
    case KVM_GET_XSAVE2: {
        const char *name = req == KVM_GET_XSAVE ? "GET_XSAVE" : "GET_XSAVE2";
        uint8_t *buf = arg;
        uint64_t bv;

        if (s && (refusal[0] || !apx_fits(req))) {
            return refused(name);
        }
        ret = real_ioctl(fd, req, arg);
        if (ret < 0 || !s) {
            return ret;
        }
        memcpy(&bv, buf + XSTATE_BV_OFF, 8);
        if (s->in_use) {
            bv |= APX_MASK;
            memcpy(buf + apx_offset, s->area, APX_SIZE);
        } else {
            /* like KVM: a component not in XSTATE_BV reads as its init state */
            bv &= ~APX_MASK;
            memset(buf + apx_offset, 0, APX_SIZE);
        }
        memcpy(buf + XSTATE_BV_OFF, &bv, 8);
        log_area(name, fd, s);
        return ret;
    }
    case KVM_SET_XCRS: {
        struct kvm_xcrs *x = arg;
        uint32_t i;

        if (!s) {
            break;
        }
        for (i = 0; i < x->nr_xcrs && i < KVM_MAX_XCRS; i++) {
            if (x->xcrs[i].xcr == 0) {
                s->xcr0_apx = x->xcrs[i].value & APX_MASK;
                x->xcrs[i].value &= ~APX_MASK;
                ret = real_ioctl(fd, req, arg);
                x->xcrs[i].value |= s->xcr0_apx;
                dlog("SET_XCRS vcpu-fd=%d xcr0[19]=%d", fd, !!s->xcr0_apx);
                return ret;
            }
        }
        break;
    }
    case KVM_GET_XCRS: {
        struct kvm_xcrs *x = arg;
        uint32_t i;

        ret = real_ioctl(fd, req, arg);
        if (ret < 0 || !s) {
            return ret;
        }
        for (i = 0; i < x->nr_xcrs && i < KVM_MAX_XCRS; i++) {
            if (x->xcrs[i].xcr == 0) {
                x->xcrs[i].value |= s->xcr0_apx;
            }
        }
        return ret;
    }
    default:
        break;
    }
    return real_ioctl(fd, req, arg);
}

/*
 * apx-kvm-double: a TEST DOUBLE for a KVM that offers APX to guests.
 *
 * Load it into QEMU with LD_PRELOAD.  It interposes ioctl() and makes the
 * host's real /dev/kvm look like a kernel carrying the "KVM: x86: Enable
 * APX for guests" series (see ../shared/apx-facts.md, "Kernel ABI"):
 *
 *  - KVM_GET_SUPPORTED_CPUID reports CPUID.(7,1).EDX[21] (APX_F), leaf
 *    29H.EBX[0], XSAVE, and XSAVE component 19 in leaf 0DH (sub-leaf 0
 *    bit 19, sub-leaf 19 = 128 bytes at offset 960); the maximum basic
 *    leaf reaches 29H.
 *  - KVM_GET_DEVICE_ATTR(KVM_X86_XCOMP_GUEST_SUPP) includes bit 19.
 *  - Per vCPU file descriptor it keeps a shadow of component 19, which a
 *    real APX KVM keeps in the vCPU's register file: KVM_SET_XSAVE stores
 *    it (when XSTATE_BV[19] is set) and KVM_GET_XSAVE/KVM_GET_XSAVE2 hand
 *    it back (XSTATE_BV[19] set again).  The real kernel never sees bit
 *    19: it is stripped from XSTATE_BV and XCR0 on the way in, because the
 *    host kernel would (rightly) reject it.
 *
 * Nothing else is faked: vCPUs really run under KVM, and every other
 * register goes through the real ioctls.  The guest cannot execute APX
 * instructions here, so values only change through userspace (gdbstub,
 * migration, loadvm), which is exactly what the tests exercise.
 *
 * With APX_KVM_DOUBLE_LOG=FILE, every state transfer of component 19 is
 * logged, so tests can prove that values went through the KVM ioctls.
 * With APX_KVM_DOUBLE_FORGET=1 the double advertises APX but does not
 * keep component 19 (a negative control: values must then get lost).
 *
 * This file is part of the qemu-apx test suite; it is not part of QEMU.
 */
#define _GNU_SOURCE
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
#define APX_OFFSET      960
#define APX_SIZE        128
#define XSTATE_BV_OFF   512
#define MAX_FDS         4096

struct shadow {
    int in_use;             /* XSTATE_BV[19] as last set by userspace */
    uint8_t area[APX_SIZE]; /* R16..R31, little endian */
    uint64_t xcr0_apx;      /* XCR0[19] as last set by userspace */
};

static struct shadow shadows[MAX_FDS];
static int (*real_ioctl)(int, unsigned long, ...);
static int log_fd = -1;
static int forget;

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
    if (e->ecx < APX_OFFSET + APX_SIZE) {
        e->ecx = APX_OFFSET + APX_SIZE;
    }
    e = get(c, 0xd, APX_BIT);
    e->eax = APX_SIZE;
    e->ebx = APX_OFFSET;
    e->ecx = 0;
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
        if ((uintptr_t)arg == KVM_CAP_XSAVE2 && ret > 0 &&
            ret < APX_OFFSET + APX_SIZE) {
            ret = APX_OFFSET + APX_SIZE;
        }
        return ret;
    case KVM_SET_CPUID2: {
        /* Log what QEMU tells "KVM" the guest sees; pass it on unchanged */
        struct kvm_cpuid2 *c = arg;
        struct kvm_cpuid_entry2 *l7 = find(c, 7, 1), *ld = find(c, 0xd, 19);
        struct kvm_cpuid_entry2 *l29 = find(c, 0x29, 0);

        dlog("SET_CPUID2 vcpu-fd=%d 7.1.edx.apxf=%d 0xd.19=%u@%u 0x29.ebx=%u",
             fd, l7 ? !!(l7->edx & (1u << 21)) : 0, ld ? ld->eax : 0,
             ld ? ld->ebx : 0, l29 ? l29->ebx : 0);
        break;
    }
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
        memcpy(&bv, buf + XSTATE_BV_OFF, 8);
        s->in_use = !forget && (bv & APX_MASK);
        if (s->in_use) {
            memcpy(s->area, buf + APX_OFFSET, APX_SIZE);
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
        uint8_t *buf = arg;
        uint64_t bv;

        ret = real_ioctl(fd, req, arg);
        if (ret < 0 || !s) {
            return ret;
        }
        memcpy(&bv, buf + XSTATE_BV_OFF, 8);
        if (s->in_use) {
            bv |= APX_MASK;
            memcpy(buf + APX_OFFSET, s->area, APX_SIZE);
        } else {
            bv &= ~APX_MASK;
        }
        memcpy(buf + XSTATE_BV_OFF, &bv, 8);
        log_area(req == KVM_GET_XSAVE ? "GET_XSAVE" : "GET_XSAVE2", fd, s);
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

/*
 * TCG plugin: how many of the executed guest instructions use which APX
 * encoding.  Built against QEMU's plugin API by scripts/bench-tcg.py;
 * prints "APX-MIX: <class> <count>" lines at exit.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

enum {
    LEGACY, REX2, EVEX_PLAIN, EVEX_ND, EVEX_NF, EVEX_ND_NF, CCMP_CTEST,
    CMOV_ND, CFCMOV, PUSH2_POP2, SETZU, EVEX_VEX, EVEX_OTHER, NCLASS
};
static const char *const names[NCLASS] = {
    "legacy", "rex2", "evex-map4-plain", "evex-nd", "evex-nf", "evex-nd-nf",
    "ccmp-ctest", "cmov-nd", "cfcmov", "push2-pop2", "setcc-zu",
    "evex-map2-3", "evex-other",
};
static struct qemu_plugin_scoreboard *counts;

static int classify(const uint8_t *b, size_t len)
{
    size_t i = 0;
    uint8_t map, p1, p2, op;

    while (i < len && (b[i] == 0x66 || b[i] == 0x67 || b[i] == 0xf0 ||
                       b[i] == 0xf2 || b[i] == 0xf3 || b[i] == 0x2e ||
                       b[i] == 0x36 || b[i] == 0x3e || b[i] == 0x26 ||
                       b[i] == 0x64 || b[i] == 0x65)) {
        i++;
    }
    if (i < len && b[i] == 0xd5) {
        return REX2;
    }
    if (i + 5 > len || b[i] != 0x62) {
        return LEGACY;
    }
    map = b[i + 1] & 7;
    p1 = b[i + 2];
    p2 = b[i + 3];
    op = b[i + 4];
    if (map == 2 || map == 3) {
        return EVEX_VEX;
    }
    if (map != 4) {
        return EVEX_OTHER;
    }
    if ((op & 0xfc) == 0x38 || op == 0x84 || op == 0x85) {
        return CCMP_CTEST;
    }
    if ((op & 0xf0) == 0x40) {
        if ((p1 & 3) == 3) {
            return SETZU;
        }
        return (p2 & 0x14) == 0x10 ? CMOV_ND : CFCMOV;
    }
    if ((op == 0x8f || op == 0xff) && (p2 & 0x10) && i + 5 < len &&
        ((b[i + 5] >> 3) & 7) == (op == 0x8f ? 0 : 6)) {
        return PUSH2_POP2;
    }
    switch (p2 & 0x14) {
    case 0x10:
        return EVEX_ND;
    case 0x04:
        return EVEX_NF;
    case 0x14:
        return EVEX_ND_NF;
    default:
        return EVEX_PLAIN;
    }
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t n = qemu_plugin_tb_n_insns(tb);

    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint8_t bytes[16];
        size_t len = qemu_plugin_insn_data(insn, bytes, sizeof(bytes));
        qemu_plugin_u64 c = {
            .score = counts,
            .offset = classify(bytes, len) * sizeof(uint64_t),
        };

        qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(
            insn, QEMU_PLUGIN_INLINE_ADD_U64, c, 1);
    }
}

static void at_exit(qemu_plugin_id_t id, void *p)
{
    for (int k = 0; k < NCLASS; k++) {
        qemu_plugin_u64 c = { .score = counts, .offset = k * sizeof(uint64_t) };
        g_autofree char *line =
            g_strdup_printf("APX-MIX: %s %" PRIu64 "\n", names[k],
                            qemu_plugin_u64_sum(c));

        qemu_plugin_outs(line);
    }
    qemu_plugin_scoreboard_free(counts);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
                                           const qemu_info_t *info,
                                           int argc, char **argv)
{
    counts = qemu_plugin_scoreboard_new(NCLASS * sizeof(uint64_t));
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}

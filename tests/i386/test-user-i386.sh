#!/usr/bin/env bash
# qemu-i386 (i386-linux-user) runs a 32-bit static program: Debian's
# busybox-static for i386 (from Debian unstable through a private apt
# configuration for architecture i386, cached under $APX_CACHE/busybox-i386).
# Checked, by output and exit status: uname -m is i686; a shell computes and
# exits with a chosen status; the shell's SIGUSR1 handler runs and returns
# (an i386 signal frame and sigreturn); SIGTERM kills it (status 143);
# sha256sum of a file equals the host's; an x86-64 program is refused.
# EVEX in 32-bit mode (evex32.S, no libc, assembled by Debian unstable's
# binutils): under -cpu max (AVX512F under TCG), its seven checks pass (VADDPS zmm,
# disp8*N, zero-masking, EVEX.R' and vvvv[3] ignored, a gather, and 0x62
# with ModRM.mod != 11 still BOUND), and an EVEX prefix with APX's B4 or
# with V' = 0 raises #UD (SIGILL); without AVX512F the first EVEX
# instruction raises #UD (-cpu max,avx512f=off).
. "$(dirname "$0")/../../scripts/lib.sh"

QEMU=$APX_BUILD/qemu-i386
[ -x "$QEMU" ] || die "no build/qemu-i386; run 'make build'."

bb=$APX_CACHE/busybox-i386/busybox
if [ ! -x "$bb" ]; then
    apt_private sid-i386 "$APX_TOP/apt/sid.sources"
    APT_PRIVATE+=(-o APT::Architecture=i386 -o APT::Architectures::=i386)
    apt_private_update sid-i386
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && apt-get "${APT_PRIVATE[@]}" -qq download busybox-static:i386 >/dev/null 2>&1) ||
        die "downloading busybox-static:i386 failed."
    dpkg -x "$tmp"/busybox-static_*_i386.deb "$tmp/root"
    f=$tmp/root/usr/bin/busybox
    [ -f "$f" ] || f=$tmp/root/bin/busybox
    [ -f "$f" ] || die "busybox-static:i386 holds no usr/bin/busybox or bin/busybox."
    mkdir -p "${bb%/*}"
    cp "$f" "$bb.tmp"
    mv "$bb.tmp" "$bb"
fi
# ELF class 1 (32-bit), machine 3 (EM_386)
[ "$(od -An -tx1 -j4 -N1 "$bb")" = " 01" ] && [ "$(od -An -tx1 -j18 -N1 "$bb")" = " 03" ] ||
    die "$bb is not an i386 ELF program."

failed=0
# t NAME WANT-STATUS WANT-OUTPUT CMD...: CMD's exit status and output (both streams).
t() {
    local name=$1 want_rc=$2 want=$3 out rc=0
    shift 3
    out=$(timeout 30 "$@" 2>&1) || rc=$?
    if [ "$rc" = "$want_rc" ] && [ "$out" = "$want" ]; then
        echo "ok: $name"
    else
        printf 'FAIL: %s: exit %s, output:\n%s\nwanted exit %s, output:\n%s\n' \
            "$name" "$rc" "$out" "$want_rc" "$want"
        failed=1
    fi
}

t 'uname -m' 0 i686 "$QEMU" "$bb" uname -m
t 'arithmetic and exit status' 3 42 "$QEMU" "$bb" sh -c 'echo $((6 * 7)); exit 3'
t 'signal handler' 0 $'caught USR1\nafter' \
    "$QEMU" "$bb" sh -c 'trap "echo caught USR1" USR1; kill -USR1 $$; echo after'
t 'killed by SIGTERM' 143 '' "$QEMU" "$bb" sh -c 'kill -TERM $$; echo not reached'
t 'sha256sum' 0 "$(sha256sum "$bb")" "$QEMU" "$bb" sha256sum "$bb"
t 'an x86-64 program is refused' 255 \
    "qemu-i386: /bin/true: Invalid ELF image for this architecture" "$QEMU" /bin/true

out=$(sid_out_dir i386)
src=$APX_TOP/tests/i386/evex32.S
if [ ! -x "$out/evex32" ] || [ "$src" -nt "$out/evex32" ]; then
    "$APX_TOP/scripts/sid-run.sh" -C "$out" as --32 -o evex32.o "$src" &&
        "$APX_TOP/scripts/sid-run.sh" -C "$out" ld -m elf_i386 -static \
            -o evex32 evex32.o ||
        die "assembling tests/i386/evex32.S with Debian unstable's binutils failed."
fi
# -cpu max has AVX512F and AVX512VL under TCG
run512=("$QEMU" -cpu max)
oks=$(printf 'EVEX32: ok %s\n' 1 2 3 4 5 6 7)
sigill='qemu: uncaught target signal 4 (Illegal instruction) - core dumped'
t 'EVEX in 32-bit mode' 0 "$oks"$'\nEVEX32: PASS' \
    "${run512[@]}" "$out/evex32"
t "EVEX with B4 set is #UD in 32-bit mode" 132 "$oks"$'\n'"$sigill" \
    "${run512[@]}" "$out/evex32" ud
t "EVEX with V' = 0 is #UD in 32-bit mode" 132 "$oks"$'\n'"$sigill" \
    "${run512[@]}" "$out/evex32" vprime
t 'EVEX without AVX512F is #UD' 132 "$sigill" "$QEMU" -cpu max,avx512f=off \
    "$out/evex32"
[ $failed = 0 ]

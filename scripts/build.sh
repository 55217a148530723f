#!/usr/bin/env bash
# Build QEMU's x86 targets from the assembled tree: qemu-system-x86_64,
# qemu-x86_64, qemu-system-i386 and qemu-i386 (all that Debian builds from it).
# Usage: scripts/build.sh [ninja targets...]
# Installs dependencies, fetches and prepares upstream on first use, configures
# QEMU in build/qemu (again whenever the options in config.mk change) and links
# the binaries to build/.  Extra QEMU configure options come from ./configure.
. "$(dirname "$0")/lib.sh"

QEMU_BUILD=$APX_BUILD/qemu
CONFIGURE_ARGS=(
    --target-list=x86_64-softmmu,x86_64-linux-user,i386-softmmu,i386-linux-user
    --enable-tcg --enable-kvm --enable-slirp --enable-fdt=system
    # as Debian's QEMU: -d in_asm and x/i disassemble with Capstone
    --enable-capstone
    --disable-docs --disable-download --disable-tools --disable-guest-agent
    --python=/usr/bin/python3
    # Debian's +ds tarball has no firmware blobs; use Debian's firmware
    # packages at the paths Debian's own QEMU uses.
    --disable-install-blobs
    --firmwarepath=/usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu
)
# ccache (installed by install-deps.sh) with paths relative to the checkout
# (lib.sh sets CCACHE_BASEDIR), so that a second clone on the machine, such
# as CI's, compiles only what differs.
CONFIGURE_ARGS+=(--cc=/usr/lib/ccache/gcc)
if [ -f "$APX_TOP/config.mk" ]; then
    # shellcheck disable=SC1091
    . "$APX_TOP/config.mk"
    CONFIGURE_ARGS+=("${EXTRA_CONFIGURE_ARGS[@]}")
fi

"$APX_TOP/scripts/install-deps.sh"
"$APX_TOP/scripts/prepare.sh"

want="${CONFIGURE_ARGS[*]}"
if [ ! -f "$QEMU_BUILD/build.ninja" ] || [ "$(cat "$QEMU_BUILD/.apx-configure" 2>/dev/null)" != "$want" ]; then
    note "configuring QEMU: $want"
    rm -rf "$QEMU_BUILD"
    mkdir -p "$QEMU_BUILD"
    (cd "$QEMU_BUILD" && "$APX_TREE/configure" "${CONFIGURE_ARGS[@]}" >configure.log 2>&1) ||
        die "QEMU's configure failed (see build/qemu/configure.log)."
    echo "$want" >"$QEMU_BUILD/.apx-configure"
fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(qemu-system-x86_64 qemu-x86_64 qemu-system-i386 qemu-i386)
ninja -C "$QEMU_BUILD" "${targets[@]}" >"$QEMU_BUILD/ninja.log" 2>&1 || {
    grep -E -A5 'error|FAILED' "$QEMU_BUILD/ninja.log" | head -40 >&2
    die "building ${targets[*]} failed (full log: build/qemu/ninja.log)."
}
# A QEMU run from its build directory looks for data and firmware under
# build/qemu/qemu-bundle/<firmwarepath>; point those at Debian's firmware.
for d in /usr/share/qemu /usr/share/seabios /usr/lib/ipxe/qemu; do
    mkdir -p "$QEMU_BUILD/qemu-bundle$d"
    for f in "$d"/*; do
        [ -e "$QEMU_BUILD/qemu-bundle$f" ] || ln -s "$f" "$QEMU_BUILD/qemu-bundle$f"
    done
done
for b in qemu-system-x86_64 qemu-x86_64 qemu-system-i386 qemu-i386; do
    [ -x "$QEMU_BUILD/$b" ] && ln -sf "qemu/$b" "$APX_BUILD/$b"
done
exit 0

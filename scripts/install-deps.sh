#!/usr/bin/env bash
# Install what building and testing qemu-apx needs, from Debian's archive.
# Usage: scripts/install-deps.sh [EXTRA-PACKAGE...]
# Runs apt only when something is missing.  On Debian 12 the few packages that
# are too old there (meson >= 1.5, python3-pycotap, QEMU 10.0 firmware) come from bookworm-backports
# through a private apt configuration; the system's sources are left alone.
. "$(dirname "$0")/lib.sh"

PKGS=(
    # QEMU build
    build-essential git pkg-config ninja-build flex bison python3-venv
    libglib2.0-dev libpixman-1-dev libslirp-dev libfdt-dev zlib1g-dev
    libcapstone-dev
    ccache xz-utils patch ca-certificates
    # firmware: the +ds upstream tarball ships no blobs (see build.sh)
    ipxe-qemu
    # tests and tooling
    debootstrap iproute2 socat cpio gdb
    # extra packages a caller needs (e.g. scripts/fuzz.sh: clang)
    "$@"
)
BPO_PKGS=(meson python3-pycotap seabios qemu-system-data)

missing=()
for p in "${PKGS[@]}" "${BPO_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
meson_ok() {
    command -v meson >/dev/null &&
        dpkg --compare-versions "$(meson --version 2>/dev/null || echo 0)" ge 1.5.0
}
meson_ok || missing+=(meson)
[ ${#missing[@]} = 0 ] && exit 0

need_root "installing build dependencies (${missing[*]})"
note "installing: ${missing[*]}"
APT_WITH_SYSTEM=1 apt_private deps "$APX_TOP/apt/bookworm-backports.sources"
apt_private_update deps
export DEBIAN_FRONTEND=noninteractive
log=$APX_CACHE/apt-deps/install.log
apt-get "${APT_PRIVATE[@]}" install -y -q --no-install-recommends "${PKGS[@]}" >"$log" 2>&1 ||
    die "apt-get install failed (see $log)."
# Debian 13 has new enough meson (and QEMU 10.0's firmware); Debian 12 takes
# them from backports.
target=()
if ! apt-cache "${APT_PRIVATE[@]}" policy meson | grep -q 'Candidate: 1\.\([5-9]\|[1-9][0-9]\)'; then
    target=(-t bookworm-backports)
fi
apt-get "${APT_PRIVATE[@]}" install -y -q --no-install-recommends "${target[@]}" "${BPO_PKGS[@]}" >>"$log" 2>&1 ||
    die "apt-get install of ${BPO_PKGS[*]} failed (see $log)."
meson_ok || die "meson >= 1.5 is still missing after installing it (see $log)."

#!/bin/bash
# Install and print the path of the *stock* QEMU 10.0 peer used by the
# compatibility tests: Debian's own qemu-system-x86 (10.0.x, from
# bookworm-backports on Debian 12, from the system on Debian 13), not built
# by us and without our queue.  Idempotent; prints /usr/bin/qemu-system-x86_64.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

STOCK=/usr/bin/qemu-system-x86_64

stock_ok() {
    [ -x "$STOCK" ] &&
        dpkg-query -W -f '${Version}' qemu-system-x86 2>/dev/null |
        grep -q '^1:10\.0\.'
}

if ! stock_ok; then
    need_root "installing Debian's stock qemu-system-x86 10.0 (test peer)"
    note "installing Debian's stock qemu-system-x86 10.0 as a test peer"
    APT_WITH_SYSTEM=1 apt_private deps "$APX_TOP/apt/bookworm-backports.sources"
    apt_private_update deps
    export DEBIAN_FRONTEND=noninteractive
    log=$APX_CACHE/apt-deps/stock-qemu.log
    target=()
    if ! apt-cache "${APT_PRIVATE[@]}" policy qemu-system-x86 |
            grep -q 'Candidate: 1:10\.0\.'; then
        target=(-t bookworm-backports)
    fi
    apt-get "${APT_PRIVATE[@]}" install -y -q --no-install-recommends \
        "${target[@]}" qemu-system-x86 >"$log" 2>&1 ||
        die "apt-get install of qemu-system-x86 failed (see $log)."
    stock_ok || die "Debian's qemu-system-x86 is not a 10.0.x after installing it (see $log)."
fi
echo "$STOCK"

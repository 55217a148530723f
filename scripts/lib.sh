# Common helpers for qemu-apx scripts.  Source it; do not run it.
# shellcheck shell=bash

set -euo pipefail

APX_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Downloads and generated roots live outside the repository so that a fresh
# clone stays small and a second clone on the same machine reuses them.
APX_CACHE=${APX_CACHE:-/var/cache/qemu-apx}
APX_BUILD=${APX_BUILD:-$APX_TOP/build}

# Pinned upstream: Debian 13's QEMU source package.
. "$APX_TOP/upstream.conf"

die() {
    printf '%s: error: %s\n' "${0##*/}" "$*" >&2
    exit 1
}

note() {
    printf '%s: %s\n' "${0##*/}" "$*" >&2
}

need_root() {
    [ "$(id -u)" = 0 ] || die "$1 needs root (it runs apt-get); run it as root or with sudo."
}

# apt_private NAME SOURCES-FILE...: set APT_PRIVATE to the options of an apt
# configuration that uses its own package lists and download cache under
# $APX_CACHE/apt-NAME, so the system's apt state is never changed.  With
# APT_WITH_SYSTEM=1 the system's sources are used as well as the given files.
apt_private() {
    local name=$1; shift
    local dir=$APX_CACHE/apt-$name f
    mkdir -p "$dir/etc" "$dir/lists/partial" "$dir/cache/archives/partial"
    rm -f "$dir/etc/"*
    for f in "$@"; do
        cp "$f" "$dir/etc/"
    done
    APT_PRIVATE=(-o "Dir::Etc::SourceParts=$dir/etc"
                 -o "Dir::State::Lists=$dir/lists"
                 -o "Dir::Cache=$dir/cache"
                 -o "APT::Sandbox::User=root")
    if [ "${APT_WITH_SYSTEM:-0}" = 1 ]; then
        for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
            [ -e "$f" ] && ln -sf "$f" "$dir/etc/"
        done
    else
        APT_PRIVATE+=(-o "Dir::Etc::SourceList=/dev/null")
    fi
}

# apt_private_update: refresh the private lists unless they are younger than
# a day.  A failure here almost always means no network to Debian.
apt_private_update() {
    local dir=$APX_CACHE/apt-$1
    if [ -z "$(find "$dir/lists" -maxdepth 1 -name '*_InRelease' -mmin -1440 2>/dev/null | head -1)" ]; then
        apt-get "${APT_PRIVATE[@]}" -qq update >"$dir/update.log" 2>&1 ||
            die "cannot reach Debian's archive (apt-get update failed, see $dir/update.log); check the network."
    fi
}

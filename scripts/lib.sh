# Common helpers for qemu-apx scripts.  Source it; do not run it.
# shellcheck shell=bash

set -euo pipefail

APX_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Downloads and generated roots live outside the repository so that a fresh
# clone stays small and a second clone on the same machine reuses them.
APX_CACHE=${APX_CACHE:-/var/cache/qemu-apx}
APX_BUILD=${APX_BUILD:-$APX_TOP/build}
# QEMU is compiled through ccache: hash paths relative to the checkout and
# not the build directory, so that every clone on a machine shares hits.
export CCACHE_BASEDIR=$APX_TOP CCACHE_NOHASHDIR=1

# Pinned upstream: Debian 13's QEMU source package.
. "$APX_TOP/upstream.conf"

die() {
    printf '%s: error: %s\n' "${0##*/}" "$*" >&2
    exit 1
}

note() {
    printf '%s: %s\n' "${0##*/}" "$*" >&2
}

# sid_out_dir SUB: a directory for files built with Debian unstable's
# toolchain (scripts/sid-run.sh), created: build/tests/SUB under APX_BUILD,
# or under the checkout's build/ when APX_BUILD points outside the checkout
# (the sid root sees only the checkout).
sid_out_dir() {
    local out
    case $APX_BUILD/ in
    "$APX_TOP"/*) out=$APX_BUILD/tests/$1 ;;
    *) out=$APX_TOP/build/tests/$1 ;;
    esac
    mkdir -p "$out"
    printf '%s\n' "$out"
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
            if [ -e "$f" ]; then ln -sf "$f" "$dir/etc/"; fi
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

# The assembled upstream work tree (see README, "The patch queue").
APX_TREE=$APX_BUILD/src
APX_STAMP=$APX_TREE/.git/qemu-apx-prepared

tree_git() {
    git -C "$APX_TREE" -c core.abbrev=12 -c diff.noprefix=false \
        -c diff.mnemonicPrefix=false -c format.signature= "$@"
}

# queue_hash: one hash over the series and every patch it names.
queue_hash() {
    (cd "$APX_TOP/patches" && cat series $(grep -v '^#' series 2>/dev/null || true)) |
        sha256sum | cut -d' ' -f1
}

# queue_files: the patch files of the series, in order.
queue_files() {
    [ -f "$APX_TOP/patches/series" ] || return 0
    grep -v -e '^#' -e '^[[:space:]]*$' "$APX_TOP/patches/series" || true
}

# format_queue DIR: write the tree's commits since the import as a series
# into DIR (files + series).  Output is byte-for-byte what 'make export' keeps.
# The queue is made of topic series: a line "# topic: NAME" in patches/series
# starts one (its cover letter is patches/covers/NAME.txt).  The markers are
# kept in front of the same patch (by file name without its number); a new
# patch joins the topic of the patch before it.
format_queue() {
    local out=$1
    mkdir -p "$out"
    tree_git format-patch -q --zero-commit --no-signature --no-numbered \
        -o "$out" upstream..HEAD >/dev/null
    (cd "$out" && ls -1 -- *.patch 2>/dev/null || true) >"$out/series.new"
    awk 'NR == FNR {
             if ($0 ~ /^# topic: /) { pending = pending $0 "\n"; next }
             if ($0 ~ /^#/ || $0 ~ /^[[:space:]]*$/) next
             if (pending != "") { key = $0; sub(/^[0-9]+-/, "", key)
                                  marker[key] = pending; pending = "" }
             next
         }
         { key = $0; sub(/^[0-9]+-/, "", key)
           if (key in marker) printf "%s", marker[key]
           print }' "$APX_TOP/patches/series" "$out/series.new" >"$out/series"
    rm -f "$out/series.new"
}

write_stamp() {
    printf '%s %s %s\n' "$UPSTREAM_VERSION" "$(tree_git rev-parse HEAD)" "$(queue_hash)" >"$APX_STAMP"
}

# upstream_version: the upstream part of the pinned version (10.0.13+ds).
upstream_version() {
    local v=${UPSTREAM_VERSION#*:}
    echo "${v%-*}"
}

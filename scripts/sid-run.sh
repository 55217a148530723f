#!/usr/bin/env bash
# Run a command with the APX toolchain of the Debian unstable root
# (scripts/sid-root.sh, built on first use).
# Usage: scripts/sid-run.sh [-r FLAVOUR] [-C DIR] CMD [ARG...]
# FLAVOUR is the root's (scripts/sid-root.sh): tools (default) or virt.
# The repository is bind-mounted at its own absolute path inside the root, so
# paths under it work unchanged; /proc and /dev come from the host, read-only
# (gdb, breakpoints and writes to the inferior included, works with that).
# CMD runs in DIR (relative DIRs start from the default: the current directory
# when it is inside the repository, else /).  All mounts live in a private
# mount namespace and vanish with CMD.  The exit status is CMD's.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

usage="usage: $0 [-r tools|virt] [-C DIR] CMD [ARG...]"

# Second stage, in the private mount namespace: mount, chroot, run.
if [ "${1:-}" = --in-namespace ]; then
    host_ns=$2 root=$3 dir=$4; shift 4
    [ "$(readlink /proc/self/ns/mnt)" != "$host_ns" ] ||
        die "--in-namespace is internal; it must run in a private mount namespace."
    if ! { mount --bind /proc "$root/proc" && mount -o remount,bind,ro "$root/proc"; }; then
        die "cannot bind-mount /proc read-only into $root."
    fi
    if ! { mount --rbind /dev "$root/dev" && mount -o remount,bind,ro "$root/dev"; }; then
        die "cannot bind-mount /dev read-only into $root."
    fi
    mount --bind "$APX_TOP" "$root$APX_TOP" || die "cannot bind-mount $APX_TOP into $root."
    chroot "$root" test -d "$dir" || die "$dir is not a directory inside the Debian unstable root."
    exec chroot "$root" /usr/bin/env -C "$dir" \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
fi

dir= flavour=tools
while [ $# -gt 0 ]; do
    case $1 in
    -r) [ $# -ge 2 ] || die "$usage"; flavour=$2; shift 2 ;;
    -C) [ $# -ge 2 ] || die "$usage"; dir=$2; shift 2 ;;
    -C*) dir=${1#-C}; shift ;;
    --) shift; break ;;
    -h|--help) echo "$usage"; exit 0 ;;
    *) break ;;
    esac
done
[ $# -ge 1 ] || die "$usage"
[ "$(id -u)" = 0 ] ||
    die "sid-run.sh needs root (it uses chroot and a private mount namespace); run it as root or with sudo."

root=$("$APX_TOP/scripts/sid-root.sh" "$flavour")
case $PWD/ in
"$APX_TOP"/*) base=$PWD ;;
*) base=/ ;;
esac
case $dir in
/*) ;;
'') dir=$base ;;
*) dir=$base/$dir ;;
esac
dir=$(realpath -m -s -- "$dir")
mkdir -p "$root$APX_TOP"

# --propagation private: nothing mounted below reaches the host's mount table,
# and everything is gone when the namespace's last process ends, even if this
# script is killed.
exec unshare -m --propagation private -- \
    "$APX_TOP/scripts/sid-run.sh" --in-namespace "$(readlink /proc/self/ns/mnt)" "$root" "$dir" "$@"

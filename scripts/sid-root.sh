#!/usr/bin/env bash
# Print the path of a minimal Debian unstable root.  Two flavours:
#   tools (default): the APX toolchain: sid's gcc (-mapxf), binutils
#                    (>= 2.45), gdb, libc6-dev, make and file ($APX_CACHE/sid-root)
#   virt:            the peers: upstream QEMU 11.x (qemu-system-x86) and
#                    libvirt's daemons and virsh ($APX_CACHE/sid-virt-root)
# Built once with debootstrap; later runs only print the path.  An old root is
# kept (with a note); SID_ROOT_REFRESH=1 rebuilds it.
# Usage: scripts/sid-root.sh [tools|virt]   (run commands in it with scripts/sid-run.sh)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MIRROR=http://deb.debian.org/debian
MAX_AGE_DAYS=30
flavour=${1:-tools}
case $flavour in
tools)
    TOOLS=(gcc binutils gdb libc6-dev make file)
    root=$APX_CACHE/sid-root
    witness=usr/bin/gcc
    ;;
virt)
    TOOLS=(qemu-system-x86 qemu-utils libvirt-daemon libvirt-daemon-driver-qemu
           libvirt-clients iproute2 procps)
    root=$APX_CACHE/sid-virt-root
    witness=usr/bin/virsh
    ;;
*)
    die "unknown flavour '$flavour'; usage: $0 [tools|virt]"
    ;;
esac
# The stamp lives inside the root and is written before the root is renamed
# into place: a root with a stamp is a complete root.
stamp_name=.qemu-apx-sid-root
log=$root.log

root_ok() {
    [ -f "$root/$stamp_name" ] && [ -x "$root/$witness" ]
}

fast_path() {
    if [ -n "$(find "$root/$stamp_name" -mmin +$((MAX_AGE_DAYS * 24 * 60)) 2>/dev/null)" ]; then
        note "$root is more than $MAX_AGE_DAYS days old; SID_ROOT_REFRESH=1 $0 rebuilds it."
    fi
    echo "$root"
    exit 0
}

if [ "${SID_ROOT_REFRESH:-0}" != 1 ] && root_ok; then
    fast_path
fi

need_root "building the Debian unstable toolchain root"
mkdir -p "$APX_CACHE"
exec 9>"$root.lock"
flock 9
# Another run may have built the root while this one waited for the lock.
if [ "${SID_ROOT_REFRESH:-0}" != 1 ] && root_ok; then
    fast_path
fi

# no_mounts DIR: refuse to delete a directory with something mounted below it.
no_mounts() {
    awk -v d="$1" '$2 == d || index($2, d "/") == 1 { found = 1 }
                   END { exit found }' /proc/mounts
}

# Leftovers of runs that were cut off (we hold the lock, so none is running).
for old in "$root".tmp.* "$root".old.*; do
    [ -e "$old" ] || continue
    no_mounts "$old" || die "something is still mounted under $old; unmount it first."
    rm -rf --one-file-system "$old"
done

"$APX_TOP/scripts/install-deps.sh"
command -v debootstrap >/dev/null || die "debootstrap is missing although scripts/install-deps.sh ran."

note "building a Debian unstable root with ${TOOLS[*]} in $root (log: $log)"
: >"$log"
wget -nv -T 20 -t 2 -O /dev/null "$MIRROR/dists/sid/InRelease" >>"$log" 2>&1 ||
    die "cannot reach $MIRROR (see $log); check the network."

tmp=$(mktemp -d "$root.tmp.XXXXXX")
trap 'rm -rf --one-file-system "$tmp"' EXIT
chmod 755 "$tmp"

# Everything that mounts (debootstrap mounts /proc and /sys in its target)
# runs in a private mount namespace, so no mount outlives it or reaches the
# host's mount table, even when this script is killed.
unshare -m --propagation private \
    debootstrap --variant=minbase sid "$tmp" "$MIRROR" >>"$log" 2>&1 ||
    die "debootstrap of Debian unstable failed (see $log)."

# in_root CMD...: run CMD in the new root with /proc mounted.
in_root() {
    # shellcheck disable=SC2016 # expanded by the inner sh
    unshare -m --propagation private sh -c \
        'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' "$tmp" \
        env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
# apt in the root follows the host's apt on Release files past their
# Valid-Until date (a host on a frozen mirror snapshot turns that check off);
# debootstrap itself does not check it.
conf=$tmp/etc/apt/apt.conf.d/99qemu-apx-host
check_valid='' check_date=''
eval "$(apt-config shell check_valid Acquire::Check-Valid-Until check_date Acquire::Check-Date)"
: >"$conf"
[ -z "$check_valid" ] || printf 'Acquire::Check-Valid-Until "%s";\n' "$check_valid" >>"$conf"
[ -z "$check_date" ] || printf 'Acquire::Check-Date "%s";\n' "$check_date" >>"$conf"
[ -s "$conf" ] || rm -f "$conf"
{
    in_root apt-get -q update &&
    in_root apt-get -q install -y --no-install-recommends "${TOOLS[@]}" &&
    in_root apt-get clean
} >>"$log" 2>&1 ||
    die "installing ${TOOLS[*]} into the Debian unstable root failed (see $log)."

# Trust the toolchain root only once it really has APX.
[ "$flavour" != tools ] ||
in_root gcc -mapxf -O2 -S -o /dev/null -x c /dev/null >>"$log" 2>&1 ||
    die "the Debian unstable gcc does not accept -mapxf (see $log)."
[ "$flavour" != tools ] ||
    printf '\tpush2 %%r16, %%r17\n' | in_root as --64 -o /dev/null - >>"$log" 2>&1 ||
    die "the Debian unstable binutils cannot assemble APX instructions (see $log)."

{
    printf '# Debian unstable root built by scripts/sid-root.sh on %s from %s\n' \
        "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$MIRROR"
    in_root dpkg-query -W "${TOOLS[@]}"
} >"$tmp/$stamp_name" 2>>"$log" || die "cannot query the packages of the new root (see $log)."
cat "$tmp/$stamp_name" >>"$log"

# Swap the complete root into place; only then drop the previous one.
old=
if [ -e "$root" ]; then
    no_mounts "$root" || die "something is still mounted under $root; unmount it first."
    old=$(mktemp -u "$root.old.XXXXXX")
    mv -T "$root" "$old"
fi
mv -T "$tmp" "$root"
trap - EXIT
if [ -n "$old" ]; then
    rm -rf --one-file-system "$old"
fi
note "Debian unstable root ready: $(grep -v '^#' "$root/$stamp_name" | tr '\t\n' '= ' | sed 's/ $//')"
echo "$root"

#!/usr/bin/env bash
# Build a small initramfs for test guests from Debian's busybox-static
# (downloaded once and unpacked with dpkg -x, not installed).
# Usage: scripts/mkinitramfs.sh OUT.cpio.gz [--add HOSTFILE[:GUESTPATH]]... [--init SCRIPT]
# The default /init mounts /proc, /sys and /dev, prints the kernel's x86/fpu
# lines, prints "APX-GUEST: ready", runs /run.sh when present and powers off.
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || die "usage: $0 OUT.cpio.gz [--add HOSTFILE[:GUESTPATH]]... [--init SCRIPT]"
out=$(realpath -m "$1"); shift
init=
adds=()
while [ $# -gt 0 ]; do
    case $1 in
    --add) adds+=("$2"); shift 2 ;;
    --init) init=$2; shift 2 ;;
    *) die "unknown option $1" ;;
    esac
done

bb=$APX_CACHE/busybox/bin/busybox
if [ ! -x "$bb" ]; then
    APT_WITH_SYSTEM=1 apt_private deps "$APX_TOP/apt/bookworm-backports.sources"
    apt_private_update deps
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get "${APT_PRIVATE[@]}" -qq download busybox-static >/dev/null 2>&1) ||
        die "downloading busybox-static failed."
    rm -rf "$APX_CACHE/busybox"
    dpkg -x "$tmp"/busybox-static_*.deb "$APX_CACHE/busybox"
    rm -rf "$tmp"
    [ -x "$bb" ] || die "busybox-static holds no bin/busybox."
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,root}
cp "$bb" "$root/bin/busybox"
for app in $("$bb" --list); do
    [ -e "$root/bin/$app" ] || ln -s busybox "$root/bin/$app"
done
if [ -n "$init" ]; then
    cp "$init" "$root/init"
else
    cat >"$root/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
dmesg | grep -e 'x86/fpu' -e 'xstate_offset'
echo "APX-GUEST: ready"
[ -x /run.sh ] && /run.sh
echo "APX-GUEST: done"
poweroff -f
INIT
fi
chmod +x "$root/init"
for a in "${adds[@]}"; do
    src=${a%%:*}
    dst=${a#*:}
    [ "$dst" = "$a" ] && dst=/bin/${src##*/}
    mkdir -p "$root$(dirname "$dst")"
    cp "$src" "$root$dst"
done
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"

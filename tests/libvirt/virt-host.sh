#!/usr/bin/env bash
# One libvirt "host" for tests/libvirt: libvirtd from the Debian unstable root
# (scripts/sid-root.sh virt), in a network namespace, with its own hostname
# and private state, in the foreground.
#
# Usage: tests/libvirt/virt-host.sh NETNS DIR HOSTNAME ADDR UUID
#   NETNS     an existing network namespace (ip netns add) to run in
#   DIR       this host's state: DIR/etc (becomes /etc/libvirt), DIR/lib
#             (/var/lib/libvirt), DIR/log (/var/log/libvirt), DIR/cache
#             (/var/cache/libvirt) and DIR/run (/run); made here
#   HOSTNAME  the host's name (a UTS namespace of its own)
#   ADDR      the address libvirtd listens on (TCP, no auth) and on which
#             QEMU receives migrations
#   UUID      libvirtd's host_uuid (libvirt refuses to migrate to itself)
#
# The process exec()s into libvirtd, so its pid is libvirtd's; run commands
# on that host with
#   nsenter -t PID -m -u -n -r -w env PATH=/usr/sbin:/usr/bin virsh ...
# libvirtd runs QEMU as root with no security driver, no cgroups and no
# per-domain /dev, and logs to DIR/log/libvirtd.log; QEMU's stderr goes to
# DIR/log/qemu/DOMAIN.log.  The host's root file system is visible read-only
# at /mnt/host inside the root (the <emulator> wrapper that
# tests/libvirt/test-libvirt-apx.py writes runs our QEMU, which is linked
# against the host's libraries, with the host's dynamic loader and firmware
# from there); the repository is bind-mounted at its own path.  Everything is mounted in a private mount
# namespace and vanishes with the last process in it (libvirtd and its QEMUs).
# shellcheck source-path=SCRIPTDIR source=../../scripts/lib.sh
. "$(dirname "$0")/../../scripts/lib.sh"

usage="usage: $0 NETNS DIR HOSTNAME ADDR UUID"

if [ "${1:-}" = --in-namespace ]; then
    shift
    host_ns=$1 root=$2 dir=$3 name=$4 addr=$5 uuid=$6
    [ "$(readlink /proc/self/ns/mnt)" != "$host_ns" ] ||
        die "--in-namespace is internal; it must run in a private mount namespace."
    echo "$name" >/proc/sys/kernel/hostname || die "cannot set the hostname."
    m() { mount "$@" || die "mount $* failed."; }
    m --bind /proc "$root/proc"
    m --rbind /dev "$root/dev"
    m -o remount,bind,ro "$root/dev"
    # ip netns exec mounted this network namespace's sysfs on /sys
    m --bind -o ro /sys "$root/sys"
    m -t tmpfs -o mode=1777 tmpfs "$root/tmp"
    m --bind "$dir/run" "$root/run"
    m --bind "$dir/etc" "$root/etc/libvirt"
    m --bind "$dir/lib" "$root/var/lib/libvirt"
    m --bind "$dir/log" "$root/var/log/libvirt"
    m --bind "$dir/cache" "$root/var/cache/libvirt"
    m -t tmpfs -o mode=755 tmpfs "$root/mnt"
    mkdir "$root/mnt/host"
    m --bind -o ro / "$root/mnt/host"
    m --bind "$APX_TOP" "$root$APX_TOP"
    exec chroot "$root" /usr/bin/env -i LC_ALL=C.UTF-8 HOME=/root \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        /usr/sbin/libvirtd --listen
fi

[ $# = 5 ] || die "$usage"
netns=$1 dir=$(realpath -m -- "$2") name=$3 addr=$4 uuid=$5
[ "$(id -u)" = 0 ] || die "$0 needs root (namespaces, chroot)."
root=$("$APX_TOP/scripts/sid-root.sh" virt)
mkdir -p "$root$APX_TOP"

mkdir -p "$dir"/{etc/qemu,lib/qemu,log/qemu,cache/qemu,run}
cat >"$dir/etc/libvirtd.conf" <<EOF
# written by tests/libvirt/virt-host.sh
listen_tls = 0
listen_tcp = 1
listen_addr = "$addr"
auth_tcp = "none"
auth_unix_ro = "none"
auth_unix_rw = "none"
host_uuid = "$uuid"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
EOF
cat >"$dir/etc/qemu.conf" <<EOF
# written by tests/libvirt/virt-host.sh
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
stdio_handler = "file"
migration_address = "$addr"
migration_host = "$addr"
EOF

exec ip netns exec "$netns" unshare -m -u --propagation private -- \
    "$0" --in-namespace "$(readlink /proc/self/ns/mnt)" "$root" "$dir" "$name" "$addr" "$uuid"

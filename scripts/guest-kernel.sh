#!/usr/bin/env bash
# Print the path of a Linux 7.x kernel for test guests: Debian unstable's
# linux-binary-7.*-cloud-amd64 package, downloaded once and unpacked with
# dpkg -x under $APX_CACHE/kernel (never installed).
# Usage: scripts/guest-kernel.sh
. "$(dirname "$0")/lib.sh"

dir=$APX_CACHE/kernel
if [ -f "$dir/current" ] && [ -f "$(cat "$dir/current")" ]; then
    cat "$dir/current"
    exit 0
fi

apt_private sid "$APX_TOP/apt/sid.sources"
apt_private_update sid
pkg=$(apt-cache "${APT_PRIVATE[@]}" pkgnames linux-binary-7. 2>/dev/null |
      grep -E '^linux-binary-7\.[0-9.]+.*-cloud-amd64$' | sort -V | tail -1)
[ -n "$pkg" ] || die "Debian unstable has no linux-binary-7.*-cloud-amd64 package any more."
mkdir -p "$dir/deb"
(cd "$dir/deb" && apt-get "${APT_PRIVATE[@]}" -qq download "$pkg" >/dev/null 2>&1) ||
    die "downloading $pkg failed."
rm -rf "$dir/$pkg"
dpkg -x "$(ls -t "$dir"/deb/"${pkg}"_*.deb | head -1)" "$dir/$pkg"
vmlinuz=$(find "$dir/$pkg" -name 'vmlinuz*' -type f | head -1)
[ -f "$vmlinuz" ] || die "$pkg holds no vmlinuz."
echo "$vmlinuz" >"$dir/current"
echo "$vmlinuz"

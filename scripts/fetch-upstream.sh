#!/usr/bin/env bash
# Fetch the pinned upstream QEMU source package (upstream.conf) from Debian's
# archive into $APX_CACHE/dl, verify the orig tarball's SHA-256 and print the
# path of the download directory.
# Usage: scripts/fetch-upstream.sh
. "$(dirname "$0")/lib.sh"

dl=$APX_CACHE/dl
ver_noepoch=${UPSTREAM_VERSION#*:}
upver=${ver_noepoch%-*}
orig=$dl/${UPSTREAM_PACKAGE}_${upver}.orig.tar.xz
debtar=$dl/${UPSTREAM_PACKAGE}_${ver_noepoch}.debian.tar.xz

sha_ok() {
    [ -f "$orig" ] && [ -f "$debtar" ] &&
        echo "$UPSTREAM_ORIG_SHA256  $orig" | sha256sum --status -c -
}

if ! sha_ok; then
    mkdir -p "$dl"
    apt_private upstream "$APX_TOP/apt/trixie-src.sources"
    apt_private_update upstream
    versions=$(apt-cache "${APT_PRIVATE[@]}" showsrc "$UPSTREAM_PACKAGE" 2>/dev/null |
               sed -n 's/^Version: //p' | sort -u)
    if ! grep -qxF "$UPSTREAM_VERSION" <<<"$versions"; then
        newest=$(grep '^1:10\.0\.' <<<"$versions" | sort -V | tail -1)
        die "Debian's archive no longer has $UPSTREAM_PACKAGE $UPSTREAM_VERSION; the newest 10.0.x there is ${newest:-none}: to re-pin, put that version and its orig tarball's SHA-256 (from 'apt-get source --download-only') into upstream.conf, then run 'make prepare' and fix any patch that no longer applies."
    fi
    note "downloading $UPSTREAM_PACKAGE $UPSTREAM_VERSION"
    (cd "$dl" && apt-get "${APT_PRIVATE[@]}" -qq source --download-only \
         "$UPSTREAM_PACKAGE=$UPSTREAM_VERSION" >"$dl/download.log" 2>&1) ||
        die "downloading $UPSTREAM_PACKAGE $UPSTREAM_VERSION failed (see $dl/download.log)."
    if ! sha_ok; then
        got=$(sha256sum "$orig" 2>/dev/null | cut -d' ' -f1)
        rm -f "$orig"
        die "checksum mismatch for ${orig##*/}: expected $UPSTREAM_ORIG_SHA256, got ${got:-nothing}; the file was removed, nothing was unpacked."
    fi
fi
echo "$dl"

#!/usr/bin/env bash
# Write build/src's commits since the 'upstream' tag back into patches/
# (git format-patch files plus the series file).  'make prepare' followed by
# 'make export' reproduces patches/ byte for byte.
# Usage: scripts/export.sh
. "$(dirname "$0")/lib.sh"

[ -d "$APX_TREE/.git" ] || die "there is no build/src to export from; run 'make prepare' first."
if [ -n "$(tree_git status --porcelain --untracked-files=no)" ]; then
    die "build/src has uncommitted changes; commit them there first (export writes commits, not the work tree)."
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
format_queue "$tmp"
mkdir -p "$APX_TOP/patches"
# Drop patch files that are no longer part of the series, then copy.
for f in "$APX_TOP"/patches/*.patch; do
    [ -e "$f" ] || continue
    [ -e "$tmp/${f##*/}" ] || rm -f "$f"
done
cp "$tmp"/*.patch "$APX_TOP/patches/" 2>/dev/null || true
cp "$tmp/series" "$APX_TOP/patches/series"
write_stamp
note "exported $(queue_files | wc -l) patches to patches/"

#!/usr/bin/env bash
# Smoke test of the patch queue:
#  1. the assembled tree build/src (HEAD) is exactly pristine upstream (orig
#     tarball + Debian's patches, unpacked afresh) plus patches/series;
#  2. 'git am' of the queue onto the 'upstream' import, then the export
#     step, reproduces patches/ byte for byte.
. "$(dirname "$0")/../../scripts/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dl=$("$APX_TOP/scripts/fetch-upstream.sh")

# 1. pristine + queue, with plain patch(1), against the tree's HEAD.
mkdir -p "$tmp/pristine" "$tmp/debian" "$tmp/head"
tar -C "$tmp/pristine" --strip-components=1 -xf "$dl/${UPSTREAM_PACKAGE}_$(upstream_version).orig.tar.xz"
tar -C "$tmp/debian" -xf "$dl/${UPSTREAM_PACKAGE}_${UPSTREAM_VERSION#*:}.debian.tar.xz"
while read -r p _; do
    case $p in ''|'#'*) continue ;; esac
    patch -d "$tmp/pristine" -s -p1 --no-backup-if-mismatch <"$tmp/debian/debian/patches/$p" || die "Debian patch $p failed"
done <"$tmp/debian/debian/patches/series"
while read -r p; do
    patch -d "$tmp/pristine" -s -p1 --no-backup-if-mismatch <"$APX_TOP/patches/$p" ||
        die "patches/$p does not apply to pristine upstream"
done < <(queue_files)
# git tracks no empty directories; compare files only.
find "$tmp/pristine" -type d -empty -delete
GIT_INDEX_FILE=$tmp/index tree_git read-tree HEAD
GIT_INDEX_FILE=$tmp/index tree_git checkout-index -a --prefix="$tmp/head/"
diff -r "$tmp/pristine" "$tmp/head" >"$tmp/tree.diff" || {
    head -40 "$tmp/tree.diff"
    die "build/src differs from pristine upstream + patches/ (unexported work? run 'make export')"
}
echo "tree: build/src HEAD == pristine upstream + $(queue_files | wc -l) patches"

# 2. prepare -> export round trip in a scratch clone.
git clone -q --shared --no-checkout "$APX_TREE" "$tmp/rt"
APX_TREE=$tmp/rt
tree_git checkout -q -b rt upstream
tree_git config user.name "qemu-apx roundtrip"
tree_git config user.email "qemu-apx@localhost"
while read -r p; do
    tree_git am -q --committer-date-is-author-date "$APX_TOP/patches/$p" ||
        die "git am of patches/$p onto upstream failed"
done < <(queue_files)
format_queue "$tmp/exported"
diff -r -x covers "$tmp/exported" "$APX_TOP/patches" || die "export after prepare does not reproduce patches/"
echo "queue: prepare + export reproduces patches/ byte for byte"

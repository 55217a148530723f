#!/usr/bin/env bash
# Build every prefix of the patch queue (bisectability check; slow, not in CI):
# all four x86 targets, qemu-system-x86_64, qemu-x86_64, qemu-system-i386 and
# qemu-i386, as Debian builds them.
# Usage: scripts/check-series.sh
# Uses a separate work tree (build/series/src) and build directory
# (build/series/qemu), so build/src and build/qemu are left alone.  They sit
# in the same relative places as build/src and build/qemu, so that ccache
# serves whatever a prefix has in common with what was compiled before.
. "$(dirname "$0")/lib.sh"

"$APX_TOP/scripts/build.sh" >/dev/null
TARGETS=(qemu-system-x86_64 qemu-x86_64 qemu-system-i386 qemu-i386)
wt=$APX_BUILD/series/src
bd=$APX_BUILD/series/qemu
export CCACHE_BASEDIR=$APX_BUILD/series
rm -rf "$wt"
tree_git worktree prune
tree_git worktree add -q --detach "$wt" upstream
trap 'tree_git worktree remove --force "$wt" >/dev/null 2>&1 || true' EXIT
mkdir -p "$bd"
# configured like build/qemu; again whenever build/qemu's options change
if [ ! -f "$bd/build.ninja" ] ||
   ! cmp -s "$APX_BUILD/qemu/.apx-configure" "$bd/.apx-configure"; then
    # shellcheck disable=SC2046 # one option per word
    (cd "$bd" && "$wt/configure" $(cat "$APX_BUILD/qemu/.apx-configure") >configure.log 2>&1) ||
        die "configure failed in build/series/qemu (see configure.log there)."
    cp "$APX_BUILD/qemu/.apx-configure" "$bd/.apx-configure"
fi
n=0
while read -r p; do
    n=$((n + 1))
    git -C "$wt" am -q --committer-date-is-author-date "$APX_TOP/patches/$p" ||
        die "patch $n ($p) does not apply"
    if ninja -C "$bd" "${TARGETS[@]}" >"$bd/ninja-$n.log" 2>&1; then
        echo "ok $n $p"
    else
        die "patch $n ($p) does not build (see build/series/qemu/ninja-$n.log)"
    fi
done < <(queue_files)
echo "all $n prefixes of the queue build"

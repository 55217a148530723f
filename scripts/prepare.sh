#!/usr/bin/env bash
# Assemble the upstream work tree build/src: one import commit of the pinned
# Debian orig tarball, one commit of Debian's own patches (tag 'upstream'),
# then one commit per patch of patches/series (branch 'apx', via git am).
# Usage: scripts/prepare.sh            (FORCE=1 drops unexported work in build/src)
# Does nothing when build/src already matches the queue; refuses to throw away
# commits or changes in build/src that 'make export' has not saved yet.
. "$(dirname "$0")/lib.sh"

FORCE=${FORCE:-0}

import_upstream() {
    local dl tmp date
    dl=$("$APX_TOP/scripts/fetch-upstream.sh")
    note "importing $UPSTREAM_PACKAGE $UPSTREAM_VERSION into ${APX_TREE#$APX_TOP/}"
    rm -rf "$APX_TREE" "$APX_TREE.new"
    mkdir -p "$APX_TREE.new"
    tar -C "$APX_TREE.new" --strip-components=1 -xf "$dl"/"${UPSTREAM_PACKAGE}"_*.orig.tar.xz
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' RETURN
    tar -C "$tmp" -xf "$dl/${UPSTREAM_PACKAGE}_${UPSTREAM_VERSION#*:}.debian.tar.xz"
    # Commit dates come from Debian's changelog so the import is reproducible.
    date=$(sed -n 's/^ -- .*>  //p;T;q' "$tmp/debian/changelog")
    export GIT_AUTHOR_DATE="$date" GIT_COMMITTER_DATE="$date"
    export GIT_AUTHOR_NAME="Debian QEMU Team" GIT_AUTHOR_EMAIL="pkg-qemu-devel@lists.alioth.debian.org"
    export GIT_COMMITTER_NAME="qemu-apx prepare" GIT_COMMITTER_EMAIL="qemu-apx@localhost"
    (
        cd "$APX_TREE.new"
        git init -q -b apx
        # Commits made here carry the developer's own git identity.
        git config user.name >/dev/null || git config user.name "qemu-apx developer"
        git config user.email >/dev/null || git config user.email "qemu-apx@localhost"
        git config core.autocrlf false
        git add -A -f
        git commit -q -m "Import $UPSTREAM_PACKAGE $(upstream_version) orig tarball from Debian"
        while read -r p _; do
            case $p in ''|'#'*) continue ;; esac
            patch -s -p1 --no-backup-if-mismatch <"$tmp/debian/patches/$p" ||
                die "Debian's patch $p does not apply to the orig tarball."
        done <"$tmp/debian/patches/series"
        git add -A -f
        git commit -q -m "Apply Debian's patches from $UPSTREAM_PACKAGE $UPSTREAM_VERSION" \
            -m "debian/patches/series of the source package, applied in order."
        git tag upstream
    )
    mv "$APX_TREE.new" "$APX_TREE"
}

apply_queue() {
    local p
    tree_git checkout -q -B apx upstream
    while read -r p; do
        [ -f "$APX_TOP/patches/$p" ] || die "patches/series names $p, which does not exist."
        if ! tree_git am -q --committer-date-is-author-date "$APX_TOP/patches/$p" >/dev/null 2>&1; then
            tree_git am --abort >/dev/null 2>&1 || true
            die "patches/$p no longer applies to upstream $UPSTREAM_VERSION (try: cd build/src && git am -3 ../../patches/$p, fix, then 'make export')."
        fi
    done < <(queue_files)
    write_stamp
    note "build/src: upstream + $(queue_files | wc -l) patches"
}

if [ ! -d "$APX_TREE/.git" ] || ! tree_git rev-parse -q --verify upstream >/dev/null; then
    import_upstream
    apply_queue
    exit 0
fi

read -r st_ver st_head st_queue <"$APX_STAMP" 2>/dev/null || true
head=$(tree_git rev-parse HEAD)
queue=$(queue_hash)
if [ "$FORCE" != 1 ]; then
    if [ -n "$(tree_git status --porcelain --untracked-files=no)" ]; then
        die "build/src has uncommitted changes: commit them there and run 'make export', or drop them with 'make prepare FORCE=1'."
    fi
    if [ "$head" = "${st_head:-}" ] && [ "$queue" = "${st_queue:-}" ] &&
       [ "${st_ver:-}" = "$UPSTREAM_VERSION" ]; then
        exit 0      # up to date
    fi
    if [ "$head" != "${st_head:-}" ]; then
        tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
        format_queue "$tmp"
        if diff -rq "$tmp" "$APX_TOP/patches" >/dev/null 2>&1; then
            write_stamp     # the tree's commits are exactly the queue
            [ "${st_ver:-}" = "$UPSTREAM_VERSION" ] && exit 0
        elif [ "$queue" = "${st_queue:-}" ]; then
            die "build/src has commits that patches/ lacks: run 'make export' to keep them, or 'make prepare FORCE=1' to drop them."
        else
            die "both build/src and patches/ changed since the last prepare: export or save the tree's commits first, or 'make prepare FORCE=1' to rebuild it from patches/."
        fi
    fi
fi
if [ "${st_ver:-}" != "$UPSTREAM_VERSION" ]; then
    import_upstream
fi
apply_queue

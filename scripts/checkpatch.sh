#!/usr/bin/env bash
# Run QEMU's scripts/checkpatch.pl over every patch of the queue.
# Usage: scripts/checkpatch.sh      Fails when any patch has an ERROR or a WARNING.
. "$(dirname "$0")/lib.sh"

[ -x "$APX_TREE/scripts/checkpatch.pl" ] || die "no build/src yet; run 'make prepare' first."
bad=0 n=0
while read -r p; do
    n=$((n + 1))
    if ! out=$(cd "$APX_TREE" && ./scripts/checkpatch.pl -q "$APX_TOP/patches/$p" 2>&1); then
        bad=$((bad + 1))
        printf '%s:\n%s\n' "$p" "$out"
    elif [ -n "$out" ]; then
        bad=$((bad + 1))
        printf '%s (warnings):\n%s\n' "$p" "$out"
    fi
done < <(queue_files)
echo "checkpatch: $n patches, $bad with errors or warnings"
[ $bad = 0 ]

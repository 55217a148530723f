#!/usr/bin/env bash
# qemu-x86_64 and the APX/MPX choice: what a program sees, and that QEMU
# adds nothing to the program's stderr.  Programs' own test suites compare
# stderr (xz's test_scripts.sh does), so a warning on every start breaks
# them: "max" offers APX and not MPX, "max,mpx=on" MPX and not APX, both
# silently; only asking for both is an error.  The program
# (tests/apx/cpu-bits.c, built with the host's gcc) prints the two CPUID
# bits it sees.
. "$(dirname "$0")/../../scripts/lib.sh"

QEMU=$APX_BUILD/qemu-x86_64
[ -x "$QEMU" ] || die "no build/qemu-x86_64; run 'make build'."
out=$APX_BUILD/tests/apx
mkdir -p "$out"
gcc -O2 -o "$out/cpu-bits" "$APX_TOP/tests/apx/cpu-bits.c" || die "cannot build cpu-bits.c"

fails=0
check() {
    if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fails=$((fails + 1)); fi
}

# run CPU: stdout to $so, stderr to $se, status to $rc (no -cpu when CPU is empty)
run() {
    so=$("$QEMU" ${1:+-cpu "$1"} "$out/cpu-bits" 2>"$out/stderr") && rc=0 || rc=$?
    se=$(cat "$out/stderr")
    echo "-cpu ${1:-(default)}: exit $rc, stdout '$so', stderr '$se'"
}

for cpu in '' max max,apxf=on; do
    run "$cpu"
    check "-cpu ${cpu:-(default)}: APX and no MPX, nothing on stderr" \
        '[ $rc = 0 ] && [ "$so" = "apx=1 mpx=0" ] && [ -z "$se" ]'
done
for cpu in max,mpx=on max,apxf=off; do
    run "$cpu"
    check "-cpu $cpu: MPX and no APX, nothing on stderr" \
        '[ $rc = 0 ] && [ "$so" = "apx=0 mpx=1" ] && [ -z "$se" ]'
done
run max,apxf=on,mpx=on
check "-cpu max,apxf=on,mpx=on: refused, naming both, the program never runs" \
    '[ $rc != 0 ] && [ -z "$so" ] && [[ $se == *"'"'apxf' and 'mpx' are mutually exclusive"'"* ]]'

[ $fails = 0 ] || { echo "$fails check(s) failed"; exit 1; }

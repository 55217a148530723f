#!/usr/bin/env bash
# qemu-apx test suite: what 'make check' runs.
# Usage: tests/run.sh [-k PATTERN]     (-k: only tests whose name contains PATTERN)
# Runs upstream's x86 tests for the code the queue touches, our own qtests and
# unit tests from the queue, the queue's smoke tests and the scenario tests
# under tests/.  TAP-speaking programs count one test per TAP line.  Logs go
# to build/tests/logs; the last line is "N passed, N failed, N skipped".
#
# Skips: a test that cannot run exits 77 after printing "SKIP NEED: reason",
# NEED being the capability it lacks (tests/lib/apxtest.py: skip()).  Below,
# HAVE lists the capabilities this machine and build offer; a test skipping
# for one of them, or without naming one, counts as failed.
. "$(dirname "$0")/../scripts/lib.sh"
set +e

filter=
[ "${1:-}" = -k ] && filter=${2:-}
QB=$APX_BUILD/qemu
LOGS=$APX_BUILD/tests/logs
mkdir -p "$LOGS"
export QTEST_QEMU_BINARY=$QB/qemu-system-x86_64
export QTEST_QEMU_IMG=/bin/false
export PYTHONPATH=$APX_TREE/python${PYTHONPATH:+:$PYTHONPATH}
passed=0 failed=0 skipped=0 failures=() skips=() HAVE=()

pass() { passed=$((passed + 1)); printf 'PASS %s\n' "$1"; }
fail() { failed=$((failed + 1)); failures+=("$1"); printf 'FAIL %s%s\n' "$1" "${2:+ ($2)}"; }
skip() { skipped=$((skipped + 1)); skips+=("$1: $2"); printf 'SKIP %s (%s)\n' "$1" "$2"; }
have() { [[ " ${HAVE[*]} " == *" $1 "* ]]; }
summary() { echo "$passed passed, $failed failed, $skipped skipped"; }

# run_test NAME TIMEOUT CMD...: one test, judged by its exit code: 0 passed,
# 77 skipped (if what it needs is not in HAVE), anything else failed.
run_test() {
    local name=$1 secs=$2; shift 2
    [ -n "$filter" ] && [[ $name != *"$filter"* ]] && return 0
    local log=$LOGS/${name//\//_}.log rc line need
    local where="log ${log#"$APX_TOP"/}"
    timeout -k 10 "$secs" "$@" >"$log" 2>&1
    rc=$?
    line=$(grep -m1 '^SKIP [a-z0-9-]*: ' "$log")
    need=${line#SKIP }
    need=${need%%:*}
    if [ $rc = 0 ]; then
        pass "$name"
    elif [ $rc != 77 ]; then
        fail "$name" "exit $rc, $where"
    elif [ -z "$line" ]; then
        fail "$name" "exit 77 without a 'SKIP NEED: reason' line, $where"
    elif have "$need"; then
        fail "$name" "skipped, but this machine offers $need: ${line#*: }"
    else
        skip "$name" "${line#*: }"
    fi
}

# run_tap NAME TIMEOUT CMD...: a TAP-speaking program, one test per "ok" or
# "not ok" line ("ok N ... # SKIP reason": skipped).  Exiting non-zero
# without any "not ok" line is one more failure, and so is printing no
# result at all (unless the plan is "1..0 # SKIP ...").
run_tap() {
    local name=$1 secs=$2; shift 2
    [ -n "$filter" ] && [[ $name != *"$filter"* ]] && return 0
    local log=$LOGS/${name//\//_}.log rc n=0 bad=0 line
    local where="log ${log#"$APX_TOP"/}"
    timeout -k 10 "$secs" "$@" >"$log" 2>&1
    rc=$?
    while IFS= read -r line; do
        n=$((n + 1))
        if [[ $line == "not ok "* ]]; then
            bad=$((bad + 1))
            fail "$name: ${line#not ok }" "$where"
        elif [[ $line =~ ^ok\ (.*)\ \#\ *[Ss][Kk][Ii][Pp]\ *(.*)$ ]]; then
            skip "$name: ${BASH_REMATCH[1]}" "${BASH_REMATCH[2]:-no reason given}"
        else
            pass "$name: ${line#ok }"
        fi
    done < <(grep -E '^(not )?ok ' "$log")
    if [ $rc != 0 ] && [ $bad = 0 ]; then
        fail "$name" "exit $rc, $where"
    elif [ $n = 0 ] && [ $rc = 0 ]; then
        if grep -q -i '^1\.\.0 *# *skip' "$log"; then
            skip "$name" "$(sed -n 's/^1\.\.0 *# *skip *//Ip' "$log" | head -1)"
        else
            fail "$name" "no TAP results, $where"
        fi
    fi
}

# Tests compiled in the QEMU tree (upstream's and the ones our queue adds).
# The queue's qtest is always built and run: if it went missing, the
# build of its target fails instead of the test silently not running.
QTESTS=(test-x86-cpuid-compat cpu-plug-test machine-none-test migration-test
        x86-apx-test)
UNITS=(test-x86-topo test-vmstate)
targets=(qemu-system-x86_64 qemu-x86_64 qemu-system-i386 qemu-i386)
for t in "${QTESTS[@]}"; do targets+=("tests/qtest/$t"); done
for t in "${UNITS[@]}"; do targets+=("tests/unit/$t"); done
"$APX_TOP/scripts/build.sh" "${targets[@]}" || { fail build; summary; exit 1; }

# What this machine and build offer (the NEEDs of tests/lib/apxtest.py):
#   qemu-apxf  QEMU has the apxf CPU property: always, it is built from the queue
#   kvm        /dev/kvm opens read-write and answers KVM_GET_API_VERSION
#   root       running as root (network namespaces)
offers=$(python3 "$APX_TOP/tests/lib/apxtest.py") ||
    { fail "what this machine offers (tests/lib/apxtest.py)"; summary; exit 1; }
read -ra HAVE <<<"qemu-apxf $offers"
echo "this machine offers: ${HAVE[*]} (a test skipping for one of these fails)"

run_test queue/roundtrip 600 "$APX_TOP/tests/queue/roundtrip.sh"
run_test queue/checkpatch 300 "$APX_TOP/scripts/checkpatch.sh"
run_test queue/covers 60 /usr/bin/python3 "$APX_TOP/tests/queue/covers.py"

for t in "${UNITS[@]}"; do
    run_tap "unit/$t" 300 "$QB/tests/unit/$t" --tap
done
for t in "${QTESTS[@]}"; do
    args=()
    # A short subset of the (long) migration suite: plain precopy over unix
    # and TCP sockets, and a savevm-like migration to a file.
    [ "$t" = migration-test ] && args=(-p /x86_64/migration/precopy/unix/plain
                                       -p /x86_64/migration/precopy/tcp/plain
                                       -p /x86_64/migration/precopy/file)
    run_tap "qtest/$t" 600 "$QB/tests/qtest/$t" --tap "${args[@]}"
done

# TCG tests the queue adds (tests/tcg, built with the host compiler by
# QEMU's own tests/tcg makefiles)
for t in apx; do
    run_test "tcg/$t" 300 make -C "$QB/tests/tcg/x86_64-linux-user" "run-$t"
done

# Scenario tests of this project: every tests/*/test-*.sh and test-*.py,
# in name order; each may take APX_TEST_TIMEOUT seconds (default 900).
for t in "$APX_TOP"/tests/*/test-*.sh "$APX_TOP"/tests/*/test-*.py; do
    [ -e "$t" ] || continue
    rel=${t#$APX_TOP/tests/}
    case $t in
    *.py) run_test "${rel%.py}" "${APX_TEST_TIMEOUT:-900}" /usr/bin/python3 "$t" ;;
    *) run_test "${rel%.sh}" "${APX_TEST_TIMEOUT:-900}" "$t" ;;
    esac
done

if [ ${#skips[@]} -gt 0 ]; then
    printf '\nSkipped:\n'
    printf '  %s\n' "${skips[@]}"
fi
if [ ${#failures[@]} -gt 0 ]; then
    printf '\nFailed:\n'
    printf '  %s\n' "${failures[@]}"
fi
summary
[ "$failed" = 0 ]

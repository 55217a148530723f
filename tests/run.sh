#!/usr/bin/env bash
# qemu-apx test suite: what 'make check' runs.
# Usage: tests/run.sh [-k PATTERN]     (-k: only tests whose name contains PATTERN)
# Runs upstream's x86 tests for the code the queue touches, our own qtests and
# unit tests from the queue, the queue's smoke tests and the scenario tests
# under tests/.  TAP-speaking programs count one test per TAP line.  Logs go
# to build/tests/logs; the last line is "N passed, N failed".
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
passed=0 failed=0 failures=()

pass() { passed=$((passed + 1)); printf 'PASS %s\n' "$1"; }
fail() { failed=$((failed + 1)); failures+=("$1"); printf 'FAIL %s%s\n' "$1" "${2:+ ($2)}"; }

# run_test NAME TIMEOUT CMD...: one test, judged by its exit code.
run_test() {
    local name=$1 secs=$2; shift 2
    [ -n "$filter" ] && [[ $name != *"$filter"* ]] && return 0
    local log=$LOGS/${name//\//_}.log
    if timeout -k 10 "$secs" "$@" >"$log" 2>&1; then
        pass "$name"
    else
        fail "$name" "exit $?, log ${log#$APX_TOP/}"
    fi
}

# run_tap NAME TIMEOUT CMD...: a TAP-speaking program; one test per ok line.
run_tap() {
    local name=$1 secs=$2; shift 2
    [ -n "$filter" ] && [[ $name != *"$filter"* ]] && return 0
    local log=$LOGS/${name//\//_}.log rc n=0 line
    timeout -k 10 "$secs" "$@" >"$log" 2>&1
    rc=$?
    while IFS= read -r line; do
        case $line in
        "ok "*)     n=$((n + 1)); pass "$name: ${line#ok }" ;;
        "not ok "*) n=$((n + 1)); fail "$name: ${line#not ok }" "log ${log#$APX_TOP/}" ;;
        esac
    done < <(grep -E '^(not )?ok ' "$log")
    if [ $rc != 0 ] && [ $n = 0 ] || [ $rc != 0 ] && ! grep -q '^not ok' "$log"; then
        fail "$name" "exit $rc, log ${log#$APX_TOP/}"
    fi
}

# Tests compiled in the QEMU tree (upstream's and the ones our queue adds).
QTESTS=(test-x86-cpuid-compat cpu-plug-test machine-none-test migration-test)
UNITS=(test-x86-topo)
for t in tests/qtest/x86-apx-test tests/unit/test-xsave-apx; do
    [ -f "$APX_TREE/$t.c" ] && case $t in
        */qtest/*) QTESTS+=("${t##*/}") ;;
        *) UNITS+=("${t##*/}") ;;
    esac
done
targets=(qemu-system-x86_64 qemu-x86_64)
for t in "${QTESTS[@]}"; do targets+=("tests/qtest/$t"); done
for t in "${UNITS[@]}"; do targets+=("tests/unit/$t"); done
"$APX_TOP/scripts/build.sh" "${targets[@]}" || { fail build; echo "$passed passed, $failed failed"; exit 1; }

run_test queue/roundtrip 600 "$APX_TOP/tests/queue/roundtrip.sh"
run_test queue/checkpatch 300 "$APX_TOP/scripts/checkpatch.sh"

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
    [ -f "$APX_TREE/tests/tcg/x86_64/$t.c" ] || continue
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

if [ ${#failures[@]} -gt 0 ]; then
    printf '\nFailed:\n'
    printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

#!/usr/bin/env bash
# Run the test suite of a program built by tests/real/build.sh, with every
# test binary started through WRAPPER (none: natively).
# Usage: tests/real/run-tests.sh PROG VARIANT [WRAPPER...]
#   PROG: zlib | bzip2 | xxhash | lzo2 | lz4
#   VARIANT: apx | apxv3 | v4 | apxv4 | v3 | legacy
#   e.g. tests/real/run-tests.sh zlib apx build/qemu-x86_64 -cpu max,apxf=on,mpx=off
# The tests are the packages' own ("make test" and "make cover" for zlib,
# "make test" for bzip2, "make check", "make test_sanity" and "make
# test-xxhsum-c" for xxhash, "make test" for lzo2; for lz4 the scripts
# of "make test-lz4-essentials" themselves, with lz4 and datagen on PATH
# as wrappers, and short runs of its fuzzer and frametest)
# written out as commands, plus round trips and cross-checks against the host's gzip,
# and bzip2recover and corrupt-input checks.  Each test runs in a fresh directory under
# build/real/PROG/VARIANT/test-run, with its output in NAME.log there.
# Prints "PASS NAME" or "FAIL NAME (...)" per test, then one summary line
# "PASS: ..." or "FAIL: ..."; exits 1 when a test failed.
# REAL_TEST_TIMEOUT (seconds, default 600) limits each binary's run.
# shellcheck source-path=SCRIPTDIR source=../../scripts/lib.sh
. "$(dirname "$0")/../../scripts/lib.sh"

usage="usage: $0 PROG VARIANT [WRAPPER...]   (PROG: zlib bzip2 xxhash lzo2 lz4, VARIANT: apx apxv3 v4 apxv4 v3 legacy)"
[ $# -ge 2 ] || die "$usage"
prog=$1 variant=$2; shift 2
case $prog in zlib|bzip2|xxhash|lzo2|lz4) ;; *) die "$usage" ;; esac
case $variant in apx|apxv3|v4|apxv4|v3|legacy) ;; *) die "$usage" ;; esac
wrapper=("$@")
if [ ${#wrapper[@]} -gt 0 ]; then
    # The tests change directory: make a relative wrapper path absolute.
    if [[ ${wrapper[0]} == */* ]]; then
        wrapper[0]=$(realpath -s -- "${wrapper[0]}")
    fi
    command -v "${wrapper[0]}" >/dev/null || die "wrapper ${wrapper[0]} is not an executable."
fi

dir=$APX_BUILD/real/$prog/$variant
src=$dir/src
[ -f "$dir/.stamp" ] || die "$prog $variant is not built; run tests/real/build.sh first."
timeout_s=${REAL_TEST_TIMEOUT:-600}
work=$dir/test-run
rm -rf "$work"
mkdir -p "$work"
# A guest that dies of a signal would leave a core file in the test directory.
ulimit -c 0

# run BIN ARG...: run the built binary BIN through the wrapper.
run() {
    local bin=$1 rc=0; shift
    timeout -k 10 "$timeout_s" "${wrapper[@]}" "$dir/$bin" "$@" || rc=$?
    if [ $rc -gt 128 ] && [ $rc -lt 160 ]; then
        printf 'run-tests: %s %s killed by SIG%s\n' "$bin" "$*" "$(kill -l $((rc - 128)))" >&2
    elif [ $rc = 124 ]; then
        printf 'run-tests: %s %s timed out after %ss\n' "$bin" "$*" "$timeout_s" >&2
    fi
    return $rc
}

# expect_status WANT CMD...: CMD must exit with status WANT (not 0, not a signal).
expect_status() {
    local want=$1 rc=0; shift
    "$@" || rc=$?
    [ $rc = "$want" ] || { printf 'expected exit status %s, got %s\n' "$want" "$rc" >&2; return 1; }
}

passed=0 failed=0 failures=()

# t NAME CMD...: one test, judged by its exit status, run in its own
# directory.  CMD is a function below; those chain their steps with &&, as
# errexit does not apply inside a condition.
t() {
    local name=$1 rc=0; shift
    local log=$work/$name.log
    mkdir -p "$work/$name"
    (cd "$work/$name" && "$@") >"$log" 2>&1 || rc=$?
    if [ $rc = 0 ]; then
        passed=$((passed + 1))
        printf 'PASS %s\n' "$name"
    else
        failed=$((failed + 1)) failures+=("$name")
        printf 'FAIL %s (exit %s, log %s)\n' "$name" "$rc" "${log#"$APX_TOP"/}"
        sed 's/^/    | /' "$log" | tail -n 5
    fi
}

# --- zlib: "make test" (teststatic), "make cover", round trips -----------

zlib_hello() {   # make test: echo hello world | minigzip | minigzip -d
    local got
    got=$(echo hello world | run minigzip | run minigzip -d) &&
    [ "$got" = "hello world" ]
}

zlib_example() { # make test: ./example tmpst_$$
    run example tmpst
}

zlib_infcover() { # make cover: ./infcover (inflate coverage test)
    run infcover
}

zlib_input() {   # text and a binary: the sources, the ChangeLog, a binary
    cat "$src"/ChangeLog "$src"/*.[ch] "$dir/example" >input
}

# zlib_roundtrip OPTION...: compress with those options and back, and let
# the host's gzip check the stream.
zlib_roundtrip() {
    zlib_input &&
    run minigzip "$@" <input >input.gz &&
    gzip -t input.gz &&
    run minigzip -d <input.gz >output &&
    cmp input output
}

zlib_gunzip() {  # inflate streams made by the host's gzip at -1 and -9
    zlib_input &&
    gzip -1 -c input >fast.gz && run minigzip -d <fast.gz >fast && cmp input fast &&
    gzip -9 -c input >best.gz && run minigzip -d <best.gz >best && cmp input best
}

zlib_files() {   # file mode: minigzip FILE, minigzip -d FILE.gz
    zlib_input && cp input file &&
    run minigzip file && [ -f file.gz ] && [ ! -e file ] &&
    run minigzip -d file.gz && [ -f file ] && cmp input file
}

zlib_corrupt() { # a damaged stream must be rejected, not crash
    zlib_input && gzip -c input >good.gz &&
    head -c 20000 good.gz >bad.gz &&
    printf 'garbage garbage garbage garbage' >>bad.gz &&
    expect_status 1 run minigzip -d <bad.gz >/dev/null
}

# --- bzip2: "make test", integrity, round trips, bzip2recover ------------

# bz_compress LEVEL N: make test's "./bzip2 -LEVEL < sampleN.ref" against sampleN.bz2
bz_compress() {
    run bzip2 "-$1" <"$src/sample$2.ref" >"sample$2.rb2" &&
    cmp "$src/sample$2.bz2" "sample$2.rb2"
}

# bz_decompress OPTION N: make test's "./bzip2 OPTION < sampleN.bz2" against sampleN.ref
bz_decompress() {
    run bzip2 "$1" <"$src/sample$2.bz2" >"sample$2.tst" &&
    cmp "$src/sample$2.ref" "sample$2.tst"
}

bz_integrity() { # bzip2 -t on the reference files
    run bzip2 -t "$src"/sample1.bz2 "$src"/sample2.bz2 "$src"/sample3.bz2
}

bz_input() {
    cat "$src"/sample[123].ref "$dir/bzip2" >input
}

# bz_roundtrip OPTION...: compress with those options and back
bz_roundtrip() {
    bz_input &&
    run bzip2 "$@" <input >input.bz2 &&
    run bzip2 -d <input.bz2 >output &&
    cmp input output
}

bz_files() {     # file mode: bzip2 -k FILE, bzip2 -d -f FILE.bz2, bzcat
    bz_input && cp input file &&
    run bzip2 -k file && [ -f file.bz2 ] && [ -f file ] &&
    run bzip2 -d -f file.bz2 && [ ! -e file.bz2 ] && cmp input file &&
    run bzip2 -c file >file.bz2 && run bzip2 -dc file.bz2 >file.out && cmp input file.out
}

bz_recover() {   # bzip2recover splits sample2.bz2 (two blocks) into files
    cp "$src/sample2.bz2" sample2.bz2 &&
    run bzip2recover sample2.bz2 &&
    [ -f rec00001sample2.bz2 ] && [ -f rec00002sample2.bz2 ] &&
    run bzip2 -dc rec00001sample2.bz2 rec00002sample2.bz2 >joined &&
    cmp "$src/sample2.ref" joined
}

bz_corrupt() {   # a flipped byte must fail the CRC check (exit 2), not crash
    cp "$src/sample2.bz2" bad.bz2 &&
    printf '\x55' | dd of=bad.bz2 bs=1 seek=30000 conv=notrunc status=none &&
    expect_status 2 run bzip2 -t bad.bz2
}

# --- xxhash: "make check", "make test_sanity", "make test-xxhsum-c" ------

xx_sanity() {    # test_sanity: every variant against the test vectors
    run sanity_test
}

xx_stdin() {     # check: xxhsum < xxhash.c, and several files
    run xxhsum <"$src/xxhash.c" &&
    run xxhsum "$src/xxhash.c" "$src/xxhash.h"
}

xx_bench() {     # check: the internal benchmarks, one iteration each
    run xxhsum -bi0 &&
    run xxhsum --benchmark-all -i0 &&
    run xxhsum -b1,2,3 -i0 &&
    run xxhsum -bi0 "$src/xxhash.c"
}

xx_variants() {  # check: -H0 (32-bit), -H2 (128-bit), -H3 (XXH3), -H9 refused
    run xxhsum -H0 "$src/xxhash.c" &&
    run xxhsum -H2 "$src/xxhash.c" &&
    run xxhsum -H3 "$src/xxhash.c" | grep XXH3 &&
    expect_status 1 run xxhsum -H9 "$src/xxhash.c"
}

xx_verify() {    # test-xxhsum-c: sums piped back into xxhsum -c
    cp "$src/xxhash.c" "$src/xxhash.h" "$src/README.md" . &&
    run xxhsum xxhash.c xxhash.h >sums && run xxhsum -c - <sums &&
    run xxhsum -H0 xxhash.c xxhash.h >sums0 && run xxhsum -c - <sums0 &&
    run xxhsum -H3 xxhash.c xxhash.h >sums3 && run xxhsum -c - <sums3 &&
    run xxhsum <README.md >readme.xxh &&
    run xxhsum -c readme.xxh <README.md &&
    sed 's/^[0-9a-f]/0/' sums >bad && expect_status 1 run xxhsum -c - <bad
}

# --- lzo2: "make test" -----------------------------------------------------

lzo_lzotest() {  # make test: lzotest -mlzo, then every available method
    run lzotest-prog -mlzo -n2 -q "$src/COPYING" &&
    run lzotest-prog -mavail -n10 -q "$src/COPYING"
}

lzo_checksh() {  # make test: util/check.sh's 33 methods over source files
    local m
    find "$src/src" "$src/include" "$src/doc" -type f | LC_ALL=C sort >files &&
    for m in 21 31 1 2 3 4 5 6 7 8 9 11 12 13 14 15 16 17 18 19 61 71 81 \
             111 112 115 921 931 901 911 902 912 942 962 972 982 992; do
        run lzotest-prog "-m$m" -@ -q -T -n2 <files || return 1
    done
}

lzo_programs() { # make test: tests/align, tests/chksum, examples/simple, testmini
    run align && run chksum && run simple && run testmini
}

lzo_pack() {     # examples/lzopack: a file compressed and back
    cat "$src/COPYING" "$src/NEWS" "$dir/lzopack" >input &&
    run lzopack input input.lzo && run lzopack -d input.lzo output &&
    cmp input output && run lzopack -t input.lzo
}

# --- lz4: "make test-lz4-essentials", fuzzer, frametest -----------------

# lz4_path: a directory of commands for the package's test scripts: lz4
# (also as lz4cat and unlz4, which it tells apart by argv[0]) and datagen,
# each running the built binary through the wrapper
lz4_path() {
    local b real
    mkdir -p "$work/bin" &&
    for b in lz4 lz4cat unlz4 datagen; do
        real=$b
        case $b in lz4cat|unlz4) real=lz4 ;; esac
        [ -e "$work/bin/$b.real" ] ||
            ln -s "$dir/$real" "$work/bin/$b.real" || return 1
        printf '#!/bin/sh\nexec %s "%s" "$@"\n' "${wrapper[*]}" \
            "$work/bin/$b.real" >"$work/bin/$b" && chmod +x "$work/bin/$b" ||
            return 1
    done
}

# lz4_script NAME: one of the package's tests/test-lz4-*.sh
lz4_script() {
    lz4_path && PATH=$work/bin:$PATH sh "$src/tests/test-lz4-$1.sh"
}

lz4_fuzzers() {  # make test-fuzzer, test-frametest (fixed seeds, fewer runs)
    run fuzzer -s1 -i100 && run frametest -s1 -i300
}

case $prog in
lz4)
    for s in basic multiple multiple-legacy frame-concatenation testmode \
             contentSize dict; do
        t "$s" lz4_script "$s"
    done
    t fuzzers lz4_fuzzers
    ;;
xxhash)
    t sanity xx_sanity
    t stdin xx_stdin
    t bench xx_bench
    t variants xx_variants
    t verify xx_verify
    ;;
lzo2)
    t lzotest lzo_lzotest
    t check-sh lzo_checksh
    t programs lzo_programs
    t lzopack lzo_pack
    ;;
zlib)
    t hello zlib_hello
    t example zlib_example
    t infcover zlib_infcover
    for opt in -1 -6 -9 -f -h -r; do
        t "roundtrip$opt" zlib_roundtrip "$opt"
    done
    t gunzip zlib_gunzip
    t files zlib_files
    t corrupt zlib_corrupt
    ;;
bzip2)
    t compress-1 bz_compress 1 1
    t compress-2 bz_compress 2 2
    t compress-3 bz_compress 3 3
    t decompress-1 bz_decompress -d 1
    t decompress-2 bz_decompress -d 2
    t decompress-3s bz_decompress -ds 3
    t integrity bz_integrity
    t roundtrip-9 bz_roundtrip -9
    t roundtrip-1s bz_roundtrip -1 -s
    t files bz_files
    t recover bz_recover
    t corrupt bz_corrupt
    ;;
esac

how=${wrapper[*]:-natively}
if [ $failed = 0 ]; then
    printf 'PASS: %s %s: %d/%d tests passed (%s)\n' "$prog" "$variant" "$passed" "$passed" "$how"
else
    printf 'FAIL: %s %s: %d/%d tests failed: %s (%s)\n' "$prog" "$variant" "$failed" \
        $((passed + failed)) "${failures[*]}" "$how"
    exit 1
fi

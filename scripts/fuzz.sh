#!/usr/bin/env bash
# Fuzz the x86 CPU's migration state (vmstate_x86_cpu with cpu/apx) with
# libFuzzer, in a clang build with AddressSanitizer and UBSan.
# Usage: scripts/fuzz.sh [SECONDS]          (default 300; also FUZZ_SECONDS)
# Builds build/fuzz/qemu-fuzz-x86_64 (first run: ~10 minutes on 2 cores),
# makes seed inputs from a real APX Linux guest's migration stream, runs
# the fuzzer and keeps its corpus in build/fuzz/corpus and anything it finds
# in build/fuzz/findings.  Exit 1 when the fuzzer found a crash.
. "$(dirname "$0")/lib.sh"

SECS=${1:-${FUZZ_SECONDS:-300}}
FB=$APX_BUILD/fuzz
"$APX_TOP/scripts/install-deps.sh" clang-14 libclang-rt-14-dev llvm-14
"$APX_TOP/scripts/build.sh"      # the seed generator runs our normal QEMU
mkdir -p "$FB"
args=(--target-list=x86_64-softmmu --cc=clang-14 --cxx=clang++-14
      --enable-fuzzing --enable-asan --enable-ubsan
      --enable-tcg --disable-kvm --disable-docs --disable-download
      --disable-tools --disable-guest-agent --disable-werror
      --python=/usr/bin/python3 --disable-install-blobs)
want="${args[*]}"
if [ ! -f "$FB/build.ninja" ] || [ "$(cat "$FB/.apx-configure" 2>/dev/null)" != "$want" ]; then
    note "configuring the fuzzing build in build/fuzz"
    rm -rf "$FB"; mkdir -p "$FB"
    (cd "$FB" && "$APX_TREE/configure" "${args[@]}" >configure.log 2>&1) ||
        die "configure of the fuzzing build failed (see build/fuzz/configure.log)."
    echo "$want" >"$FB/.apx-configure"
fi
note "building build/fuzz/qemu-fuzz-x86_64"
ninja -C "$FB" qemu-fuzz-x86_64 >"$FB/ninja.log" 2>&1 ||
    die "building qemu-fuzz-x86_64 failed (see build/fuzz/ninja.log)."

# The target's machine needs a BIOS: Debian's firmware, where a QEMU run
# from its build directory looks for it.
mkdir -p "$FB/qemu-bundle/usr/local/share/qemu"
for d in /usr/share/qemu /usr/share/seabios /usr/lib/ipxe/qemu; do
    for f in "$d"/*; do
        t=$FB/qemu-bundle/usr/local/share/qemu/${f##*/}
        [ -e "$t" ] || [ -L "$t" ] || ln -s "$f" "$t"
    done
done
mkdir -p "$FB/seeds" "$FB/corpus" "$FB/findings"
if [ -z "$(ls "$FB/seeds")" ]; then
    note "making seed inputs from an APX guest's migration stream"
    PYTHONPATH=$APX_TREE/python python3 "$APX_TOP/tests/fuzz/make-seeds.py" "$FB/seeds" ||
        die "making the seed inputs failed."
fi
note "fuzzing x86-cpu-vmstate-fuzz for ${SECS}s"
export ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-14
set +e
"$FB/qemu-fuzz-x86_64" --fuzz-target=x86-cpu-vmstate-fuzz \
    -max_total_time="$SECS" -print_final_stats=1 -max_len=16384 \
    -artifact_prefix="$FB/findings/" "$FB/corpus" "$FB/seeds" \
    >"$FB/fuzz.log" 2>&1
rc=$?
set -e
grep -q '^stat::number_of_executed_units' "$FB/fuzz.log" ||
    die "the fuzzer did not run (see build/fuzz/fuzz.log)."
grep -E '^(#[0-9]+ .*DONE|stat::number_of_executed_units|stat::peak_rss|INFO: seed corpus)' "$FB/fuzz.log" >&2 || true
found=$(find "$FB/findings" -type f | wc -l)
note "corpus: $(find "$FB/corpus" -type f | wc -l) inputs; findings: $found (log: build/fuzz/fuzz.log)"
[ $rc = 0 ] && [ "$found" = 0 ] || die "the fuzzer found a problem: see build/fuzz/fuzz.log and build/fuzz/findings."

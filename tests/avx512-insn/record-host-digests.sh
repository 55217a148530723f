#!/usr/bin/env bash
# Record the digests of every AVX-512 form on this host CPU, for CI hosts
# without AVX-512: test-avx512-insn.py compares QEMU's digests with these
# when it cannot compute the host's itself.  Run on a host with AVX512F,
# VL, BW, DQ and CD, then commit tests/avx512-insn/host-digests.txt.  The
# file is keyed by the generated forms and the driver's source: after a
# change to either, the test ignores it (and says so) until it is recorded
# again.
# Usage: tests/avx512-insn/record-host-digests.sh
. "$(dirname "$0")/../../scripts/lib.sh"

src=$APX_TOP/tests/avx512-insn
for f in avx512f avx512vl avx512bw avx512dq avx512cd; do
    grep -qw "$f" /proc/cpuinfo || die "this host CPU lacks $f."
done
bin=$("$src/build.sh")
cases=$(sed -n 's/^CASES = \([0-9]*\)$/\1/p' "$src/test-avx512-insn.py")
seed=$(sed -n "s/^SEED = '\(0x[0-9a-f]*\)'$/\1/p" "$src/test-avx512-insn.py")
keys=$(dirname "$bin")/keys
export GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX512F,-AVX512VL,-AVX512BW,-AVX512DQ,-AVX512CD,Prefer_No_AVX512
out=$src/host-digests.txt
{
    echo "# host digests: tests/avx512-insn/record-host-digests.sh"
    echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "# date: $(date -u +%Y-%m-%d)"
    echo "cases $cases seed $seed"
    "$bin" --digest legacy all "$cases" "$seed" | grep '^AVX512-DIGEST: ' |
        awk 'NR == FNR { key[$1] = $2; next }
             { print $0 " key=" key[$2] }' "$keys" -
} >"$out.new" || die "the digest run failed."
mv "$out.new" "$out"
note "wrote $out ($(grep -c '^AVX512-DIGEST' "$out") forms)"

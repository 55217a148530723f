#!/usr/bin/env bash
# Build the AVX-512 gather/scatter test with Debian unstable's GNU
# toolchain (scripts/sid-run.sh; GNU as 2.47 encodes the APX variant's
# R16-R31 bases): gen.py writes the forms, gcc links them statically with
# gather.c, compiled without AVX-512 so that only the forms use it.
# Usage: tests/avx512-gather/build.sh   prints the path of avx512-gather
# Rebuilds only when a source changed.
. "$(dirname "$0")/../../scripts/lib.sh"

src=$APX_TOP/tests/avx512-gather
out=$(sid_out_dir avx512-gather)
bin=$out/avx512-gather
if [ -x "$bin" ] && [ -z "$(find "$src" -newer "$bin" -type f)" ]; then
    echo "$bin"
    exit 0
fi
python3 "$src/gen.py" "$out" || die "generating the gather forms failed."
run() { "$APX_TOP/scripts/sid-run.sh" -C "$out" "$@"; }
run gcc -O2 -Wall -Wextra -Werror -mno-avx512f -static -I. \
    -o avx512-gather.new "$src/gather.c" forms.S >&2 ||
    die "building avx512-gather with Debian unstable's toolchain failed."
mv "$out/avx512-gather.new" "$bin"
echo "$bin"

#!/usr/bin/env bash
# Build the AVX-512 differential instruction test with Debian unstable's GNU
# toolchain (scripts/sid-run.sh): gen.py writes the assembly of every form
# and the raw #UD cases, GNU as 2.47 encodes them (the oracle), gcc links
# them statically with diff.c, which is compiled without AVX-512 so that
# the driver itself never executes an EVEX instruction.  forms.o is
# disassembled into forms.dis for the encoding checks.
# Usage: tests/avx512-insn/build.sh   prints the path of avx512-insn-diff
# Rebuilds only when a source changed.
# The output lives under the checkout's build/ even when APX_BUILD points
# elsewhere: the sid root sees only the checkout (scripts/sid-run.sh).
. "$(dirname "$0")/../../scripts/lib.sh"

src=$APX_TOP/tests/avx512-insn
out=$(sid_out_dir avx512-insn)
bin=$out/avx512-insn-diff
if [ -x "$bin" ] && [ -z "$(find "$src" -newer "$bin" -type f)" ]; then
    echo "$bin"
    exit 0
fi
python3 "$src/gen.py" "$out" || die "generating the AVX-512 test forms failed."
run() { "$APX_TOP/scripts/sid-run.sh" -C "$out" "$@"; }
run as --64 -o forms.o forms.S >&2 ||
    die "GNU as (Debian unstable) refused the AVX-512 forms."
run objdump -dw forms.o >"$out/forms.dis" || die "objdump of forms.o failed."
run gcc -O2 -Wall -Wextra -Werror -mno-avx512f -static -I. \
    -o avx512-insn-diff.new "$src/diff.c" "$src/raw.S" forms.o >&2 ||
    die "building avx512-insn-diff with Debian unstable's toolchain failed."
mv "$out/avx512-insn-diff.new" "$bin"
echo "$bin"

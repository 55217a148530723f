#!/usr/bin/env bash
# Build the differential APX instruction test with Debian unstable's GNU
# toolchain (scripts/sid-run.sh): gen.py writes the assembly of every form,
# GNU as 2.47 encodes it, gcc links it statically with diff.c.
# Also builds apx-user (signal frames and gdbstub in linux-user), static
# and dynamic (apx-user-dyn), next to it.
# Usage: tests/apx-insn/build.sh   prints the path of build/tests/apx-insn/apx-insn-diff
# Rebuilds only when a source changed.
. "$(dirname "$0")/../../scripts/lib.sh"

src=$APX_TOP/tests/apx-insn
out=$APX_BUILD/tests/apx-insn
bin=$out/apx-insn-diff
mkdir -p "$out"
if [ -x "$bin" ] && [ -z "$(find "$src" -newer "$bin" -type f)" ]; then
    echo "$bin"
    exit 0
fi
python3 "$src/gen.py" "$out" || die "generating the test forms failed."
"$APX_TOP/scripts/sid-run.sh" -C "$out" gcc -O2 -Wall -static -I. \
    -o apx-insn-diff.new "$src/diff.c" "$src/cfcmov-faults.S" forms.S >&2 ||
    die "building apx-insn-diff with Debian unstable's toolchain failed."
"$APX_TOP/scripts/sid-run.sh" -C "$out" objdump -d apx-insn-diff.new >"$out/apx-insn-diff.dis" ||
    die "objdump of apx-insn-diff failed."
"$APX_TOP/scripts/sid-run.sh" -C "$out" gcc -O2 -Wall -static \
    -o apx-user "$src/apx-user.c" >&2 ||
    die "building apx-user with Debian unstable's toolchain failed."
# and a dynamic one with lazy binding, to run with the sid root's ld.so/libc
"$APX_TOP/scripts/sid-run.sh" -C "$out" gcc -O2 -Wall -Wl,-z,lazy \
    -o apx-user-dyn "$src/apx-user.c" >&2 ||
    die "building apx-user-dyn with Debian unstable's toolchain failed."
mv "$out/apx-insn-diff.new" "$bin"
echo "$bin"

# qemu-apx: Intel APX for QEMU 10.0 LTS, as a patch queue on Debian's QEMU.
# Every target is a thin wrapper around a script in scripts/ or tests/.

.PHONY: all build prepare export demo check check-series checkpatch soak fuzz \
	bench-migration bench-tcg clean distclean help

all build:
	@scripts/build.sh

prepare:
	@scripts/prepare.sh

export:
	@scripts/export.sh

demo: build
	@scripts/demo.sh

check: build
	@tests/run.sh

checkpatch:
	@scripts/checkpatch.sh

check-series:
	@scripts/check-series.sh

soak: build
	@APX_PINGPONG_HOPS=$${APX_PINGPONG_HOPS:-200} APX_TEST_TIMEOUT=14400 tests/run.sh -k load-pingpong

fuzz:
	@scripts/fuzz.sh

bench-tcg: build
	@scripts/bench-tcg.py -o docs/bench-tcg.md

bench-migration: build
	@PYTHONPATH=build/src/python scripts/bench-migration.py -o docs/bench-migration.md

clean:
	rm -rf build/qemu build/qemu-system-x86_64 build/qemu-x86_64 build/tests

distclean:
	rm -rf build config.mk

help:
	@sed -n 's/^## //p' README.md 2>/dev/null | head -20 || true

# qemu-apx: Intel APX for QEMU 10.0 LTS, as a patch queue on Debian's QEMU.
# Every target is a thin wrapper around a script in scripts/ or tests/.

.PHONY: all build prepare export demo check check-series checkpatch clean distclean help

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

clean:
	rm -rf build/qemu build/qemu-system-x86_64 build/qemu-x86_64 build/tests

distclean:
	rm -rf build config.mk

help:
	@sed -n 's/^## //p' README.md 2>/dev/null | head -20 || true

# qemu-apx: Intel APX for QEMU 10.0 LTS, as a patch queue on Debian's QEMU.
# Every target is a thin wrapper around a script in scripts/ or tests/.
# "## text" after a target is its line in 'make help'.

.PHONY: all build prepare export demo check check-series checkpatch soak fuzz \
	bench-avx512 bench-migration bench-tcg clean distclean help

all: build ## the default: same as 'make build'

build: ## build QEMU's four x86 targets in build/qemu, linked into build/
	@scripts/build.sh

prepare: ## assemble build/src: pinned upstream + the patches/ queue
	@scripts/prepare.sh

export: ## write build/src's commits since 'upstream' back to patches/
	@scripts/export.sh

demo: build ## APX guest: XSAVE lines, R16-R31 in 4 threads across a live migration
	@scripts/demo.sh

check: build ## the test suite; ends with "N passed, N failed, N skipped"
	@tests/run.sh

checkpatch: ## QEMU's checkpatch.pl on every patch of the queue
	@scripts/checkpatch.sh

check-series: ## build every prefix of the queue, four x86 targets (slow; build/series)
	@scripts/check-series.sh

soak: build ## the migration ping-pong load test with 200 hops
	@APX_PINGPONG_HOPS=$${APX_PINGPONG_HOPS:-200} APX_TEST_TIMEOUT=14400 tests/run.sh -k load-pingpong

fuzz: ## libFuzzer over the CPU's migration state (build/fuzz; FUZZ_SECONDS=300)
	@scripts/fuzz.sh

bench-tcg: build ## -mapxf vs legacy builds, ours vs stock qemu-x86_64 -> docs/
	@scripts/bench-tcg.py -o docs/bench-tcg.md

bench-avx512: build ## -march=x86-64-v4 vs -v3 builds under our TCG -> docs/
	@scripts/bench-avx512.py -o docs/bench-avx512.md

bench-migration: build ## stream size and downtime with/without apxf -> docs/
	@PYTHONPATH=build/src/python scripts/bench-migration.py -o docs/bench-migration.md

# Everything under build/ is generated; build/src is kept, as it may hold
# commits or changes that 'make export' has not saved yet.
clean: ## remove everything generated under build/ except build/src
	@if [ -d build ]; then find build -mindepth 1 -maxdepth 1 ! -name src -print -exec rm -rf {} +; fi
	@if [ -d build/src/.git ]; then git -C build/src worktree prune; fi

distclean: ## remove build/ (build/src too) and config.mk
	rm -rf build config.mk

help: ## list these targets
	@sed -n 's/^\([a-z-]*\):.*## \(.*\)/\1\t\2/p' $(firstword $(MAKEFILE_LIST)) | \
		awk -F'\t' '{ printf "  make %-16s %s\n", $$1, $$2 }'

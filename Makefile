# pmu-revoke workbench.  See README.md.
SHELL := /bin/bash
TRIES ?= 4
SEED ?= 1
PAIRS ?= 5
CLOCK ?= icount,wall
ABLATE ?= 1
KERNELS ?= release
SCALE ?= 0
SCALE_BOOTS ?= 3

.PHONY: all deps deps-demo tree export rebase build build-before build-after build-arm64 demo test check bench profile stress mutate mainline mainline-bench clean help

help:
	@echo "make deps     install the Debian packages (make demo installs fewer)"
	@echo "make tree     create linux/: pristine base (tag base) + patches/"
	@echo "make export   regenerate patches/ from linux/ base..HEAD"
	@echo "make rebase VERSION=...  move the series to another linux-source-6.12 (updates BASE)"
	@echo "make build    build the before (base + test driver) and after kernels"
	@echo "make build-arm64  the same two for arm64 (arm_cspmu tests, compile check)"
	@echo "make demo     unbind while perf runs, before vs after (TRIES=$(TRIES) SEED=$(SEED))"
	@echo "make check    series hygiene: checkpatch, MAINTAINERS, kernel-doc, W=1/sparse, bisect"
	@echo "make test     every suite; ends with 'N passed, N failed'"
	@echo "make bench    hot paths base vs series, cost of revocation (PAIRS=$(PAIRS) KERNELS=release|debug CLOCK=icount,wall ABLATE=1|0)"
	@echo "              SCALE=1 adds the cost of unregistering at scale (vCPUs x other PMUs), SCALE=only runs just that"
	@echo "make profile  instructions per function of perf_event_open()+close(), base vs series (BENCH, SYSCALLS)"
	@echo "make stress   concurrent stress + trinity, fault injection + kmemleak; KCSAN=1 (DURATION, SEED)"
	@echo "make mutate   mutation score of the fast suites: break the core on purpose (MUTANTS=..., ALL=1); not in make test"
	@echo "make mainline our tests on mainline 7.3's own revocation (Debian linux-source-7.3): results/mainline.txt; not in make test (MATRIX=0, CASES=...)"
	@echo "make mainline-bench  the cost of mainline 7.3's revocation, as make bench measures ours: results/mainline-bench.txt"

deps:
	scripts/deps.sh all

deps-demo:
	scripts/deps.sh demo

linux/.git: | deps-demo
	scripts/tree.sh

tree: linux/.git

export:
	scripts/export.sh

# Move the series to another linux-source-6.12 (VERSION=6.12.118-1~deb12u1).
rebase:
	scripts/rebase.sh $(VERSION)

build-before: tree
	scripts/build.sh before

build-after: tree
	scripts/build.sh after

build: build-before build-after

build-arm64: tree
	scripts/build.sh arm64-after
	scripts/build.sh arm64-before

# The before kernel is built first; its tries run while the after kernel builds.
demo: deps-demo tree
	scripts/demo.py --build --tries $(TRIES) --seed $(SEED)

test: deps tree
	scripts/test.sh

# SCALE=1: also the scale table (results/bench-scale.txt); SCALE=only: just it.
bench: deps tree
ifneq ($(SCALE),only)
ifeq ($(KERNELS),release)
	scripts/build.sh bench-after
	scripts/build.sh bench-before
	$(if $(filter 1,$(ABLATE)),scripts/build.sh bench-notrack)
else
	$(MAKE) build
endif
	scripts/bench.py --pairs $(PAIRS) --kernels $(KERNELS) --clock $(CLOCK) \
		$(if $(and $(filter 1,$(ABLATE)),$(filter release,$(KERNELS))),--ablate)
ifeq ($(KERNELS),release)
	scripts/insn-profile --out out/insn-profile
	cp out/insn-profile/report.txt results/insn-profile.txt
endif
endif
ifneq ($(filter 1 only,$(SCALE)),)
	scripts/build.sh bench-after
	scripts/bench.py --scale --scale-boots $(SCALE_BOOTS)
endif

BENCH ?= open_close
SYSCALLS ?= perf_event_open,close
profile: deps tree
	scripts/build.sh bench-after
	scripts/build.sh bench-before
	scripts/insn-profile --bench $(BENCH) --syscalls $(SYSCALLS)

check: deps tree build-after build-before build-arm64
	scripts/check.sh

stress: deps tree
	scripts/stress.sh

# Each tests/mutants/*.patch on the series, built (build/mutant) and run
# against KUnit, the kselftest and the perf tool scenario. MUTANTS="03 07"
# selects; ALL=1 runs every suite on every mutant.
MUTANTS ?=
mutate: deps tree
	MUTANTS="$(MUTANTS)" scripts/mutate.sh

clean:
	rm -rf build out

# Not part of make test: about 55 min cold (kernel 24 min, 35 boots 20 min).
mainline: deps tree
	scripts/mainline.sh

# The cost of mainline's revocation, measured as make bench measures ours.
mainline-bench: deps
	scripts/mainline-bench.sh

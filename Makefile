# entk — the two commands that do everything on a fresh Debian machine:
#   make run    install missing system packages, build release, open the workbench on the demo
#   make test   build and run every test (what CI runs)
SHELL := /bin/bash
APT_PACKAGES := libopenblas-dev libncurses-dev libpng-dev libtiff-dev zlib1g-dev libfftw3-dev libcairo2-dev fonts-dejavu-core openmpi-bin libopenmpi-dev tmux
ARCH := $(shell uname -m)
# Release builds target the CPU they run on (the plain x86-64 baseline has no FMA and turns
# SIMD multiply-adds into libm calls): AVX-512 where /proc/cpuinfo lists avx512f (znver4 on
# AMD, skylake-avx512 on Intel), AVX2+FMA (haswell) otherwise. The kernels use 256-bit
# vectors and are correct on both; override with e.g. `make bench TARGET_CPU=haswell`.
ifeq ($(ARCH),x86_64)
CPU_FLAGS := $(shell grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
ifneq ($(filter avx512f,$(CPU_FLAGS)),)
TARGET_CPU ?= $(if $(shell grep -m1 -o AuthenticAMD /proc/cpuinfo 2>/dev/null),znver4,skylake-avx512)
else ifneq ($(and $(filter avx2,$(CPU_FLAGS)),$(filter fma,$(CPU_FLAGS))),)
TARGET_CPU ?= haswell
else
TARGET_CPU ?= x86-64
endif
OPT_FLAGS := -Xswiftc -target-cpu -Xswiftc $(TARGET_CPU)
endif
# --no-color-diagnostics: SwiftPM adds -color-diagnostics to every compile command when
# stdout is a terminal, so a build from a terminal and one through a pipe (or tee) have
# different command lines and each recompiles every module; without colour they are equal.
RELEASE := swift build -c release --no-color-diagnostics $(OPT_FLAGS)
PREFIX ?= $(HOME)/.local
BIN := .build/release

.PHONY: run test bench deps build verify data mutation replay-real clean install check-rebuild

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	$(RELEASE) --product entk

run: build
	$(BIN)/entk

# entk on PATH: $(PREFIX)/bin/entk plus the demo sessions in $(PREFIX)/share/entk/sessions.
install: build
	install -d "$(PREFIX)/bin" "$(PREFIX)/share/entk/sessions"
	install -m 755 $(BIN)/entk "$(PREFIX)/bin/entk"
	install -m 644 sessions/*.jsonl "$(PREFIX)/share/entk/sessions/"
	@case ":$$PATH:" in *":$(PREFIX)/bin:"*) ;; *) echo "note: $(PREFIX)/bin is not on PATH; add: export PATH=\"$(PREFIX)/bin:\$$PATH\"";; esac

# A second `make build` on an unchanged tree must compile nothing, from a pipe or a terminal.
check-rebuild:
	bash scripts/check-rebuild.sh

# XCTest (entk has no Swift Testing tests), then the pytest suite of python/entk in the pinned
# venv .build/pyenv (scripts/pyenv.sh; needs python3, else skipped with a note). The last line
# is one plain combined "tests: N passed, M failed, K skipped"; pytest collecting nothing fails.
test: deps
	bash scripts/check-module-graph.sh
	bash scripts/check-function-length.sh
	swift build --build-tests
	@set -o pipefail; swift test --skip-build --disable-swift-testing 2>&1 | tee .build/test.log; rc=$$?; \
	line=$$(grep -E "Executed [0-9]+ tests?," .build/test.log | tail -1); \
	n=$$(echo "$$line" | sed -nE 's/.*Executed ([0-9]+) tests?,.*/\1/p'); \
	f=$$(echo "$$line" | sed -nE 's/.* ([0-9]+) failures? .*/\1/p'); \
	k=$$(echo "$$line" | sed -nE 's/.* ([0-9]+) tests? skipped.*/\1/p'); \
	n=$${n:-0}; f=$${f:-0}; k=$${k:-0}; pp=0; pf=0; ps=0; \
	if command -v python3 >/dev/null 2>&1; then \
	  if bash scripts/pyenv.sh; then \
	    ENTK_BIN=$$PWD/.build/debug/entk .build/pyenv/bin/python -m pytest python/tests -q -rs -p no:cacheprovider 2>&1 | tee .build/pytest.log; prc=$$?; \
	    pl=$$(grep -E "^=* *[0-9]+ (passed|failed|skipped|errors?|deselected|xfailed|xpassed|warnings?)([ ,].*)? in [0-9.]+s" .build/pytest.log | tail -1); \
	    cnt() { echo "$$pl" | grep -oE "[0-9]+ $$1" | head -1 | cut -d' ' -f1; }; \
	    pp=$$(cnt passed); pf=$$(cnt failed); pe=$$(cnt "errors?"); ps=$$(cnt skipped); \
	    pp=$${pp:-0}; pf=$$(( $${pf:-0} + $${pe:-0} )); ps=$${ps:-0}; \
	    if [ $$prc -eq 5 ]; then echo "pytest: no tests collected in python/tests (exit 5) - counted as a failure"; pf=$$((pf + 1)); fi; \
	    if [ $$prc -ne 0 ] && [ $$pf -eq 0 ]; then echo "pytest: exit $$prc - counted as a failure"; pf=1; fi; \
	    [ $$prc -eq 0 ] || rc=1; \
	  else echo "pyenv: could not create .build/pyenv (scripts/pyenv.sh) - counted as a failure"; pf=1; rc=1; fi; \
	else echo "python3 not found: the pytest suite of python/entk was not run"; fi; \
	echo "tests: $$((n - f - k + pp)) passed, $$((f + pf)) failed, $$((k + ps)) skipped"; exit $$rc

# Real datasets (Fashion-MNIST, MNIST-5k, scikit-image textures, QM9) into the cache; idempotent.
data:
	bash scripts/fetch-data.sh
	bash scripts/fetch-qm9.sh

# The sessions on real data (need `make data`; minutes each in release), figures into out/.
replay-real: build data
	@for s in sessions/real-*.jsonl; do $(BIN)/entk replay $$s --headless --out out/$$(basename $$s .jsonl) || exit 1; done

# Long fuzz run: ENTK_FUZZ_CASES (default 100000) generated specs, .npy files and sessions
# through the CLI's entry points (in-process); prints one count line per suite.
.PHONY: fuzz
fuzz: deps
	swift build --build-tests
	@set -o pipefail; ENTK_FUZZ_CASES=$${ENTK_FUZZ_CASES:-100000} swift test --skip-build --disable-swift-testing \
	  --filter 'EngineFuzzTests|SessionFuzzTests' 2>&1 | tee .build/fuzz.log | grep -E "fuzz: |error:|Executed [0-9]+ tests"

# Perturbs kernel formulas one at a time; each must make a test fail.
mutation: deps
	bash scripts/mutation-check.sh

verify: build
	$(BIN)/entk verify ../shared/reference

bench: deps
	$(RELEASE) --product entk-bench
	$(BIN)/entk-bench

# neural-tangents 0.6.5 and entk side by side on the CNN-GAP stack of `make bench` (N = 8, 16;
# float64), with the dgemm yardstick of the same run; fails if the NTKs differ by > 1e-10.
.PHONY: bench-anchor
bench-anchor: deps
	bash scripts/pyenv.sh
	$(RELEASE) --product entk
	.build/pyenv/bin/python scripts/bench_anchor.py --entk $(BIN)/entk

clean:
	rm -rf .build

# A real single-node Slurm (slurm-wlm + munge, started and stopped by the script) runs
# docs/cluster.md's array + assemble scripts and the MPI script and compares with the plain
# Gram byte for byte. Needs root; a few minutes; not part of `make test`.
.PHONY: cluster-check
CLUSTER_PACKAGES := slurm-wlm munge openmpi-bin libopenmpi-dev
cluster-check: build
	@missing=""; for p in $(CLUSTER_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	bash scripts/slurm-local.sh $(BIN)/entk

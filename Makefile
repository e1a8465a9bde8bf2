# entk — the two commands that do everything on a fresh Debian machine:
#   make run    install missing system packages, build release, open the workbench on the demo
#   make test   build and run every test (what CI runs)
SHELL := /bin/bash
APT_PACKAGES := libopenblas-dev libncurses-dev libpng-dev libtiff-dev zlib1g-dev libfftw3-dev libcairo2-dev fonts-dejavu-core openmpi-bin libopenmpi-dev tmux
ARCH := $(shell uname -m)
# Release builds use AVX2+FMA on x86_64 (the plain baseline turns SIMD FMA into libm calls).
ifeq ($(ARCH),x86_64)
OPT_FLAGS := -Xswiftc -target-cpu -Xswiftc haswell
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

# XCTest only (entk has no Swift Testing tests); the last line is the plain "N passed, M failed".
test: deps
	swift build --build-tests
	@set -o pipefail; swift test --skip-build --disable-swift-testing 2>&1 | tee .build/test.log; rc=$$?; \
	line=$$(grep -E "Executed [0-9]+ tests?," .build/test.log | tail -1); \
	n=$$(echo "$$line" | sed -nE 's/.*Executed ([0-9]+) tests?,.*/\1/p'); \
	f=$$(echo "$$line" | sed -nE 's/.* ([0-9]+) failures? .*/\1/p'); \
	k=$$(echo "$$line" | sed -nE 's/.* ([0-9]+) tests? skipped.*/\1/p'); \
	n=$${n:-0}; f=$${f:-0}; k=$${k:-0}; \
	echo "tests: $$((n - f - k)) passed, $$f failed, $$k skipped"; exit $$rc

# Real datasets (Fashion-MNIST, MNIST-5k, scikit-image textures, QM9) into the cache; idempotent.
data:
	bash scripts/fetch-data.sh
	bash scripts/fetch-qm9.sh

# The sessions on real data (need `make data`; minutes each in release), figures into out/.
replay-real: build data
	@for s in sessions/real-*.jsonl; do $(BIN)/entk replay $$s --headless --out out/$$(basename $$s .jsonl) || exit 1; done

# Perturbs kernel formulas one at a time; each must make a test fail.
mutation: deps
	bash scripts/mutation-check.sh

verify: build
	$(BIN)/entk verify ../shared/reference

bench: deps
	$(RELEASE) --product entk-bench
	$(BIN)/entk-bench

clean:
	rm -rf .build

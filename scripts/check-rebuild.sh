#!/usr/bin/env bash
# make build, then make build again through a pipe, from a pseudo-terminal (script(1)) and
# with another TERM: the repeats must compile nothing (issue 14: a terminal build after a
# piped one recompiled every module).
set -uo pipefail
cd "$(dirname "$0")/.."
make build >/dev/null || { echo "check-rebuild: make build failed"; exit 1; }
fail=0
check() {
  local what=$1; shift
  local out; out=$("$@" 2>&1 | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' | tr '\r' '\n')
  if echo "$out" | grep -qE "Compiling|error:"; then
    echo "REBUILT  $what:"; echo "$out" | grep -E "Compiling|error:" | sort -u | head -5; fail=1
  else echo "ok       $what: nothing compiled"; fi
}
check "pipe" make build
if command -v script >/dev/null; then
  check "terminal" script -qec "make build" /dev/null
  check "terminal, TERM=tmux-256color" env TERM=tmux-256color script -qec "make build" /dev/null
fi
check "pipe, LANG=C.UTF-8" env LANG=C.UTF-8 LC_ALL=C.UTF-8 make build
[ $fail -eq 0 ] && echo "check-rebuild: ok" || echo "check-rebuild: FAILED"
exit $fail

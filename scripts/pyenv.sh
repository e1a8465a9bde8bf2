#!/usr/bin/env bash
# Creates (or reuses) the pinned Python venv under .build/pyenv used by `make test` (pytest
# suite of python/entk) and `make bench-anchor` (neural-tangents side by side).
# Idempotent: when the venv exists with exactly the pinned versions it only re-installs
# ./python (cheap, no network) so the package matches the work tree.
# Usage: bash scripts/pyenv.sh   → prints nothing but pip's errors; exit 1 if python3 is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${ENTK_PYENV:-.build/pyenv}
PINS=(jax==0.4.34 jaxlib==0.4.34 neural-tangents==0.6.5 numpy==1.26.4 pytest==8.3.3)
PY=${PYTHON:-python3}
command -v "$PY" >/dev/null || { echo "pyenv: $PY not found" >&2; exit 1; }

have_pins() {
  [ -x "$VENV/bin/python" ] || return 1
  local frozen; frozen=$("$VENV/bin/python" -m pip freeze --disable-pip-version-check 2>/dev/null) || return 1
  for p in "${PINS[@]}"; do grep -qix "$p" <<<"$frozen" || return 1; done
}

if ! have_pins; then
  echo "pyenv: creating $VENV with ${PINS[*]}" >&2
  rm -rf "$VENV"
  mkdir -p .build
  "$PY" -m venv "$VENV" || { echo "pyenv: '$PY -m venv' failed; on Debian install python3-venv (apt-get install python3-venv)" >&2; exit 1; }
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >&2
  # python/constraints.txt pins the whole dependency tree (neural-tangents pulls tensorflow
  # for tf2jax) as resolved when the pins were chosen, so a later release cannot change it.
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -c python/constraints.txt "${PINS[@]}" >&2
fi
# The package itself: always refreshed from the work tree (no dependencies to fetch).
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps --force-reinstall ./python >&2

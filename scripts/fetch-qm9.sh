#!/usr/bin/env bash
# Fills entk's data cache with QM9 (130,831 molecules: atoms, Å coordinates, U0, …), once,
# from a pinned PyPI wheel. entk itself never uses the network: `QM9.load` only reads the cache.
#
#   scripts/fetch-qm9.sh          (called by `make data`)
#
# Cache: $ENTK_DATA_DIR, else $XDG_CACHE_HOME/entk, else ~/.cache/entk. Layout:
#   qm9/qm9_part{1,2,3}.csv       PyPI qm9pack wheel, qm9pack/data/ (CSV with a header row)
# The wheel and every cached file are checked against the sha256 pinned below; a filled cache is
# verified and left alone (no download).
set -euo pipefail

NAME=fetch-qm9

QM9PACK_VERSION=1.0.3
QM9PACK_WHEEL=qm9pack-1.0.3-py3-none-any.whl
QM9PACK_WHEEL_SHA=1d88c2988007c6778e717ee3224cf511bd60e10732ebe3b7ed500ea5af05c9f0

declare -A WANT=(
  [qm9/qm9_part1.csv]=19f0a5d595462d52cd82eef3370f3e9eb55a1f52cb14985657200349568deff3
  [qm9/qm9_part2.csv]=2bca113fdc0b28a13563c80ed9b240e934f3da6c64c64fe74ddb4f0f36036e61
  [qm9/qm9_part3.csv]=9c5efb5733d2af149db8d95d36ff198b4ffed12d9f7b344220a1e5877d5c6a43
)

# shellcheck source=cache-lib.sh
source "$(dirname "$0")/cache-lib.sh"

say "cache: $CACHE"
mkdir -p "$CACHE"

missing=()
for p in $(printf '%s\n' "${!WANT[@]}" | sort); do ok "$p" || missing+=("$p"); done
if [ "${#missing[@]}" -eq 0 ]; then
  say "qm9: present and verified"
  exit 0
fi

TMP="$(mktemp -d)"
say "pip download qm9pack==$QM9PACK_VERSION (~104 MB)"
python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$TMP" "qm9pack==$QM9PACK_VERSION" \
  || die "pip download qm9pack==$QM9PACK_VERSION failed (is PyPI reachable?)"
[ -f "$TMP/$QM9PACK_WHEEL" ] || die "pip did not produce $QM9PACK_WHEEL"
check "$TMP/$QM9PACK_WHEEL" "$QM9PACK_WHEEL_SHA"

for p in "${missing[@]}"; do
  name="$(basename "$p")"
  python3 - "$TMP/$QM9PACK_WHEEL" "qm9pack/data/$name" "$TMP/$name" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
  install_verified "$TMP/$name" "$p"
done

say "done: $(du -sh "$CACHE/qm9" | cut -f1) in $CACHE/qm9"

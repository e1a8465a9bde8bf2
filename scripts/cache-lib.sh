# Shared helpers of the data-fetch scripts (sourced, not run). The caller sets NAME (the log
# prefix) and the associative array WANT (cache-relative path → pinned sha256) first.
CACHE="${ENTK_DATA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/entk}"

say() { echo "$NAME: $*"; }
die() { echo "$NAME: error: $*" >&2; exit 1; }
sha() { sha256sum "$1" | cut -c1-64; }
ok() { [ -f "$CACHE/$1" ] && [ "$(sha "$CACHE/$1")" = "${WANT[$1]}" ]; }
check() { [ "$(sha "$1")" = "$2" ] || die "$1: sha256 $(sha "$1") is not the pinned $2"; }
# install_verified SRC RELPATH: copy atomically into the cache, then verify.
install_verified() {
  mkdir -p "$(dirname "$CACHE/$2")"
  cp "$1" "$CACHE/$2.tmp.$$" && mv "$CACHE/$2.tmp.$$" "$CACHE/$2"
  ok "$2" || { rm -f "$CACHE/$2"; die "$2: checksum mismatch after copying (expected ${WANT[$2]})"; }
  say "  cached $2"
}

TMP=""
cleanup() { [ -z "$TMP" ] || rm -rf "$TMP"; }
trap cleanup EXIT
tmpdir() { [ -n "$TMP" ] || TMP="$(mktemp -d)"; }

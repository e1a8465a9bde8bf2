#!/usr/bin/env bash
# Writes the regression fixture of headless replay: for every sessions/*.jsonl, the SHA-256 of
# every file `entk replay --headless` writes (cache/ and summary.json aside), summary.json
# without its timings and paths, and gzip copies of the numeric outputs (.npy, .csv) as
# reference values. WorkbenchTests/SessionReplayFixtureTests compares a fresh replay with it:
#   .npy and .csv   by value: shapes, dtypes, CSV headers and non-numeric cells exactly; each
#                   number within |a − b| ≤ 1e-12 · max(S, 1), S = the largest |value| of its
#                   array (per column for CSVs). Why 1e-12: an exact float64 recomputation
#                   that only reassociates sums (vector widths, tiling, a faster SO(3) path)
#                   moved values by ≤ 5.7e-16 (plane engine) and ≤ 3.8e-14 (SO(3)) relative
#                   at 6e3ca88; 1e-12 is 26× the worst of those and ~10⁶× below any change of
#                   a layer, parameter or input (≥ 1e-6). The floor 1 makes it absolute for
#                   columns that are themselves rounding error (the augmentation experiment's
#                   max|f_G − f_CNN+aug|/max|f_G| ≈ 1e-15, already relative to the output scale).
#   text            by hash, with timings ("<number> s") and numbers below 1e-12 written in
#                   e-notation ("4.1e-16", rounding error) masked in .txt files, and every
#                   SHA-256 masked in *.manifest.json (each listed file is checked on its own;
#                   the test checks that the manifest's hashes are those of the files written).
#   figures         by hash. A PNG/SVG/PDF whose bytes changed is accepted (and named in the
#                   test log) only when its numeric source of the same name changed bytes but
#                   agrees within the tolerance; with an unchanged source it is a drawing change
#                   and fails.
# The session .jsonl inputs themselves are replayed as they are (old session files must keep
# replaying, issue 12).
#
# The committed fixture is the output of main at a1fa521 (whose replays hashed identically to
# the byte-for-byte fixture taken from main at fbc1cef with the heatmap-separator order fix),
# with --threads 2. Regenerate only for a change that is meant to alter the output:
#   scripts/replay-fixtures.sh .build/debug/entk Tests/WorkbenchTests/Session/Fixtures/replay
#   scripts/replay-fixtures.sh --outputs DIR FIXTURE_DIR   # replays already in DIR/<session>/
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

# fixture NAME OUTDIR DEST: hashes of OUTDIR's files, its normalized summary.json and gzip
# copies of its .npy/.csv in DEST/values/NAME/. The masks are the test's (see the header).
fixture() {
    python3 - "$2" "$3" "$1" <<'PY'
import gzip, hashlib, os, re, shutil, sys
out, dest, session = sys.argv[1:4]
values = os.path.join(dest, "values", session)
shutil.rmtree(values, ignore_errors=True)
os.makedirs(values)
lines = []
for name in sorted(os.listdir(out)):
    path = os.path.join(out, name)
    if name == "summary.json" or not os.path.isfile(path):
        continue
    data = open(path, "rb").read()
    if name.endswith(".txt"):
        data = re.sub(rb"[0-9]+(?:\.[0-9]+)? s\b", b"# s", data)
        data = re.sub(rb"[0-9](?:\.[0-9]+)?e-(?:1[3-9]|[2-9][0-9]|[1-9][0-9]{2})\b", b"#e-small", data)
    elif name.endswith(".manifest.json"):
        data = re.sub(rb'("sha256" : ")[0-9a-f]{64}', rb"\1masked", data)
    elif name.endswith((".npy", ".csv")):
        # mtime 0 and no file name in the header: equal inputs give equal .gz bytes.
        open(os.path.join(values, name + ".gz"), "wb").write(gzip.compress(data, 9, mtime=0))
    lines.append(f"{hashlib.sha256(data).hexdigest()}  {name}\n")
open(os.path.join(dest, session + ".sha256"), "w").write("".join(lines))
PY
    python3 - "$2/summary.json" > "$3/$1.summary.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("seconds", "session", "entk"):
    d.pop(k, None)
for s in d["steps"]:
    s.pop("seconds", None)
    if "error" in s:  # "<path>:<line>: …" → ":<line>: …"
        s["error"] = s["error"][s["error"].index(":"):]
print(json.dumps(d, indent=1, sort_keys=True, ensure_ascii=False))
PY
    echo "$1: $(wc -l < "$3/$1.sha256") files"
}

if [ "${1:-}" = --outputs ]; then
    outputs=${2:?usage: replay-fixtures.sh --outputs DIR FIXTURE_DIR}
    dest=${3:?usage: replay-fixtures.sh --outputs DIR FIXTURE_DIR}
    mkdir -p "$dest"
    for s in "$root"/sessions/*.jsonl; do
        name=$(basename "$s" .jsonl)
        [ -f "$outputs/$name/summary.json" ] && fixture "$name" "$outputs/$name" "$dest"
    done
    exit 0
fi

bin=${1:?usage: replay-fixtures.sh ENTK_BIN FIXTURE_DIR}
dest=${2:?usage: replay-fixtures.sh ENTK_BIN FIXTURE_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$dest"
for s in "$root"/sessions/*.jsonl; do
    name=$(basename "$s" .jsonl)
    # Real-data sessions need the data cache and outlast replay's 10-minute job limit in a
    # debug build; the fixture covers the synthetic-data sessions.
    case "$name" in real-*) echo "$name: skipped (real data)"; continue ;; esac
    "$bin" replay "$s" --headless --out "$work/$name" --threads 2 --quiet
    fixture "$name" "$work/$name" "$dest"
done

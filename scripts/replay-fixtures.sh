#!/usr/bin/env bash
# Writes the byte-for-byte regression fixture of headless replay: for every sessions/*.jsonl,
# the SHA-256 of every file `entk replay --headless` writes (cache/ and summary.json aside),
# and summary.json without its timings and paths. WorkbenchTests/SessionReplayFixtureTests
# compares a fresh replay against it.
#
# The committed fixture was produced by the entk of main at fbc1cef (before the typed
# commands and the one replay loop of issue 12) with --threads 2 plus one fix that makes
# exports reproducible (heatmap separators drawn in sorted order; at fbc1cef their order
# followed Set iteration, which changes from process to process), so it pins the output
# of the program as it was. Regenerate only for a change that is meant to alter the output:
#   scripts/replay-fixtures.sh .build/debug/entk Tests/WorkbenchTests/Session/Fixtures/replay
#   scripts/replay-fixtures.sh --outputs DIR FIXTURE_DIR   # hash replays already in DIR/<session>/
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

# fixture NAME OUTDIR DEST: hashes of OUTDIR's files and its normalized summary.json.
# Timings vary between runs, so they are masked before hashing, here and in the test:
# in *.txt every "<number> s" (e.g. "Gram SO(3) 12.4 s"), in *.manifest.json the SHA-256
# of the .txt files. Every other file is hashed as written.
fixture() {
    python3 - "$2" "$3/$1.sha256" <<'PY'
import hashlib, os, re, sys
out, dest = sys.argv[1], sys.argv[2]
lines = []
for name in sorted(os.listdir(out)):
    path = os.path.join(out, name)
    if name == "summary.json" or not os.path.isfile(path):
        continue
    data = open(path, "rb").read()
    if name.endswith(".txt"):
        data = re.sub(rb"[0-9]+(?:\.[0-9]+)? s\b", b"# s", data)
    elif name.endswith(".manifest.json"):
        data = re.sub(rb'("name" : "[^"]*\.txt",\s*"sha256" : ")[0-9a-f]{64}', rb"\1masked", data)
    lines.append(f"{hashlib.sha256(data).hexdigest()}  {name}\n")
open(dest, "w").write("".join(lines))
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

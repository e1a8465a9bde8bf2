#!/usr/bin/env bash
# The module graph stays clean (docs/architecture.md): for each library module, the project
# modules its sources may import, checked on the `import` lines of Sources/<module> and on the
# target dependencies in Package.swift. Exit 1 with one line per violation.
#   scripts/check-module-graph.sh          # from `make test`; no build needed (grep + the manifest)
set -uo pipefail
cd "$(dirname "$0")/.."

# module → allowed project modules (C shims included); anything else from Sources/ is refused.
declare -A allowed=(
  [CellSurface]=""
  [FileIO]="CPNG"
  [NTKEngine]="FileIO COpenBLAS CTIFF CZlibShim CKernelMath CFFTW"
  [Plotting]="CellSurface FileIO CCairo"
  [TUI]="CellSurface CNcursesw"
)
project=$(ls Sources)
fail=0
for m in "${!allowed[@]}"; do
  [ -d "Sources/$m" ] || { echo "module-graph: Sources/$m is missing"; fail=1; continue; }
  # import lines, also `@_exported import X`, `@testable import X`, `import struct X.Y`.
  while IFS=: read -r file line text; do
    dep=$(echo "$text" | sed -E 's/^[[:space:]]*(@[A-Za-z_]+[[:space:]]+)*import[[:space:]]+((typealias|struct|class|enum|protocol|let|var|func)[[:space:]]+)?([A-Za-z0-9_]+).*/\4/')
    echo "$project" | grep -qx "$dep" || continue
    case " ${allowed[$m]} " in *" $dep "*) ;; *)
      echo "module-graph: $file:$line: $m may not import $dep (allowed: ${allowed[$m]:-none})"; fail=1 ;;
    esac
  done < <(grep -rnE '^[[:space:]]*(@[A-Za-z_]+[[:space:]]+)*import[[:space:]]' "Sources/$m" --include='*.swift')
done

# The same rule on Package.swift's target dependencies (what SwiftPM links and builds first).
if command -v python3 >/dev/null 2>&1 && manifest=$(swift package dump-package 2>/dev/null); then
  rules=$(for m in "${!allowed[@]}"; do echo "$m=${allowed[$m]}"; done)
  if ! echo "$manifest" | RULES="$rules" python3 -c '
import json, os, sys
rules = dict(line.split("=", 1) for line in os.environ["RULES"].splitlines())
bad = 0
for t in json.load(sys.stdin)["targets"]:
    if t["name"] not in rules: continue
    ok = set(rules[t["name"]].split())
    for d in t.get("dependencies", []):
        kind, val = next(iter(d.items()))
        if kind == "product": continue  # external packages (swift-crypto, ZIPFoundation, ...)
        name = val[0]
        if name not in ok:
            print("module-graph: Package.swift: target %s may not depend on %s" % (t["name"], name)); bad = 1
sys.exit(bad)'; then fail=1; fi
else
  echo "module-graph: Package.swift not checked (needs python3 and swift package dump-package)"
fi

[ $fail -eq 0 ] && echo "module-graph: ok (CellSurface, FileIO, NTKEngine, Plotting, TUI import only what docs/architecture.md allows)"
exit $fail

#!/usr/bin/env bash
# Checks the folder layering inside Sources/Workbench (docs/architecture.md):
#
#   Core ← Compute ← State ← Views ← UI ← Session ← CLI        (Config: leaf, used by CLI)
#
# A folder may use the types of the folders to its left, never of those to its right, so
# there are no cycles between folders. "Uses" means: a file names a type that a higher
# folder declares at top level (struct/enum/class/protocol/typealias; comments and string
# literals are ignored). Also: Core and Compute import no TUI/ncurses, Core no Plotting.
# Exit 1 with one line per violation. Cheap (grep/awk only); `make test` runs it through
# WorkbenchTests/LayeringTests.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)/Sources/Workbench"
layers=(Core Compute State Views UI Session CLI)
fail=0

# Top-level type names declared in a folder.
declared() {
    grep -rhoE '^(public |internal |fileprivate |private )?(final )?(struct|enum|class|protocol|actor|typealias) [A-Z][A-Za-z0-9_]*' \
        "$root/$1" --include='*.swift' | awk '{print $NF}' | sort -u
}

# A file's code without comments and string literals (so names in prose do not count).
code() {
    sed -E -e 's://.*$::' -e 's/"([^"\\]|\\.)*"/""/g' "$1"
}

for ((i = 0; i < ${#layers[@]}; i++)); do
    low=${layers[$i]}
    higher=()
    for ((j = i + 1; j < ${#layers[@]}; j++)); do higher+=("${layers[$j]}"); done
    [ ${#higher[@]} -eq 0 ] && continue
    for h in "${higher[@]}" Config; do
        [ "$low" = CLI ] && continue
        names=$(declared "$h")
        [ -z "$names" ] && continue
        pattern="\\b($(echo "$names" | paste -sd'|'))\\b"
        while IFS= read -r f; do
            hits=$(code "$f" | grep -noE "$pattern" || true)
            if [ -n "$hits" ]; then
                while IFS= read -r hit; do
                    echo "layering: ${f#"$root/"}:${hit%%:*} uses ${hit#*:} from $h/ (a higher layer than $low/)"
                    fail=1
                done <<< "$hits"
            fi
        done < <(find "$root/$low" -name '*.swift' | sort)
    done
done

for dir in Core Compute; do
    if grep -rnE '^import (TUI|CNcursesw)\b' "$root/$dir" --include='*.swift'; then
        echo "layering: $dir/ must not import the terminal toolkit"; fail=1
    fi
done
if grep -rnE '^import Plotting\b' "$root/Core" --include='*.swift'; then
    echo "layering: Core/ must not import Plotting"; fail=1
fi
[ $fail -eq 0 ] && echo "layering: ok (${layers[*]})"
exit $fail

#!/usr/bin/env bash
# No function over 120 lines in Sources/ (issue 12). Lists every func/init/subscript/deinit
# whose body is longer, as file:line name (N lines), and exits 1 if there is any.
#   scripts/check-function-length.sh                 # from `make test`: all of Sources/
#   scripts/check-function-length.sh --max 80 DIR_OR_FILE…
# A function's length runs from the line of its `func` (or init/subscript/deinit) keyword to
# the line of its closing brace, both included (attributes and doc comments above it do not
# count; nested functions count towards the outer one too and are reported on their own).
# No build and no swift-syntax (not a dependency): a small Swift lexer skips comments
# (nested /* */ too), string literals ("…", """…""", raw #"…"#, with \( ) interpolations
# that may hold strings of their own) and #/regex/# literals, so braces in them do not count.
# Closures are not functions: a closure's braces count towards the function around it.
# Protocol requirements (no body) are recognised by reaching the next declaration first.
set -euo pipefail
cd "$(dirname "$0")/.."
max=120
if [ "${1:-}" = --max ]; then max=${2:?usage: check-function-length.sh [--max N] [PATH…]}; shift 2; fi
[ $# -gt 0 ] || set -- Sources
exec python3 - "$max" "$@" <<'PY'
import os, sys

DECL = {"func", "init", "subscript", "deinit"}
# Reaching one of these (outside parentheses) before a `{` means the declaration had no body.
STOP = DECL | {"var", "let", "typealias", "associatedtype", "struct", "class", "enum",
               "protocol", "extension", "case", "actor"}

def tokens(src):
    """(text, line, after_dot) for identifiers/keywords and the brackets (){}[] of code."""
    out, i, n, line = [], 0, len(src), 1
    stack = [["code", None]]   # ["code", open parens] inside \( ), ["str", hashes, multiline]
    prev = ""                  # previous significant code character (for `.init`)
    while i < n:
        c, top = src[i], stack[-1]
        if c == "\n":
            line += 1; i += 1; continue
        if top[0] == "str":
            hashes, multiline = top[1], top[2]
            if c == "\\" and src.startswith("#" * hashes, i + 1):
                k = i + 1 + hashes
                if k < n and src[k] == "(":
                    stack.append(["code", 0]); i = k + 1; continue
                if k < n and src[k] == "\n":
                    line += 1
                i = k + 1; continue
            close = ('"""' if multiline else '"') + "#" * hashes
            if src.startswith(close, i):
                stack.pop(); i += len(close); prev = '"'; continue
            i += 1; continue
        if src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
            continue
        if src.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if src.startswith("/*", i): depth += 1; i += 2
                elif src.startswith("*/", i): depth -= 1; i += 2
                else:
                    line += src[i] == "\n"; i += 1
            continue
        if c in '#"':
            j = i
            while j < n and src[j] == "#": j += 1
            hashes = j - i
            if j < n and src[j] == '"':
                multiline = src.startswith('"""', j)
                stack.append(["str", hashes, multiline]); i = j + (3 if multiline else 1); continue
            if hashes and j < n and src[j] == "/":            # #/regex/#
                close = "/" + "#" * hashes
                k = src.find(close, j + 1)
                k = n if k < 0 else k
                line += src.count("\n", j, k); i = k + len(close); continue
        if c.isalpha() or c == "_":
            j = i
            while j < n and (src[j].isalnum() or src[j] == "_"): j += 1
            out.append((src[i:j], line, prev == ".")); prev = "a"; i = j; continue
        if top[1] is not None and c in "()":
            if c == ")" and top[1] == 0:
                stack.pop(); i += 1; prev = ")"; continue
            top[1] += 1 if c == "(" else -1
        if c in "(){}[]":
            out.append((c, line, False))
        if not c.isspace(): prev = c
        i += 1
    return out

def long_functions(path, limit):
    src = open(path, encoding="utf-8").read()
    t = tokens(src)
    found = []
    for k, (word, line, dotted) in enumerate(t):
        if word not in DECL or dotted:
            continue
        name = word
        if word == "func" and k + 1 < len(t) and t[k + 1][0] not in "(){}[]":
            name = t[k + 1][0]
        parens, body = 0, None
        for j in range(k + 1, len(t)):
            w, _, d = t[j]
            if w in "([": parens += 1
            elif w in ")]": parens -= 1
            elif parens == 0:
                if w == "{": body = j; break
                if w == "}" or (w in STOP and not d): break
        if body is None:
            continue
        depth = 0
        for j in range(body, len(t)):
            if t[j][0] == "{": depth += 1
            elif t[j][0] == "}":
                depth -= 1
                if depth == 0:
                    length = t[j][1] - line + 1
                    if length > limit: found.append((line, name, length))
                    break
    return found

limit, paths = int(sys.argv[1]), sys.argv[2:]
files = []
for p in paths:
    if os.path.isdir(p):
        for d, _, names in os.walk(p):
            files += [os.path.join(d, f) for f in names if f.endswith(".swift")]
    elif os.path.isfile(p):
        files.append(p)
    else:
        sys.exit(f"check-function-length: {p}: no such file or directory")
bad = 0
for f in sorted(files):
    for line, name, length in long_functions(f, limit):
        print(f"{f}:{line}: {name} is {length} lines (limit {limit})")
        bad += 1
if bad:
    print(f"function-length: {bad} function(s) over {limit} lines")
    sys.exit(1)
print(f"function-length: {len(files)} files, no function over {limit} lines")
PY

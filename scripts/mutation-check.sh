#!/usr/bin/env bash
# Mutation check: perturb one kernel formula at a time and require that the test suite notices.
# Each mutation edits one source line in place, rebuilds, runs the named tests, expects a
# FAILURE, and restores the file (also on Ctrl-C / error). Prints "mutations: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
restore() { git checkout -q -- Sources/NTKEngine Sources/CKernelMath 2>/dev/null || true; }
trap restore EXIT INT TERM

# file | exact text | replacement | tests that must fail
mutations=(
  "Sources/NTKEngine/Kernel/BlockActivation.swift|let c1 = (a - b) * (a - b) / (2 * Double.pi)|let c1 = (a - b) * (a - b) / (2.000001 * Double.pi)|ReferenceTests"
  "Sources/NTKEngine/Kernel/WindowSum.swift|let signY = s.a != 0 ? s.a : s.c|let signY = s.a != 0 ? s.a : -s.c|SymmetryTests"
  "Sources/NTKEngine/Kernel/Stack.swift|var thetaFromK: Double { parameterization == .ntk ? w2 : fanIn }|var thetaFromK: Double { parameterization == .ntk ? w2 : fanIn + 1 }|ReferenceTests"
  "Sources/NTKEngine/Activations/Activation.swift|kk += 0.25 * kc|kk += 0.2500001 * kc|ReferenceTests"
  "Sources/NTKEngine/Kernel/VectorMath.swift|e = m(e, 0.1666666666666666)|e = m(e, 0.1666666666666696)|ReluDualAccuracyTests"
  "Sources/NTKEngine/Kernel/WindowSum.swift|acc += src[p.offset[j] + i2 * n3 + u]|acc += src[p.offset[j] + i2 * n3 + (u + 1) % n3]|CircularWrapTests"
  "Sources/NTKEngine/Kernel/WindowSum.swift|r * inRow >= i0 * outRow|r * inRow >= 0 * outRow|CircularWrapTests"
  "Sources/NTKEngine/Kernel/KernelEvaluator.swift|if j < i { weight[j] += 1; weight[i] = 0 }|if j < i { weight[j] += 0; weight[i] = 0 }|SelfPairSavingTests"
  "Sources/NTKEngine/Kernel/RowPipeline.swift|tSlab[e] = a * v + kw2 * tSlab[e] + beta|tSlab[e] = a * v + kw2 * tSlab[e] + beta + beta|RowPipelineTests"
  "Sources/NTKEngine/Kernel/RowPipeline.swift|last[l][r] = now|last[l][r] = first[l][r]|RowPipelineTests"
  "Sources/NTKEngine/Kernel/DiagonalRecursion.swift|r = act.dual(k: selfPair ? v1[t] : k[t], v1: v1[t], v2: v2[t])|r = act.dual(k: selfPair ? v1[t] : k[t], v1: v1[t], v2: v1[t])|DiagonalRecursionTests"
  "Sources/NTKEngine/Kernel/SlicePipeline.swift|if mirror > mine { weight = 2 }|if mirror > mine { weight = 1 }|SlicePipelineTests"
  "Sources/NTKEngine/Kernel/SlicePipeline.swift|row[w + j] = row[j]|row[w + j] = row[w - 1 - j]|SlicePipelineTests"
  "Sources/NTKEngine/Kernel/SlicePipeline.swift|u: (ty + dy) * 2 * w + dx|u: (ty + dy) * 2 * w|SlicePipelineTests"
  "Sources/CKernelMath/include/CKernelMath.h|p = ENTK_FMA(p, z, 0.16666673576687638f)|p = ENTK_FMA(p, z, 0.16676673576687638f)|ReluDualAccuracyTests"
)
caught=0; missed=0
for m in "${mutations[@]}"; do
  IFS='|' read -r file from to tests <<<"$m"
  if ! grep -qF -- "$from" "$file"; then
    echo "MISSING $file: '$from' not found (mutation list out of date)"; missed=$((missed + 1)); continue
  fi
  python3 - "$file" "$from" "$to" <<'PY'
import sys
p, a, b = sys.argv[1:4]
s = open(p).read()
open(p, "w").write(s.replace(a, b, 1))
PY
  if ! swift build --build-tests >/tmp/entk-mutation-build.log 2>&1; then
    echo "BUILD-FAIL $file: $to"; missed=$((missed + 1)); restore; continue
  fi
  if swift test --skip-build --disable-swift-testing --filter "$tests" >/tmp/entk-mutation-test.log 2>&1; then
    echo "SURVIVED $file: '$from' -> '$to' ($tests still pass)"; missed=$((missed + 1))
  else
    echo "caught   $file: '$to' ($tests fail)"; caught=$((caught + 1))
  fi
  restore
done
swift build --build-tests >/dev/null 2>&1
echo "mutations: $caught passed, $missed failed"
[ "$missed" -eq 0 ]

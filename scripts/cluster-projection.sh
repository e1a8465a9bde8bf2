#!/bin/bash
# Measures what the paper-scale projection needs, on the paper's C4 4-layer stack
# (lift + 3×gconv, ReLU, group_pool, dense; 32×32×3 inputs, as entk-bench):
#   * the plain in-memory Gram, 1 thread (reference throughput);
#   * the store-backed Gram, 1 thread (per-tile throughput, incl. per-tile self-kernels + fsync);
#   * mpirun -np 1 and -np 2, one thread per rank (MPI overhead and scaling);
# then prints a Markdown table projecting 1000 train + 1000 test images (train Gram + test×train:
# 1,500,500 pairs) onto 1, 8 and 64 two-core nodes. Model: one node runs 2 ranks × 1 thread at
# the measured np = 2 rate; M nodes run M times that (tiles are independent; rank 0 only moves
# finished tiles, ~16 KB per tile of seconds). The numbers are only as good as the machine was
# idle: say so when quoting them.
# Usage: scripts/cluster-projection.sh [entk binary]   (N=10 TILE=2 by default)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ENTK=$(readlink -f "${1:-$ROOT/.build/release/entk}")
N=${N:-10}
TILE=${TILE:-2}
[ -x "$ENTK" ] || { echo "no entk binary at $ENTK (make build)" >&2; exit 1; }
D=$(mktemp -d /tmp/entk-proj.XXXXXX)
trap 'rm -rf "$D"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
conv() { echo "{\"type\": \"$1\", \"group\": \"C4\", \"filter\": [3, 3], \"padding\": \"circular\", \"W_std\": 1.4, \"b_std\": 0.1}"; }
R='{"type": "relu"}'
cat > "$D/spec.json" <<SPEC
{"input_shape": [32, 32, 3], "layers": [$(conv lift), $R, $(conv gconv), $R, $(conv gconv), $R, $(conv gconv), $R,
 {"type": "group_pool"}, {"type": "dense", "W_std": 1.0, "b_std": 0.05}]}
SPEC
python3 - "$D/x.npy" "$N" <<'PY'
import random, struct, sys
n = int(sys.argv[2]); random.seed(5)
header = "{'descr': '<f8', 'fortran_order': False, 'shape': (%d, 32, 32, 3), }" % n
header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
with open(sys.argv[1], "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
    f.write(struct.pack("<%dd" % (n * 3072), *[random.gauss(0, 1) for _ in range(n * 3072)]))
PY
K=(kernel --spec "$D/spec.json" --x1 "$D/x.npy" --quiet --threads 1)
timeit() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); python3 -c "print($t1 - $t0)"; }
plain=$(timeit "$ENTK" "${K[@]}" --out "$D/o0")
store=$(timeit "$ENTK" "${K[@]}" --out "$D/o1" --store "$D/s1" --tile-rows "$TILE")
np1=$(timeit mpirun --oversubscribe -np 1 "$ENTK" "${K[@]}" --out "$D/o2" --store "$D/s2" --tile-rows "$TILE")
np2=$(timeit mpirun --oversubscribe -np 2 "$ENTK" "${K[@]}" --out "$D/o3" --store "$D/s3" --tile-rows "$TILE")
for o in o1 o2 o3; do cmp -s "$D/o0/ntk.npy" "$D/$o/ntk.npy" || { echo "$o differs from the plain Gram" >&2; exit 1; }; done
python3 - "$N" "$TILE" "$plain" "$store" "$np1" "$np2" "$(uptime | sed 's/.*load average: //')" <<'PY'
import sys
n, tile = int(sys.argv[1]), int(sys.argv[2])
plain, store, np1, np2 = map(float, sys.argv[3:7])
load = sys.argv[7]
pairs = n * (n + 1) // 2
full = 1000 * 1001 // 2 + 1000 * 1000
r = {k: pairs / v for k, v in dict(plain=plain, store=store, np1=np1, np2=np2).items()}
print(f"Measured: C4 lift+3×gconv+ReLU+pool, 32×32×3, N = {n} ({pairs} pairs), --tile-rows {tile}, 1 thread per process; load average {load}")
print()
print("| run | wall s | pairs/s |")
print("|---|---|---|")
for k, name in [("plain", "plain Gram, 1 thread"), ("store", "store, 1 thread"), ("np1", "mpirun -np 1"), ("np2", "mpirun -np 2")]:
    print(f"| {name} | {dict(plain=plain, store=store, np1=np1, np2=np2)[k]:.1f} | {r[k]:.2f} |")
print()
print(f"store overhead vs plain: {100 * (r['plain'] / r['store'] - 1):.1f} %; np = 2 speed-up over np = 1: {r['np2'] / r['np1']:.2f}×")
print()
print(f"Projection, 1000 + 1000 images ({full:,} pairs: train Gram + test × train), two-core nodes at the np = 2 rate:")
print()
print("| nodes | ranks | pairs/s | wall time |")
print("|---|---|---|---|")
for m in (1, 8, 64):
    rate = m * r["np2"]
    h = full / rate / 3600
    print(f"| {m} | {2 * m} | {rate:.1f} | {h:.1f} h |")
PY

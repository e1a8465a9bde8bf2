#!/bin/bash
# A real, single-node Slurm on this machine, to test docs/cluster.md's job scripts end to end:
#   1. starts munged (unless one already answers) and a slurmctld + slurmd from a generated
#      slurm.conf in a scratch folder (random ports, localhost only);
#   2. submits scripts/slurm/entk-array.sbatch as a 4-task array and entk-assemble.sbatch with
#      --dependency=afterok on it, then scripts/slurm/entk-mpi.sbatch (2 MPI ranks);
#   3. compares both results byte for byte with a plain single-process `entk kernel`;
#   4. stops every daemon it started (by PID) and removes the scratch folder, also on failure.
# Needs root (munge key, daemons) and slurm-wlm + munge + openmpi-bin (`make cluster-check`
# installs them). Usage: scripts/slurm-local.sh [path/to/entk]   (default .build/release/entk)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ENTK=$(readlink -f "${1:-$ROOT/.build/release/entk}")
[ -x "$ENTK" ] || { echo "slurm-local: no entk binary at $ENTK (make build)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "slurm-local: must run as root (starts munged, slurmctld, slurmd)" >&2; exit 1; }
for b in munged slurmctld slurmd sbatch sinfo squeue sacct python3; do
  command -v $b >/dev/null || { echo "slurm-local: $b not found; apt-get install slurm-wlm munge (make cluster-check does)" >&2; exit 1; }
done

D=$(mktemp -d /tmp/entk-slurm.XXXXXX)
MUNGE_STARTED=""
log() { echo "slurm-local: $*"; }
cleanup() {
  rc=$?
  set +e
  if [ -n "${SLURM_CONF:-}" ] && [ -f "$D/slurmctld.pid" ]; then scancel --quiet --user=root 2>/dev/null; fi
  for f in "$D/slurmd.pid" "$D/slurmctld.pid"; do
    if [ -f "$f" ]; then pid=$(cat "$f"); kill "$pid" 2>/dev/null; for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done; kill -9 "$pid" 2>/dev/null; fi
  done
  if [ -n "$MUNGE_STARTED" ]; then kill "$MUNGE_STARTED" 2>/dev/null; fi
  if [ $rc -ne 0 ]; then
    echo "slurm-local: FAILED (exit $rc); logs:" >&2
    for f in "$D"/log/*; do [ -f "$f" ] && { echo "== $f" >&2; tail -20 "$f" >&2; }; done
  fi
  rm -rf "$D"
  exit $rc
}
trap cleanup EXIT INT TERM

# 1. munge
if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  log "munged already running; using it"
else
  mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge
  if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
  chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
  chmod 400 /etc/munge/munge.key
  rm -f /run/munge/munged.pid
  munged --force
  for _ in $(seq 100); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
  MUNGE_STARTED=$(cat /run/munge/munged.pid)
  munge -n | unmunge >/dev/null || { echo "slurm-local: munge does not work" >&2; exit 1; }
  log "started munged (pid $MUNGE_STARTED)"
fi

# 2. slurm.conf (Slurm does not expand variables: write real values)
HOST=$(hostname -s)
CPUS=$(nproc)
MEM=$(( $(awk '/MemAvailable/ {print int($2/1024)}' /proc/meminfo) - 1024 ))
[ "$MEM" -gt 1024 ] || MEM=1024
PORT=$(( 20000 + RANDOM % 20000 ))
mkdir -p "$D/state" "$D/spool" "$D/log" "$D/work"
cat > "$D/slurm.conf" <<CONF
ClusterName=entklocal
SlurmctldHost=$HOST
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/log/ctld.log
SlurmdLogFile=$D/log/d.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
NodeName=$HOST CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF
export SLURM_CONF=$D/slurm.conf
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for i in $(seq 60); do
  state=$(sinfo -h -o %t 2>/dev/null | head -1 || true)
  [ "$state" = idle ] && break
  [ "$i" = 60 ] && { echo "slurm-local: node not idle after 30 s (state '$state')" >&2; exit 1; }
  sleep 0.5
done
log "slurmctld + slurmd up on $HOST (port $PORT), node idle"

# 3. a small Gram: C4 stack on 8×8 inputs
cat > "$D/work/spec.json" <<'SPEC'
{"input_shape": [8, 8, 1], "layers": [
  {"type": "lift", "group": "C4", "filter": [3, 3], "padding": "circular", "W_std": 1.4, "b_std": 0.1},
  {"type": "relu"},
  {"type": "gconv", "group": "C4", "filter": [3, 3], "padding": "circular", "W_std": 1.3, "b_std": 0.1},
  {"type": "relu"}, {"type": "group_pool"}, {"type": "dense"}]}
SPEC
python3 - "$D/work/x.npy" <<'PY'
import random, struct, sys
n, h = 20, 8
random.seed(7)
header = "{'descr': '<f8', 'fortran_order': False, 'shape': (%d, %d, %d, 1), }" % (n, h, h)
header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
with open(sys.argv[1], "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
    f.write(struct.pack("<%dd" % (n * h * h), *[random.gauss(0, 1) for _ in range(n * h * h)]))
PY
W=$D/work
"$ENTK" kernel --spec "$W/spec.json" --x1 "$W/x.npy" --out "$W/single" --quiet

COMMON="ALL,ENTK=$ENTK,SPEC=$W/spec.json,X1=$W/x.npy,TILE_ROWS=4"
ARRAY=$(sbatch --parsable --array=0-3 --chdir="$W" --output="$D/log/array-%a.out" \
  --export="$COMMON,STORE=$W/store" "$ROOT/scripts/slurm/entk-array.sbatch")
ASSEMBLE=$(sbatch --parsable --dependency=afterok:"$ARRAY" --chdir="$W" --output="$D/log/assemble.out" \
  --export="$COMMON,STORE=$W/store,OUT=$W/array-out" "$ROOT/scripts/slurm/entk-assemble.sbatch")
log "submitted array job $ARRAY (4 tasks) and assemble job $ASSEMBLE (afterok)"
MPI=$(sbatch --parsable --dependency=afterany:"$ASSEMBLE" --chdir="$W" --output="$D/log/mpi.out" \
  --export="$COMMON,STORE=$W/mpi-store,OUT=$W/mpi-out,MPIRUN_ARGS=--allow-run-as-root --oversubscribe,OMPI_MCA_plm=isolated" \
  "$ROOT/scripts/slurm/entk-mpi.sbatch")
log "submitted MPI job $MPI (2 ranks)"

for i in $(seq 600); do
  left=$(squeue -h -o %i 2>/dev/null | wc -l)
  [ "$left" = 0 ] && break
  [ "$i" = 600 ] && { echo "slurm-local: jobs still queued after 5 min" >&2; squeue >&2; exit 1; }
  sleep 0.5
done
for f in "$D"/log/array-*.out "$D/log/assemble.out" "$D/log/mpi.out"; do
  [ -f "$f" ] && { echo "== $(basename "$f")"; cat "$f"; }
done

ok=1
for m in nngp.npy ntk.npy; do
  for r in array-out mpi-out; do
    if [ -f "$W/$r/$m" ] && cmp -s "$W/single/$m" "$W/$r/$m"; then
      log "$r/$m identical to the single-process Gram"
    else
      log "$r/$m MISSING or DIFFERENT from the single-process Gram"; ok=0
    fi
  done
done
[ "$ok" = 1 ] || exit 1
log "PASS: Slurm array (4 shards) + assemble, and the MPI job, reproduce the single-process Gram byte for byte"

#!/usr/bin/env python3
"""`make bench-anchor`: neural-tangents 0.6.5 and entk side by side on the CNN-GAP stack of
`make bench` (4×(conv3×3 circular, W_std 1.4, b_std 0.1 + ReLU) + global average pool +
dense(W_std 1.0, b_std 0.05), 32×32×3 inputs, NTK parameterization, float64).

For each N (default 8 and 16), on the same seeded Gaussian inputs:
  * neural-tangents: its analytic `kernel_fn` as users call it (each primitive jit-compiled
    on the first call) and `jax.jit(kernel_fn)` (the whole stack compiled as one program); for
    each the first call compiles and is reported, the second, warm call is the one timed; the
    ratio uses the faster warm time. The NTK gate uses plain `kernel_fn`'s NTK; the whole-
    program jit's NTK is shown too (XLA rewrites its arithmetic: ≈1e-11 from the plain one);
  * entk: the CLI, `entk kernel --spec … --x1 … --threads T --quiet` — wall time of the whole
    process (start-up and .npy output included); OPENBLAS_NUM_THREADS=1 for it, as entk-bench;
    best of --entk-runs (3) runs, timed at each N *before* neural-tangents' calls (right
    after neural-tangents' N = 16 calls, which allocate and free ≈ 16 GB, one entk run took
    1.64 s against 0.86–0.93 s on its own on 2026-12-04; the cause was not isolated, so the
    order keeps entk off that window — the times of every run are printed below the table);
  * the ratio neural-tangents warm / entk, and the largest elementwise relative difference
    max |Θ_entk − Θ_nt| / |Θ_nt| of the two NTKs (and of the NNGPs); above --tol (1e-10) the
    script exits 1.
The yardstick printed with them is numpy's float64 matmul (OpenBLAS bundled with numpy
1.26.4) on n×n matrices, best of 3, on --threads threads, measured in the same run.

Usage: .build/pyenv/bin/python scripts/bench_anchor.py --entk .build/release/entk
       [--sizes 8,16] [--threads 2] [--hw 32] [--seed 0] [--tol 1e-10]
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
ap.add_argument("--entk", required=True, help="entk binary (release build)")
ap.add_argument("--sizes", default="8,16", help="comma-separated N (symmetric N×N Gram)")
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--hw", type=int, default=32, help="image height = width (32 as in make bench)")
ap.add_argument("--seed", type=int, default=0)
ap.add_argument("--tol", type=float, default=1e-10)
ap.add_argument("--entk-runs", type=int, default=3, help="entk runs per N, the fastest is reported")
ap.add_argument("--gemm-n", type=int, default=2048)
args = ap.parse_args()
if args.entk_runs < 1:
    sys.exit(f"bench_anchor: --entk-runs must be at least 1, got {args.entk_runs}")

# Thread counts before numpy/jax load their runtimes. OPENBLAS_CORETYPE is left as it is.
os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                           f" --xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads={args.threads}").strip()

import numpy as np  # noqa: E402
import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
import neural_tangents as nt  # noqa: E402
from neural_tangents import stax  # noqa: E402

if not os.access(args.entk, os.X_OK):
    sys.exit(f"bench_anchor: {args.entk} is not an executable entk binary (make bench-anchor builds it)")
try:
    sizes = [int(s) for s in args.sizes.split(",")]
    assert sizes and all(n >= 1 for n in sizes)
except (ValueError, AssertionError):
    sys.exit(f"bench_anchor: --sizes must be positive integers separated by commas, got {args.sizes!r}")

W, B, WD, BD = 1.4, 0.1, 1.0, 0.05
HW = args.hw


def openblas_core():
    """The OpenBLAS core numpy's bundled library runs (openblas_get_corename), or '?'."""
    import ctypes
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({l.split()[-1] for l in f if "openblas" in l.lower() and l.rstrip().endswith(".so")
                           or ("openblas" in l.lower() and ".so" in l.split()[-1])})
        for path in libs:
            lib = ctypes.CDLL(path)
            for sym in ("openblas_get_corename64_", "openblas_get_corename", "scipy_openblas_get_corename64_"):
                fn = getattr(lib, sym, None)
                if fn is not None:
                    fn.restype = ctypes.c_char_p
                    return fn().decode()
    except OSError:
        pass
    return "?"


def dgemm_gflops(n, reps=3):
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    a @ b  # warm-up
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2 * n ** 3 / best / 1e9


def nt_stack():
    layers = []
    for _ in range(4):
        layers += [stax.Conv(1, (3, 3), padding="CIRCULAR", W_std=W, b_std=B), stax.Relu()]
    return stax.serial(*layers, stax.GlobalAvgPool(), stax.Dense(1, W_std=WD, b_std=BD))[2]


SPEC = {"name": "cnn-gap-bench", "parameterization": "ntk", "input_shape": [HW, HW, 3],
        "layers": [l for _ in range(4) for l in (
            {"type": "conv", "filter": [3, 3], "padding": "circular", "W_std": W, "b_std": B}, {"type": "relu"})]
        + [{"type": "global_avg_pool"}, {"type": "dense", "W_std": WD, "b_std": BD}]}


def run_entk(x, tmp):
    spec_p, x_p, out = os.path.join(tmp, "spec.json"), os.path.join(tmp, "x.npy"), os.path.join(tmp, "out")
    with open(spec_p, "w") as f:
        json.dump(SPEC, f)
    np.save(x_p, x)
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    cmd = [args.entk, "kernel", "--spec", spec_p, "--x1", x_p, "--out", out, "--threads", str(args.threads), "--quiet"]
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"bench_anchor: entk failed (exit {r.returncode}): {r.stderr.strip()}")
    return dt, np.load(os.path.join(out, "nngp.npy")), np.load(os.path.join(out, "ntk.npy"))


def max_rel(a, ref):
    return float(np.max(np.abs(a - ref) / np.abs(ref)))


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for l in f:
                if l.startswith("model name"):
                    return l.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


entk_version = subprocess.run([args.entk, "--version"], capture_output=True, text=True).stdout.strip()
load0 = os.getloadavg()
print(f"bench-anchor — {cpu_name()}, {os.cpu_count()} cores, load average {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f} at start")
print(f"neural-tangents {nt.__version__ if hasattr(nt, '__version__') else '0.6.5'} (jax {jax.__version__}, "
      f"jaxlib {jax.lib.__version__ if hasattr(jax.lib, '__version__') else '?'}, numpy {np.__version__}); entk {entk_version} ({args.entk})")
print(f"stack: 4×(conv3×3 circular W_std {W} b_std {B} + ReLU) + GAP + dense(W_std {WD}, b_std {BD}), "
      f"{HW}×{HW}×3, ntk parameterization, float64, symmetric N×N Gram, {args.threads} threads")
core = openblas_core()
gf = dgemm_gflops(args.gemm_n)
print(f"dgemm yardstick: numpy float64 matmul {args.gemm_n}×{args.gemm_n}, {args.threads} threads, best of 3: "
      f"{gf:.1f} GFLOP/s (OpenBLAS core {core}; OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')})")
print("")
print("| N | nt kernel_fn warm s | nt jax.jit warm s | nt first calls s (plain, jit) | entk s | ratio nt/entk | max rel diff NTK | NNGP | NTK vs jit |")
print("|---|---|---|---|---|---|---|---|---|")
sys.stdout.flush()

plain_fn = nt_stack()
jit_fn = jax.jit(plain_fn, static_argnames=("get",))


def timed(fn, x):
    """(first-call seconds, warm seconds, kernels of the warm call)."""
    t0 = time.perf_counter()
    jax.block_until_ready(fn(x, None, get=("nngp", "ntk")))
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    k = jax.block_until_ready(fn(x, None, get=("nngp", "ntk")))
    return first, time.perf_counter() - t0, np.asarray(k.nngp), np.asarray(k.ntk)


failed = False
entk_times = []
rng = np.random.default_rng(args.seed)
with tempfile.TemporaryDirectory(prefix="bench-anchor-") as tmp:
    for n in sizes:
        x = rng.standard_normal((n, HW, HW, 3))
        runs = [run_entk(x, tmp) for _ in range(args.entk_runs)]
        entk_times.append((n, [r[0] for r in runs]))
        t_e, e_nngp, e_ntk = min(runs, key=lambda r: r[0])
        f_plain, t_plain, nt_nngp, nt_ntk = timed(plain_fn, x)
        f_jit, t_jit, _, jit_ntk = timed(jit_fn, x)
        d_ntk, d_nngp, d_jit = max_rel(e_ntk, nt_ntk), max_rel(e_nngp, nt_nngp), max_rel(e_ntk, jit_ntk)
        ok = d_ntk <= args.tol and bool(np.all(np.isfinite(e_ntk)))
        failed |= not ok
        t_nt = min(t_plain, t_jit)
        print(f"| {n} | {t_plain:.2f} | {t_jit:.2f} | {f_plain:.1f}, {f_jit:.1f} | {t_e:.2f} | {t_nt / t_e:.3g}× "
              f"| {d_ntk:.1e}{'' if ok else ' ✗'} | {d_nngp:.1e} | {d_jit:.1e} |")
        sys.stdout.flush()

load1 = os.getloadavg()
print("")
print("entk runs (s): " + "; ".join(f"N = {n}: " + ", ".join(f"{t:.2f}" for t in ts) for n, ts in entk_times))
print(f"load average {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f} at the end "
      f"({'loaded machine: times are noisy' if max(load0[0], load1[0]) > 0.5 * (os.cpu_count() or 1) else 'idle machine'})")
if failed:
    print(f"FAIL: the NTKs differ by more than {args.tol:g} relative")
    sys.exit(1)
print(f"OK: NTKs agree to {args.tol:g} relative at every N")

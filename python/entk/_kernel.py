"""`kernel_fn(spec)`: neural-tangents' calling convention, backed by the `entk` binary.

Each call writes x1 (and x2) as float64 .npy files and the spec as JSON into a fresh
temporary directory, runs `entk kernel --spec … --x1 … [--x2 …] --out … --quiet`, and reads
`nngp.npy` / `ntk.npy` back. A subprocess (rather than a C-ABI library loaded with ctypes)
keeps the Python side free of ABI and Swift-runtime concerns, gives Ctrl-C and crashes a
process boundary, and reuses the CLI's own input validation and located error messages; the
cost (process start, .npy round trip) is milliseconds next to the kernels it is meant for.
"""

from __future__ import annotations

import collections
import copy
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

__all__ = ["Kernel", "EntkError", "EntkNotFoundError", "find_binary", "kernel_fn", "load_spec"]

_GETS = ("nngp", "ntk")


class EntkError(RuntimeError):
    """`entk` failed; carries its exit status, standard error and the command line."""

    def __init__(self, message: str, *, returncode: Optional[int] = None, stderr: str = "",
                 command: Optional[Sequence[str]] = None):
        super().__init__(message)
        self.returncode = returncode
        self.stderr = stderr
        self.command = list(command) if command is not None else None


class EntkNotFoundError(EntkError, FileNotFoundError):
    """No `entk` binary was found (ENTK_BIN, PATH, or a .build/release|debug folder)."""


Kernel = collections.namedtuple("Kernel", ["nngp", "ntk"])
"""Returned when `get` is ("nngp", "ntk") or None; for another tuple a namedtuple with those
fields in that order, as neural-tangents does."""


def _is_exe(p: Path) -> bool:
    return p.is_file() and os.access(p, os.X_OK)


def _build_candidates() -> list:
    """`.build/release/entk` and `.build/debug/entk` of every folder from the working
    directory (and from this file, for an editable install) up to the root."""
    seen, out = set(), []
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for d in (start, *start.parents):
            for cfg in ("release", "debug"):
                p = d / ".build" / cfg / "entk"
                if p not in seen:
                    seen.add(p)
                    out.append(p)
    return out


def find_binary() -> str:
    """The entk executable: $ENTK_BIN if set (it must exist), else `entk` on PATH, else
    `.build/release/entk` or `.build/debug/entk` in the working directory or a parent."""
    env = os.environ.get("ENTK_BIN")
    if env:
        p = Path(env).expanduser()
        if _is_exe(p):
            return str(p)
        found = shutil.which(env)
        if found:
            return found
        raise EntkNotFoundError(f"ENTK_BIN={env!r} is not an executable file "
                                "(build it with `swift build -c release --product entk`)")
    found = shutil.which("entk")
    if found:
        return found
    tried = _build_candidates()
    for p in tried:
        if _is_exe(p):
            return str(p)
    raise EntkNotFoundError(
        "entk binary not found: set ENTK_BIN, put `entk` on PATH, or build it in the repository "
        "(`swift build -c release --product entk`) and run from there; looked in "
        + ", ".join(str(p) for p in tried[:4]) + ", …")


def load_spec(spec: Union[Mapping[str, Any], str, os.PathLike]) -> dict:
    """A spec dict from a dict, a path to a JSON file, or JSON text."""
    if isinstance(spec, Mapping):
        return copy.deepcopy(dict(spec))
    if isinstance(spec, (str, os.PathLike)):
        s = os.fspath(spec)
        if isinstance(s, str) and s.lstrip().startswith("{"):
            try:
                d = json.loads(s)
            except json.JSONDecodeError as e:
                raise ValueError(f"spec: not valid JSON ({e})") from None
        else:
            try:
                with open(s, encoding="utf-8") as f:
                    d = json.load(f)
            except OSError as e:
                raise ValueError(f"spec: cannot read {s!r} ({e.strerror})") from None
            except json.JSONDecodeError as e:
                raise ValueError(f"spec: {s} is not valid JSON ({e})") from None
        if not isinstance(d, dict):
            raise ValueError("spec: expected a JSON object at the top level")
        return d
    raise TypeError(f"spec must be a dict, a JSON file path or JSON text, got {type(spec).__name__}")


def _as_inputs(x: Any, name: str, input_shape: Optional[Sequence[int]]) -> np.ndarray:
    try:
        a = np.asarray(x)
    except Exception as e:  # e.g. ragged nested lists
        raise ValueError(f"{name}: cannot be read as an array ({e})") from None
    if a.dtype == object or not (np.issubdtype(a.dtype, np.floating) or np.issubdtype(a.dtype, np.integer)):
        raise ValueError(f"{name}: must be a real numeric array, got dtype {a.dtype}")
    if a.ndim < 2:
        raise ValueError(f"{name}: must have a leading batch axis, shape (N, *input_shape); got shape {a.shape}")
    if a.shape[0] < 1:
        raise ValueError(f"{name}: the batch is empty (shape {a.shape})")
    if input_shape is not None and tuple(a.shape) == tuple(input_shape):
        raise ValueError(f"{name}: shape {a.shape} is one input; kernel_fn needs a leading batch axis, "
                         f"shape (N, {', '.join(map(str, input_shape))}) (e.g. {name}[None])")
    if input_shape is not None and tuple(a.shape[1:]) != tuple(input_shape):
        raise ValueError(f"{name}: shape {a.shape} does not hold inputs of shape {tuple(input_shape)} "
                         f"(expected (N, {', '.join(map(str, input_shape))}))")
    a = np.ascontiguousarray(a, dtype=np.float64)
    if not np.all(np.isfinite(a)):
        bad = np.argwhere(~np.isfinite(a))[0]
        raise ValueError(f"{name}: non-finite value {a[tuple(bad)]} at index {tuple(int(i) for i in bad)}")
    return a


def _normalise_get(get) -> Tuple[Tuple[str, ...], bool]:
    """(names, single): `single` when `get` is one string (neural-tangents then returns the
    bare array)."""
    if get is None:
        return _GETS, False
    if isinstance(get, str):
        names, single = (get,), True
    else:
        try:
            names, single = tuple(get), False
        except TypeError:
            raise TypeError(f"get must be 'nngp', 'ntk', a tuple of them, or None; got {get!r}") from None
    if not all(isinstance(g, str) for g in names):
        raise TypeError(f"get must be 'nngp', 'ntk', a tuple of them, or None; got {get!r}")
    names = tuple(g.lower() for g in names)  # neural-tangents lower-cases too
    if len(set(names)) < len(names):
        raise ValueError(f"get: entries must be unique, got {get!r}")
    for g in names:
        if g not in _GETS:
            raise ValueError(f"get: entk computes 'nngp' and 'ntk'; {g!r} is not available")
    if not names:
        raise ValueError("get: empty tuple")
    return names, single


def kernel_fn(spec: Union[Mapping[str, Any], str, os.PathLike], *, threads: Optional[int] = None,
              binary: Optional[str] = None, precision: str = "float64", timeout: Optional[float] = None):
    """Returns `kernel_fn(x1, x2=None, get=("nngp", "ntk"))` for an entk architecture spec.

    `spec` is the JSON format of the README (a dict, a path to a .json file, or JSON text);
    `input_shape` may be left out, it is then taken from x1. Inputs are NHWC images (N, H, W, C)
    or vectors (N, D). `x2=None` means x2 = x1. With `get` a string the result is one float64
    array of shape (N1, N2); with a tuple (or None) a namedtuple with fields in that order.
    `threads` is entk's `--threads` (default: all cores), `precision` its `--precision`.
    Failures raise `EntkError` carrying entk's stderr; bad inputs raise ValueError before entk
    runs; a missing binary raises `EntkNotFoundError` at the first call.
    """
    base = load_spec(spec)
    if "layers" not in base:
        raise ValueError("spec: missing \"layers\"")
    if threads is not None and (not isinstance(threads, int) or isinstance(threads, bool) or threads < 1):
        raise ValueError(f"threads must be a positive integer, got {threads!r}")
    if precision not in ("float64", "float32"):
        raise ValueError(f"precision must be 'float64' or 'float32', got {precision!r}")

    def fn(x1, x2=None, get=_GETS, **kwargs):
        if kwargs:
            raise TypeError(f"entk kernel_fn takes no keyword arguments besides x2 and get "
                            f"(got {', '.join(sorted(kwargs))})")
        names, single = _normalise_get(get)
        s = copy.deepcopy(base)
        shape = s.get("input_shape")
        a1 = _as_inputs(x1, "x1", shape)
        if shape is None:
            s["input_shape"] = [int(d) for d in a1.shape[1:]]
        a2 = None if x2 is None else _as_inputs(x2, "x2", s["input_shape"])
        exe = binary or find_binary()
        with tempfile.TemporaryDirectory(prefix="entk-py-") as tmp:
            t = Path(tmp)
            with open(t / "spec.json", "w", encoding="utf-8") as f:
                json.dump(s, f)
            np.save(t / "x1.npy", a1)
            cmd = [exe, "kernel", "--spec", str(t / "spec.json"), "--x1", str(t / "x1.npy"),
                   "--out", str(t / "out"), "--quiet", "--precision", precision]
            if a2 is not None:
                np.save(t / "x2.npy", a2)
                cmd += ["--x2", str(t / "x2.npy")]
            if threads is not None:
                cmd += ["--threads", str(threads)]
            try:
                r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
            except FileNotFoundError:
                raise EntkNotFoundError(f"entk binary {exe!r} could not be started", command=cmd) from None
            except subprocess.TimeoutExpired as e:
                raise EntkError(f"entk kernel did not finish within {timeout} s", command=cmd,
                                stderr=(e.stderr or b"").decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")) from None
            if r.returncode != 0:
                msg = (r.stderr or r.stdout).strip() or f"exit status {r.returncode}"
                raise EntkError(f"entk kernel failed (exit {r.returncode}): {msg}",
                                returncode=r.returncode, stderr=r.stderr, command=cmd)
            out = {}
            n1, n2 = a1.shape[0], (a2 if a2 is not None else a1).shape[0]
            for g in names:
                p = t / "out" / f"{g}.npy"
                try:
                    m = np.load(p)
                except OSError as e:
                    raise EntkError(f"entk kernel exited 0 but {g}.npy could not be read ({e})",
                                    returncode=0, stderr=r.stderr, command=cmd) from None
                if m.shape != (n1, n2) or not np.all(np.isfinite(m)):
                    raise EntkError(f"entk kernel returned {g} of shape {m.shape} (expected {(n1, n2)})"
                                    + ("" if np.all(np.isfinite(m)) else " with non-finite entries"),
                                    returncode=0, stderr=r.stderr, command=cmd)
                out[g] = np.asarray(m, dtype=np.float64)
        if single:
            return out[names[0]]
        if names == _GETS:
            return Kernel(out["nngp"], out["ntk"])
        return collections.namedtuple("Kernel", names)(*(out[g] for g in names))

    fn.spec = base
    return fn

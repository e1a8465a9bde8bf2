"""Spec builders in the style of `neural_tangents.stax`.

    spec, kernel_fn = entk.stax.serial(
        entk.stax.Lift("C4", 3, padding="CIRCULAR", W_std=1.4, b_std=0.1), entk.stax.Relu(),
        entk.stax.GConv(3, padding="CIRCULAR", W_std=1.4, b_std=0.1), entk.stax.Relu(),
        entk.stax.GroupPool(), entk.stax.Dense(1, W_std=1.0, b_std=0.05))
    k = kernel_fn(x1, x2, get="ntk")

Each layer function returns a `Layer` (a dict of the README's layer catalogue with a nice
repr); `serial` checks the pieces, fills in the group of `GConv` layers from the preceding
`Lift`, and returns (spec dict, kernel_fn). Defaults follow neural-tangents where it has the
layer (W_std=1, b_std=None, Conv padding "VALID"); padding names are accepted in either
case. Group layers have no neural-tangents counterpart: `Lift(group, filter_shape)` and
`GConv(filter_shape)` default to circular padding, the one under which turns are exact.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Optional, Sequence, Tuple, Union

from ._kernel import kernel_fn as _kernel_fn

__all__ = ["Layer", "serial", "Dense", "Conv", "Lift", "GConv", "Relu", "LeakyRelu", "ABRelu", "Erf",
           "Gelu", "Identity", "Tanh", "Sin", "Cos", "Sigmoid", "Softplus", "Swish", "Elementwise",
           "GlobalAvgPool", "GroupPool", "Flatten", "S2Lift", "SO3Conv", "SO3Pool"]

GROUPS = ("C1", "C2", "C4", "D1", "D2", "D4")
PADDINGS = ("circular", "same", "valid")
NUMERIC_FNS = ("tanh", "sin", "cos", "sigmoid", "softplus", "swish", "relu", "erf", "gelu")


class Layer(dict):
    """One layer of the spec (a plain dict: `json.dumps` writes it as entk reads it)."""

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.items() if k != "type")
        return f"Layer({self['type']}{': ' + inner if inner else ''})"


def _std(v: Any, name: str, allow_none: bool) -> Optional[float]:
    if v is None and allow_none:
        return None
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(float(v)):
        raise ValueError(f"{name} must be a finite number{' or None' if allow_none else ''}, got {v!r}")
    if float(v) < 0:
        raise ValueError(f"{name} must be ≥ 0, got {v!r}")
    return float(v)


def _width(v: Any, name: str) -> Optional[int]:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, numbers.Integral) or int(v) < 1:
        raise ValueError(f"{name} must be a positive integer or None, got {v!r}")
    return int(v)


def _affine(layer: Layer, W_std, b_std, width, what: str) -> Layer:
    layer["W_std"] = _std(W_std, f"{what}: W_std", False)
    b = _std(b_std, f"{what}: b_std", True)
    if b is not None:
        layer["b_std"] = b
    w = _width(width, f"{what}: width")
    if w is not None:
        layer["width"] = w
    return layer


def _filter(shape: Union[int, Sequence[int]], what: str) -> list:
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        shape = (int(shape), int(shape))
    try:
        f = [int(s) for s in shape]
        ok = len(f) == 2 and all(s >= 1 and s == float(t) for s, t in zip(f, shape))
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(f"{what}: filter_shape must be an int k or (kh, kw) with positive sizes, got {shape!r}")
    return f


def _padding(p: str, what: str) -> str:
    if not isinstance(p, str) or p.lower() not in PADDINGS:
        raise ValueError(f"{what}: padding must be one of CIRCULAR, SAME, VALID (any case), got {p!r}")
    return p.lower()


def _strides(strides, what: str) -> None:
    if strides is None:
        return
    s = (strides, strides) if isinstance(strides, numbers.Integral) else tuple(strides)
    if any(int(v) != 1 for v in s):
        raise ValueError(f"{what}: entk supports stride 1 only, got strides={strides!r}")


def Dense(out_dim: Optional[int] = None, W_std: float = 1.0, b_std: Optional[float] = None) -> Layer:
    """Fully connected layer (neural-tangents' `stax.Dense`); `out_dim` is the width, used
    only under the standard parameterization."""
    return _affine(Layer(type="dense"), W_std, b_std, out_dim, "Dense")


def Conv(out_chan: Optional[int] = None, filter_shape: Union[int, Sequence[int]] = (3, 3), strides=None,
         padding: str = "VALID", W_std: float = 1.0, b_std: Optional[float] = None) -> Layer:
    """2-D convolution, stride 1 (neural-tangents' `stax.Conv`, NHWC)."""
    _strides(strides, "Conv")
    layer = Layer(type="conv", filter=_filter(filter_shape, "Conv"), padding=_padding(padding, "Conv"))
    return _affine(layer, W_std, b_std, out_chan, "Conv")


def Lift(group: str, filter_shape: Union[int, Sequence[int]] = 3, padding: str = "CIRCULAR",
         W_std: float = 1.0, b_std: Optional[float] = None, out_chan: Optional[int] = None) -> Layer:
    """Lifting convolution Z² → Z² × G for a point group G in C1, C2, C4, D1, D2, D4."""
    if not isinstance(group, str) or group.upper() not in GROUPS:
        raise ValueError(f"Lift: group must be one of {', '.join(GROUPS)}, got {group!r}")
    layer = Layer(type="lift", group=group.upper(), filter=_filter(filter_shape, "Lift"),
                  padding=_padding(padding, "Lift"))
    return _affine(layer, W_std, b_std, out_chan, "Lift")


def GConv(filter_shape: Union[int, Sequence[int]] = 3, padding: str = "CIRCULAR", W_std: float = 1.0,
          b_std: Optional[float] = None, out_chan: Optional[int] = None, group: Optional[str] = None) -> Layer:
    """Group convolution on Z² × G; `group` defaults to that of the preceding `Lift` (filled
    in by `serial`)."""
    layer = Layer(type="gconv")
    if group is not None:
        if not isinstance(group, str) or group.upper() not in GROUPS:
            raise ValueError(f"GConv: group must be one of {', '.join(GROUPS)}, got {group!r}")
        layer["group"] = group.upper()
    layer["filter"] = _filter(filter_shape, "GConv")
    layer["padding"] = _padding(padding, "GConv")
    return _affine(layer, W_std, b_std, out_chan, "GConv")


def Relu() -> Layer:
    return Layer(type="relu")


def LeakyRelu(alpha: float = 0.01) -> Layer:
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or not math.isfinite(float(alpha)):
        raise ValueError(f"LeakyRelu: alpha must be a finite number, got {alpha!r}")
    return Layer(type="leaky_relu", alpha=float(alpha))


def ABRelu(a: float, b: float) -> Layer:
    """x ↦ a·min(x, 0) + b·max(x, 0) (neural-tangents' `stax.ABRelu`)."""
    for n, v in (("a", a), ("b", b)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(float(v)):
            raise ValueError(f"ABRelu: {n} must be a finite number, got {v!r}")
    return Layer(type="abrelu", a=float(a), b=float(b))


def Erf(a: float = 1.0, b: float = 1.0, c: float = 0.0) -> Layer:
    """erf(x); neural-tangents' a·erf(b·x) + c exists in entk only for a = b = 1, c = 0."""
    if (a, b, c) != (1.0, 1.0, 0.0):
        raise ValueError(f"Erf: entk has erf(x) only (a=1, b=1, c=0), got a={a}, b={b}, c={c}")
    return Layer(type="erf")


def Gelu(approximate: bool = False) -> Layer:
    """Exact GELU x·Φ(x) (neural-tangents' `stax.Gelu(approximate=False)`)."""
    if approximate:
        raise ValueError("Gelu: entk has the exact GELU only (approximate=False)")
    return Layer(type="gelu")


def Identity() -> Layer:
    return Layer(type="identity")


def Elementwise(fn: str) -> Layer:
    """Any of entk's numerical duals (64×64-node Gauss–Hermite quadrature) by name."""
    if not isinstance(fn, str) or fn not in NUMERIC_FNS:
        raise ValueError(f"Elementwise: fn must be one of {', '.join(NUMERIC_FNS)}, got {fn!r}")
    return Layer(type="elementwise", fn=fn)


def Tanh() -> Layer:
    return Layer(type="tanh")


def Sin() -> Layer:
    """sin(x) (neural-tangents' `stax.Sin()` with its defaults a=1, b=1, c=0)."""
    return Layer(type="sin")


def Cos() -> Layer:
    return Layer(type="cos")


def Sigmoid() -> Layer:
    return Layer(type="sigmoid")


def Softplus() -> Layer:
    return Layer(type="softplus")


def Swish() -> Layer:
    return Layer(type="swish")


def GlobalAvgPool() -> Layer:
    return Layer(type="global_avg_pool")


def GroupPool() -> Layer:
    """Mean over all positions and all group elements → invariant features."""
    return Layer(type="group_pool")


def Flatten() -> Layer:
    return Layer(type="flatten")


def _spherical(kind: str, bandwidth_in: int, bandwidth_out: int, max_beta: float, W_std, b_std) -> Layer:
    for n, v in (("bandwidth_in", bandwidth_in), ("bandwidth_out", bandwidth_out)):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or int(v) < 1:
            raise ValueError(f"{kind}: {n} must be a positive integer, got {v!r}")
    if isinstance(max_beta, bool) or not isinstance(max_beta, numbers.Real) or not (0 < float(max_beta) <= math.pi + 1e-12):
        raise ValueError(f"{kind}: max_beta must be in (0, π], got {max_beta!r}")
    layer = Layer(type={"S2Lift": "s2_lift", "SO3Conv": "so3_conv"}[kind], bandwidth_in=int(bandwidth_in),
                  bandwidth_out=int(bandwidth_out), max_beta=float(max_beta))
    return _affine(layer, W_std, b_std, None, kind)


def S2Lift(bandwidth_in: int, bandwidth_out: int, max_beta: float = math.pi, W_std: float = 1.0,
           b_std: Optional[float] = None) -> Layer:
    """Lifting convolution S² → SO(3) on Driscoll–Healy grids (input shape [2L, 2L−1, C])."""
    return _spherical("S2Lift", bandwidth_in, bandwidth_out, max_beta, W_std, b_std)


def SO3Conv(bandwidth_in: int, bandwidth_out: int, max_beta: float = math.pi, W_std: float = 1.0,
            b_std: Optional[float] = None) -> Layer:
    return _spherical("SO3Conv", bandwidth_in, bandwidth_out, max_beta, W_std, b_std)


def SO3Pool() -> Layer:
    return Layer(type="so3_pool")


def serial(*layers: Layer, input_shape: Optional[Sequence[int]] = None, parameterization: str = "ntk",
           name: Optional[str] = None, **kernel_kwargs) -> Tuple[dict, Any]:
    """Chains layers into a spec; returns (spec dict, kernel_fn).

    `input_shape` ([H, W, C] or [D]) may be left out: kernel_fn then takes it from x1.
    Nested `serial` results may be passed as layers (their layers are spliced in).
    `kernel_kwargs` (threads, binary, precision, timeout) go to `entk.kernel_fn`.
    """
    flat: list = []
    for i, l in enumerate(layers):
        if isinstance(l, tuple) and len(l) == 2 and isinstance(l[0], dict) and "layers" in l[0]:
            flat.extend(Layer(d) for d in l[0]["layers"])
        elif isinstance(l, dict) and "type" in l:
            flat.append(Layer(l))
        else:
            raise TypeError(f"serial: argument {i} is not a layer (got {type(l).__name__}); "
                            "call the constructor, e.g. Relu() not Relu")
    if not flat:
        raise ValueError("serial: the stack is empty")
    if parameterization not in ("ntk", "standard"):
        raise ValueError(f"serial: parameterization must be 'ntk' or 'standard', got {parameterization!r}")
    group = None
    for i, l in enumerate(flat):
        if l["type"] == "lift":
            group = l["group"]
        elif l["type"] == "gconv" and "group" not in l:
            if group is None:
                raise ValueError(f"serial: layer {i} (GConv) has no group and no Lift before it")
            # keep the key order of the catalogue: type, group, filter, …
            rest = {k: v for k, v in l.items() if k != "type"}
            flat[i] = Layer(type="gconv", group=group, **rest)
    spec: dict = {"parameterization": parameterization, "layers": [dict(l) for l in flat]}
    if name is not None:
        spec["name"] = str(name)
    if input_shape is not None:
        shape = list(input_shape)
        if not (len(shape) in (1, 3) and all(isinstance(s, numbers.Integral) and not isinstance(s, bool) and s > 0 for s in shape)):
            raise ValueError(f"serial: input_shape must be [D] or [H, W, C] with positive sizes, got {input_shape!r}")
        spec["input_shape"] = [int(s) for s in shape]
    return spec, _kernel_fn(spec, **kernel_kwargs)

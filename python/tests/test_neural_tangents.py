"""entk.kernel_fn against neural-tangents' own analytic kernel_fn (float64), to 1e-10 relative."""

import numpy as np
import pytest

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
nt_stax = pytest.importorskip("neural_tangents.stax")

import entk  # noqa: E402
from entk import stax  # noqa: E402
from conftest import rel_err  # noqa: E402

TOL = 1e-10


def _cnn_gap(lib, padding, act, depth=3):
    layers = []
    for i in range(depth):
        layers += [lib.Conv(4, (3, 3), padding=padding, W_std=1.4 + 0.1 * i, b_std=0.1), act(lib)]
    layers += [lib.GlobalAvgPool(), lib.Dense(1, W_std=1.0, b_std=0.05)]
    return lib.serial(*layers)


ACTS = {"relu": lambda lib: lib.Relu(), "erf": lambda lib: lib.Erf(), "gelu": lambda lib: lib.Gelu()}


@pytest.mark.parametrize("padding", ["CIRCULAR", "SAME"])
@pytest.mark.parametrize("act", ["relu", "erf"])
def test_cnn_gap_matches_neural_tangents(entk_bin, padding, act):
    rng = np.random.default_rng(7)
    x1 = rng.standard_normal((4, 8, 8, 3))
    x2 = rng.standard_normal((3, 8, 8, 3))
    _, _, nt_fn = _cnn_gap(nt_stax, padding, ACTS[act])
    _, e_fn = _cnn_gap(stax, padding, ACTS[act])
    for a, b in ((x1, None), (x1, x2)):
        ref = nt_fn(a, b, ("nngp", "ntk"))
        got = e_fn(a, b)
        assert got.nngp.shape == ref.nngp.shape and got.ntk.shape == ref.ntk.shape
        assert rel_err(got.nngp, ref.nngp) <= TOL, (padding, act, rel_err(got.nngp, ref.nngp))
        assert rel_err(got.ntk, ref.ntk) <= TOL, (padding, act, rel_err(got.ntk, ref.ntk))


def test_cnn_gap_circular_32x32_like_the_bench(entk_bin):
    """The CNN-GAP stack of `make bench` (4×(conv3×3+ReLU)+GAP+Dense, circular), on small images."""
    layers_nt, layers_e = [], []
    for _ in range(4):
        layers_nt += [nt_stax.Conv(1, (3, 3), padding="CIRCULAR", W_std=1.4, b_std=0.1), nt_stax.Relu()]
        layers_e += [stax.Conv(1, (3, 3), padding="CIRCULAR", W_std=1.4, b_std=0.1), stax.Relu()]
    _, _, nt_fn = nt_stax.serial(*layers_nt, nt_stax.GlobalAvgPool(), nt_stax.Dense(1, 1.0, 0.05))
    _, e_fn = stax.serial(*layers_e, stax.GlobalAvgPool(), stax.Dense(1, 1.0, 0.05))
    x = np.random.default_rng(3).standard_normal((3, 6, 6, 3))
    assert rel_err(e_fn(x, get="ntk"), nt_fn(x, None, "ntk")) <= TOL


def test_mlp_matches_neural_tangents(entk_bin):
    x1 = np.random.default_rng(1).standard_normal((5, 7))
    _, _, nt_fn = nt_stax.serial(nt_stax.Dense(16, 1.3, 0.2), nt_stax.Gelu(), nt_stax.Dense(1, 0.9, 0.1))
    _, e_fn = stax.serial(stax.Dense(16, 1.3, 0.2), stax.Gelu(), stax.Dense(1, 0.9, 0.1))
    ref = nt_fn(x1, None, ("nngp", "ntk"))
    got = e_fn(x1)
    assert rel_err(got.nngp, ref.nngp) <= TOL
    assert rel_err(got.ntk, ref.ntk) <= TOL


def test_calling_convention_matches_neural_tangents(entk_bin):
    """Same return kinds and field orders as neural-tangents for every form of `get`."""
    x = np.random.default_rng(2).standard_normal((3, 5))
    _, _, nt_fn = nt_stax.serial(nt_stax.Dense(8, 1.0, 0.1), nt_stax.Relu(), nt_stax.Dense(1))
    _, e_fn = stax.serial(stax.Dense(8, 1.0, 0.1), stax.Relu(), stax.Dense(1))
    for get in ("ntk", "nngp", "NTK"):
        ref, got = nt_fn(x, None, get), e_fn(x, None, get)
        assert isinstance(got, np.ndarray) and got.dtype == np.float64 and got.shape == ref.shape
        assert rel_err(got, ref) <= TOL
    for get in (("ntk",), ("ntk", "nngp"), ("nngp", "ntk")):
        ref, got = nt_fn(x, None, get), e_fn(x, None, get)
        assert got._fields == ref._fields
        for f in got._fields:
            assert rel_err(getattr(got, f), getattr(ref, f)) <= TOL
    # keyword forms and the default
    got = e_fn(x1=x, x2=x[:2], get="ntk")
    assert rel_err(got, nt_fn(x, x[:2], "ntk")) <= TOL
    assert e_fn(x)._fields == ("nngp", "ntk")
    with pytest.raises(ValueError):
        nt_fn(x, None, ())
    with pytest.raises(ValueError):
        e_fn(x, None, ())

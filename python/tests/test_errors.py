"""Error paths of entk.kernel_fn: bad shapes and values, bad `get`, entk failing, no binary."""

import os
import stat

import numpy as np
import pytest

import entk
from entk import _kernel, stax

SPEC = {"input_shape": [6, 6, 2], "layers": [
    {"type": "conv", "filter": [3, 3], "padding": "circular", "W_std": 1.4, "b_std": 0.1},
    {"type": "relu"}, {"type": "global_avg_pool"}, {"type": "dense", "W_std": 1.0}]}
X = np.random.default_rng(0).standard_normal((3, 6, 6, 2))


@pytest.mark.parametrize("x1, x2, words", [
    (X[0], None, "leading batch axis"),
    (np.ones(5), None, "leading batch axis"),
    (X[:, :5], None, "does not hold inputs of shape (6, 6, 2)"),
    (X, X[:, :, :, :1], "x2: shape (3, 6, 6, 1) does not hold"),
    (X[:0], None, "batch is empty"),
    (np.where(np.arange(X.size).reshape(X.shape) == 7, np.nan, X), None, "x1: non-finite value nan at index (0, 0, 3, 1)"),
    (np.full((2, 6, 6, 2), "a"), None, "real numeric array"),
])
def test_bad_inputs_raise_value_error_before_running(x1, x2, words, monkeypatch):
    monkeypatch.setenv("ENTK_BIN", "/nonexistent/entk")  # proves entk is not reached
    fn = entk.kernel_fn(SPEC)
    with pytest.raises(ValueError) as e:
        fn(x1, x2)
    assert words in str(e.value)


@pytest.mark.parametrize("get, exc", [("cov1", ValueError), (("ntk", "ntk"), ValueError), ((), ValueError),
                                      (3, TypeError), (("ntk", 1), TypeError)])
def test_bad_get(get, exc, monkeypatch):
    monkeypatch.setenv("ENTK_BIN", "/nonexistent/entk")
    with pytest.raises(exc):
        entk.kernel_fn(SPEC)(X, None, get)


def test_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match="keyword"):
        entk.kernel_fn(SPEC)(X, get="ntk", diagonal_batch=True)


def test_entk_errors_carry_its_located_message(entk_bin):
    bad = dict(SPEC, layers=SPEC["layers"][:2] + [{"type": "dense"}])
    with pytest.raises(entk.EntkError) as e:
        entk.kernel_fn(bad)(X)
    assert e.value.returncode == 1
    assert "layers[2]" in e.value.stderr and "unpooled" in e.value.stderr
    assert "layers[2]" in str(e.value)
    assert e.value.command[0] == entk_bin and e.value.command[1] == "kernel"
    # spec refused by entk when the shape comes from x1: C4 needs square images
    _, fn = stax.serial(stax.Lift("C4", 3), stax.Relu(), stax.GroupPool(), stax.Dense())
    with pytest.raises(entk.EntkError, match="square"):
        fn(np.ones((2, 5, 6, 1)))


def test_missing_binary(monkeypatch, tmp_path):
    monkeypatch.setenv("ENTK_BIN", str(tmp_path / "no-such-entk"))
    with pytest.raises(entk.EntkNotFoundError, match="ENTK_BIN"):
        entk.kernel_fn(SPEC)(X)
    # not set: PATH and the .build folders are searched
    monkeypatch.delenv("ENTK_BIN")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(_kernel, "_build_candidates", lambda: [tmp_path / ".build" / "release" / "entk"])
    with pytest.raises(entk.EntkNotFoundError, match="entk binary not found"):
        entk.find_binary()
    # a file that is not executable does not count
    (tmp_path / "entk").write_text("#!/bin/sh\n")
    with pytest.raises(FileNotFoundError):  # EntkNotFoundError is one
        entk.find_binary()


def _fake(tmp_path, body):
    p = tmp_path / "fake-entk"
    p.write_text("#!/bin/sh\n" + body + "\n")
    p.chmod(p.stat().st_mode | stat.S_IXUSR)
    return str(p)


def test_binary_that_writes_nothing_or_garbage(tmp_path):
    with pytest.raises(entk.EntkError, match="nngp.npy could not be read"):
        entk.kernel_fn(SPEC, binary=_fake(tmp_path, "exit 0"))(X)
    with pytest.raises(entk.EntkError, match="exit 3.*boom") as e:
        entk.kernel_fn(SPEC, binary=_fake(tmp_path, "echo boom >&2; exit 3"))(X)
    assert e.value.returncode == 3 and "boom" in e.value.stderr


def test_timeout(tmp_path):
    with pytest.raises(entk.EntkError, match="did not finish"):
        entk.kernel_fn(SPEC, binary=_fake(tmp_path, "sleep 5"), timeout=0.5)(X)


@pytest.mark.parametrize("spec, exc, words", [
    ("{not json", ValueError, "not valid JSON"),
    ("/nonexistent/spec.json", ValueError, "cannot read"),
    ({"input_shape": [3]}, ValueError, "missing \"layers\""),
    (42, TypeError, "spec must be"),
])
def test_bad_specs(spec, exc, words):
    with pytest.raises(exc, match=None) as e:
        entk.kernel_fn(spec)
    assert words in str(e.value)


def test_bad_options():
    with pytest.raises(ValueError, match="threads"):
        entk.kernel_fn(SPEC, threads=0)
    with pytest.raises(ValueError, match="precision"):
        entk.kernel_fn(SPEC, precision="float16")


def test_spec_from_file_and_text_and_threads(entk_bin, tmp_path):
    import json
    p = tmp_path / "s.json"
    p.write_text(json.dumps(SPEC))
    a = entk.kernel_fn(p, threads=1)(X, get="ntk")
    b = entk.kernel_fn(json.dumps(SPEC))(X, get="ntk")
    c = entk.kernel_fn(str(p))(X[:2], X, get="ntk")
    assert np.array_equal(a, b)
    # rows of a non-symmetric call equal the symmetric Gram's; the self-pairs x_i vs x_i are
    # not known to be self-pairs there, so ReLU's arccos at correlation 1 rounds (≈1e-10)
    off = ~np.eye(2, 3, dtype=bool)
    assert np.allclose(c[off], a[:2][off], rtol=1e-14, atol=0)
    assert np.allclose(c, a[:2], rtol=1e-9, atol=0)
    assert np.allclose(a, a.T, rtol=1e-14, atol=0)

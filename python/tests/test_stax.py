"""Unit tests of the entk.stax spec builders (no binary needed: specs only)."""

import json
import math

import pytest

from entk import stax


def spec_of(*layers, **kw):
    spec, _ = stax.serial(*layers, **kw)
    return spec


def test_defaults_follow_neural_tangents():
    assert stax.Dense() == {"type": "dense", "W_std": 1.0}  # b_std=None: no bias, no key
    assert stax.Dense(10, 2, 0.5) == {"type": "dense", "W_std": 2.0, "b_std": 0.5, "width": 10}
    c = stax.Conv(8, (3, 5))
    assert c == {"type": "conv", "filter": [3, 5], "padding": "valid", "W_std": 1.0, "width": 8}
    assert stax.Conv(1, 3, padding="CIRCULAR")["filter"] == [3, 3]
    assert stax.Conv(1, 3, padding="Same")["padding"] == "same"
    assert stax.Conv(1, 3, strides=(1, 1))["type"] == "conv"


def test_group_layers_and_group_fill_in():
    spec = spec_of(stax.Lift("c4", 3, W_std=1.4, b_std=0.1), stax.Relu(), stax.GConv(5, padding="SAME"),
                   stax.Relu(), stax.GroupPool(), stax.Dense(1), input_shape=[9, 9, 2], name="g")
    assert spec == {
        "parameterization": "ntk", "name": "g", "input_shape": [9, 9, 2],
        "layers": [
            {"type": "lift", "group": "C4", "filter": [3, 3], "padding": "circular", "W_std": 1.4, "b_std": 0.1},
            {"type": "relu"},
            {"type": "gconv", "group": "C4", "filter": [5, 5], "padding": "same", "W_std": 1.0},
            {"type": "relu"},
            {"type": "group_pool"},
            {"type": "dense", "W_std": 1.0, "width": 1},
        ]}
    assert list(spec["layers"][2]) == ["type", "group", "filter", "padding", "W_std"]
    # an explicit group is kept (entk itself reports a mismatch, located)
    assert spec_of(stax.Lift("C4"), stax.GConv(group="C2"), stax.GroupPool(), stax.Dense())["layers"][1]["group"] == "C2"
    # the spec is JSON as entk reads it
    assert json.loads(json.dumps(spec)) == spec


def test_activation_and_pool_catalogue():
    assert stax.LeakyRelu(0.2) == {"type": "leaky_relu", "alpha": 0.2}
    assert stax.ABRelu(-1, 2) == {"type": "abrelu", "a": -1.0, "b": 2.0}
    names = [f().get("type") for f in (stax.Relu, stax.Erf, stax.Gelu, stax.Identity, stax.Tanh, stax.Sin,
                                        stax.Cos, stax.Sigmoid, stax.Softplus, stax.Swish, stax.GlobalAvgPool,
                                        stax.GroupPool, stax.Flatten, stax.SO3Pool)]
    assert names == ["relu", "erf", "gelu", "identity", "tanh", "sin", "cos", "sigmoid", "softplus", "swish",
                     "global_avg_pool", "group_pool", "flatten", "so3_pool"]
    assert stax.Elementwise("relu") == {"type": "elementwise", "fn": "relu"}
    s = stax.S2Lift(4, 3, W_std=1.2, b_std=0.1)
    assert s == {"type": "s2_lift", "bandwidth_in": 4, "bandwidth_out": 3, "max_beta": math.pi, "W_std": 1.2, "b_std": 0.1}
    assert stax.SO3Conv(3, 2, max_beta=1.0)["max_beta"] == 1.0


def test_nested_serial_is_spliced():
    block = stax.serial(stax.Conv(1, 3, padding="SAME"), stax.Relu())
    spec = spec_of(block, block, stax.GlobalAvgPool(), stax.Dense(1), parameterization="standard")
    assert [l["type"] for l in spec["layers"]] == ["conv", "relu", "conv", "relu", "global_avg_pool", "dense"]
    assert spec["parameterization"] == "standard"
    assert "input_shape" not in spec


@pytest.mark.parametrize("make, words", [
    (lambda: stax.Dense(W_std=-1), "W_std must be ≥ 0"),
    (lambda: stax.Dense(W_std=float("nan")), "W_std must be a finite number"),
    (lambda: stax.Dense(W_std=True), "W_std must be a finite number"),
    (lambda: stax.Dense(b_std=-0.1), "b_std must be ≥ 0"),
    (lambda: stax.Dense(0), "width must be a positive integer"),
    (lambda: stax.Dense(2.5), "width must be a positive integer"),
    (lambda: stax.Conv(1, (3,)), "filter_shape"),
    (lambda: stax.Conv(1, (0, 3)), "filter_shape"),
    (lambda: stax.Conv(1, "3x3"), "filter_shape"),
    (lambda: stax.Conv(1, 3, padding="REFLECT"), "padding must be one of"),
    (lambda: stax.Conv(1, 3, strides=2), "stride 1 only"),
    (lambda: stax.Lift("C3"), "group must be one of"),
    (lambda: stax.GConv(group="Z2"), "group must be one of"),
    (lambda: stax.Erf(a=2.0), "erf(x) only"),
    (lambda: stax.Gelu(approximate=True), "exact GELU only"),
    (lambda: stax.LeakyRelu(float("inf")), "alpha"),
    (lambda: stax.Elementwise("exp"), "fn must be one of"),
    (lambda: stax.S2Lift(0, 3), "bandwidth_in"),
    (lambda: stax.SO3Conv(3, 2, max_beta=4.0), "max_beta"),
    (lambda: stax.serial(), "empty"),
    (lambda: stax.serial(stax.GConv(3), stax.GroupPool(), stax.Dense()), "no Lift before it"),
    (lambda: stax.serial(stax.Dense(), parameterization="mean_field"), "parameterization"),
    (lambda: stax.serial(stax.Dense(), input_shape=[4, 4]), "input_shape"),
    (lambda: stax.serial(stax.Dense(), input_shape=[0]), "input_shape"),
])
def test_bad_arguments_are_refused_with_a_clear_message(make, words):
    with pytest.raises(ValueError, match=None) as e:
        make()
    assert words in str(e.value)


def test_uncalled_constructor_is_a_type_error():
    with pytest.raises(TypeError, match=r"Relu\(\) not Relu"):
        stax.serial(stax.Dense(), stax.Relu, stax.Dense())

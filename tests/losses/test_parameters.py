"""Parameter domains and names: errors that name the domain, did-you-mean for typos."""

from __future__ import annotations

import dataclasses

import pytest

import lossctl
from lossctl.losses import ParameterError, UnknownLossError, get_spec

Y, P = [1.0, 0.0], [0.7, 0.2]


@pytest.mark.parametrize(
    ("loss", "params", "domain"),
    [
        ("huber", {"delta": 0.0}, "(0, inf)"),
        ("huber", {"delta": -1.0}, "(0, inf)"),
        ("quantile", {"quantile": 2.0}, "[0, 1]"),
        ("quantile", {"quantile": -0.1}, "[0, 1]"),
        ("focal", {"gamma": -1.0}, "[0, inf)"),
        ("focal", {"alpha": 1.5}, "[0, 1]"),
        ("bce", {"eps": 0.0}, "(0, 0.5)"),
        ("bce", {"eps": 0.5}, "(0, 0.5)"),
        ("bce", {"pos_weight": 0.0}, "(0, inf)"),
        ("smooth-l1", {"beta": -0.5}, "[0, inf)"),
        ("cross-entropy", {"class_weights": [1.0, -2.0]}, "[0, inf)"),
        ("triplet", {"margin": -1.0}, "[0, inf)"),
    ],
)
def test_value_outside_domain_names_the_domain(loss, params, domain):
    with pytest.raises(ParameterError) as caught:
        lossctl.resolve(loss, params)
    assert domain in str(caught.value)
    assert next(iter(params)) in str(caught.value)


@pytest.mark.parametrize("text", ["huber:delta=0", "quantile:quantile=2", "focal:gamma=-1", "bce:eps=0"])
def test_value_outside_domain_in_a_spec_string(text):
    with pytest.raises(ParameterError, match="outside its domain"):
        lossctl.resolve(text)


@pytest.mark.parametrize(("loss", "params"), [("huber", {"delta": "wide"}), ("bce", {"from_logits": "maybe"})])
def test_value_of_the_wrong_kind(loss, params):
    with pytest.raises(ParameterError):
        lossctl.resolve(loss, params)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: lossctl.resolve("huber:delat=1"), id="spec-string"),
        pytest.param(lambda: get_spec("huber").configure(delat=1.0), id="configure"),
        pytest.param(lambda: lossctl.resolve("huber", {"delat": 1.0}), id="resolve-overrides"),
        pytest.param(lambda: lossctl.compute("huber", [1.0], [2.0], delat=1.0), id="compute-keyword"),
    ],
)
def test_unknown_parameter_suggests_the_closest(call):
    with pytest.raises(ParameterError) as caught:
        call()
    assert "delat" in str(caught.value)
    assert "did you mean 'delta'?" in str(caught.value)


def test_parameter_of_no_term_in_an_expression_is_refused():
    with pytest.raises(ParameterError, match="delta"):
        lossctl.resolve("mse + mae", {"delta": 1.0})


@pytest.mark.parametrize(
    ("name", "suggestion"), [("hubr", "huber"), ("crossentropy", "cross-entropy"), ("mse2", "mse")]
)
def test_unknown_loss_suggests_the_closest(name, suggestion):
    with pytest.raises(UnknownLossError) as caught:
        lossctl.resolve(name)
    assert f"did you mean {suggestion!r}?" in str(caught.value)


@pytest.mark.parametrize(
    ("alias", "name"), [("log-loss", "bce"), ("BCE", "bce"), ("smooth_l1", "smooth-l1"), ("pinball", "quantile")]
)
def test_aliases_and_spelling_variants_resolve(alias, name):
    assert lossctl.resolve(alias).name == name


def test_defaults_are_the_documented_ones():
    # DESIGN.md: Huber delta 1, focal gamma 2 and no alpha, eps the float64 machine epsilon.
    assert lossctl.resolve("huber").params["delta"] == 1.0
    assert lossctl.resolve("focal").params["gamma"] == 2.0
    assert lossctl.resolve("focal").params["alpha"] is None
    assert lossctl.resolve("bce").params["eps"] == 2.0**-52


def test_catalog_records_are_frozen_dataclasses():
    """LossSpec, Param and Interval are public: `dataclasses.replace` derives a variant, and
    none can be changed in place."""
    spec = get_spec("huber")
    delta = spec.params[0]
    variant = dataclasses.replace(spec, name="huber-2", params=(dataclasses.replace(delta, default=2.0),))
    assert (variant.name, variant.params[0].default) == ("huber-2", 2.0)
    assert (spec.name, delta.default) == ("huber", 1.0)
    assert dataclasses.is_dataclass(delta.domain)
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.name = "other"  # type: ignore[misc]

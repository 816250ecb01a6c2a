"""The errata: well formed, quoting the documents verbatim, and really wrong."""

from __future__ import annotations

import math
import re

import pytest

from lossctl.examples import ERRATA, errata
from lossctl.losses import UnknownLossError, get_spec

KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def test_errata_are_well_formed():
    assert len({e.id for e in ERRATA}) == len(ERRATA)
    for e in ERRATA:
        assert KEBAB.match(e.id), e.id
        assert e.id.startswith(e.source[:3] + "-"), e.id
        assert get_spec(e.loss).name == e.loss, e.id
        assert e.section and e.document_formula and e.correct_formula, e.id
        assert e.document_formula != e.correct_formula, e.id
        assert e.explanation.endswith("."), e.id


def test_errata_quote_the_documents(seed_text):
    for e in ERRATA:
        text = seed_text(e.source)
        assert e.document_formula in text, e.id
        assert e.section in text, e.id


def test_the_errata_the_issue_names_are_there():
    ids = {e.id for e in ERRATA}
    assert {
        "001-huber-formula",
        "001-focal-sign",
        "001-bce-parenthesis",
        "002-mae-named-rmse",
        "003-contrastive-identically-zero",
        "003-regularization-index",
        "004-medical-loss-count",
    } <= ids


def test_errata_by_loss_name_or_alias():
    assert [e.id for e in errata("log-loss")] == [e.id for e in ERRATA if e.loss == "bce"]
    assert {e.loss for e in errata("FOCAL")} == {"focal"}
    assert errata("mse") == []
    assert errata() == list(ERRATA)
    with pytest.raises(UnknownLossError):
        errata("no-such-loss")


@pytest.mark.parametrize("y_hat", [0.01, 0.3, 0.5, 0.99])
def test_the_documents_contrastive_loss_is_identically_zero(y_hat):
    # 003: -log((e^{log y} + e^{log(1-y)}) / (e^{log y} + e^{log(1-y)}))
    both = math.exp(math.log(y_hat)) + math.exp(math.log(1 - y_hat))
    assert -math.log(both / both) == 0.0


def test_the_documents_huber_is_negative_at_zero_error():
    # 001: [e]^2 + delta^2 (sqrt(|e| / delta) - 1) at e = 0, delta = 1
    e, delta = 0.0, 1.0
    assert e**2 + delta**2 * (math.sqrt(abs(e) / delta) - 1) == -1.0


def test_the_documents_focal_is_never_positive():
    # 001: FL = alpha (1 - p)^gamma log(p), alpha = 0.25, gamma = 2
    assert all(0.25 * (1 - p) ** 2 * math.log(p) <= 0 for p in (0.01, 0.5, 0.99))

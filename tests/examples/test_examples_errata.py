"""The errata: well formed, quoting the documents verbatim, and really wrong."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from lossctl import per_sample
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
        "001-losses-non-convex",
        "001-error-rate-as-loss",
        "001-huber-outlier-sensitive",
        "002-mae-named-rmse-overview",
        "002-bce-code-on-lists",
        "003-torchvision-not-imported",
    } <= ids


def test_errata_by_loss_name_or_alias():
    assert [e.id for e in errata("log-loss")] == [e.id for e in ERRATA if e.loss == "bce"]
    assert {e.loss for e in errata("FOCAL")} == {"focal"}
    assert [e.id for e in errata("mse")] == ["001-losses-non-convex"]
    assert errata("log-cosh") == []
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


def test_the_documents_bce_code_fails_on_lists():
    def cross_entropy_loss(y_true, y_pred):  # 002 §3.3, verbatim
        n = len(y_true)
        loss = -np.sum(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred)) / n
        return loss

    with pytest.raises(TypeError, match="unsupported operand"):
        cross_entropy_loss([1, 0], [0.8, 0.2])
    assert cross_entropy_loss(np.array([1.0, 0.0]), np.array([0.8, 0.2])) == pytest.approx(-math.log(0.8))


def test_the_documents_training_code_never_imports_torchvision(seed_text):
    text = seed_text("003_ba9c4ddc52bb80ff.txt")
    start = text.index("以下是使用PyTorch实现一个简单的二分类神经网络的代码示例")
    code = text[text.index("```python", start) : text.index("```", text.index("```python", start) + 3)]
    imports = [line for line in code.splitlines() if line.startswith(("import ", "from "))]
    assert imports == ["import torch", "import torch.nn as nn", "import torch.optim as optim"]
    assert "torchvision.datasets.MNIST(" in code


@pytest.mark.parametrize("loss", ["mse", "mae", "huber", "bce:from_logits=true"])
def test_the_common_losses_are_convex_in_the_prediction(loss):
    # Midpoint convexity on a grid: l((a + b) / 2) <= (l(a) + l(b)) / 2, for a label of 1.
    grid = np.linspace(-6.0, 6.0, 241)
    values = per_sample(loss, np.ones_like(grid), grid)
    middle = per_sample(loss, np.ones(240), (grid[:-1] + grid[1:]) / 2)
    assert np.all(middle <= (values[:-1] + values[1:]) / 2 + 1e-15)


def test_the_error_rate_has_no_gradient_to_follow():
    # The 0-1 loss of p against y = 1 is 1[p <= 0.5]: a central difference is zero away from 0.5.
    error = lambda p: float(p <= 0.5)  # noqa: E731
    assert all(error(p + 1e-6) - error(p - 1e-6) == 0 for p in (0.05, 0.3, 0.49, 0.51, 0.9))


def test_huber_caps_an_outliers_gradient():
    # d/de of the Huber term is e within delta and delta * sign(e) beyond: an error of 1000
    # pulls with force delta = 1, where the squared error's 2e pulls with 2000.
    h = 1e-4
    slope = (per_sample("huber", [0.0], [1000.0 + h]) - per_sample("huber", [0.0], [1000.0 - h]))[0] / (2 * h)
    assert slope == pytest.approx(1.0, rel=1e-6)
    squared = (per_sample("mse", [0.0], [1000.0 + h]) - per_sample("mse", [0.0], [1000.0 - h]))[0] / (2 * h)
    assert squared == pytest.approx(2000.0, rel=1e-6)

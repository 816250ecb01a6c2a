"""Regenerate ``tests/reference/calibration_fixtures.json``: torchmetrics' calibration errors.

Run from the repository root with a Python that has torch and torchmetrics (the tests need
neither)::

    .venv/bin/python tests/reference/make_calibration_fixtures.py

Every value is torchmetrics' on float64 tensors from seeded inputs: ``ece``, ``mce`` and
``rmsce`` are the norms ``l1``, ``max`` and ``l2`` of its calibration error, with equal-width
bins. The file holds:

- ``inputs``: by name, ``y_true`` (labels), ``y_pred`` (probabilities or logits, a vector for
  binary, a matrix for multiclass) and ``from_logits``;
- ``cases``: ``{"input", "loss", "bins", "call", "expected"}``, ``call`` what torchmetrics ran;
- ``torch`` and ``torchmetrics``: the versions that made the file.

Binary cases call ``binary_calibration_error``, float64 throughout. Its multiclass sibling
casts the confidences to float32 (``_multiclass_calibration_error_update`` ends in
``.float()``), so the multiclass cases run that update's steps on float64 (softmax when the
values are logits, the largest probability and its class, right when it is the label) and
then torchmetrics' own ``_ce_compute``; the float32 public function is checked to agree to
1e-5. No input has a confidence of exactly 1 (torchmetrics 1.9 counts it in an extra bin) or
within 1e-9 of a bin edge (torchmetrics compares with the rounded edges of ``linspace``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
import torchmetrics
from torchmetrics.functional.classification import binary_calibration_error, multiclass_calibration_error
from torchmetrics.functional.classification.calibration_error import _ce_compute
from torchmetrics.utilities.compute import normalize_logits_if_needed

OUT = Path(__file__).with_name("calibration_fixtures.json")
SEED = 20250214
BINS = (1, 4, 10, 15, 40)
NORMS = {"ece": "l1", "mce": "max", "rmsce": "l2"}
BINARY_SIZE = 400
MULTICLASS_SIZE = 250


def make_inputs(rng: np.random.Generator) -> dict[str, dict]:
    """Seeded forecasts, miscalibrated on purpose: the labels are drawn from a distorted
    version of the predicted probabilities."""
    p = rng.uniform(0.001, 0.999, BINARY_SIZE)
    logits = rng.normal(0.0, 3.0, BINARY_SIZE)
    class_probs = rng.dirichlet(np.full(5, 0.8), MULTICLASS_SIZE)
    class_logits = rng.normal(0.0, 2.0, (MULTICLASS_SIZE, 4))
    softmax = np.exp(class_logits) / np.exp(class_logits).sum(axis=1, keepdims=True)
    return {
        "binary-probabilities": _binary(rng, p, p, from_logits=False),
        "binary-logits": _binary(rng, logits, 1.0 / (1.0 + np.exp(-logits)), from_logits=True),
        "multiclass-probabilities": _multiclass(rng, class_probs, class_probs, from_logits=False),
        "multiclass-logits": _multiclass(rng, class_logits, softmax, from_logits=True),
    }


def _binary(rng: np.random.Generator, y_pred: np.ndarray, p: np.ndarray, *, from_logits: bool) -> dict:
    y = (rng.uniform(size=len(p)) < p**1.5).astype(int)
    return {"y_true": y.tolist(), "y_pred": y_pred.tolist(), "from_logits": from_logits}


def _multiclass(rng: np.random.Generator, y_pred: np.ndarray, p: np.ndarray, *, from_logits: bool) -> dict:
    sharpened = p**2 / (p**2).sum(axis=1, keepdims=True)
    y = np.array([rng.choice(p.shape[1], p=row) for row in sharpened])
    return {"y_true": y.tolist(), "y_pred": y_pred.tolist(), "from_logits": from_logits}


def confidences_and_accuracies(data: dict) -> tuple[torch.Tensor, torch.Tensor]:
    """What torchmetrics bins, in float64: a binary forecast and its label, or a top-label
    confidence and whether its class is the label (its multiclass update without the cast)."""
    preds = torch.tensor(data["y_pred"], dtype=torch.float64)
    target = torch.tensor(data["y_true"])
    if preds.ndim == 1:
        return normalize_logits_if_needed(preds, "sigmoid"), target.to(torch.float64)
    confidences, predictions = normalize_logits_if_needed(preds, "softmax").max(dim=1)
    return confidences, predictions.eq(target).to(torch.float64)


def check_away_from_edges(confidences: torch.Tensor) -> None:
    c = confidences.numpy()
    assert (c < 1.0).all(), "a confidence of exactly 1"
    for bins in BINS:
        scaled = c * bins
        assert np.abs(scaled - np.round(scaled)).min() > 1e-9 * bins, f"a confidence on an edge of {bins} bins"


def torchmetrics_value(data: dict, bins: int, norm: str) -> tuple[float, str]:
    preds = torch.tensor(data["y_pred"], dtype=torch.float64)
    target = torch.tensor(data["y_true"])
    if preds.ndim == 1:
        value = binary_calibration_error(preds, target, n_bins=bins, norm=norm)
        return value.item(), f"binary_calibration_error(preds, target, n_bins={bins}, norm='{norm}')"
    confidences, accuracies = confidences_and_accuracies(data)
    value = _ce_compute(confidences, accuracies, bins, norm)
    public = multiclass_calibration_error(preds, target, num_classes=preds.shape[1], n_bins=bins, norm=norm)
    np.testing.assert_allclose(public.item(), value.item(), rtol=1e-5, atol=1e-6)
    call = f"_ce_compute(top-label confidences, accuracies, {bins}, '{norm}') in float64"
    return value.item(), call


def main() -> None:
    print(f"torch {torch.__version__}, torchmetrics {torchmetrics.__version__}")
    inputs = make_inputs(np.random.default_rng(SEED))
    cases = []
    for name, data in inputs.items():
        check_away_from_edges(confidences_and_accuracies(data)[0])
        for loss, norm in NORMS.items():
            for bins in BINS:
                value, call = torchmetrics_value(data, bins, norm)
                cases.append({"input": name, "loss": loss, "bins": bins, "call": call, "expected": value})
    document = {
        "torch": torch.__version__,
        "torchmetrics": torchmetrics.__version__,
        "inputs": inputs,
        "cases": cases,
    }
    OUT.write_text(json.dumps(document) + "\n")
    print(f"{len(cases)} cases -> {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()

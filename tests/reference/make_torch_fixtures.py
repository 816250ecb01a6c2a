"""Regenerate ``tests/reference/torch_fixtures.npz``: PyTorch reference values for lossctl.

Run from the repository root with a Python that has torch (the tests need no torch)::

    .venv/bin/python tests/reference/make_torch_fixtures.py

Every value is computed by PyTorch on float64 tensors from seeded inputs. The file holds:

- ``inputs/<size>/<array>``: the seeded input arrays (``y``, ``residual_pred``, ``logits``, ...),
  shared by the cases;
- ``expected/<i>``: the value of case ``i`` as torch computes it;
- ``per_sample/<i>``: torch's per-sample values (``reduction='none'``) of the unweighted cases
  of at most 8 rows (kept small: the file stays well under 1 MB);
- ``meta``: a JSON list of cases ``{"id", "loss", "params", "size", "roles", "weighted",
  "torch_call"}``: ``params`` are lossctl's keywords, ``roles`` maps each lossctl input role to
  an array name, ``torch_call`` says what torch ran;
- ``torch_version``: the torch version that made the file.

A ``weighted`` case's expected value is ``sum(w * l) / sum(w)`` of torch's per-sample values
with ``w = inputs/<size>/sample_weight`` (torch's losses take no sample weights).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

OUT = Path(__file__).with_name("torch_fixtures.npz")
SIZES = (1, 2, 7, 1000)
EXTREME = 8  # the size of the +-1000 logit inputs
CLASSES = 5
EMBEDDING_DIM = 4
SEED = 20240611
MULTILABEL_SEED = 20261204  # a generator of its own: the arrays above keep their values
PER_SAMPLE_MAX_ROWS = 8


def soft_targets(rng: np.random.Generator, n: int) -> np.ndarray:
    """Target distributions with some exact zeros (0 log 0 = 0), rows summing to 1."""
    soft = rng.dirichlet(np.full(CLASSES, 0.7), n)
    zero = rng.uniform(size=soft.shape) < 0.15
    zero[np.arange(n), soft.argmax(axis=1)] = False  # keep every row's largest entry
    soft[zero] = 0.0
    return soft / soft.sum(axis=1, keepdims=True)


def make_inputs(rng: np.random.Generator) -> dict[int, dict[str, np.ndarray]]:
    """The seeded arrays of each size, by name."""
    inputs = {}
    for n in SIZES:
        inputs[n] = {
            "sample_weight": rng.uniform(0.1, 3.0, n),
            "y": rng.normal(0.0, 2.0, n),
            "y_hat": rng.normal(0.0, 2.0, n),
            "labels": rng.integers(0, 2, n).astype(float),
            "soft_labels": rng.uniform(0.0, 1.0, n),
            "probs": rng.uniform(0.01, 0.99, n),  # away from 0 and 1: torch clamps log at -100
            "logits": rng.normal(0.0, 4.0, n),
            "classes": rng.integers(0, CLASSES, n).astype(float),
            "class_logits": rng.normal(0.0, 3.0, (n, CLASSES)),
            "class_probs": rng.dirichlet(np.full(CLASSES, 2.0), n),
            "soft_targets": soft_targets(rng, n),
            "anchor": rng.normal(0.0, 1.0, (n, EMBEDDING_DIM)),
            "positive": rng.normal(0.0, 1.0, (n, EMBEDDING_DIM)),
            "negative": rng.normal(0.0, 1.0, (n, EMBEDDING_DIM)),
            "teacher_logits": rng.normal(0.0, 3.0, (n, CLASSES)),
            "relevance": rng.integers(0, 4, (n, CLASSES)).astype(float),
        }
    for arrays in inputs.values():  # derived, no draw: the other arrays keep their values
        arrays["counts"] = np.round(np.abs(arrays["y"]) * 2.0)
        arrays["rates"] = np.exp(arrays["y_hat"] / 4.0)
        arrays["signs"] = 2.0 * arrays["labels"] - 1.0
        arrays["distances"] = np.abs(arrays["y_hat"])
        arrays["ignored_classes"] = np.where(np.arange(len(arrays["classes"])) % 3 == 1, -100.0, arrays["classes"])
        shifted = arrays["teacher_logits"] - arrays["teacher_logits"].max(axis=1, keepdims=True)
        arrays["log_targets"] = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    pairs = np.random.default_rng(SEED + 1)  # a stream of their own: the arrays above keep their values
    for n in SIZES:
        inputs[n] |= {"x1": pairs.normal(0.0, 2.0, n), "x2": pairs.normal(0.0, 2.0, n)}
        inputs[n] |= {f"embedding{k}": pairs.normal(0.0, 1.0, (n, EMBEDDING_DIM)) for k in (1, 2)}
    # Logits of +-1000, where a naive sigmoid or softmax overflows.
    inputs[EXTREME] = {
        "labels": np.array([0, 1, 1, 0, 1, 0, 1, 0.0]),
        "logits": np.array([1000, -1000, 1000, -1000, 0, 30, -30, 700.0]),
        "classes": np.array([1, 0, 2, 2, 0, 1, 2, 0.0]),
        "class_logits": np.array(
            [[1000, -1000, 0], [1000, -1000, 0], [-1000, 0, 1000], [0, 1000, -1000], [0, 0, 0]]
            + [[-1000, -1000, -1000], [1000, 1000, -1000], [-1000, 1000, 1000.0]]
        ),
    }
    inputs[EXTREME]["teacher_logits"] = inputs[EXTREME]["class_logits"][::-1].copy()
    add_multilabel_inputs(np.random.default_rng(MULTILABEL_SEED), inputs)
    return inputs


def add_multilabel_inputs(rng: np.random.Generator, inputs: dict[int, dict[str, np.ndarray]]) -> None:
    """Multi-label arrays of every size: a 0/1 label matrix (rows with no label and with every
    label among them), its logits and probabilities, and PyTorch's index lists of the same
    targets (each row's labels in a shuffled order, then -1, then leftovers it ignores)."""
    for n, arrays in inputs.items():
        if n == EXTREME:
            continue
        labels = (rng.uniform(size=(n, CLASSES)) < 0.4).astype(float)
        labels[0] = 0.0
        if n > 1:
            labels[-1] = 1.0
        indices = np.full((n, CLASSES), -1.0)
        for i, row in enumerate(labels):
            listed = rng.permutation(np.flatnonzero(row))
            indices[i, : len(listed)] = listed
            if len(listed) < CLASSES - 1:
                indices[i, len(listed) + 1 :] = rng.integers(0, CLASSES, CLASSES - len(listed) - 1)
        arrays["multilabels"] = labels
        arrays["label_indices"] = indices
        arrays["label_logits"] = rng.normal(0.0, 3.0, (n, CLASSES))
        arrays["label_probs"] = rng.uniform(0.01, 0.99, (n, CLASSES))


def sigmoid_focal_loss(x: torch.Tensor, y: torch.Tensor, gamma: float, alpha: float) -> torch.Tensor:
    """torchvision.ops.sigmoid_focal_loss (reduction='none'), its formula verbatim (torchvision
    is not installable here); as in torchvision, a negative alpha means no alpha weighting."""
    p = torch.sigmoid(x)
    ce_loss = F.binary_cross_entropy_with_logits(x, y, reduction="none")
    p_t = p * y + (1 - p) * (1 - y)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * y + (1 - alpha) * (1 - y)
        loss = alpha_t * loss
    return loss


class Builder:
    """Collects the cases of one size: torch's value, its per-sample values, the metadata."""

    def __init__(self, arrays: dict[str, np.ndarray], cases: list[dict], size: int, inputs: dict[str, np.ndarray]):
        self.arrays, self.cases, self.size, self.inputs = arrays, cases, size, inputs

    def __getitem__(self, name: str) -> torch.Tensor:
        return torch.as_tensor(self.inputs[name], dtype=torch.float64)

    def add(self, loss: str, params: dict, roles: dict[str, str], call: str, per: torch.Tensor, mean: torch.Tensor):
        """Record the case with torch's mean and, when there are sample weights, the weighted
        mean ``sum(w l) / sum(w)`` of torch's per-sample values."""
        assert per.shape == (self.size,)
        class_weighted = bool(params.get("class_weights")) and loss != "multi-margin"
        if not class_weighted:  # torch's class-weighted mean divides by sum(w_y), not n
            torch.testing.assert_close(per.mean(), mean, rtol=1e-14, atol=0)
        self._record(loss, params, roles, call, per, mean, weighted=False)
        if "sample_weight" in self.inputs and not class_weighted:
            w = self["sample_weight"]
            self._record(loss, params, roles, call, per, (w * per).sum() / w.sum(), weighted=True)

    def add_ignoring(self, loss, params, roles, call, per, mean, kept: torch.Tensor) -> None:
        """Record a case with ignored rows: torch's mean is over the rows kept (per-sample
        values 0 elsewhere), and the weighted mean ``sum(w l) / sum(w d)`` of torch's values,
        d each kept row's class weight (1 without class weights) and 0 for an ignored one."""
        self._record(loss, params, roles, call, per, mean, weighted=False)
        if "sample_weight" in self.inputs and kept.any():
            d = kept.double()
            if params.get("class_weights"):
                d = (
                    d
                    * torch.tensor(params["class_weights"], dtype=torch.float64)[
                        self["ignored_classes"].long().clamp(min=0)
                    ]
                )
            w = self["sample_weight"]
            self._record(loss, params, roles, call, per, (w * per).sum() / (w * d).sum(), weighted=True)

    def _record(self, loss, params, roles, call, per, value, *, weighted: bool) -> None:
        i = len(self.cases)
        self.arrays[f"expected/{i}"] = np.array(value.item())
        if not weighted and self.size <= PER_SAMPLE_MAX_ROWS:
            self.arrays[f"per_sample/{i}"] = per.numpy()
        case = {"id": i, "loss": loss, "params": params, "size": self.size, "roles": roles, "weighted": weighted}
        self.cases.append(case | {"torch_call": call})


def regression_cases(b: Builder) -> None:
    roles = {"y_true": "y", "y_pred": "y_hat"}
    y, p = b["y"], b["y_hat"]
    for delta in (0.1, 0.5, 1.0, 2.5):
        per = F.huber_loss(p, y, delta=delta, reduction="none")
        mean = F.huber_loss(p, y, delta=delta)
        b.add("huber", {"delta": delta}, roles, f"F.huber_loss(y_pred, y_true, delta={delta})", per, mean)
    for beta in (0.0, 0.25, 1.0, 3.0):  # torch: beta = 0 is the L1 loss
        per = F.smooth_l1_loss(p, y, beta=beta, reduction="none")
        mean = F.smooth_l1_loss(p, y, beta=beta)
        b.add("smooth-l1", {"beta": beta}, roles, f"F.smooth_l1_loss(y_pred, y_true, beta={beta})", per, mean)


def poisson_cases(b: Builder) -> None:
    """PoissonNLLLoss on counts 0, 1 and above (Stirling's term where y > 1), of log-rates and
    of rates."""
    for log_input, full in ((True, False), (True, True), (False, False), (False, True)):
        roles = {"y_true": "counts", "y_pred": "y_hat" if log_input else "rates"}
        x, y = b[roles["y_pred"]], b["counts"]
        call = f"F.poisson_nll_loss(y_pred, y_true, log_input={log_input}, full={full})"
        per = F.poisson_nll_loss(x, y, log_input=log_input, full=full, reduction="none")
        mean = F.poisson_nll_loss(x, y, log_input=log_input, full=full)
        b.add("poisson-nll", {"log_input": log_input, "full": full}, roles, call, per, mean)


def pair_cases(b: Builder) -> None:
    """HingeEmbeddingLoss of distances with labels -1 / +1."""
    roles = {"y_true": "signs", "y_pred": "distances"}
    for margin in (1.0, 2.5):
        call = f"F.hinge_embedding_loss(distances, signs, margin={margin})"
        per = F.hinge_embedding_loss(b["distances"], b["signs"], margin=margin, reduction="none")
        mean = F.hinge_embedding_loss(b["distances"], b["signs"], margin=margin)
        b.add("hinge-embedding", {"margin": margin}, roles, call, per, mean)


def two_input_cases(b: Builder) -> None:
    """MarginRankingLoss of two scores and CosineEmbeddingLoss of two embeddings, targets -1 / +1."""
    roles = {"y_true": "signs", "x1": "x1", "x2": "x2"}
    for margin in (0.0, 0.5):
        call = f"F.margin_ranking_loss(x1, x2, signs, margin={margin})"
        per = F.margin_ranking_loss(b["x1"], b["x2"], b["signs"], margin=margin, reduction="none")
        mean = F.margin_ranking_loss(b["x1"], b["x2"], b["signs"], margin=margin)
        b.add("margin-ranking", {"margin": margin}, roles, call, per, mean)
    roles = {"y_true": "signs", "embedding1": "embedding1", "embedding2": "embedding2"}
    for margin in (0.0, 0.3):
        call = f"F.cosine_embedding_loss(embedding1, embedding2, signs, margin={margin})"
        e1, e2, y = b["embedding1"], b["embedding2"], b["signs"]
        per = F.cosine_embedding_loss(e1, e2, y, margin=margin, reduction="none")
        mean = F.cosine_embedding_loss(e1, e2, y, margin=margin)
        b.add("cosine-embedding", {"margin": margin}, roles, call, per, mean)


def binary_probability_cases(b: Builder) -> None:
    for labels in ("labels", "soft_labels"):
        y, p = b[labels], b["probs"]
        per = F.binary_cross_entropy(p, y, reduction="none")
        roles = {"y_true": labels, "y_pred": "probs"}
        b.add("bce", {}, roles, "F.binary_cross_entropy(p, y)", per, F.binary_cross_entropy(p, y))


def binary_logit_cases(b: Builder) -> None:
    roles = {"y_true": "labels", "y_pred": "logits"}
    y, z = b["labels"], b["logits"]
    for pos_weight in (None, 0.3, 3.0):
        pw = None if pos_weight is None else torch.tensor([pos_weight], dtype=torch.float64)
        params = {"from_logits": True} | ({} if pos_weight is None else {"pos_weight": pos_weight})
        call = f"F.binary_cross_entropy_with_logits(z, y, pos_weight={pos_weight})"
        per = F.binary_cross_entropy_with_logits(z, y, pos_weight=pw, reduction="none")
        b.add("bce", params, roles, call, per, F.binary_cross_entropy_with_logits(z, y, pos_weight=pw))
    for gamma in (0.0, 0.5, 2.0, 5.0):
        for alpha in (None, 0.25):
            call = f"torchvision.ops.sigmoid_focal_loss(z, y, gamma={gamma}, alpha={alpha}).mean()"
            per = sigmoid_focal_loss(z, y, gamma, -1.0 if alpha is None else alpha)
            b.add("focal", {"from_logits": True, "gamma": gamma, "alpha": alpha}, roles, call, per, per.mean())


def multiclass_label_cases(b: Builder) -> None:
    roles = {"y_true": "classes", "y_pred": "class_logits"}
    y, z = b["classes"].long(), b["class_logits"]
    class_weights = [0.5 + c for c in range(z.shape[1])]
    for cw in (None, class_weights):
        for smoothing in (0.0, 0.1):
            w = None if cw is None else torch.tensor(cw, dtype=torch.float64)
            call = f"F.cross_entropy(z, labels, weight={cw}, label_smoothing={smoothing})"
            per = F.cross_entropy(z, y, weight=w, label_smoothing=smoothing, reduction="none")
            mean = F.cross_entropy(z, y, weight=w, label_smoothing=smoothing)
            params = {"from_logits": True, "class_weights": cw, "label_smoothing": smoothing}
            b.add("cross-entropy", params, roles, call, per, mean)


def distribution_cases(b: Builder) -> None:
    roles = {"y_true": "soft_targets", "y_pred": "class_logits"}
    t, z = b["soft_targets"], b["class_logits"]
    class_weights = [0.5 + c for c in range(z.shape[1])]
    for cw in (None, class_weights):  # with soft targets torch divides by n, not by the weights
        for smoothing in (0.0, 0.1):
            w = None if cw is None else torch.tensor(cw, dtype=torch.float64)
            call = f"F.cross_entropy(z, soft_targets, weight={cw}, label_smoothing={smoothing})"
            per = F.cross_entropy(z, t, weight=w, label_smoothing=smoothing, reduction="none")
            mean = F.cross_entropy(z, t, weight=w, label_smoothing=smoothing)
            params = {"from_logits": True, "class_weights": cw, "label_smoothing": smoothing}
            b.add("cross-entropy", params, roles, call, per, mean)
    log_p = F.log_softmax(z, dim=1)
    per = F.kl_div(log_p, t, reduction="none").sum(dim=1)
    mean = F.kl_div(log_p, t, reduction="batchmean")
    b.add("kl-divergence", {"from_logits": True}, roles, "F.kl_div(F.log_softmax(z), t, 'batchmean')", per, mean)
    log_p = torch.log(b["class_probs"])
    per = F.kl_div(log_p, t, reduction="none").sum(dim=1)
    mean = F.kl_div(log_p, t, reduction="batchmean")
    roles = {"y_true": "soft_targets", "y_pred": "class_probs"}
    b.add("kl-divergence", {}, roles, "F.kl_div(torch.log(p), t, 'batchmean')", per, mean)


def distillation_cases(b: Builder) -> None:
    roles = {"y_true": "teacher_logits", "y_pred": "class_logits"}
    t, s = b["teacher_logits"], b["class_logits"]
    for temperature in (0.5, 1.0, 4.0, 20.0):
        soft_student, soft_teacher = F.log_softmax(s / temperature, dim=1), F.softmax(t / temperature, dim=1)
        per = F.kl_div(soft_student, soft_teacher, reduction="none").sum(dim=1) * temperature**2
        mean = F.kl_div(soft_student, soft_teacher, reduction="batchmean") * temperature**2
        call = f"F.kl_div(F.log_softmax(s / {temperature}), F.softmax(t / {temperature}), 'batchmean') * T^2"
        b.add("distillation", {"temperature": temperature}, roles, call, per, mean)


def margin_and_nll_cases(b: Builder) -> None:
    roles = {"y_true": "classes", "y_pred": "class_logits"}
    y, z = b["classes"].long(), b["class_logits"]
    weight = [0.5 + c for c in range(z.shape[1])]
    for p, margin, w in ((1, 1.0, None), (2, 1.0, None), (1, 0.5, weight), (2, 2.0, weight)):
        t = None if w is None else torch.tensor(w, dtype=torch.float64)
        call = f"F.multi_margin_loss(z, labels, p={p}, margin={margin}, weight={w})"
        per = F.multi_margin_loss(z, y, p=p, margin=margin, weight=t, reduction="none")
        mean = F.multi_margin_loss(z, y, p=p, margin=margin, weight=t)
        b.add("multi-margin", {"p": float(p), "margin": margin, "class_weights": w}, roles, call, per, mean)
    log_p = F.log_softmax(z, dim=1)
    b.arrays[f"inputs/{b.size}/class_log_probs"] = log_p.numpy()
    b.inputs["class_log_probs"] = log_p.numpy()
    roles = {"y_true": "classes", "y_pred": "class_log_probs"}
    for w in (None, weight):
        t = None if w is None else torch.tensor(w, dtype=torch.float64)
        call = f"F.nll_loss(F.log_softmax(z), labels, weight={w})"
        per = F.nll_loss(log_p, y, weight=t, reduction="none")
        b.add("nll", {"class_weights": w}, roles, call, per, F.nll_loss(log_p, y, weight=t))


def multilabel_cases(b: Builder) -> None:
    """BCE of a label matrix (logits with per-label pos_weight and weight, probabilities with
    BCELoss's log clamp at -100), MultiLabelSoftMarginLoss, MultiLabelMarginLoss (of PyTorch's
    index lists and of the same targets as a label matrix)."""
    y, z, p = b["multilabels"], b["label_logits"], b["label_probs"]
    pos_weight = [0.5 + 0.5 * c for c in range(CLASSES)]
    weight = [2.0 - 0.25 * c for c in range(CLASSES)]
    roles = {"y_true": "multilabels", "y_pred": "label_logits"}
    for pw, w in ((None, None), (pos_weight, None), (None, weight), (pos_weight, weight)):
        tpw = None if pw is None else torch.tensor(pw, dtype=torch.float64)
        tw = None if w is None else torch.tensor(w, dtype=torch.float64)
        call = f"F.binary_cross_entropy_with_logits(z, y, weight={w}, pos_weight={pw})"
        per = F.binary_cross_entropy_with_logits(z, y, weight=tw, pos_weight=tpw, reduction="none").mean(dim=1)
        mean = F.binary_cross_entropy_with_logits(z, y, weight=tw, pos_weight=tpw)
        params = {"from_logits": True} | ({"pos_weight": pw} if pw else {}) | ({"class_weights": w} if w else {})
        b.add("multilabel-bce", params, roles, call, per, mean)
    for w in (None, weight):
        tw = None if w is None else torch.tensor(w, dtype=torch.float64)
        call = f"F.multilabel_soft_margin_loss(z, y, weight={w})"
        per = F.multilabel_soft_margin_loss(z, y, weight=tw, reduction="none")
        mean = F.multilabel_soft_margin_loss(z, y, weight=tw)
        b.add("multilabel-soft-margin", {"class_weights": w}, roles, call, per, mean)
    per = F.binary_cross_entropy(p, y, reduction="none").mean(dim=1)
    mean = F.binary_cross_entropy(p, y)
    roles = {"y_true": "multilabels", "y_pred": "label_probs"}
    b.add("multilabel-bce", {"log_floor": -100.0}, roles, "F.binary_cross_entropy(p, y)", per, mean)
    indices = b["label_indices"].long()
    call = "F.multilabel_margin_loss(z, index_lists)"
    per = F.multilabel_margin_loss(z, indices, reduction="none")
    mean = F.multilabel_margin_loss(z, indices)
    roles = {"y_true": "label_indices", "y_pred": "label_logits"}
    b.add("multilabel-margin", {"targets": "indices"}, roles, call, per, mean)
    roles = {"y_true": "multilabels", "y_pred": "label_logits"}
    b.add("multilabel-margin", {}, roles, call, per, mean)


def ignore_index_cases(b: Builder) -> None:
    """CrossEntropyLoss and NLLLoss with ignore_index=-100 on labels of which every third row
    is -100: those rows count in neither the sum nor the mean's denominator."""
    roles = {"y_true": "ignored_classes", "y_pred": "class_logits"}
    y, z = b["ignored_classes"].long(), b["class_logits"]
    weight = [0.5 + c for c in range(CLASSES)]
    for cw, smoothing in ((None, 0.0), (weight, 0.0), (None, 0.2), (weight, 0.1)):
        w = None if cw is None else torch.tensor(cw, dtype=torch.float64)
        call = f"F.cross_entropy(z, labels, weight={cw}, label_smoothing={smoothing}, ignore_index=-100)"
        per = F.cross_entropy(z, y, weight=w, label_smoothing=smoothing, ignore_index=-100, reduction="none")
        mean = F.cross_entropy(z, y, weight=w, label_smoothing=smoothing, ignore_index=-100)
        params = {"from_logits": True, "class_weights": cw, "label_smoothing": smoothing, "ignore_index": -100}
        b.add_ignoring("cross-entropy", params, roles, call, per, mean, y != -100)
    log_p = F.log_softmax(z, dim=1)
    b.arrays[f"inputs/{b.size}/class_log_probs"] = log_p.numpy()
    b.inputs["class_log_probs"] = log_p.numpy()
    roles = {"y_true": "ignored_classes", "y_pred": "class_log_probs"}
    for cw in (None, weight):
        w = None if cw is None else torch.tensor(cw, dtype=torch.float64)
        call = f"F.nll_loss(F.log_softmax(z), labels, weight={cw}, ignore_index=-100)"
        per = F.nll_loss(log_p, y, weight=w, ignore_index=-100, reduction="none")
        mean = F.nll_loss(log_p, y, weight=w, ignore_index=-100)
        b.add_ignoring("nll", {"class_weights": cw, "ignore_index": -100}, roles, call, per, mean, y != -100)


def log_target_cases(b: Builder) -> None:
    """KLDivLoss(log_target=True): targets given as log-probabilities, predictions as logits
    (their log-softmax) and as probabilities (their log)."""
    t = b["log_targets"]
    for name, log_p, params in (
        ("class_logits", F.log_softmax(b["class_logits"], dim=1), {"from_logits": True, "log_target": True}),
        ("class_probs", torch.log(b["class_probs"]), {"log_target": True}),
    ):
        per = F.kl_div(log_p, t, reduction="none", log_target=True).sum(dim=1)
        mean = F.kl_div(log_p, t, reduction="batchmean", log_target=True)
        call = f"F.kl_div(log p of {name}, log_targets, 'batchmean', log_target=True)"
        b.add("kl-divergence", params, {"y_true": "log_targets", "y_pred": name}, call, per, mean)


def ranking_cases(b: Builder) -> None:
    # optax ranking_softmax_loss: -sum_i r_i log_softmax(s)_i per list, relevance as given.
    roles = {"y_true": "relevance", "y_pred": "class_logits"}
    r, s = b["relevance"], b["class_logits"]
    per = -(r * F.log_softmax(s, dim=1)).sum(dim=1)
    b.add("ranking-softmax", {}, roles, "-(r * F.log_softmax(s, dim=1)).sum(dim=1)", per, per.mean())


def triplet_cases(b: Builder) -> None:
    roles = {"anchor": "anchor", "positive": "positive", "negative": "negative"}
    a, pos, neg = b["anchor"], b["positive"], b["negative"]
    for margin in (1.0, 0.3):
        call = f"F.triplet_margin_loss(anchor, positive, negative, margin={margin}, p=2, eps=1e-6)"
        per = F.triplet_margin_loss(a, pos, neg, margin=margin, p=2, eps=1e-6, reduction="none")
        mean = F.triplet_margin_loss(a, pos, neg, margin=margin, p=2, eps=1e-6)
        b.add("triplet", {"margin": margin}, roles, call, per, mean)
    for p in (2.0, 1.0):  # the distance swap: d(a, n) is the smaller of d(a, n) and d(p, n)
        call = f"F.triplet_margin_loss(anchor, positive, negative, margin=1.0, p={p}, eps=1e-6, swap=True)"
        per = F.triplet_margin_loss(a, pos, neg, p=p, swap=True, reduction="none")
        mean = F.triplet_margin_loss(a, pos, neg, p=p, swap=True)
        b.add("triplet", {"p": p, "swap": True}, roles, call, per, mean)


def main() -> None:
    print(f"torch {torch.__version__}")
    arrays: dict[str, np.ndarray] = {}
    cases: list[dict] = []
    for size, inputs in make_inputs(np.random.default_rng(SEED)).items():
        for name, values in inputs.items():
            arrays[f"inputs/{size}/{name}"] = values
        b = Builder(arrays, cases, size, inputs)
        if size == EXTREME:
            binary_logit_cases(b)
            multiclass_label_cases(b)
            distillation_cases(b)
            continue
        for family in (
            regression_cases,
            poisson_cases,
            pair_cases,
            two_input_cases,
            binary_probability_cases,
            binary_logit_cases,
            multiclass_label_cases,
            distribution_cases,
            distillation_cases,
            margin_and_nll_cases,
            multilabel_cases,
            ignore_index_cases,
            log_target_cases,
            ranking_cases,
            triplet_cases,
        ):
            family(b)
    arrays["meta"] = np.array(json.dumps(cases))
    arrays["torch_version"] = np.array(torch.__version__)
    np.savez_compressed(OUT, **arrays)
    print(f"{len(cases)} cases -> {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()

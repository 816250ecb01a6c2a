"""Step-by-step derivations of the worked examples, in the shape of the documents' own.

Each derivation lists the data, then one line per term with its numbers (``log(0.8) =
-0.223144``) beside the document's term as it wrote it, marking the terms that differ at the
document's precision, then the sum and the value. The values shown are lossctl's: the terms
come from ``lossctl.per_sample``, the value from ``lossctl.compute``; only the operands
(``p_t``, ``(1 - p_t)^gamma``, ``log p_t``) are recomputed here for display.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

import lossctl.losses as core
from lossctl.losses.logits import log_softmax

if TYPE_CHECKING:
    from lossctl.examples.records import Worked

DIFFERS = "<- differs"


def num(x: float) -> str:
    """A number as a learner reads it: integers in full, others to 6 significant digits."""
    x = float(x)
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}"


def paren(x: float) -> str:
    """``num(x)``, in parentheses when negative (``0.04 × (-0.223)``)."""
    text = num(x)
    return f"({text})" if x < 0 else text


def derivation(example: Worked) -> list[str]:
    """The lines of ``example``'s derivation: header, data, terms, sum and value."""
    loss = core.resolve(example.loss)
    lines = [
        example.title,
        f"source: {example.where}",
        f"loss: {example.loss}    data: sample_data/{example.data_file}",
        f"document's formula: {example.documented_formula}",
        f"lossctl's formula: {loss.spec.formula}",
        f"reproduce: {example.command}",
        "",
        *_data_table(example),
        "",
    ]
    render = _RENDERERS.get(loss.name, _generic)
    lines += render(example, loss.params)
    if example.remarks:
        lines += ["", *(f"note: {remark}" for remark in example.remarks)]
    return lines


def _data_table(example: Worked) -> list[str]:
    columns = example.data_columns()
    header = ["i", *columns]
    n = len(next(iter(columns.values())))
    rows = [[str(i + 1), *(num(values[i]) for values in columns.values())] for i in range(n)]
    return _aligned([header, *rows])


def _aligned(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


@dataclass(frozen=True)
class _Shape:
    """A derivation ``L = prefix [term_1 + ... + term_n]`` whose bracket holds ``sign * term``."""

    head: str
    expressions: list[str]
    sign: float
    prefix: str


def _mean_of_terms(example: Worked, shape: _Shape) -> list[str]:
    """Terms beside the document's, the bracket sum, and the value ``prefix × sum``."""
    n = len(example.terms)
    documented = example.documented_expressions
    decimals = example.tolerance
    rows = [["i", "lossctl", "document" if documented else ""]]
    for i, expression in enumerate(shape.expressions):
        cells = [str(i + 1), expression, ""]
        if documented:
            differs = round(example.terms[i], decimals) != round(example.documented_terms[i], decimals)
            cells[2] = f"{documented[i]}   {DIFFERS}" if differs else documented[i]
        rows.append(cells)
    bracket = shape.sign * float(np.sum(example.terms))
    lines = [shape.head, *_aligned(rows)]
    sum_line = f"sum = {num(bracket)}"
    value_line = f"L = {shape.prefix} × {paren(bracket)} = {num(example.computed)}"
    if example.documented_terms is not None:
        doc_bracket = shape.sign * sum(example.documented_terms)
        sum_line += f"    document: {num(doc_bracket)}"
    if example.documented is not None:
        value_line += f"    document: {example.documented:.{decimals}f}"
        if example.documented_terms is not None:
            implied = sum(example.documented_terms) / n
            if round(implied, decimals) != round(example.documented, decimals):
                value_line += f" (its own terms give {num(implied)})"
    return [*lines, sum_line, value_line]


def _p_t(y: float, p: float) -> tuple[str, float]:
    """How p_t is read off (``0.8`` or ``1 - 0.2 = 0.8``) and its value."""
    if y == 1:
        return num(p), float(p)
    return f"1 - {num(p)}", 1.0 - float(p)


def _log_p_t(y: float, p: float) -> str:
    """``log(0.8)`` for a positive, ``log(1 - 0.2) = log(0.8)`` for a negative."""
    read, p_t = _p_t(y, p)
    return f"log({read})" if y == 1 else f"log({read}) = log({num(p_t)})"


def _mse(example: Worked, params: dict) -> list[str]:
    n = len(example.terms)
    expressions = [
        f"({num(yp)} - {paren(yt)})^2 = {num(t)}"
        for yt, yp, t in zip(example.y_true, example.y_pred, example.terms, strict=True)
    ]
    shape = _Shape(f"L = (1/{n}) [(ŷ_1 - y_1)^2 + ... + (ŷ_{n} - y_{n})^2]", expressions, 1.0, f"(1/{n})")
    return _mean_of_terms(example, shape)


def _bce(example: Worked, params: dict) -> list[str]:
    n = len(example.terms)
    expressions = [
        f"y={num(y)}, p={num(p)}: {_log_p_t(y, p)} = {num(-t)}"
        for y, p, t in zip(example.y_true, example.y_pred, example.terms, strict=True)
    ]
    head = f"L = -(1/{n}) [log p_t,1 + ... + log p_t,{n}],  p_t = p if y = 1, 1 - p if y = 0"
    return _mean_of_terms(example, _Shape(head, expressions, -1.0, f"-(1/{n})"))


def _focal(example: Worked, params: dict) -> list[str]:
    n = len(example.terms)
    gamma = params["gamma"]
    expressions = []
    for y, p, t in zip(example.y_true, example.y_pred, example.terms, strict=True):
        _, p_t = _p_t(y, p)
        factor = (1.0 - p_t) ** gamma
        expressions.append(
            f"y={num(y)}, p={num(p)}, p_t={num(p_t)}: (1 - {num(p_t)})^{num(gamma)} log({num(p_t)}) = "
            f"{num(factor)} × {paren(np.log(p_t))} = {num(-t)}"
        )
    head = f"L = -(1/{n}) [(1 - p_t,1)^{num(gamma)} log p_t,1 + ... ],  p_t = p if y = 1, 1 - p if y = 0"
    return _mean_of_terms(example, _Shape(head, expressions, -1.0, f"-(1/{n})"))


def _cost_sensitive_bce(example: Worked, params: dict) -> list[str]:
    """The MedicalLoss: mean BCE, then the false-negative penalty added as a count."""
    n = len(example.terms)
    bce = core.per_sample("bce", example.y_true, example.y_pred)
    penalties = example.terms - bce
    missed = int(np.count_nonzero(penalties))
    rows = [["i", "-log p_t", ""]]
    for i, (y, p, term, penalty) in enumerate(zip(example.y_true, example.y_pred, bce, penalties, strict=True)):
        read, _ = _p_t(y, p)
        flag = f"missed positive (p < {num(params['threshold'])}): penalty {num(penalty)}" if penalty else ""
        rows.append([str(i + 1), f"y={num(y)}, p={num(p)}: -log({read}) = {num(term)}", flag])
    total = float(np.sum(bce))
    base = total / n
    penalty = num(params["penalty_ratio"] * missed)
    return [
        f"L = base_loss + penalty,  base_loss = (1/{n}) [-log p_t,1 - ... - log p_t,{n}]",
        *_aligned(rows),
        f"sum = {num(total)}",
        f"base_loss = (1/{n}) × {num(total)} = {num(base)}",
        f"penalty = {num(params['penalty_ratio'])} × {missed} missed positives = {penalty}  (a count, not a mean)",
        f"L = {num(base)} + {penalty} = {num(example.computed)}",
    ]


def _elastic_net(example: Worked, params: dict) -> list[str]:
    """The regularization penalty: one term per parameter, summed (not averaged)."""
    l1, l2 = num(params["lambda1"]), num(params["lambda2"])
    rows = [["j", "lambda1 |w_j| + lambda2 w_j^2"]]
    for j, (w, term) in enumerate(zip(example.weights, example.terms, strict=True)):
        rows.append([str(j + 1), f"{l1} × |{num(w)}| + {l2} × {paren(w)}^2 = {num(term)}"])
    return [
        f"L = {l1} Σ_j |w_j| + {l2} Σ_j w_j^2  (j over the {len(example.terms)} parameters)",
        *_aligned(rows),
        f"L = sum = {num(example.computed)}",
    ]


def _huber(example: Worked, params: dict) -> list[str]:
    """Each error against delta, the mean, then MAE and MSE/2 beside it, and Huber again with
    delta at the median absolute error, the residuals' own scale."""
    n = len(example.terms)
    delta = params["delta"]
    errors = np.abs(np.asarray(example.y_pred, dtype=float) - example.y_true)
    rows = [["i", "|e| = |ŷ - y|", "term"]]
    for i, (e, t) in enumerate(zip(errors, example.terms, strict=True)):
        rule = f"e^2/2 = {num(t)}" if e <= delta else f"{num(delta)} × ({num(e)} - {num(delta)}/2) = {num(t)}"
        rows.append([str(i + 1), f"{num(e)} {'<=' if e <= delta else '>'} delta = {num(delta)}", rule])
    arrays = {"y_true": example.y_true, "y_pred": example.y_pred}
    scale = float(np.median(errors))
    quadratic = int(np.count_nonzero(errors <= scale))
    return [
        f"L = (1/{n}) Σ [e^2/2 if |e| <= delta, else delta (|e| - delta/2)]",
        *_aligned(rows),
        f"L = (1/{n}) × {num(float(np.sum(example.terms)))} = {num(example.computed)}",
        f"beside it: mae = {num(core.compute('mae', **arrays))}, mse / 2 = {num(core.compute('mse', **arrays) / 2)}",
        f"delta = median |e| = {num(scale)}: huber:delta={num(scale)} = "
        f"{num(core.compute(f'huber:delta={scale!r}', **arrays))} ({quadratic} of {n} errors quadratic)",
    ]


def _cross_entropy(example: Worked, params: dict) -> list[str]:
    """One row per sample, ``-log softmax(z)_y``, their mean, and a logged loss read against it."""
    n = len(example.terms)
    rows = [["i", "-log softmax(z)_y = log Σ_c exp z_c - z_y"]]
    for i, (y, logits, t) in enumerate(zip(example.y_true, example.y_pred, example.terms, strict=True)):
        shown = ", ".join(num(z) for z in logits)
        rows.append([str(i + 1), f"y={num(y)}, z=({shown}): {num(t)}"])
    lines = [
        f"L = (1/{n}) Σ_i -log softmax(z_i)_(y_i)",
        *_aligned(rows),
        f"L = (1/{n}) × {num(float(np.sum(example.terms)))} = {num(example.computed)}",
    ]
    if example.ceiling and example.documented_expressions:
        bound = round(example.computed, example.tolerance)
        lines += ["", f"the document's log, each line a mean over 100 batches, against {num(example.computed)}:"]
        for logged in example.documented_expressions:
            above = float(logged.rsplit(" ", 1)[1]) > bound
            lines.append(f"  {logged}{'   <- above it' if above else ''}")
    return lines


def _pseudo_huber(example: Worked, params: dict) -> list[str]:
    """Each error's term, the mean, and Huber with the same delta beside it."""
    n = len(example.terms)
    delta = num(params["delta"])
    errors = np.abs(np.asarray(example.y_pred, dtype=float) - example.y_true)
    rows = [["i", f"{delta}^2 (sqrt(1 + (|e| / {delta})^2) - 1)"]]
    for i, (e, t) in enumerate(zip(errors, example.terms, strict=True)):
        rows.append([str(i + 1), f"|e| = {num(e)}: {num(t)}"])
    huber = core.compute(f"huber:delta={params['delta']!r}", example.y_true, example.y_pred)
    return [
        f"L = (1/{n}) Σ delta^2 (sqrt(1 + (e/delta)^2) - 1),  delta = {delta}",
        *_aligned(rows),
        f"L = (1/{n}) × {num(float(np.sum(example.terms)))} = {num(example.computed)}",
        f"beside it: huber:delta={delta} = {num(huber)}",
    ]


def _zero_one(example: Worked, params: dict) -> list[str]:
    """Each sample's predicted class against its label, the error rate, and cross-entropy beside it."""
    n = len(example.terms)
    threshold = num(params["threshold"])
    rows = [["i", f"predicted = 1 if p > {threshold}"]]
    for i, (y, p, t) in enumerate(zip(example.y_true, example.y_pred, example.terms, strict=True)):
        verdict = "wrong" if t else "right"
        rows.append([str(i + 1), f"y={num(y)}, p={num(p)}: predicted {int(p > params['threshold'])}, {verdict}"])
    bce = core.compute("bce", example.y_true, example.y_pred)
    return [
        f"L = (1/{n}) × (number of wrong predictions)",
        *_aligned(rows),
        f"L = (1/{n}) × {num(float(np.sum(example.terms)))} = {num(example.computed)}",
        f"beside it: bce = {num(bce)}",
    ]


def _distillation(example: Worked, params: dict) -> list[str]:
    """Each sample's softened teacher and student distributions, its T^2 KL, the mean, and the
    same at T = 1 beside it."""
    n = len(example.terms)
    temperature = params["temperature"]

    def softened(z: np.ndarray) -> str:
        q = np.exp(log_softmax(z[None, :] / temperature))[0]
        return "(" + ", ".join(f"{v:.4f}" for v in q) + ")"

    rows = [["i", f"q = softmax(t / {num(temperature)})", f"p = softmax(s / {num(temperature)})", "T^2 KL(q || p)"]]
    for i, (t, s, term) in enumerate(zip(example.y_true, example.y_pred, example.terms, strict=True)):
        rows.append([str(i + 1), softened(t), softened(s), num(term)])
    at_one = core.compute("distillation:temperature=1", example.y_true, example.y_pred)
    return [
        f"L = {num(temperature)}^2 (1/{n}) Σ_i KL(q_i || p_i)",
        *_aligned(rows),
        f"L = (1/{n}) × {num(float(np.sum(example.terms)))} = {num(example.computed)}",
        f"beside it: at T = 1 (the unsoftened softmaxes), {num(at_one)}",
    ]


def _ranking_softmax(example: Worked, params: dict) -> list[str]:
    """Each list's softmax of the scores and its loss, then their mean."""
    n = len(example.terms)
    rows = [["q", "relevance r", "softmax(s)", "-Σ r_i log softmax(s)_i"]]
    for i, (r, s, term) in enumerate(zip(example.y_true, example.y_pred, example.terms, strict=True)):
        p = np.exp(log_softmax(s[None, :]))[0]
        shown = "(" + ", ".join(f"{v:.4f}" for v in p) + ")"
        rows.append([str(i + 1), "(" + ", ".join(num(v) for v in r) + ")", shown, num(term)])
    return [
        f"L = (1/{n}) Σ_q -Σ_i r_qi log softmax(s_q)_i",
        *_aligned(rows),
        f"L = (1/{n}) × {num(float(np.sum(example.terms)))} = {num(example.computed)}",
    ]


def _generic(example: Worked, params: dict) -> list[str]:
    """Any other loss: its per-sample terms and their mean."""
    n = len(example.terms)
    expressions = [
        f"{example.loss}(y={num(yt)}, ŷ={num(yp)}) = {num(t)}"
        for yt, yp, t in zip(example.y_true, example.y_pred, example.terms, strict=True)
    ]
    return _mean_of_terms(example, _Shape(f"L = (1/{n}) [l_1 + ... + l_{n}]", expressions, 1.0, f"(1/{n})"))


_RENDERERS: dict[str, Callable[[Worked, dict], list[str]]] = {
    "mse": _mse,
    "huber": _huber,
    "pseudo-huber": _pseudo_huber,
    "zero-one": _zero_one,
    "distillation": _distillation,
    "ranking-softmax": _ranking_softmax,
    "bce": _bce,
    "cross-entropy": _cross_entropy,
    "focal": _focal,
    "cost-sensitive-bce": _cost_sensitive_bce,
    "elastic-net": _elastic_net,
}

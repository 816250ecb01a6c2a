"""A batch of input arrays, validated once, with the intermediates that losses share.

Losses take a ``Batch``, never raw arrays: the residual ``y_true - y_pred``, the clipped
log-probabilities or the log-softmax of a logit matrix are computed once per batch and shared
by every loss evaluated on it (a ``compare`` of eight regression losses computes one residual).
Validation raises ``InputDomainError`` naming the role and the 0-based index of the first bad
sample; counts of silent adjustments (clipped probabilities, relabelled classes) are recorded
in ``notes`` so that the layers above can report them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from lossctl.losses.errors import InputDomainError
from lossctl.losses.ids import query_ids
from lossctl.losses.logits import log_sigmoids, log_softmax, softmax_normalizers

SAMPLE_ROLES = (
    *("y_true", "y_pred", "sample_weight", "d_ap", "d_an", "anchor", "positive", "negative"),
    *("lower", "upper", "scale", "variance", "members", "quantiles", "u_weights", "v_weights"),
    *("x1", "x2", "embedding1", "embedding2", "query"),
)
ROLES = SAMPLE_ROLES + ("weights",)
WEIGHT_ROLES = ("sample_weight", "u_weights", "v_weights")
ROW_SUM_TOLERANCE = 1e-3  # of a probability row's sum: loose for a few decimals, tight for logits


def _first(mask: np.ndarray) -> int:
    """Index of the first sample (row) where ``mask`` is true."""
    flat = mask if mask.ndim == 1 else mask.any(axis=tuple(range(1, mask.ndim)))
    return int(np.argmax(flat))


class Batch:
    """Arrays by role (``y_true``, ``y_pred``, ``sample_weight``, ``weights``, ...).

    ``samples``: the rows hold two independent samples (``y_true`` and ``y_pred``, each with
    its weights), as a distribution loss reads them; a NaN there is no value of its sample
    (``lossctl.losses.samples``), not an invalid input."""

    def __init__(self, arrays: Mapping[str, Any], *, samples: bool = False) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        for role, values in arrays.items():
            if values is None:
                continue
            if role not in ROLES:
                raise ValueError(f"unknown input role {role!r}; roles are {', '.join(ROLES)}")
            absent = samples and role in ("y_true", "y_pred", *WEIGHT_ROLES)
            self.arrays[role] = query_ids(values) if role == "query" else self._as_float(role, values, absent)
        self.samples = samples
        self.notes: dict[str, int] = {}
        self._cache: dict[tuple, Any] = {}
        self.replicates: np.ndarray | None = None  # each row's replicate group, for intervals
        self._check_lengths()

    @staticmethod
    def _as_float(role: str, values: Any, absent: bool = False) -> np.ndarray:
        dtype = np.asarray(values).dtype
        if dtype.kind in "cmM":  # complex (the imaginary part would be dropped), dates, durations
            raise InputDomainError(f"values must be real numbers, not {dtype}", role=role)
        try:
            a = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError, OverflowError):
            raise InputDomainError("values must be numbers within the float64 range", role=role) from None
        if a.ndim == 0:
            a = a.reshape(1)
        if a.ndim == 2 and a.shape[1] == 1 and role in ("y_true", "y_pred"):
            a = a[:, 0]
        if role == "weights":
            a = a.reshape(-1)
        if not np.isfinite(a).all() and not (absent and not np.isinf(a).any()):
            i = _first(np.isinf(a) if absent else ~np.isfinite(a))
            kind = "NaN" if np.isnan(a[i]).any() else "an infinite value"
            raise InputDomainError(f"{kind} is not a valid input", role=role, index=i)
        if role in WEIGHT_ROLES:
            if a.ndim != 1:
                raise InputDomainError(f"sample weights must be 1-D, got shape {a.shape}", role=role)
            if (a < 0).any():
                i = _first(a < 0)
                raise InputDomainError(f"sample weight {a[i]:g} is negative", role=role, index=i)
        return a

    def _check_lengths(self) -> None:
        present = [r for r in SAMPLE_ROLES if r in self.arrays]
        lengths = {r: len(self.arrays[r]) for r in present}
        if len(set(lengths.values())) > 1:
            shown = ", ".join(f"{r} has {n}" for r, n in lengths.items())
            raise InputDomainError(f"inputs of different lengths: {shown}", role=present[0])

    # -- access -------------------------------------------------------------------------------

    def subset(self, rows: np.ndarray) -> Batch:
        """The batch of the rows ``rows`` (indices), with their replicate groups."""
        part = Batch({role: a[rows] for role, a in self.arrays.items()}, samples=self.samples)
        if self.replicates is not None:
            part.replicates = self.replicates[rows]
        return part

    def has(self, *roles: str) -> bool:
        return all(r in self.arrays for r in roles)

    def get(self, role: str) -> np.ndarray:
        """The array of ``role``; ``InputDomainError`` if the batch lacks it."""
        try:
            return self.arrays[role]
        except KeyError:
            raise InputDomainError("this input is required but was not given", role=role) from None

    def __len__(self) -> int:
        for role in SAMPLE_ROLES:
            if role in self.arrays:
                return len(self.arrays[role])
        return len(self.arrays.get("weights", ()))

    @property
    def sample_weight(self) -> np.ndarray | None:
        return self.arrays.get("sample_weight")

    def note(self, message: str, count: int) -> None:
        """Record ``count`` silent adjustments described by ``message``."""
        if count:
            self.notes[message] = self.notes.get(message, 0) + int(count)

    def cached(self, key: tuple, compute):
        """``compute()``, once per batch and ``key``: an intermediate that several losses
        share. The array is shared, so no caller may change it in place."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def vector(self, role: str) -> np.ndarray:
        """``role`` as a 1-D array of one value per sample."""
        a = self.get(role)
        if a.ndim != 1:
            raise InputDomainError(f"expected one value per sample, got shape {a.shape}", role=role)
        return a

    def matrix(self, role: str) -> np.ndarray:
        """``role`` as a 2-D array (samples x classes or dimensions)."""
        a = self.get(role)
        if a.ndim != 2:
            raise InputDomainError(f"expected a matrix (samples x columns), got shape {a.shape}", role=role)
        return a

    # -- regression -----------------------------------------------------------------------------

    def residual(self) -> np.ndarray:
        """``y_true - y_pred``."""
        return self.cached(("residual",), lambda: self.vector("y_true") - self.vector("y_pred"))

    def abs_residual(self) -> np.ndarray:
        """``|y_true - y_pred|``."""
        return self.cached(("abs_residual",), lambda: np.abs(self.residual()))

    def require_at_least(self, role: str, low: float, *, strict: bool = False, why: str) -> np.ndarray:
        """``role`` as a vector whose values are all >= ``low`` (> with ``strict``). The check
        is the vector's minimum, one reduction shared by every loss of the batch; only a failed
        check looks for the first bad sample."""
        a = self.vector(role)
        least = self.cached(("minimum", role), lambda: float(a.min(initial=np.inf)))
        if least < low or (strict and least == low):
            i = _first(a <= low if strict else a < low)
            raise InputDomainError(f"{a[i]:g} {why}", role=role, index=i)
        return a

    # -- binary classification ------------------------------------------------------------------

    def binary_target(self, *, soft: bool = True) -> np.ndarray:
        """Labels in {0, 1}; with ``soft``, any value in [0, 1]."""

        def compute() -> np.ndarray:
            y = self.vector("y_true")
            bad = (y < 0) | (y > 1) if soft else (y != 0) & (y != 1)
            if bad.any():
                i = _first(bad)
                allowed = "[0, 1]" if soft else "{0, 1}"
                raise InputDomainError(f"label {y[i]:g} is not in {allowed}", role="y_true", index=i)
            return y

        return self.cached(("binary_target", soft), compute)

    def signed_target(self) -> np.ndarray:
        """Labels in {-1, +1}; labels in {0, 1} are mapped 0 -> -1, and the mapping is noted."""

        def compute() -> np.ndarray:
            y = self.vector("y_true")
            if ((y == -1) | (y == 1)).all():
                return y
            if ((y == 0) | (y == 1)).all():
                self.note("labels {0, 1} mapped to {-1, +1}", len(y))
                return 2.0 * y - 1.0
            bad = (y != -1) & (y != 0) & (y != 1)
            i = _first(bad) if bad.any() else _first(y == 0)
            raise InputDomainError(
                f"label {y[i]:g}: labels must be all in {{-1, +1}} or all in {{0, 1}}", role="y_true", index=i
            )

        return self.cached(("signed_target",), compute)

    def probabilities(self, *, from_logits: bool) -> np.ndarray:
        """Predicted probability of the positive class: ``sigmoid(y_pred)`` from logits, else
        ``y_pred`` itself, checked to lie in [0, 1]."""

        def compute() -> np.ndarray:
            if from_logits:
                return np.exp(self.binary_log_probs(from_logits=True, eps=0.0)[0])
            return self._checked_probabilities("y_pred", self.vector("y_pred"))

        return self.cached(("probabilities", from_logits), compute)

    def _checked_probabilities(self, role: str, p: np.ndarray) -> np.ndarray:
        bad = (p < 0) | (p > 1)
        if bad.any():
            i = _first(bad)
            value = p[i] if p.ndim == 1 else p[i][bad[i]][0]
            raise InputDomainError(
                f"probability {value:g} is outside [0, 1]",
                role=role,
                index=i,
                hint="logits are read with from_logits=True",
            )
        return p

    def binary_log_probs(
        self, *, from_logits: bool, eps: float, log_floor: float | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(log p, log(1 - p))`` of the positive class.

        From logits z: ``log sigmoid(z) = -log(1 + e^-z)`` and ``log(1 - sigmoid(z)) =
        -log(1 + e^z)``, both by ``log_sigmoids``, within 2 eps for any finite z, never clipped.
        From probabilities: p clipped to [eps, 1 - eps] (the clipped values are counted), then
        ``log p`` and ``log1p(-p)``; or, with a ``log_floor``, p as it is and both logs
        floored at it (PyTorch's ``binary_cross_entropy`` floors them at -100).
        """
        return self.cached(
            ("binary_log_probs", from_logits, eps, log_floor),
            lambda: self._sigmoid_log_probs(self.vector("y_pred"), from_logits, eps, log_floor),
        )

    def label_log_probs(
        self, *, from_logits: bool, eps: float, log_floor: float | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(log p, log(1 - p))`` of every label of a samples x labels ``y_pred`` matrix
        (multi-label: one sigmoid per label), as ``binary_log_probs`` of each column."""
        return self.cached(
            ("label_log_probs", from_logits, eps, log_floor),
            lambda: self._sigmoid_log_probs(self.columns("y_pred"), from_logits, eps, log_floor),
        )

    def columns(self, role: str) -> np.ndarray:
        """``role`` as a samples x columns matrix, one value per sample being one column."""
        a = self.get(role)
        return a.reshape(len(a), -1) if a.ndim == 1 else self.matrix(role)

    def _sigmoid_log_probs(
        self, x: np.ndarray, from_logits: bool, eps: float, log_floor: float | None
    ) -> tuple[np.ndarray, np.ndarray]:
        if from_logits:
            return log_sigmoids(x)
        p = self._checked_probabilities("y_pred", x)
        if log_floor is not None:
            with np.errstate(divide="ignore"):  # log 0 = -inf, then floored
                return np.maximum(np.log(p), log_floor), np.maximum(np.log1p(-p), log_floor)
        clipped = self._clipped(p, eps)
        return np.log(clipped), np.log1p(-clipped)

    def label_probabilities(self, *, from_logits: bool) -> np.ndarray:
        """Each label's probability in a samples x labels ``y_pred`` matrix: the sigmoid of
        each logit, or the values themselves, checked to lie in [0, 1]."""
        if from_logits:
            return self.cached(
                ("label_probabilities",), lambda: np.exp(self.label_log_probs(from_logits=True, eps=0.0)[0])
            )
        return self._checked_probabilities("y_pred", self.columns("y_pred"))

    def label_matrix(self, *, soft: bool = True) -> np.ndarray:
        """``y_true`` as a samples x labels matrix of the ``y_pred`` matrix's width (multi-label):
        labels in {0, 1}; with ``soft``, any value in [0, 1]."""

        def compute() -> np.ndarray:
            y, labels = self.columns("y_true"), self.columns("y_pred").shape[1]
            if y.shape[1] != labels:
                raise InputDomainError(f"{y.shape[1]} label columns but {labels} prediction columns", role="y_true")
            bad = (y < 0) | (y > 1) if soft else (y != 0) & (y != 1)
            if bad.any():
                i = _first(bad)
                allowed = "[0, 1]" if soft else "{0, 1}"
                raise InputDomainError(f"label {y[i][bad[i]][0]:g} is not in {allowed}", role="y_true", index=i)
            return y

        return self.cached(("label_matrix", soft), compute)

    def _clipped(self, p: np.ndarray, eps: float) -> np.ndarray:
        """``p`` clipped to [eps, 1 - eps], the clipped values counted in the notes."""
        clipped = np.clip(p, eps, 1.0 - eps)
        self.note(f"probabilities clipped to [eps, 1-eps] (eps={eps:.3g})", np.count_nonzero(clipped != p))
        return clipped

    # -- multiclass -----------------------------------------------------------------------------

    def class_log_probs(self, *, from_logits: bool, eps: float) -> np.ndarray:
        """Log-probabilities of a samples x classes ``y_pred`` matrix.

        From logits: ``z - logsumexp(z)`` row-wise, with the row maximum subtracted first
        (log-sum-exp trick), never clipped. From probabilities: each value checked to lie in
        [0, 1], each row to sum to 1 within ``ROW_SUM_TOLERANCE``, then clipped to
        [eps, 1 - eps] as scikit-learn's log_loss does (the rows are not renormalized).
        """

        def compute() -> np.ndarray:
            if not from_logits:
                return np.log(self._clipped(self.class_probabilities(), eps))
            return log_softmax(self.matrix("y_pred"), self.softmax_normalizers())

        return self.cached(("class_log_probs", from_logits, eps), compute)

    def softmax_normalizers(self) -> tuple[np.ndarray, np.ndarray]:
        """``softmax_normalizers`` of a logit matrix ``y_pred``: its rows' maxima and logs of
        the shifted sums, shared by the log-probabilities and one class's."""
        return self.cached(("softmax_normalizers",), lambda: softmax_normalizers(self.matrix("y_pred")))

    def class_probabilities(self) -> np.ndarray:
        """The ``y_pred`` matrix as probabilities: in [0, 1], rows summing to 1."""

        def compute() -> np.ndarray:
            p = self._checked_probabilities("y_pred", self.matrix("y_pred"))
            sums = p.sum(axis=1)
            off = np.abs(sums - 1.0) > ROW_SUM_TOLERANCE
            if off.any():
                i = _first(off)
                raise InputDomainError(
                    f"probabilities sum to {sums[i]:.6g}, not 1",
                    role="y_pred",
                    index=i,
                    hint="logits or scores are read with from_logits=True",
                )
            return p

        return self.cached(("class_probabilities",), compute)

    def num_classes(self) -> int:
        return self.matrix("y_pred").shape[1]

    def class_labels(self, ignore_index: float | None = None) -> np.ndarray | None:
        """Integer class indices in [0, C) when ``y_true`` holds one label per sample, else
        ``None`` (``y_true`` is then a target matrix). Labels equal to ``ignore_index`` (rows
        that do not count, as PyTorch's ``ignore_index``) are not checked and read as class 0."""

        def compute() -> np.ndarray | None:
            y = self.get("y_true")
            if y.ndim != 1:
                return None
            if ignore_index is not None:
                y = np.where(y == ignore_index, 0.0, y)
            c = self.num_classes()
            bad = (y != np.floor(y)) | (y < 0) | (y >= c)
            if bad.any():
                i = _first(bad)
                raise InputDomainError(
                    f"class label {y[i]:g} is not an integer in [0, {c - 1}]", role="y_true", index=i
                )
            return y.astype(np.intp)

        return self.cached(("class_labels", ignore_index), compute)

    def target_matrix(self, *, distribution: bool = False, ignore_index: float | None = None) -> np.ndarray:
        """``y_true`` as a samples x classes matrix: one-hot from labels, or the given targets
        checked to lie in [0, 1] (and, with ``distribution``, rows summing to 1)."""

        def compute() -> np.ndarray:
            labels = self.class_labels(ignore_index)
            c = self.num_classes()
            if labels is not None:
                t = np.zeros((len(labels), c))
                t[np.arange(len(labels)), labels] = 1.0
                return t
            t = self.matrix("y_true")
            if t.shape[1] != c:
                raise InputDomainError(f"{t.shape[1]} target columns but {c} predicted classes", role="y_true")
            bad = (t < 0) | (t > 1)
            if bad.any():
                i = _first(bad)
                raise InputDomainError("targets must lie in [0, 1]", role="y_true", index=i)
            if distribution:
                off = np.abs(t.sum(axis=1) - 1.0) > ROW_SUM_TOLERANCE
                if off.any():
                    i = _first(off)
                    raise InputDomainError(
                        f"target distribution sums to {t[i].sum():.6g}, not 1", role="y_true", index=i
                    )
            return t

        return self.cached(("target_matrix", distribution, ignore_index), compute)

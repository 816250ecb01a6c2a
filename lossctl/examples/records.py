"""The data model of the worked examples: an example as a document wrote it, the same example
recomputed by lossctl, and an erratum in a document's formulas."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

import numpy as np

from lossctl.examples.steps import derivation

MATCH = "match"
DOCUMENT_WRONG = "document-wrong"
NO_DOCUMENTED_VALUE = "no-documented-value"
IMPLAUSIBLE = "implausible"
PLAUSIBLE = "plausible"
VERDICTS = (MATCH, DOCUMENT_WRONG, NO_DOCUMENTED_VALUE, IMPLAUSIBLE, PLAUSIBLE)
COLUMN_NAMES = {"y_true": "y_true", "y_pred": "y_pred", "sample_weight": "weight", "weights": "w"}
"""The column of each input role in the sample_data/ files."""


@dataclass(frozen=True, kw_only=True, eq=False)
class Example:
    """One worked example of a reference document, with its data and what the document says.

    ``documented_terms`` are the per-sample loss terms the document's own numbers give, on the
    scale of ``lossctl.per_sample`` (a derivation written ``-1/n [log(0.8) + ...]`` with
    ``log(0.8) = -0.223`` has the term 0.223); ``documented_expressions`` are the same terms as
    the document wrote them. ``tolerance`` is the number of decimals the document rounded its
    value to. ``comment`` is one sentence: the document's slip when it is wrong, how the data
    were made when it gives no value. ``remarks`` are further observations on the derivation.
    ``ceiling`` marks a documented value that the computed one bounds from above (a logged loss
    that a uniform guess already beats): the verdict is then ``implausible`` or ``plausible``.
    ``matrices`` names the columns of a matrix input by role: ``{"y_pred": "logit"}`` writes
    ``logit_0``, ``logit_1``, ...
    """

    id: str
    title: str
    source: str
    section: str
    loss: str
    params: dict[str, float] = field(default_factory=dict)
    data_file: str
    y_true: np.ndarray | None = None
    y_pred: np.ndarray | None = None
    sample_weight: np.ndarray | None = None
    weights: np.ndarray | None = None
    features: dict[str, np.ndarray] = field(default_factory=dict)
    documented: float | None = None
    tolerance: int | None = None
    documented_terms: tuple[float, ...] | None = None
    documented_expressions: tuple[str, ...] | None = None
    documented_formula: str = ""
    comment: str = ""
    remarks: tuple[str, ...] = ()
    ceiling: bool = False
    matrices: dict[str, str] = field(default_factory=lambda: {"y_pred": "logit"})

    @property
    def command(self) -> str:
        """The command line that computes this example's value from its file in sample_data/."""
        path = f"sample_data/{self.data_file}"
        words = ["lossctl", "compute", "-l", self.loss]
        for role, values in self.arrays().items():
            if values.ndim == 2:  # matrix columns named as they are, not left to detection
                words += [f"--{role.replace('_', '-')}", f"{self.matrices[role]}_*"]
        words += ["--model-weights", path] if self.weights is not None else [path]
        return shlex.join(words)

    @property
    def where(self) -> str:
        """``file §section``."""
        return f"{self.source} §{self.section}"

    def arrays(self) -> dict[str, np.ndarray]:
        """The inputs of ``lossctl.compute``, by role (only those this example has)."""
        roles = {
            "y_true": self.y_true,
            "y_pred": self.y_pred,
            "sample_weight": self.sample_weight,
            "weights": self.weights,
        }
        return {role: values for role, values in roles.items() if values is not None}

    def data_columns(self) -> dict[str, np.ndarray]:
        """The columns of the example's file in sample_data/, in order: the features, then the
        inputs under their column names (``weight`` for sample weights, ``w`` for model weights,
        a matrix one column per class, named by ``matrices``: ``logit_0``, ``logit_1``, ...)."""
        columns = dict(self.features)
        for role, values in self.arrays().items():
            if values.ndim == 2:  # a class matrix: one column per class
                prefix = self.matrices[role]
                columns.update({f"{prefix}_{k}": values[:, k] for k in range(values.shape[1])})
            else:
                columns[COLUMN_NAMES[role]] = values
        return columns


@dataclass(frozen=True, kw_only=True, eq=False)
class Worked(Example):
    """An example recomputed: lossctl's value, its per-sample terms, and the verdict."""

    computed: float
    terms: np.ndarray
    verdict: str
    explanation: str

    def steps(self) -> list[str]:
        """The derivation, step by step in the document's shape, beside the document's own."""
        return derivation(self)


@dataclass(frozen=True)
class Erratum:
    """A wrong formula (or a wrong statement about a loss) in a reference document.

    ``document_formula`` is quoted verbatim from the document; ``loss`` is the catalog name of
    the loss it concerns.
    """

    id: str
    source: str
    section: str
    loss: str
    document_formula: str
    correct_formula: str
    explanation: str

    @property
    def where(self) -> str:
        """``file §section``."""
        return f"{self.source} §{self.section}"

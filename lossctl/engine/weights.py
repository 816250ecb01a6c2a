"""A model's parameters, for the regularization losses (l1, l2, elastic-net) that read them."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from lossctl.engine.request import Source
from lossctl.errors import UsageError
from lossctl.io import open_source


class ModelWeights(NamedTuple):
    """A model's parameters, flattened in reading order, and the file they came from; in a
    file of one column, value i is row i."""

    values: np.ndarray
    file: str
    one_column: bool


def read_model_weights(source: Source, losses: list) -> ModelWeights | None:
    """The parameters the losses need, read from ``--model-weights``; None when no loss reads
    them, an error when one does and no file was given."""
    needs = [loss for loss in losses if loss.needs_weights()]
    if not needs:
        return None
    if source.model_weights is None:
        raise UsageError(f"{needs[0].label} needs the model's parameters: give --model-weights FILE")
    weights = open_source(source.model_weights, encoding=source.encoding)
    return ModelWeights(weights.read_all_values(), weights.name, len(weights.columns) == 1)

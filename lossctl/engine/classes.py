"""Text class labels (``cat``/``dog``, ``yes``/``no``) as the class numbers the losses read.

The mapping is decided before the pass, so that every chunk is coded alike, whatever order
the labels come in (scikit-learn's ``LabelEncoder``: the classes sorted, ``classes_[i]`` being
class ``i``):

1. ``--classes a,b,c`` gives the classes in class order (binary: negative, positive);
2. else a class matrix whose column names name the classes (``p_cat``, ``p_dog``) gives them
   in column order;
3. else the labels are collected by a first pass over the label column alone (at most
   ``MAX_CLASSES`` of them) and sorted, matched to the class matrix's columns in order.

Binary labels: the positive class (1) is the second of the two, sorted (as scikit-learn's
``pos_label=1`` after ``LabelEncoder``), or ``--pos-label``. A label outside the classes is an
error naming its file, column and row; an empty cell or null is a missing value.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat

import numpy as np

from lossctl.errors import InputError, UsageError
from lossctl.io import class_names

MAX_CLASSES = 10_000
"""More distinct text labels than this are no class labels (a free-text column, say)."""


@dataclass(frozen=True)
class ClassLabels:
    """The classes of a text label column: ``names[i]`` is class ``i``; ``binary`` when one
    prediction column scores the positive class, ``names[1]``."""

    column: str
    names: tuple[str, ...]
    binary: bool
    origin: str  # how the classes were decided, for the caption

    @property
    def positive(self) -> str | None:
        return self.names[1] if self.binary else None

    def describe(self) -> str:
        """``classes of y (sorted): cat=0, dog=1; positive class dog``."""
        pairs = ", ".join(f"{name}={i}" for i, name in enumerate(self.names))
        text = f"classes of {self.column} ({self.origin}): {pairs}"
        return f"{text}; positive class {self.positive}" if self.binary else text

    def code(self, labels: np.ndarray, start: int, source) -> np.ndarray:
        """The class numbers of ``labels`` (an array of str, None for a missing one), as
        float64 (NaN where missing); ``start`` is their first 0-based row in ``source``."""
        index = {name: float(i) for i, name in enumerate(self.names)} | {None: np.nan, "": np.nan}
        codes = np.fromiter(map(index.get, labels.tolist(), repeat(-1.0)), np.float64, len(labels))  # C speed
        unknown = np.flatnonzero(codes == -1.0)
        if len(unknown):
            first = int(unknown[0])
            file, column, row = source.locate(self.column, start + first)
            raise InputError(
                f"label {labels[first]!r} is not one of the classes {', '.join(self.names)}",
                file=file,
                column=column,
                row=row + 1,
                hint="list every class with --classes",
            )
        return codes


def class_labels(
    source, column: str, matrix: list[str] | None, classes: tuple[str, ...] | None, pos_label: str | None
) -> ClassLabels:
    """The classes of the text label ``column`` of ``source``; ``matrix`` the class matrix's
    columns (None: one prediction column, binary)."""
    if classes is not None:
        names, origin = list(classes), "--classes"
    elif matrix is not None and class_names(matrix) is not None:
        names, origin = class_names(matrix), "the column names"
    else:
        names, origin = distinct_labels(source, column), "sorted"
    if len(set(names)) != len(names):
        raise UsageError(f"--classes names a class twice: {', '.join(names)}")
    if matrix is not None:
        if len(names) != len(matrix):
            raise InputError(
                f"{len(names)} classes ({', '.join(names)}) but {len(matrix)} probability columns",
                file=source.name,
                column=column,
                hint="name the classes in column order with --classes",
            )
        if pos_label is not None:
            raise UsageError("--pos-label applies to binary labels; a class matrix scores every class")
        return ClassLabels(column, tuple(names), False, origin)
    return _binary(source, column, names, origin, pos_label)


def _binary(source, column: str, names: list[str], origin: str, pos_label: str | None) -> ClassLabels:
    if pos_label is not None:
        others = [name for name in names if name != pos_label]
        if origin == "--classes" and pos_label not in names:
            raise UsageError(f"--pos-label {pos_label} is not one of --classes {','.join(names)}")
        names, origin = [*others, pos_label], "--pos-label"
    if len(names) > 2:
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        raise InputError(
            f"{len(names)} classes ({shown}) but one prediction column",
            file=source.name,
            column=column,
            hint="a multiclass file holds a probability column per class, e.g. p_" + names[0],
        )
    if len(names) < 2:
        raise InputError(
            f"one class only ({names[0] if names else 'none'}): which is positive is not told",
            file=source.name,
            column=column,
            hint="name both with --classes negative,positive",
        )
    return ClassLabels(column, tuple(names), True, origin)


def distinct_labels(source, column: str) -> list[str]:
    """The labels of ``column``, sorted: a pass over that column alone."""
    seen: set[str] = set()
    for chunk in source.iter_chunks([], [column]):
        seen.update(chunk.arrays[column].tolist())
        seen.discard(None)
        seen.discard("")
        if len(seen) > MAX_CLASSES:
            raise InputError(
                f"more than {MAX_CLASSES} distinct text labels: not class labels",
                file=source.name,
                column=column,
                hint="pick the label column with --y-true",
            )
    text = sorted(label for label in seen if not _number(label))
    if text and len(text) < len(seen):  # numbers, and some text among them: the text is the error
        _refuse_text(source, column, set(text))
    return sorted(seen)


def _number(label: str) -> bool:
    try:
        float(label)
    except ValueError:
        return False
    return True


def _refuse_text(source, column: str, text: set[str]) -> None:
    """The error of a column of numbers holding some text: its first text cell, by row."""
    for chunk in source.iter_chunks([], [column]):
        values = chunk.arrays[column].tolist()
        for i, value in enumerate(values):
            if value in text:
                file, name, row = source.locate(column, chunk.start + i)
                raise InputError(
                    f"{value!r} is not a number",
                    file=file,
                    column=name,
                    row=row + 1,
                    hint="the column holds numbers but this cell; text labels are classes only when every label is text",
                )

"""The public API of lossctl.examples: the catalog's shape, look-ups, JSON, and steps."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from lossctl.examples import (
    DOCUMENT_WRONG,
    MATCH,
    VERDICTS,
    Example,
    as_json,
    examples,
    work,
    work_all,
    worked,
)
from lossctl.losses import resolve

KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SEED_FILE = re.compile(r"^00[0-4]_[0-9a-f]{16}\.txt$")


def test_examples_are_well_formed():
    found = examples()
    assert len({e.id for e in found}) == len(found) == 12
    for e in found:
        assert KEBAB.match(e.id), e.id
        assert SEED_FILE.match(e.source), e.source
        assert e.section and e.title and e.documented_formula
        assert e.data_file.endswith(".csv")
        assert (e.documented is None) == (e.tolerance is None), e.id
        if e.documented_terms is not None:
            assert len(e.documented_terms) == len(e.documented_expressions) == len(e.y_true)


def test_params_are_those_of_the_loss_spec():
    for e in examples():
        bound = resolve(e.loss).params
        assert all(bound[key] == value for key, value in e.params.items()), e.id


def test_every_verdict_but_match_has_a_comment():
    for w in work_all():
        assert w.verdict in VERDICTS
        if w.verdict != MATCH:
            assert w.explanation == w.comment and w.comment.endswith("."), w.id


def test_unknown_id_suggests_the_closest():
    with pytest.raises(KeyError, match="did you mean 'spam-bce'"):
        worked("spam-bse")
    with pytest.raises(KeyError, match="examples are house-prices-mse, "):
        worked("zzz")


def test_as_json():
    objects = [as_json(w) for w in work_all()]
    assert json.loads(json.dumps(objects, ensure_ascii=False)) == objects
    spam = next(o for o in objects if o["id"] == "spam-focal")
    assert list(spam) == [
        "id",
        "source",
        "loss",
        "params",
        "documented",
        "computed",
        "verdict",
        "explanation",
        "command",
    ]
    assert spam["source"] == "000_df442fc687e6d5ab.txt §4.3 Focal loss示例"
    assert spam["loss"] == "focal:gamma=2"
    assert spam["params"] == {"gamma": 2.0}
    assert spam["documented"] == 1.486
    assert spam["verdict"] == DOCUMENT_WRONG


def test_a_wrong_verdict_without_a_comment_is_refused():
    example = Example(
        id="uncommented",
        title="t",
        source="000_df442fc687e6d5ab.txt",
        section="s",
        loss="mae",
        data_file="x.csv",
        y_true=np.array([1.0]),
        y_pred=np.array([2.0]),
        documented=3.0,
        tolerance=0,
    )
    with pytest.raises(ValueError, match="needs a comment"):
        work(example)


def test_steps_of_a_loss_without_its_own_shape():
    example = Example(
        id="mae-generic",
        title="MAE of two points",
        source="002_d36e9898ab39264f.txt",
        section="3.2",
        loss="mae",
        data_file="x.csv",
        y_true=np.array([1.0, 4.0]),
        y_pred=np.array([2.0, 2.0]),
        documented=1.5,
        tolerance=1,
        documented_formula="MAE",
    )
    steps = work(example).steps()
    assert "mae(y=4, ŷ=2) = 2" in "\n".join(steps)
    assert "L = (1/2) × 3 = 1.5    document: 1.5" in steps

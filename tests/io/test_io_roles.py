"""Column roles from names, and column selection by name or glob."""

from __future__ import annotations

import pytest

from lossctl.errors import InputError
from lossctl.io import RoleMatch, detect_roles, select_columns


@pytest.mark.parametrize(
    ("column", "role"),
    [
        ("y_true", "y_true"), ("Target", "y_true"), ("label", "y_true"), ("labels", "y_true"),
        ("actual", "y_true"), ("truth", "y_true"), ("y", "y_true"), ("TRUE", "y_true"),
        ("ground-truth", "y_true"), ("Ground Truth", "y_true"), ("ytrue", "y_true"),
        ("y_pred", "y_pred"), ("pred", "y_pred"), ("prediction", "y_pred"), ("predictions", "y_pred"),
        ("yhat", "y_pred"), ("y_hat", "y_pred"), ("score", "y_pred"), ("prob", "y_pred"),
        ("probability", "y_pred"), ("logit", "y_pred"), ("output", "y_pred"), ("Y-Pred", "y_pred"),
        ("predicted", "y_pred"), ("preds", "y_pred"), ("proba", "y_pred"), ("y_prob", "y_pred"),
        ("y_proba", "y_pred"), ("pred_proba", "y_pred"), ("pred_prob", "y_pred"), ("y_score", "y_pred"),
        ("probabilities", "y_pred"),
        ("targets", "y_true"), ("y_label", "y_true"), ("true_label", "y_true"), ("gt", "y_true"),
        ("actuals", "y_true"), ("observed", "y_true"),
        ("weight", "weight"), ("sample_weight", "weight"), ("weights", "weight"), ("w", "weight"),
        ("distance", "distance"), ("dist", "distance"), ("d", "distance"),
        ("d_ap", "d_ap"), ("dist_ap", "d_ap"), ("d_pos", "d_ap"), ("pos_dist", "d_ap"),
        ("d_an", "d_an"), ("dist_an", "d_an"), ("d_neg", "d_an"), ("neg_dist", "d_an"),
    ],
)  # fmt: skip
def test_scalar_role_names(column, role):
    assert detect_roles(["other", column]) == {role: RoleMatch(role, [column], [column])}


def test_preferred_name_wins_and_candidates_are_listed():
    roles = detect_roles(["score", "id", "y_pred", "pred"])
    assert roles["y_pred"] == RoleMatch("y_pred", ["y_pred"], ["y_pred", "pred", "score"])


def test_same_name_twice_keeps_file_order():
    assert detect_roles(["Label", "label"])["y_true"].candidates == ["Label", "label"]


def test_unrelated_columns_have_no_role():
    assert detect_roles(["id", "pred_class", "weighted", "dy"]) == {}


def test_matrix_in_numeric_suffix_order():
    roles = detect_roles(["y", "p_10", "p_2", "p_1", "p_0"])
    assert roles["matrix"] == RoleMatch("matrix", ["p_0", "p_1", "p_2", "p_10"], ["p_*"])


def test_matrix_of_class_names_in_file_order():
    roles = detect_roles(["prob_dog", "prob_cat", "prob_bird"])
    assert roles["matrix"].columns == ["prob_dog", "prob_cat", "prob_bird"]


@pytest.mark.parametrize(
    "prefix",
    ["prob_", "p_", "proba_", "logit_", "logits_", "score_", "Prob-", "logit", "y_prob_", "y_proba_", "pred_proba_"],
)
def test_matrix_prefixes(prefix):
    columns = [f"{prefix}{i}" for i in range(3)]
    match = detect_roles(columns)["matrix"]
    assert match.columns == columns


def test_several_matrix_groups_are_candidates():
    match = detect_roles(["logit_0", "logit_1", "prob_0", "prob_1"])["matrix"]
    assert match.columns == ["logit_0", "logit_1"]
    assert match.candidates == ["logit_*", "prob_*"]


def test_a_single_prefixed_column_is_no_matrix():
    assert "matrix" not in detect_roles(["p_value", "y"])


def test_target_matrix_and_embeddings():
    columns = ["target_0", "target_1", "y_true_a", "y_true_b"]
    columns += [f"{name}_{i}" for name in ("anchor", "positive", "negative") for i in range(2)]
    roles = detect_roles(columns)
    assert roles["target_matrix"].columns == ["target_0", "target_1"]
    assert roles["target_matrix"].candidates == ["target_*", "y_true_*"]
    for name in ("anchor", "positive", "negative"):
        assert roles[name].columns == [f"{name}_0", f"{name}_1"]


def test_select_by_name():
    assert select_columns(["a", "logit_*"], "logit_*") == ["logit_*"]
    assert select_columns(["a", "b"], "b") == ["b"]


def test_select_glob_in_matrix_order():
    columns = ["id", "logit_10", "logit_9", "logit_0", "prob_0"]
    assert select_columns(columns, "logit_*") == ["logit_0", "logit_9", "logit_10"]
    assert select_columns(columns, "logit_1?") == ["logit_10"]


def test_select_nothing_suggests():
    with pytest.raises(InputError) as caught:
        select_columns(["id", "y_pred"], "y_prd", file="f.csv")
    assert (
        str(caught.value)
        == "f.csv, column 'y_prd': no such column (the columns are: id, y_pred) (hint: did you mean 'y_pred'?)"
    )


def test_select_nothing_without_suggestion():
    with pytest.raises(InputError) as caught:
        select_columns(["id", "y_pred"], "zzz*")
    assert str(caught.value) == "column 'zzz*': no such column (the columns are: id, y_pred)"


def test_long_column_lists_are_cut():
    columns = [f"c{i}" for i in range(30)]
    with pytest.raises(InputError) as caught:
        select_columns(columns, "nothing")
    assert "c19, ... (10 more))" in str(caught.value)

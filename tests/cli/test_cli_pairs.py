"""Divergences and pair losses through ``lossctl compute`` on CSV files: jensen-shannon on a
class matrix; expected values from SciPy or by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.spatial.distance import jensenshannon

from .conftest import document, failed, value, write


def test_jensen_shannon_of_a_class_matrix(run, files):
    # Two rows: targets [1, 0] and [0.5, 0.5] (t_*), probabilities [0.5, 0.5] and [0.25, 0.75].
    write(files / "js.csv", "t_0,t_1,prob_0,prob_1\n1,0,0.5,0.5\n0.5,0.5,0.25,0.75\n")
    t, p = np.array([[1.0, 0.0], [0.5, 0.5]]), np.array([[0.5, 0.5], [0.25, 0.75]])
    args = ("compute", "-l", "jensen-shannon", "js.csv", "--y-true", "t_*", "--format", "json")
    assert value(run(*args)) == pytest.approx(jensenshannon(t, p, axis=1).mean(), rel=1e-12)
    doc = document(run("compute", "-l", "js:base=2", *args[3:]))
    assert doc["results"][0]["spec"] == "jensen-shannon:base=2"
    assert doc["results"][0]["value"] == pytest.approx(jensenshannon(t, p, base=2, axis=1).mean(), rel=1e-12)
    # Row 1 by hand: m = [0.75, 0.25], KL(t||m) = log(4/3), KL(p||m) = 0.5 log(2/3) + 0.5 log 2.
    row_1 = math.sqrt((math.log(4 / 3) + 0.5 * math.log(2 / 3) + 0.5 * math.log(2)) / 2)
    assert jensenshannon(t[0], p[0]) == pytest.approx(row_1, rel=1e-12)


def test_margin_ranking_from_two_score_columns(run, files):
    # Targets 1, -1, 1; scores (0.5, 0.2), (0.3, 0.9), (0.1, 0.4): hinge terms 0, 0, 0.3 (margin 0).
    write(files / "mr.csv", "y,x1,x2\n1,0.5,0.2\n-1,0.3,0.9\n1,0.1,0.4\n")
    doc = document(
        run("compute", "-l", "margin-ranking", "-l", "margin-ranking:margin=0.5", "mr.csv", "--format", "json")
    )
    assert doc["inputs"][0]["task"] == "pair"
    assert doc["inputs"][0]["roles"] == {"y_true": ["y"], "x1": ["x1"], "x2": ["x2"]}
    assert [r["value"] for r in doc["results"]] == pytest.approx([0.3 / 3, (0.2 + 0.8) / 3], rel=1e-12)
    compared = document(run("compare", "mr.csv", "--format", "json"))  # the pair losses these columns fit
    assert [r["loss"] for r in compared["results"]] == ["margin-ranking"]


def test_cosine_embedding_from_two_groups_of_columns(run, files):
    # Row 1: (1, 0) and (1, 1), similar: 1 - 1/sqrt 2; row 2: (1, 2) and (2, 1), dissimilar: cos 0.8.
    write(files / "ce.csv", "label,a_0,a_1,b_0,b_1\n1,1,0,1,1\n-1,1,2,2,1\n")
    args = ("compute", "-l", "cosine-embedding", "ce.csv", "--x1", "a_*", "--x2", "b_*", "--format", "json")
    expected = ((1 - 1 / math.sqrt(2)) + 0.8) / 2
    assert value(run(*args)) == pytest.approx(expected, rel=1e-11)  # torch's 1e-12 in the squared norms
    write(files / "named.csv", "label,x1_0,x1_1,x2_0,x2_1\n1,1,0,1,1\n-1,1,2,2,1\n")
    assert value(run("compute", "-l", "cosine-embedding", "named.csv", "--format", "json")) == pytest.approx(
        expected, rel=1e-11
    )
    failed(run("compute", "-l", "margin-ranking", "named.csv"), "margin-ranking needs two scores (x1, x2)")


def test_cosine_similarity_of_two_groups_of_columns(run, files):
    # Keras' example: rows (0, 1)/(1, 0), (1, 1)/(1, 1), (1, 1)/(-1, -1): -0, -1, 1; mean 0.
    write(files / "cs.csv", "t_0,t_1,p_0,p_1\n0,1,1,0\n1,1,1,1\n1,1,-1,-1\n3,4,4,3\n")
    doc = document(
        run("compute", "-l", "cosine-similarity", "cs.csv", "--y-true", "t_*", "--y-pred", "p_*", "--format", "json")
    )
    assert doc["inputs"][0]["task"] == "vectors"
    # the fourth row: (3, 4).(4, 3) / 25 = 24/25.
    assert doc["results"][0]["value"] == pytest.approx((0.0 - 1.0 + 1.0 - 0.96) / 4, rel=1e-12)


def test_triplet_distance_swap(run, files):
    # a = (0, 0), p = (3, 0), n = (3, 1), eps = 0: d(a, p) = 3, d(a, n) = sqrt 10, d(p, n) = 1.
    write(files / "emb.csv", "anchor_0,anchor_1,positive_0,positive_1,negative_0,negative_1\n0,0,3,0,3,1\n")
    plain = value(run("compute", "-l", "triplet:eps=0", "emb.csv", "--format", "json"))
    swapped = value(run("compute", "-l", "triplet:eps=0,swap=true", "emb.csv", "--format", "json"))
    assert plain == pytest.approx(3 - math.sqrt(10) + 1, rel=1e-12)
    assert swapped == pytest.approx(3 - 1 + 1, rel=1e-12)  # d(p, n) = 1 replaces d(a, n)
    write(files / "tr.csv", "d_ap,d_an\n1,3\n")
    failed(run("compute", "-l", "triplet:swap=true", "tr.csv"), "swap needs the embeddings")


def test_contrastive_from_two_embeddings(run, files):
    # Rows: (1, 0)-(1, 1) similar, d = 1: 1; (1, 2)-(2, 1) dissimilar, d = sqrt 2 > margin 1: 0;
    # (0, 0)-(1, 0) similar, d = 1: 1. Mean 2/3.
    write(files / "ce01.csv", "label,x1_0,x1_1,x2_0,x2_1\n1,1,0,1,1\n0,1,2,2,1\n1,0,0,1,0\n")
    assert value(run("compute", "-l", "contrastive", "ce01.csv", "--format", "json")) == pytest.approx(2 / 3)
    # margin 2: the dissimilar pair adds (2 - sqrt 2)^2.
    expected = (2 + (2 - math.sqrt(2)) ** 2) / 3
    assert value(run("compute", "-l", "contrastive:margin=2", "ce01.csv", "--format", "json")) == pytest.approx(
        expected
    )


def test_ntxent_of_an_embedding_matrix_grouped_by_label(run, files):
    # optax's example: 1-D embeddings of one sign, two groups of two: every cosine is 1, each
    # positive pair's softmax is 1/3: log 3. The rows' order does not matter.
    write(files / "nt.csv", "label,emb_0\n0,0.0897\n1,0.8623\n0,1.6291\n1,0.1361\n")
    doc = document(run("compute", "-l", "ntxent", "nt.csv", "--y-pred", "emb_*", "--format", "json"))
    assert doc["inputs"][0]["task"] == "vectors"
    assert doc["results"][0]["value"] == pytest.approx(math.log(3), rel=1e-12)
    # Two dimensions: rows (1, 0), (1, 0.1) in group 0 and (0, 1) in group 1, T = 1: each of the
    # two positive pairs has s = cos = 1/sqrt(1.01) and one negative of cos 0 and 0.1/sqrt(1.01).
    write(files / "nt2.csv", "label,emb_0,emb_1\n0,1,0\n0,1,0.1\n1,0,1\n")
    c = 1 / math.sqrt(1.01)
    expected = (
        -math.log(math.exp(c) / (math.exp(c) + 1)) - math.log(math.exp(c) / (math.exp(c) + math.exp(0.1 * c)))
    ) / 2
    got = value(run("compute", "-l", "ntxent:temperature=1", "nt2.csv", "--y-pred", "emb_*", "--format", "json"))
    assert got == pytest.approx(expected, rel=1e-12)


def test_soft_targets_beside_a_class_matrix_are_no_multi_output_regression(run, files):
    # kl-divergence and jensen-shannon read t_* as target distributions, not as outputs.
    write(files / "soft.csv", "t_0,t_1,prob_0,prob_1\n0.5,0.5,0.25,0.75\n")
    doc = document(run("compute", "-l", "kl", "-l", "js", "soft.csv", "--y-true", "t_*", "--format", "json"))
    assert doc["inputs"][0]["task"] == "multiclass"
    kl = 0.5 * math.log(0.5 / 0.25) + 0.5 * math.log(0.5 / 0.75)
    assert doc["results"][0]["value"] == pytest.approx(kl, rel=1e-12)

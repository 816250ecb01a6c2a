"""Regenerate ``tests/reference/ranking_fixtures.json``: optax's ranking softmax loss of lists
given as rows grouped by a query id.

Run from the repository root with a Python that has optax and jax (the tests need neither)::

    python tests/reference/make_ranking_fixtures.py

Each case is a set of queries of different lengths (one item, some lists whose relevance is
all 0, graded labels 0..4), scores and item weights, drawn from a seeded generator. optax
reads ``[queries, list_size]`` arrays, so each case's lists are padded to its longest and the
padding masked out with ``where``; its default ``reduce_fn`` is the mean over the lists with
a valid item, and ``weights`` multiply the labels. jax runs in float64. The file holds, per
case, the rows as lossctl reads them (``query``, ``relevance``, ``score``, ``weight``; the
rows of a query contiguous, as learning-to-rank files hold them, in a shuffled order; the ids
in no order, and text in every third case) and optax's value; and the versions of optax and jax
that made it (optax 0.2.8, jax 0.10.2).
"""

from __future__ import annotations

import json
from pathlib import Path

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402

OUT = Path(__file__).with_name("ranking_fixtures.json")
SEED = 20261204
CASES = 24


def make_case(rng: np.random.Generator, k: int) -> dict:
    queries = int(rng.integers(1, 12))
    sizes = rng.integers(1, 9, queries)
    ids = rng.choice(10_000, queries, replace=False).astype(float)  # ids in no order
    rows = int(sizes.sum())
    relevance = rng.integers(0, 5, rows).astype(float)
    start = 0
    for size in sizes:  # some lists with no relevant item: a loss of 0 that counts in the mean
        if rng.random() < 0.2:
            relevance[start : start + size] = 0.0
        start += size
    scale = 10.0 ** rng.uniform(-1, 2) if k % 4 else 300.0  # large scores: log-sum-exp shifted
    score = rng.normal(0.0, scale, rows)
    weight = rng.uniform(0.1, 3.0, rows) if k % 2 else np.ones(rows)
    query = np.repeat(ids, sizes)
    logits = np.zeros((queries, sizes.max()))
    labels, weights = np.zeros_like(logits), np.zeros_like(logits)
    where = np.zeros_like(logits, dtype=bool)
    start = 0
    for q, size in enumerate(sizes):
        part = slice(start, start + size)
        logits[q, :size], labels[q, :size], weights[q, :size] = score[part], relevance[part], weight[part]
        where[q, :size] = True
        start += size
    expected = optax.losses.ranking_softmax_loss(
        jnp.asarray(logits), jnp.asarray(labels), where=jnp.asarray(where), weights=jnp.asarray(weights)
    )
    order = np.concatenate(
        [start + rng.permutation(size) for start, size in zip(np.cumsum(sizes) - sizes, sizes, strict=True)]
    )
    shown = [f"q{int(q)}" for q in query[order]] if k % 3 == 0 else query[order].tolist()  # text ids too
    return {
        "query": shown,
        "relevance": relevance[order].tolist(),
        "score": score[order].tolist(),
        "weight": weight[order].tolist(),
        "weighted": bool(k % 2),
        "expected": float(expected),
    }


def main() -> None:
    rng = np.random.default_rng(SEED)
    cases = [make_case(rng, k) for k in range(CASES)]
    OUT.write_text(json.dumps({"optax": optax.__version__, "jax": jax.__version__, "cases": cases}) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()

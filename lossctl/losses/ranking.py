"""Listwise ranking: a query's list of items, scores against graded relevance.

Two layouts of the same lists. One list per row: the items' scores in one group of columns
(``--y-pred 'score_*'``) and their relevance labels in another (``--y-true 'rel_*'``), the
layout of optax's ``[..., list_size]`` arrays. Or one item per row, as learning-to-rank files
(LETOR, MSLR) hold them: a query id column (``query``, ``qid`` or ``--query``), a relevance
label and a score; the rows of a query, contiguous, make its list (``query_lists``: streamed).
"""

from __future__ import annotations

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.errors import InputDomainError, LossError
from lossctl.losses.logits import log_softmax
from lossctl.losses.query_lists import QueryLists
from lossctl.losses.reductions import SUM
from lossctl.losses.spec import REDUCTION, LossSpec
from lossctl.losses.state import MeanState, representable
from lossctl.losses.summation import Accumulator, ratio
from lossctl.losses.tasks import RANKING


def ranking_softmax(batch: Batch) -> np.ndarray:
    """``-sum_i r_i log softmax(s)_i`` per list: the softmax of the scores as a distribution
    over the items, scored against the relevance labels (not normalized, as optax)."""
    relevance, scores = batch.matrix("y_true"), batch.matrix("y_pred")
    if relevance.shape[1] != scores.shape[1]:
        raise InputDomainError(
            f"{relevance.shape[1]} relevance labels but {scores.shape[1]} scores per list", role="y_true"
        )
    if (relevance < 0).any():
        i = int(np.argmax((relevance < 0).any(axis=1)))
        raise InputDomainError("relevance labels must be >= 0", role="y_true", index=i)
    return -np.einsum("ij,ij->i", relevance, log_softmax(scores))


def _checked_relevance(relevance: np.ndarray) -> np.ndarray:
    if (relevance < 0).any():
        raise InputDomainError("relevance labels must be >= 0", role="y_true", index=int(np.argmax(relevance < 0)))
    return relevance


def query_lists_sum(query: np.ndarray, relevance: np.ndarray, scores: np.ndarray, w: np.ndarray | None):
    """The exact sum over queries of ``-sum_i w_i r_i log softmax(s)_i`` (the items of a query
    in the order of ``query``, then score, relevance and weight: a canonical order, so that
    each list's log-sum-exp is the same float however the rows came), and the number of
    queries."""
    weights = np.ones(len(query)) if w is None else w
    order = np.lexsort((weights, relevance, scores, query))
    query, relevance, scores, weights = query[order], relevance[order], scores[order], weights[order]
    starts = np.flatnonzero(np.r_[True, query[1:] != query[:-1]])
    top = np.maximum.reduceat(scores, starts)
    size = np.diff(np.r_[starts, len(query)])
    shifted = scores - np.repeat(top, size)  # each list's largest score subtracted first
    log_norm = np.log(np.add.reduceat(np.exp(shifted), starts))
    terms = weights * relevance * (np.repeat(log_norm, size) - shifted)
    total = Accumulator()
    if not total.add(np.add.reduceat(terms, starts)):
        raise LossError("the loss overflows float64")
    return total, len(starts)


class RankingState:
    """ranking-softmax in either layout: the mean over rows of each row's list (a class
    matrix's layout), or, with a query column, the lists of contiguous rows of a query
    streamed (``QueryLists``), each query's list one term of the mean over queries (optax's
    ``weights``: a row's weight multiplies its relevance)."""

    why_no_interval = "lists grouped by a query column: an interval resamples rows, and a query's rows are one list"

    def __init__(self, total: bool) -> None:
        self.total = total  # reduction=sum: the sum over lists, not the mean
        self.lists = MeanState(ranking_softmax, total=total)
        self.queries = QueryLists(query_lists_sum)
        self.by_query = False  # rows grouped by a query column were seen

    @property
    def n(self) -> int:
        """The rows read: lists, or items of lists grouped by query."""
        return self.lists.n + self.queries.rows

    def track(self, moments: bool = True, groups: bool = True) -> None:
        self.lists.track(moments, groups)

    def update(self, batch: Batch) -> None:
        if not batch.has("query"):
            self.lists.update(batch)
            return
        relevance = _checked_relevance(batch.vector("y_true"))
        w = batch.sample_weight
        self.queries.update(
            batch.vector("query"), relevance, batch.vector("y_pred"), np.ones(len(batch)) if w is None else w
        )
        self.by_query = True

    def merge(self, other: RankingState) -> RankingState:
        self.lists.merge(other.lists)
        self.queries.merge(other.queries)
        self.by_query |= other.by_query
        return self

    def result(self) -> float:
        if not self.by_query:
            return self.lists.result()
        if self.lists.n:
            raise LossError("lists of two layouts: one list per row and rows grouped by query")
        total, queries = self.queries.total()
        if not queries:
            raise LossError("no samples")
        if self.total:
            return representable(total.value)
        count = Accumulator()
        count.add_scalar(float(queries))
        return representable(ratio(total, count))

    def sums(self) -> list[int]:
        """The list layout's sums (an interval of the mean over rows); none for the lists of a
        query column, which are no sample of rows."""
        return [] if self.by_query else self.lists.sums()

    def group_sums(self) -> np.ndarray:
        return self.lists.group_sums()

    def statistic(self, sums: np.ndarray) -> np.ndarray:
        return self.lists.statistic(sums)

    def delta_interval(self, z: float) -> tuple[float, float, float]:
        if self.by_query:
            raise LossError(f"no interval for {self.why_no_interval}")
        return self.lists.delta_interval(z)


def _ranking_state(spec: LossSpec, params: dict) -> RankingState:
    return RankingState(total=params["reduction"] == SUM)


SPECS = (
    LossSpec(
        name="ranking-softmax",
        aliases=("listwise-softmax", "softmax-ranking"),
        family="ranking",
        summary="Listwise ranking: cross-entropy of the scores' softmax against graded relevance.",
        formula="-sum_i r_i log(exp(s_i) / sum_j exp(s_j)) per list (a row, or a query's rows), mean over lists",
        latex=r"\frac{1}{n}\sum_{q} -\sum_i r_{qi} \log\frac{e^{s_{qi}}}{\sum_j e^{s_{qj}}}",
        reference=(
            "Cao, Qin, Liu, Tsai & Li (2007), Learning to Rank: From Pairwise Approach to Listwise "
            "Approach, ICML; optax.losses.ranking_softmax_loss"
        ),
        tasks=(RANKING,),
        per_sample=ranking_softmax,
        make_state=_ranking_state,
        params=(REDUCTION,),
        conventions=(
            "Relevance labels as given, not normalized, and the mean over lists, as optax "
            "ranking_softmax_loss (and rax softmax_loss); ListNet's top-one form normalizes them to sum "
            "to 1 first. A list per row: relevance labels in one group of columns (y_true), scores in "
            "another (y_pred): --y-true 'rel_*' --y-pred 'score_*', a sample weight weighs the row's list. "
            "Or an item per row, grouped by a query column (query, qid, query_id, group or --query; ids numbers or "
            "text): the rows of a query are its list, contiguous (sorted by query, as LETOR and MSLR files; "
            "a query that comes back after another started is an error), and a sample weight multiplies the item's "
            "relevance (optax's weights); a list whose labels are all 0 counts as a loss of 0, as optax."
        ),
        peers="optax.losses.ranking_softmax_loss, rax.softmax_loss",
        properties="0 only in the limit of one relevant item scored infinitely above the rest; shift-invariant in s",
    ),
)

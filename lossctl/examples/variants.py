"""The variants of a loss the documents name without working them, each worked on illustrative
data or on another document's: the 0-1 error rate and pseudo-Huber of 001, the knowledge
distillation of 003, the listwise ranking of 004."""

from __future__ import annotations

import numpy as np

from lossctl.examples.documented import (
    DOC_001,
    DOC_003,
    DOC_004,
    HOUSE_PREDICTED,
    HOUSE_TRUE,
    SPAM_LABELS,
    SPAM_PROBABILITIES,
)
from lossctl.examples.records import Example

DISTILLATION_TEACHER = np.array([[6.0, 2.0, -1.0], [-2.0, 5.0, 1.0], [0.5, 0.0, 4.5], [3.0, 2.5, -2.0]])
DISTILLATION_STUDENT = np.array([[3.0, 1.5, 0.0], [-1.0, 2.5, 1.5], [0.0, 0.5, 2.0], [1.0, 2.0, -1.0]])
"""Illustrative logits of a teacher and a student over three classes, four samples."""

SEARCH_RELEVANCE = np.array([[3.0, 1.0, 0.0, 0.0], [0.0, 2.0, 2.0, 1.0], [1.0, 0.0, 3.0, 0.0]])
SEARCH_SCORES = np.array([[2.5, 1.0, 0.5, -1.0], [0.2, 1.8, 0.9, 1.1], [1.5, -0.5, 0.7, 0.0]])
"""Illustrative search results: three queries (rows), four results each, graded relevance
0 (irrelevant) to 3, and a model's scores."""


VARIANTS: tuple[Example, ...] = (
    Example(
        id="spam-zero-one",
        title="The spam e-mails by error rate, the 0-1 loss 001 proposes to train on",
        source=DOC_001,
        section="2.3.如何选择损失函数？",
        loss="zero-one",
        data_file="spam.csv",
        y_true=SPAM_LABELS,
        y_pred=SPAM_PROBABILITIES,
        documented_formula="对于二分类问题，通常选择分类误差率作为损失函数",
        comment=(
            "001 proposes the classification error rate as the loss of a binary problem but computes "
            "none; on 000's five e-mails (positive where p > 0.5) every one is classified right, so "
            "the error rate is 0, while the cross-entropy still separates p = 0.6 from p = 0.9."
        ),
        remarks=(
            "The error rate is flat wherever no prediction crosses 0.5: moving e-mail 3 from 0.6 to "
            "0.51 or to 0.99 leaves it at 0, and its gradient is zero; training needs a loss that "
            "sees the probabilities (001 §3.1's cross-entropy: 0.234 here).",
        ),
    ),
    Example(
        id="house-prices-pseudo-huber",
        title="The house prices under pseudo-Huber loss, the form 001 §3.4 garbles",
        source=DOC_001,
        section="3.4.回归问题——Huber损失函数",
        loss="pseudo-huber:delta=10000",
        params={"delta": 10000.0},
        data_file="house_prices.csv",
        y_true=HOUSE_TRUE,
        y_pred=HOUSE_PREDICTED,
        documented_formula=(
            r"L=\frac{1}{n}\sum_{i=1}^n[h(x_i)-y_i]^{2}_{+}+\delta^2(\sqrt{\frac{|h(x_i)-y_i|}{\delta}}-1)"
        ),
        comment=(
            "001's formula is not Huber's but a garbled pseudo-Huber loss (see the erratum "
            "001-huber-formula) and comes with no numbers; lossctl computes the real pseudo-Huber "
            "loss delta^2 (sqrt(1 + (e/delta)^2) - 1) on 000's house prices, with delta on the "
            "errors' scale (10000)."
        ),
        remarks=(
            "Pseudo-Huber is a smooth Huber: e^2/2 for small errors, delta |e| for large ones, and "
            "never above Huber with the same delta.",
        ),
    ),
    Example(
        id="distillation-kl",
        title="Knowledge distillation: a student's softened softmax against its teacher's (T = 4)",
        source=DOC_003,
        section="8.4 研究展望",
        loss="distillation:temperature=4",
        params={"temperature": 4.0},
        data_file="distillation.csv",
        y_true=DISTILLATION_TEACHER,
        y_pred=DISTILLATION_STUDENT,
        matrices={"y_true": "teacher", "y_pred": "student"},
        documented_formula="**模型蒸馏**：通过知识蒸馏技术，将大模型的知识迁移到小模型中，提高小模型性能。",
        comment=(
            "003 names knowledge distillation among its research directions without a formula or "
            "numbers; lossctl scores four illustrative samples of three classes with Hinton et al.'s "
            "T^2 KL(softmax(t/T) || softmax(s/T)) at T = 4."
        ),
        remarks=(
            "The temperature softens both distributions so that the teacher's ranking of the wrong "
            "classes (its 'dark knowledge') carries weight; T^2 keeps the loss's gradients on the "
            "scale of a hard-label loss as T changes.",
        ),
    ),
    Example(
        id="search-ranking-softmax",
        title="Listwise ranking: three queries' results scored against graded relevance",
        source=DOC_004,
        section="3.3.3 损失函数设计原则",
        loss="ranking-softmax",
        data_file="search_results.csv",
        y_true=SEARCH_RELEVANCE,
        y_pred=SEARCH_SCORES,
        matrices={"y_true": "rel", "y_pred": "score"},
        documented_formula="排序任务:考虑Pairwise或Listwise损失",
        comment=(
            "004 recommends pairwise or listwise losses for ranking tasks without a formula or "
            "numbers; lossctl scores three illustrative queries of four results each (relevance 0 to "
            "3) with the listwise softmax loss -sum_i r_i log softmax(s)_i, as optax."
        ),
        remarks=(
            "The loss depends on the differences of the scores within a list: adding a constant to "
            "a query's scores leaves its softmax, and its loss, unchanged.",
        ),
    ),
)

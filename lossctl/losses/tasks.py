"""The tasks a loss fits: what its inputs are (a vocabulary without dependencies, so that the
command line can offer it as choices without loading the loss core)."""

REGRESSION = "regression"  # real labels, real predictions
BINARY = "binary"  # labels in {0, 1}, probabilities (or logits)
MULTICLASS = "multiclass"  # class labels (or a target matrix), a matrix of class probabilities
MULTILABEL = "multilabel"  # a matrix of binary labels, a matrix of per-label probabilities (or logits)
PAIR = "pair"  # a pair label and a distance (contrastive), or two scores or two embeddings
TRIPLET = "triplet"  # anchor-positive and anchor-negative distances, or three embeddings
CRITIC = "critic"  # critic scores of real and generated samples (Wasserstein GAN)
DISTRIBUTION = "distribution"  # two samples compared as distributions
WEIGHTS = "weights"  # a model's parameters (regularization)
FORECAST = "forecast"  # a real target and a forecast distribution: an interval, mean and std, an ensemble
VECTORS = "vectors"  # a target vector and a predicted vector per row (two groups of columns)
RANKING = "ranking"  # relevance labels and scores of items in lists: a list per row, or rows grouped by query
TASKS = (
    *(REGRESSION, BINARY, MULTICLASS, MULTILABEL, PAIR, TRIPLET, CRITIC, DISTRIBUTION, WEIGHTS, FORECAST),
    *(VECTORS, RANKING),
)

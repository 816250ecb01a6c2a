"""Every option of an evaluation, declared once: its key (the Python name and the
``[tool.lossctl]`` key), its type, its choices, its default and its help.

The command line (``lossctl.cli.options``) makes its options from these declarations, the
configuration (``lossctl.check.config``) its keys and validators, and ``options.request`` the
engine's request. Choices come from the modules that own them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lossctl.engine.request import ENGINES, NAN_POLICIES
from lossctl.engine.task import FILE_TASKS
from lossctl.io.formats import FORMATS as INPUT_FORMATS
from lossctl.losses.averaging import MULTIOUTPUT
from lossctl.losses.bin_edges import BINNINGS
from lossctl.losses.ci import DEFAULT_SEED, METHODS
from lossctl.losses.reductions import REDUCTIONS

TEXT = "text"
PATH = "path"  # a file; in a configuration, relative to the configuration's directory
FLAG = "flag"  # true or false; on the command line --x / --no-x
NUMBER = "number"
INTEGER = "integer"
LEVEL = "level"  # a probability in (0, 1); on the command line the flag alone gives the default
CHOICE = "choice"
TABLE = "table"  # a table of settings; configuration only

SOURCE, LOSSES, EXECUTION, OUTPUTS = "source", "losses", "execution", "outputs"


@dataclass(frozen=True)
class Option:
    key: str
    help: str
    concern: str
    type: str = TEXT
    choices: tuple[str, ...] = ()
    default: Any = None
    config: bool = True  # may be set in [tool.lossctl] (and per check)
    command_line: bool = True
    metavar: str | None = None  # how the help shows the value, when not by its type

    @property
    def flag(self) -> str:
        """``--y-true`` for ``y_true``, ``--lambda`` for ``lambda_``."""
        return "--" + self.key.rstrip("_").replace("_", "-")


def _parameter(key: str, text: str, kind: str = NUMBER, choices: tuple[str, ...] = ()) -> Option:
    return Option(key, text, LOSSES, kind, choices, config=False)


OPTIONS: tuple[Option, ...] = (
    Option("y_true", "Column of the labels (a name, or a glob such as 'target_*').", SOURCE),
    Option("y_pred", "Column of the predictions (a name, or a glob such as 'logit_*').", SOURCE),
    Option("weight", "Column of per-sample weights.", SOURCE),
    Option("u_weights", "Column of the weights of the y_true sample (distances between distributions).", SOURCE),
    Option("v_weights", "Column of the weights of the y_pred sample (distances between distributions).", SOURCE),
    Option("x1", "A pair's first score column, or first embedding (a glob such as 'a_*').", SOURCE),
    Option("x2", "A pair's second score column, or second embedding (a glob such as 'b_*').", SOURCE),
    Option("query", "Column of each row's query id: the rows of a query are one list (ranking-softmax).", SOURCE),
    Option("lower", "Column of a prediction interval's lower ends (interval-score, coverage).", SOURCE),
    Option("upper", "Column of a prediction interval's upper ends (interval-score, coverage).", SOURCE),
    Option("std", "Column of a Gaussian forecast's standard deviations (crps-gaussian).", SOURCE),
    Option("variance", "Column of a Gaussian forecast's variances (gaussian-nll).", SOURCE),
    Option("members", "Columns of an ensemble forecast's members, a glob such as 'member_*' (crps-ensemble).", SOURCE),
    Option("quantiles", "Columns of quantile forecasts, a glob such as 'q_*' (quantile-set).", SOURCE),
    Option("labels", "Labels file joined with each prediction file.", SOURCE, PATH),
    Option(
        "classes",
        "Text class labels in class order, comma-separated (binary: negative,positive); "
        "default: the labels sorted, or the names of the probability columns (p_cat, p_dog).",
        SOURCE,
        metavar="A,B,...",
    ),
    Option(
        "pos_label",
        "The positive class of text binary labels (default: the last of the two sorted).",
        SOURCE,
        metavar="LABEL",
    ),
    Option("on", "Pair the rows of two files on this key column (predictions and labels; diff's two models).", SOURCE),
    Option("model_weights", "Model parameters (.npy, .npz, CSV, Parquet) for l1, l2, elastic-net.", SOURCE, PATH),
    Option("from_logits", "Predictions are logits, not probabilities.", LOSSES, FLAG, default=False),
    Option("nan", "What a missing value (NaN, empty cell) does.", SOURCE, CHOICE, NAN_POLICIES, "error"),
    Option(
        "multioutput",
        "How a multi-output regression (--y-true 'y_*' --y-pred 'p_*') averages its outputs' values: "
        "uniform, raw (the mean and each output's value), variance-weighted (by each target's variance).",
        SOURCE,
        CHOICE,
        MULTIOUTPUT,
        "uniform",
    ),
    Option("task", "Say what the file holds instead of detecting it.", SOURCE, CHOICE, FILE_TASKS),
    Option(
        "input_format",
        "Format of the inputs (default: from the extension, else the content).",
        SOURCE,
        CHOICE,
        INPUT_FORMATS,
    ),
    Option("encoding", "Text encoding of CSV/TSV/JSONL inputs.", SOURCE, default="utf-8"),
    Option(
        "engine",
        "Compute in this process, or on a Dask cluster (pip install 'lossctl[dask]').",
        EXECUTION,
        CHOICE,
        ENGINES,
        "local",
    ),
    Option(
        "scheduler",
        "With --engine dask: the scheduler (tcp://host:8786); default: a local cluster of this machine's cores.",
        EXECUTION,
        metavar="ADDRESS",
    ),
    Option("storage_options", "fsspec options of s3:// (gs://, ...) inputs.", SOURCE, TABLE, command_line=False),
    Option("group_by", "Report one value per distinct value of this column.", SOURCE, config=False),
    _parameter("delta", "Huber and pseudo-Huber delta."),
    _parameter("beta", "Smooth-L1 beta."),
    _parameter("quantile", "Quantile of the pinball loss."),
    _parameter("gamma", "Focal gamma."),
    _parameter("alpha", "Focal alpha (weight of positives); interval-score's nominal miss rate."),
    _parameter("margin", "Margin of contrastive and triplet losses."),
    _parameter("eps", "Probabilities are clipped to [eps, 1-eps]."),
    _parameter("log_floor", "Floor log p and log(1-p) at this value instead of clipping p (PyTorch: -100)."),
    _parameter("pos_weight", "BCE weight of the positive term."),
    _parameter("label_smoothing", "Label smoothing of (binary) cross-entropy."),
    _parameter("lambda_", "Strength of l1 / l2 regularization."),
    _parameter("bins", "Number of bins of the calibration scores (ece, mce, rmsce, the Brier parts).", INTEGER),
    _parameter("binning", "How the calibration bins are cut.", CHOICE, BINNINGS),
    _parameter(
        "reduction", "The mean of the per-sample losses, or their sum (every loss that is a mean).", CHOICE, REDUCTIONS
    ),
    _parameter("power", "Tweedie power of tweedie-deviance."),
    _parameter("threshold", "Threshold of cost-sensitive-bce and zero-one."),
    _parameter("ignore_index", "Rows whose label is this class do not count (cross-entropy, nll, multi-margin)."),
    Option(
        "ci",
        "Give every value a confidence interval at this level (--ci alone: 0.95).",
        OUTPUTS,
        LEVEL,
        default=0.95,
        config=False,
        metavar="LEVEL",
    ),
    Option(
        "ci_method",
        "How --ci makes the interval: normal (delta method) or bootstrap (percentile, of row groups).",
        OUTPUTS,
        CHOICE,
        METHODS,
        "normal",
        config=False,
    ),
    Option(
        "seed",
        "Seed of the bootstrap and of its row groups: the same seed, the same interval.",
        OUTPUTS,
        INTEGER,
        default=DEFAULT_SEED,
        config=False,
    ),
)
BY_KEY = {option.key: option for option in OPTIONS}
PARAMETERS = tuple(o.key for o in OPTIONS if o.concern == LOSSES and o.type != FLAG)
CONFIG_KEYS = tuple(o.key for o in OPTIONS if o.config)
"""The keys a configuration (or a check in it) may set: lossctl compute's options of the same
names."""

"""``lossctl list``, ``explain`` and ``examples``; ``-h/--help`` on every command; ``--version``.

The expected catalog is the README's table ("The losses") and DESIGN's conventions, not
lossctl's own output."""

from __future__ import annotations

import json
import math
import re

import pytest

from lossctl import __version__

from .conftest import REPO, document, failed, ok

# README, "The losses": the losses of each task.
BY_TASK = {
    "regression": {
        "mse",
        "rmse",
        "mae",
        "huber",
        "smooth-l1",
        "pseudo-huber",
        "log-cosh",
        "quantile",
        "mape",
        "msle",
        "rmsle",
        "poisson",
        "expectile",
        "tweedie-deviance",
        "gamma-deviance",
        "smape",
        "wmape",
        "max-error",
        "relative-squared-error",
        "nrmse",
        "median-absolute-error",
        "poisson-nll",
        "r2",
        "explained-variance",
        "d2:mse",
        "d2:mae",
        "d2:quantile",
        "d2:poisson",
        "d2:tweedie-deviance",
        "d2:gamma-deviance",
    },
    "binary": {
        *("bce", "focal", "hinge", "squared-hinge", "perceptron", "brier", "cost-sensitive-bce", "zero-one"),
        "hamming",
        "sparsemax",
        *("d2:bce", "d2:brier"),
        *("ece", "mce", "rmsce", "brier-reliability", "brier-resolution", "brier-uncertainty"),
    },
    "multiclass": {
        "cross-entropy",
        "nll",
        "poly-1",
        "generalized-cross-entropy",
        "brier",
        "multi-margin",
        "categorical-hinge",
        "focal",
        "multiclass-hinge",
        "kl-divergence",
        "zero-one",
        "hamming",
        "sparsemax",
        "distillation",
        "jensen-shannon",
        "d2:brier",
        "d2:cross-entropy",
        *("ece", "mce", "rmsce", "brier-reliability", "brier-resolution", "brier-uncertainty"),
    },
    "multilabel": {
        "hamming",
        "multilabel-bce",
        "multilabel-soft-margin",
        "multilabel-margin",
        "dice",
        "tversky",
        "jaccard",
    },
    "pair": {"contrastive", "hinge-embedding", "margin-ranking", "cosine-embedding"},
    "triplet": {"triplet"},
    "critic": {"wasserstein"},
    "distribution": {"wasserstein-distance", "energy-distance"},
    "weights": {"l1", "l2", "elastic-net"},
    "vectors": {"cosine-similarity", "ntxent"},
    "ranking": {"ranking-softmax"},
    "forecast": {"interval-score", "coverage", "crps-gaussian", "crps-ensemble", "gaussian-nll", "quantile-set"},
}
# README: aliases and parameters named in the table and the text.
ALIASES = {
    "bce": {"binary-cross-entropy", "log-loss"},
    "mae": {"l1-loss"},
    "quantile": {"pinball"},
    "cross-entropy": {"ce"},
    "zero-one": {"error-rate"},
}
PARAMETERS = {
    "huber": {"delta"},
    "smooth-l1": {"beta"},
    "quantile": {"quantile"},
    "bce": {"eps", "pos_weight", "label_smoothing"},
    "focal": {"gamma", "alpha", "label_smoothing"},
    "cost-sensitive-bce": {"penalty_ratio", "threshold"},
    "cross-entropy": {"class_weights", "label_smoothing", "eps", "ignore_index"},
    "contrastive": {"margin"},
    "triplet": {"margin", "p", "eps"},
    "l1": {"lambda"},
    "l2": {"lambda"},
    "elastic-net": {"lambda1", "lambda2"},
    "pseudo-huber": {"delta"},
    "expectile": {"tau"},
    "poly-1": {"epsilon"},
    "generalized-cross-entropy": {"q"},
    "multi-margin": {"p", "margin", "class_weights", "ignore_index"},
    "tweedie-deviance": {"power"},
    "zero-one": {"threshold"},
    "distillation": {"temperature"},
    "interval-score": {"alpha"},
    "crps-ensemble": {"fair"},
    "gaussian-nll": {"full", "eps"},
    "nrmse": {"normalization"},
    "quantile-set": {"levels"},
    "poisson-nll": {"log_input", "full", "eps"},
    "hamming": {"threshold"},
    "multilabel-bce": {"pos_weight", "class_weights", "log_floor"},
    "multilabel-soft-margin": {"class_weights"},
    "multilabel-margin": {"targets"},
    "dice": {"over", "smooth", "epsilon"},
    "tversky": {"alpha", "beta", "over", "smooth", "epsilon"},
    "jaccard": {"over", "smooth", "epsilon"},
    "nll": {"class_weights", "ignore_index"},
    "kl-divergence": {"log_target"},
}
# sample_data/README.md: the worked examples' ids.
EXAMPLE_IDS = {
    "house-prices-mse",
    "spam-bce",
    "spam-focal",
    "house-prices-huber",
    "spam-zero-one",
    "house-prices-pseudo-huber",
    "distillation-kl",
    "search-ranking-softmax",
    "noisy-line-mse",
    "mnist-training-log",
    "medical-cost-sensitive-bce",
    "regularization-elastic-net",
}


def catalog(run, *args: str) -> list[dict]:
    return json.loads(ok(run("list", *args, "--format", "json")).stdout)


@pytest.mark.parametrize("task", BY_TASK)
def test_list_by_task(run, task):
    assert {entry["name"] for entry in catalog(run, "--task", task)} == BY_TASK[task]


def test_list_names_aliases_parameters_and_defaults(run):
    entries = {entry["name"]: entry for entry in catalog(run)}
    assert set(entries) == set().union(*BY_TASK.values())
    for name, aliases in ALIASES.items():
        assert aliases <= set(entries[name]["aliases"]), name
    for name, params in PARAMETERS.items():
        assert params <= set(entries[name]["params"]), name
    # DESIGN, "Conventions": focal gamma 2 and no alpha; eps the float64 machine epsilon
    assert (entries["focal"]["params"]["gamma"], entries["focal"]["params"]["alpha"]) == (2.0, None)
    assert entries["bce"]["params"]["eps"] == 2.0**-52
    # Every loss streams in bounded memory (means, sorted-run medians, distances, and the lists of
    # contiguous rows of a query) but NT-Xent, which compares every pair of a batch's rows; it says so.
    assert {name for name, entry in entries.items() if not entry["streams"]} == {"ntxent"}
    assert "every pair of rows" in entries["ntxent"]["held"]


def test_list_table_and_markdown_show_the_same_catalog(run):
    table = ok(run("list")).stdout
    assert table.splitlines()[0] == "lossctl losses"
    md = ok(run("list", "--format", "markdown")).stdout
    rows = [line.split(" | ") for line in md.splitlines() if line.startswith("| ") and not line.startswith("| task")]
    by_name = {cells[1]: cells for cells in rows}
    assert set(by_name) == set().union(*BY_TASK.values())
    focal = by_name["focal"]
    assert focal[0] == "| binary, multiclass"
    assert "gamma=2" in focal[3] and "alpha=none" in focal[3]
    for name in by_name:
        assert re.search(rf"│ [a-z, ]+ +│ {re.escape(name)} +│", table), name


@pytest.mark.parametrize(
    ("name", "canonical", "parameter_line"),
    [
        ("huber", "huber", "  delta = 1  in (0, inf)"),  # DESIGN: delta > 0
        ("log-loss", "bce", "  eps = 2.22045e-16  in "),  # an alias explains its loss
        ("pinball", "quantile", "  quantile = 0.5  in [0, 1]"),  # DESIGN: 0 <= quantile <= 1
        ("focal", "focal", "  gamma = 2  in "),
    ],
)
def test_explain_gives_formula_parameters_conventions_peers_properties_reference(run, name, canonical, parameter_line):
    result = ok(run("explain", name))
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{canonical}: ")
    labels = ["formula: ", "parameters:", "conventions: ", "same number as: ", "properties: ", "reference: "]
    positions = [next(i for i, line in enumerate(lines) if line.startswith(label)) for label in labels]
    assert positions == sorted(positions)
    assert any(line.startswith(parameter_line) for line in lines), lines
    assert result.stderr == ""


def test_explain_huber_states_its_convention(run):
    out = ok(run("explain", "huber")).stdout
    # DESIGN: 0.5 e^2 inside delta, as PyTorch, Keras and Optax
    conventions = next(line for line in out.splitlines() if line.startswith("conventions: "))
    assert "0.5" in conventions and "PyTorch" in conventions


def test_explain_l2_loss_says_that_optax_l2_loss_is_half_of_it(run):
    out = ok(run("explain", "l2-loss")).stdout
    assert out.startswith("mse: ")
    # optax.l2_loss(predictions, targets) = 0.5 * (predictions - targets) ** 2 (optax docs).
    conventions = next(line for line in out.splitlines() if line.startswith("conventions: "))
    assert "optax.l2_loss is half" in conventions and "0.5*mse" in conventions


def test_explain_an_unknown_loss(run):
    failed(run("explain", "nope"), "nope", "lossctl list")


def test_examples_list_every_worked_example(run):
    assert {e["id"] for e in json.loads(ok(run("examples", "--format", "json")).stdout)} == EXAMPLE_IDS
    table = ok(run("examples")).stdout
    for example_id in EXAMPLE_IDS:
        assert f"│ {example_id} " in table
    md = ok(run("examples", "--format", "markdown")).stdout
    assert md.startswith("**worked examples of the reference documents**\n")


def test_examples_one_recomputed_from_its_file(run):
    # sample_data/house_prices.csv: errors -10000, 5000, -15000, 10000, 5000
    # squares 1e8 + 2.5e7 + 2.25e8 + 1e8 + 2.5e7 = 4.75e8, / 5 = 9.5e7
    assert (REPO / "sample_data" / "house_prices.csv").exists()
    one = json.loads(ok(run("examples", "house-prices-mse", "--format", "json")).stdout)
    assert (one["id"], one["loss"], one["computed"]) == ("house-prices-mse", "mse", 95_000_000.0)
    text = ok(run("examples", "house-prices-mse")).stdout
    assert "475000000" in text and "95000000" in text


def test_examples_errata_and_unknown_id(run):
    errata = json.loads(ok(run("examples", "--errata", "--format", "json")).stdout)
    assert errata and all({"loss", "document_formula", "correct_formula"} <= set(e) for e in errata)
    assert ok(run("examples", "--errata")).stdout.startswith("errata of the reference documents' formulas\n")
    failed(run("examples", "nope"), "nope")


COMMANDS = ["", "compute", "compare", "list", "explain", "examples"]


@pytest.mark.parametrize("flag", ["-h", "--help"])
@pytest.mark.parametrize("command", COMMANDS)
def test_help_on_every_command_with_an_example(run, command, flag):
    result = ok(run(*([command] if command else []), flag))
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Usage: lossctl {command}".rstrip())
    assert any(line.strip() in ("Example:", "Examples:") for line in lines)
    # an example invocation of this very command (the group's shows its commands)
    pattern = rf"^\s+lossctl {command or '(compute|compare|list|explain|examples)'}\b"
    assert any(re.match(pattern, line) for line in lines), result.stdout
    assert result.stderr == ""


OPTIONS = (
    "--loss --delta --beta --quantile --gamma --alpha --margin --eps --pos-weight --label-smoothing --lambda "
    "--from-logits --worst --per-sample --group-by --weight --on --model-weights --y-true --y-pred --task --nan "
    "--input-format --format --precision --output"
).split()


@pytest.mark.parametrize("command", ["compute", "compare"])
def test_help_lists_every_option_of_the_issue(run, command):
    out = ok(run(command, "--help")).stdout
    for option in OPTIONS:
        assert re.search(rf"{option}\b", out), option


def test_the_help_example_runs_verbatim(run, files):
    # `lossctl compute --loss huber --delta 1.0 preds.csv`, the first example of every help
    (files / "preds.csv").write_text((files / "r.csv").read_text())
    doc = document(run("compute", "--loss", "huber", "--delta", "1.0", "preds.csv", "--format", "json"))
    assert doc["results"][0]["value"] == 0.875  # 3.5/4


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(run, flag):
    result = ok(run(flag))
    assert result.stdout == f"lossctl, version {__version__}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", __version__)


def test_vector_parameters_are_shown_where_parameters_are_listed(run, tmp_path):
    explained = ok(run("explain", "cross-entropy")).stdout
    spelled = next(line.split("written: ")[1] for line in explained.splitlines() if "written: " in line)
    assert spelled == "cross-entropy:class_weights=[1,2,0.5,3]: one value per class"
    assert "alpha=[0.1,0.3,0.6]" in ok(run("explain", "focal")).stdout
    listed = ok(run("list", "--task", "multiclass", "--format", "markdown")).stdout
    assert "class_weights=none or [..]" in listed
    assert "class_weights=[1,2,0.5]" in ok(run("compute", "--help")).stdout.replace("\n", "")
    # The spelling shown works as written: four classes, weights 1, 2, 0.5, 3. The terms are
    # -log softmax(z)_y: log(e + 3) - 1, ln 4, ln 4, log(e^2 + 3) - 2, and PyTorch's weighted
    # mean divides by the summed weights of the true classes, 1 + 2 + 0.5 + 3 = 6.5.
    data = tmp_path / "four.csv"
    data.write_text("y_true,logit_0,logit_1,logit_2,logit_3\n0,1,0,0,0\n1,0,0,0,0\n2,0,0,0,0\n3,0,0,0,2\n")
    e = math.e
    terms = [math.log(e + 3) - 1, math.log(4), math.log(4), math.log(e * e + 3) - 2]
    expected = (1 * terms[0] + 2 * terms[1] + 0.5 * terms[2] + 3 * terms[3]) / 6.5
    result = ok(run("compute", "-l", spelled.split(": ")[0], data, "--format", "json"))
    assert result.json()["results"][0]["value"] == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("group", [(), ("plot",)])
def test_a_bare_group_prints_its_help_and_exits_0(run, group):
    result = run(*group)
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout.startswith(f"Usage: lossctl {' '.join(group)}".rstrip() + " [OPTIONS] COMMAND")
    assert "Commands:" in result.stdout


@pytest.mark.parametrize(
    "command", ["compute", "compare", "check", "diff", "report", "plot samples", "plot curves", "plot reliability"]
)
def test_no_command_declares_an_option_twice(command):
    # Click warns (UserWarning) when two parameters share a flag: the second is unreachable.
    import subprocess
    import sys

    args = [sys.executable, "-W", "error::UserWarning", "-m", "lossctl", *command.split(), "--help"]
    ran = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr

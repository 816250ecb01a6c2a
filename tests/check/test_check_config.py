"""Checks from the configuration: discovery up to the repository root, lossctl.toml and
``--config``, paths relative to the configuration, validation with did-you-mean, precedence of
the command line, one pass per input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lossctl.check import verdicts as judging

from ._data import MAE, MSE

CONFIG = """\
[tool.lossctl]
files = ["preds.csv"]
[[tool.lossctl.checks]]
loss = "mse"
max = 1.5
[[tool.lossctl.checks]]
loss = "mae"
max = 0.5
severity = "warn"
"""


def verdicts(result) -> list[tuple[str, str, str]]:
    return [(c["name"], c["input"], c["verdict"]) for c in json.loads(result.stdout)["checks"]]


def test_checks_come_from_pyproject(repo, invoke):
    (repo / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    result = invoke("check", "--format", "json")
    assert result.exit_code == 0  # mse 4/3 <= 1.5; mae 2/3 > 0.5 only warns
    assert verdicts(result) == [("mse max 1.5", "preds.csv", "pass"), ("mae max 0.5", "preds.csv", "warn")]


def test_discovery_walks_up_and_paths_are_relative_to_the_config(repo, invoke, monkeypatch):
    (repo / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    deep = repo / "src" / "model"
    deep.mkdir(parents=True)
    (deep / "pyproject.toml").write_text('[project]\nname = "model"\n', encoding="utf-8")  # no [tool.lossctl]: skipped
    monkeypatch.chdir(deep)
    result = invoke("check", "--format", "json")
    assert result.exit_code == 0
    assert [i for _, i, _ in verdicts(result)] == ["../../preds.csv", "../../preds.csv"]


def test_discovery_stops_at_the_repository_root(tmp_path, invoke, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(CONFIG, encoding="utf-8")  # outside the repository
    inner = tmp_path / "repo"
    (inner / ".git").mkdir(parents=True)
    monkeypatch.chdir(inner)
    result = invoke("check")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no checks:")


def test_lossctl_toml_has_top_level_keys_and_comes_before_pyproject(repo, invoke):
    (repo / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    (repo / "lossctl.toml").write_text('files = ["worse.csv"]\n[[checks]]\nloss = "mse"\nmax = 2.0\n', encoding="utf-8")
    result = invoke("check", "--format", "json")
    assert result.exit_code == 1  # mse(worse.csv) = 3 > 2
    assert verdicts(result) == [("mse max 2.0", "worse.csv", "fail")]


def test_config_names_a_file_anywhere(repo, invoke):
    ci = repo / "ci"
    ci.mkdir()
    (ci / "gate.toml").write_text('files = ["../better.csv"]\n[[checks]]\nloss = "mae"\nmax = 0.34\n', encoding="utf-8")
    result = invoke("check", "--config", "ci/gate.toml", "--format", "json")
    assert result.exit_code == 0  # mae(better.csv) = 1/3 <= 0.34
    assert verdicts(result) == [("mae max 0.34", "better.csv", "pass")]


def test_per_check_files_and_options_override_the_top_level(repo, invoke):
    (repo / "two.csv").write_text("y_true,model_a,model_b\n1,1,2\n2,2,2\n3,5,3\n", encoding="utf-8")
    (repo / "pyproject.toml").write_text(
        """\
[tool.lossctl]
files = ["two.csv"]
y_pred = "model_a"
[[tool.lossctl.checks]]
loss = "mae"
max = 0.7
name = "model a"
[[tool.lossctl.checks]]
loss = "mae"
max = 0.3
name = "model b"
y_pred = "model_b"
[[tool.lossctl.checks]]
loss = "mse"
max = 0.5
files = ["better.csv", "preds.csv"]
y_pred = "y_pred"
""",
        encoding="utf-8",
    )
    result = invoke("check", "--format", "json")
    # model_a errors 0, 0, 2 -> mae 2/3 <= 0.7; model_b errors 1, 0, 0 -> mae 1/3 > 0.3;
    # mse 1/3 <= 0.5 on better.csv, 4/3 > 0.5 on preds.csv.
    assert result.exit_code == 1
    values = [(c["name"], c["input"], c["value"], c["verdict"]) for c in json.loads(result.stdout)["checks"]]
    assert values == [
        ("model a", "two.csv", 2 / 3, "pass"),
        ("model b", "two.csv", 1 / 3, "fail"),
        ("mse max 0.5", "better.csv", MSE["better.csv"], "pass"),
        ("mse max 0.5", "preds.csv", MSE["preds.csv"], "fail"),
    ]


def test_the_command_line_replaces_files_checks_and_options(repo, invoke):
    (repo / "pyproject.toml").write_text(CONFIG + 'y_pred = "nonexistent"\n', encoding="utf-8")
    result = invoke("check", "worse.csv", "--y-pred", "y_pred", "--loss", "mae", "--max", "1", "--format", "json")
    assert result.exit_code == 0  # only the command line's check, on worse.csv: mae 1 <= 1
    assert verdicts(result) == [("mae max 1.0", "worse.csv", "pass")]
    assert MAE["worse.csv"] == 1.0


def test_each_input_is_read_once_for_all_its_checks(repo, invoke, monkeypatch):
    calls = []
    evaluate = judging.evaluate

    def counting(request):
        calls.append((request.source.path, list(request.losses.names)))
        return evaluate(request)

    monkeypatch.setattr(judging, "evaluate", counting)
    args = ["preds.csv", "worse.csv", "--loss", "mse", "--max", "5", "--loss", "mae", "--max", "5"]
    result = invoke("check", *args, "--loss", "mse", "--min", "0")
    assert result.exit_code == 0
    assert calls == [("preds.csv", ["mse", "mae"]), ("worse.csv", ["mse", "mae"])]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            '[tool.lossctl]\nfiles = ["preds.csv"]\n[[tool.lossctl.checks]]\nloss = "mse"\nmax = 1\n'
            '[[tool.lossctl.checks]]\nloss = "mae"\nmax = 1\nsevrity = "warn"\n',
            "tool.lossctl.checks[1].sevrity: unknown key (did you mean 'severity'?)",
        ),
        ('[tool.lossctl]\nfile = ["preds.csv"]\n', "tool.lossctl.file: unknown key (did you mean 'files'?)"),
        ("[tool.lossctl]\nfrom-logits = true\n", "tool.lossctl.from-logits: unknown key (did you mean 'from_logits'?)"),
        (
            '[tool.lossctl]\nfiles = "preds.csv"\n',
            "tool.lossctl.files: must be a non-empty list of paths, not 'preds.csv'",
        ),
        (
            '[tool.lossctl]\n[[tool.lossctl.checks]]\nloss = "mse"\nmax = "0.5"\n',
            "tool.lossctl.checks[0].max: must be a finite number, not '0.5'",
        ),
        (
            '[tool.lossctl]\n[[tool.lossctl.checks]]\nloss = "mse"\nmax = 1\nseverity = "error"\n',
            "tool.lossctl.checks[0].severity: must be one of fail, warn, not 'error'",
        ),
        (
            '[tool.lossctl]\n[[tool.lossctl.checks]]\nloss = "mse"\nbaseline = "b.json"\nrtol = -0.1\n',
            "tool.lossctl.checks[0].rtol: must be >= 0, not -0.1",
        ),
        ("[tool.lossctl]\n[[tool.lossctl.checks]]\nmax = 1\n", "tool.lossctl.checks[0]: missing key 'loss'"),
        (
            '[tool.lossctl]\n[[tool.lossctl.checks]]\nloss = "mse"\nmax = 1\nmin = 0\n',
            "tool.lossctl.checks[0]: a check needs exactly one of max, min, baseline, baseline_file; found max, min"
            " (write one check per condition)",
        ),
        (
            '[tool.lossctl]\nchecks = ["mse"]\n',
            "tool.lossctl.checks: must be an array of tables ([[tool.lossctl.checks]])",
        ),
        ('[tool.lossctl]\nnan = "skip"\n', "tool.lossctl.nan: must be one of error, drop, propagate, not 'skip'"),
    ],
)
def test_a_bad_configuration_is_exit_2_naming_file_and_key(repo, invoke, config, message):
    (repo / "pyproject.toml").write_text(config, encoding="utf-8")
    result = invoke("check", "preds.csv")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"Error: pyproject.toml: {message}\n")


def test_invalid_toml_is_exit_2(repo, invoke):
    (repo / "lossctl.toml").write_text("[[checks]\n", encoding="utf-8")
    result = invoke("check")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: lossctl.toml: not valid TOML:")


def test_a_named_pyproject_without_the_table_is_exit_2(repo, invoke):
    Path("other").mkdir()
    (repo / "other" / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    result = invoke("check", "--config", "other/pyproject.toml")
    assert (result.exit_code, result.stderr) == (2, "Error: other/pyproject.toml: no [tool.lossctl] table\n")


def test_a_missing_config_file_is_exit_2(repo, invoke):
    result = invoke("check", "--config", "nowhere.toml")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: nowhere.toml: cannot read the configuration")

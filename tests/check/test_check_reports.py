"""What check writes: the JSON document, Markdown, the table, JUnit XML, the GitHub step
summary."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from lossctl import __version__

# preds.csv: mse = 4/3, mae = 2/3 (see _data.py). Three checks: a pass, a failure, a warning.
THREE = (
    "--loss",
    "mse",
    "--max",
    "1.5",
    "--loss",
    "mae",
    "--max",
    "0.5",
    "--loss",
    "mae",
    "--max",
    "0.6",
    "--severity",
    "warn",
)


def test_json_document(repo, invoke):
    """The result document every command writes (schema 1), with the checks and the verdict."""
    result = invoke("check", "preds.csv", "--loss", "mae", "--max", "0.5", "--format", "json")
    document = json.loads(result.stdout)
    assert (document["schema"], document["warnings"]) == (1, [])
    assert [(r["input"], r["spec"], r["value"]) for r in document["results"]] == [("preds.csv", "mae", 2 / 3)]
    assert [i["path"] for i in document["inputs"]] == ["preds.csv"]
    assert {key: document[key] for key in ("lossctl", "checks", "passed")} == {
        "lossctl": __version__,
        "checks": [
            {
                "name": "mae max 0.5",
                "input": "preds.csv",
                "loss": "mae",
                "spec": "mae",
                "value": 2 / 3,
                "limit": 0.5,
                "op": "<=",
                "baseline": None,
                "verdict": "fail",
                "severity": "fail",
                "message": "mae 0.6666666666666666 > max 0.5",
            }
        ],
        "passed": False,
    }


def test_markdown(repo, invoke):
    result = invoke("check", "preds.csv", *THREE, "--format", "markdown")
    assert result.exit_code == 1
    assert result.stdout == (
        "**lossctl check**\n"
        "\n"
        "| check | input | value | limit | verdict |\n"
        "|---|---|---:|---|---|\n"
        # Six significant digits tell each value from its limit (4/3 and 1.5, 2/3 and 0.5, 2/3 and 0.6);
        # a row's numbers share the decimals its most precise one needs (1.33333: five, 0.666667: six).
        "| mse max 1.5 | preds.csv | 1.33333 | <= 1.50000 | PASS |\n"
        "| mae max 0.5 | preds.csv | 0.666667 | <= 0.500000 | FAIL |\n"
        "| mae max 0.6 | preds.csv | 0.666667 | <= 0.600000 | WARN |\n"
        "\n"
        "3 checks: 1 passed, 1 failed, 1 warned\n"
    )


def test_the_table_has_a_row_per_check_and_stdout_nothing_else(repo, invoke):
    result = invoke("check", "preds.csv", *THREE)
    rows = [line for line in result.stdout.splitlines() if "preds.csv" in line]
    assert [row.split("│")[1].strip() for row in rows] == ["mse max 1.5", "mae max 0.5", "mae max 0.6"]
    assert [row.split("│")[5].strip() for row in rows] == ["PASS", "FAIL", "WARN"]
    assert "FAIL mae max 0.5" not in result.stdout and "FAIL mae max 0.5" in result.stderr


def test_junit_xml_parses_with_a_testcase_per_check(repo, invoke):
    result = invoke("check", "preds.csv", "better.csv", *THREE, "--junit-xml", "report.xml")
    assert result.exit_code == 1
    assert "wrote report.xml\n" in result.stderr
    suite = ET.parse(repo / "report.xml").getroot().find("testsuite")
    cases = suite.findall("testcase")
    # 3 checks x 2 files; mae 2/3 > 0.5 fails on preds.csv only (mae(better.csv) = 1/3).
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("lossctl.preds.csv", "mse max 1.5"),
        ("lossctl.better.csv", "mse max 1.5"),
        ("lossctl.preds.csv", "mae max 0.5"),
        ("lossctl.better.csv", "mae max 0.5"),
        ("lossctl.preds.csv", "mae max 0.6"),
        ("lossctl.better.csv", "mae max 0.6"),
    ]
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == (
        "6",
        "1",
        "0",
        "0",
    )
    failures = [(c.get("name"), c.get("classname"), c.find("failure")) for c in cases if c.find("failure") is not None]
    assert [(n, k, f.get("message"), f.get("type")) for n, k, f in failures] == [
        ("mae max 0.5", "lossctl.preds.csv", "mae 0.6666666666666666 > max 0.5", "threshold")
    ]
    warned = cases[4]
    assert warned.find("failure") is None and warned.find("skipped") is None
    assert warned.find("system-out").text == "warning: mae 0.6666666666666666 > max 0.6"
    assert cases[0].find("system-out").text == "mse 1.3333333333333333 <= max 1.5"


def test_junit_xml_never_overwrites_an_input(repo, invoke):
    before = (repo / "preds.csv").read_text()
    result = invoke("check", "preds.csv", "--loss", "mse", "--max", "2", "--junit-xml", "preds.csv")
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        2,
        "Error: refusing to write preds.csv: it is one of the inputs",
    )
    assert (repo / "preds.csv").read_text() == before


def test_the_step_summary_is_appended(repo, invoke, monkeypatch):
    summary = repo / "summary.md"
    summary.write_text("## earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    markdown = invoke("check", "preds.csv", *THREE, "--format", "markdown").stdout
    invoke("check", "preds.csv", *THREE)
    assert summary.read_text(encoding="utf-8") == "## earlier step\n" + markdown + "\n" + markdown + "\n"


def test_a_step_summary_that_is_an_input_is_refused_before_anything_runs(repo, invoke, monkeypatch):
    before = (repo / "preds.csv").read_text()
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(repo / "preds.csv"))
    result = invoke("check", "preds.csv", "--loss", "mse", "--max", "2")
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        2,
        f"Error: refusing to write {repo / 'preds.csv'}: it is one of the inputs",
    )
    assert result.stdout == ""  # refused before the evaluation
    assert (repo / "preds.csv").read_text() == before


def test_no_summary_leaves_the_step_summary_alone(repo, invoke, monkeypatch):
    summary = repo / "summary.md"
    summary.write_text("## earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert invoke("check", "preds.csv", "--loss", "mse", "--max", "2", "--no-summary").exit_code == 0
    assert summary.read_text(encoding="utf-8") == "## earlier step\n"


def test_the_table_shows_enough_digits_to_tell_value_from_limit(repo, invoke):
    # mse(preds.csv) = 4/3 = 1.3333333333333333; the float just below it, 1.333333333333333,
    # fails: 16 decimals tell them apart (1.333333333333333 and 1.3333333333333333 agree to 15),
    # and the limit, 1.33333333333333303727..., shows as many.
    rows = invoke("check", "preds.csv", "--loss", "mse", "--max", "1.333333333333333", "--format", "markdown").stdout
    assert "| 1.3333333333333333 | <= 1.3333333333333330 | FAIL |" in rows


def test_a_baseline_table_shows_the_baseline_and_the_change(repo, invoke):
    # mse(preds.csv) 4/3 against the baseline mse(better.csv) 1/3: a change of +300%.
    assert invoke("compute", "-l", "mse", "better.csv", "--format", "json", "-o", "base.json").exit_code == 0
    markdown = invoke("check", "preds.csv", "-l", "mse", "--baseline", "base.json", "--format", "markdown").stdout
    assert "| check | input | value | baseline | change | limit | verdict |" in markdown
    # the row's largest number, 1.33333, has five decimals at six digits: all three have five
    assert "| 1.33333 | 0.33333 | +300.00% | <= 0.33333 | FAIL |" in markdown


def test_an_input_error_still_writes_the_junit_report_and_the_step_summary(repo, invoke, monkeypatch):
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(repo / "summary.md"))
    result = invoke("check", "missing.csv", "-l", "mse", "--max", "1", "--junit-xml", "report.xml")
    assert result.exit_code == 2
    suite = ET.parse(repo / "report.xml").getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("1", "1", "0")
    failure = suite.find("testcase").find("failure")
    assert failure.get("type") == "input"
    assert "missing.csv" in failure.get("message") and failure.get("message") in result.stderr
    assert "stopped" in (repo / "summary.md").read_text() and "missing.csv" in (repo / "summary.md").read_text()


def test_the_table_says_the_summary_once_and_names_the_configuration(repo, invoke):
    (repo / "lossctl.toml").write_text('files = ["preds.csv"]\n[[checks]]\nloss = "mse"\nmax = 2.0\n')
    result = invoke("check")
    assert result.exit_code == 0
    assert "1 check: 1 passed" not in result.stdout and result.stderr.count("1 check: 1 passed") == 1
    assert "checks from lossctl.toml" in result.stderr

"""The installed ``lossctl`` console script, in a subprocess: on sample_data with stdout a
pipe, and on a pseudo-terminal, where the best value of each column is bold green unless
NO_COLOR is set."""

from __future__ import annotations

import csv
import os
import pty
import subprocess

import pytest

from .conftest import BIASED_CSV, REGRESSION_CSV, SAMPLE_DATA, lossctl_script, write


def huber(errors: list[float], delta: float = 1.0) -> float:
    terms = [0.5 * e * e if abs(e) <= delta else delta * (abs(e) - 0.5 * delta) for e in errors]
    return sum(terms) / len(terms)


def test_console_script_on_sample_data():
    with open(SAMPLE_DATA / "preds.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    expected = huber([float(r["y_true"]) - float(r["y_pred"]) for r in rows])
    shown, n = f"{expected:.6g}", str(len(rows))  # 6 significant digits, the default precision
    width = max(len(shown), len("value"))

    proc = subprocess.run(
        [str(lossctl_script()), "compute", "--loss", "huber", "--delta", "1.0", "sample_data/preds.csv"],
        cwd=SAMPLE_DATA.parent,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "LOSSCTL_DEBUG"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    bar = "━" * (width + 2)
    line = "─" * (width + 2)
    assert proc.stdout == (
        "sample_data/preds.csv\n"
        f"┏━━━━━━━┳{bar}┳━━━━━┓\n"
        f"┃ loss  ┃ {'value':>{width}} ┃ {'n':>3} ┃\n"
        f"┡━━━━━━━╇{bar}╇━━━━━┩\n"
        f"│ huber │ {shown:>{width}} │ {n:>3} │\n"
        f"└───────┴{line}┴─────┘\n"
        f"sample_data/preds.csv: {n} rows, task regression\n"
        "y_true=y_true, y_pred=y_pred\n"
    )


def _on_a_terminal(args: list[str], cwd, env: dict[str, str]) -> tuple[int, str]:
    """Run the console script with stdout on a pseudo-terminal; its exit code and output."""
    leader, follower = pty.openpty()
    with subprocess.Popen(
        [str(lossctl_script()), *args], cwd=cwd, stdout=follower, stderr=subprocess.DEVNULL, env=env
    ) as proc:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # EIO: the terminal's other side is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        code = proc.wait(timeout=60)
    os.close(leader)
    return code, b"".join(chunks).decode().replace("\r\n", "\n")


@pytest.mark.parametrize("no_color", [False, True])
def test_best_values_are_bold_green_on_a_terminal_unless_no_color(tmp_path, no_color):
    write(tmp_path / "r.csv", REGRESSION_CSV)
    write(tmp_path / "b.csv", BIASED_CSV)
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "LOSSCTL_DEBUG")}
    env.update(TERM="xterm-256color", COLUMNS="120")
    if no_color:
        env["NO_COLOR"] = "1"
    code, out = _on_a_terminal(["compare", "-l", "mse", "-l", "mae", "r.csv", "b.csv"], tmp_path, env)
    assert code == 0
    # mse: 4 (r.csv) vs 2.25 (b.csv); mae: 1 (r.csv) vs 1.5 (b.csv). A column shows its values
    # with the decimals the most precise one needs: 4.00 and 2.25, 1.0 and 1.5.
    bold_green = "\x1b[1;32m"
    assert "* best value of each loss (the lowest loss, the highest score)" in out
    if no_color:
        assert bold_green not in out and "\x1b[32m" not in out
        assert "2.25 *" in out and "1.0 *" in out
    else:  # starred on a terminal too: a copy and paste keeps the star, not the colour
        assert f"{bold_green}2.25 *\x1b[0m" in out
        assert f"{bold_green}1.0 *\x1b[0m" in out
        assert out.count(bold_green) == 2

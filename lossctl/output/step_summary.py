"""The GitHub Actions step summary: the gate's Markdown table appended to the file named by
``$GITHUB_STEP_SUMMARY``, which the workflow run's page shows."""

from __future__ import annotations

from lossctl.errors import readable


def append_summary(path: str, text: str) -> str | None:
    """Append ``text`` to the step summary file at ``path``; the reason it could not be
    written, or None."""
    try:
        with open(path, "a", encoding="utf-8") as f:
            f.write(readable(text) + "\n")
    except OSError as exc:
        return f"cannot append to GITHUB_STEP_SUMMARY {path}: {exc.strerror or exc}"
    return None

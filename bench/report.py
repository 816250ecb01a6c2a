"""A benchmark run as plain text (stdout), Markdown (bench/RESULTS.md) and JSON (latest.json)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from targets import Results, Target

HEADER = ["case", "competitor", "median s", "min s", "cpu s", "peak MiB", "ratio vs ref"]
TARGET_HEADER = ["target", "measured", "bound", "verdict"]
RTOL = 1e-9  # competitors agree on the loss value to this relative tolerance


def _num(x: float | None, spec: str) -> str:
    return "failed" if x is None else format(x, spec)


def result_rows(results: Results) -> list[list[str]]:
    """One row per competitor of each case; the ratio is to the case's first (reference) row."""
    rows = []
    for case, by_name in results.items():
        ref = next(iter(by_name.values()))
        for res in by_name.values():
            ratio = res.median_s / ref.median_s if res.ok and ref.ok else None
            rows.append(
                [
                    case,
                    res.competitor,
                    _num(res.median_s, ".3f"),
                    _num(res.min_s, ".3f"),
                    _num(res.cpu_s, ".3f"),
                    _num(res.peak_mib, ".0f"),
                    _num(ratio, ".2f"),
                ]
            )
    return rows


def target_rows(targets: list[Target]) -> list[list[str]]:
    return [[t.name, _num(t.measured, ".2f"), t.bound, "PASS" if t.passed else "MISS"] for t in targets]


def grid(header: list[str], rows: list[list[str]], markdown: bool = False) -> str:
    """A table: GitHub Markdown, or plain text with the first two columns left-aligned."""
    if markdown:
        lines = [header, ["---" if i < 2 else "---:" for i in range(len(header))], *rows]
        return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)
    widths = [max(map(len, column)) for column in zip(header, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def disagreements(results: Results) -> list[str]:
    """Competitors whose loss value differs from the reference's (a wrong answer is not a fast one)."""
    out = []
    for case, by_name in results.items():
        ref = next(iter(by_name.values()))
        for res in by_name.values():
            if ref.value is None or res.value is None or res is ref:
                continue
            if not math.isclose(res.value, ref.value, rel_tol=RTOL):
                out.append(f"{case}: {res.competitor} gives {res.value!r}, {ref.competitor} {ref.value!r}")
    return out


def failures(results: Results) -> list[str]:
    return [
        f"{res.case}: {res.competitor} failed: {res.error}"
        for by_name in results.values()
        for res in by_name.values()
        if res.error
    ]


def machine_lines(machine: dict, settings: dict) -> list[str]:
    m = machine
    commit = m["lossctl_commit"] + (" (with uncommitted changes in lossctl/)" if m["lossctl_dirty"] else "")
    return [
        f"date: {m['date']}",
        f"machine: {m['nproc']} cores, {m['cpu']}, {m['ram_gib']:.1f} GiB RAM, load average {m['load_before']} -> {m['load_after']}",
        f"CPU flags: {m.get('simd', 'not recorded')}",
        "software: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
        f"lossctl: commit {commit}",
        f"run: {settings['scale']} data ({settings['rows']}), {settings['rounds']} paired rounds, medians",
    ]


@dataclass
class Report:
    """Everything a run produced."""

    machine: dict
    settings: dict
    results: Results
    targets: list[Target]
    warnings: list[str] = field(default_factory=list)

    def render(self, markdown: bool = False) -> str:
        """The machine, the table of results, the targets and the warnings."""
        bullet = "- " if markdown else ""
        passed = sum(t.passed for t in self.targets)
        parts = [
            "\n".join(bullet + line for line in machine_lines(self.machine, self.settings)),
            grid(HEADER, result_rows(self.results), markdown),
            "median s, min s: wall-clock; cpu s: median user + system time; peak MiB: median peak RSS; "
            "ratio vs ref: median s / median s of the case's first row (lossctl compute; lossctl --version for startup).",
            f"Targets: {passed} of {len(self.targets)} met",
            grid(TARGET_HEADER, target_rows(self.targets), markdown),
        ]
        if self.warnings:
            parts.append("\n".join(f"{bullet}warning: {w}" for w in self.warnings))
        return "\n\n".join(parts) + "\n"

    def as_json(self) -> dict:
        return {
            "machine": self.machine,
            "settings": self.settings,
            "results": [res.as_json() for by_name in self.results.values() for res in by_name.values()],
            "targets": [t.as_json() for t in self.targets],
            "warnings": self.warnings,
        }

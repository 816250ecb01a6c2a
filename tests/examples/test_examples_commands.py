"""Every example prints a command that gives its value from its file, as written."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from lossctl.examples import work_all

REPOSITORY = Path(__file__).parents[2]


@pytest.mark.parametrize("example", work_all(), ids=lambda w: w.id)
def test_the_printed_command_gives_the_value(invoke, example):
    words = shlex.split(example.command)
    assert words[:2] == ["lossctl", "compute"]
    ran = invoke(*words[1:], "--format", "json", cwd=REPOSITORY)
    assert ran.exit_code == 0, ran.stderr
    (result,) = ran.json()["results"]
    assert result["value"] == example.computed  # bit for bit: the CLI and the API sum exactly
    assert f"reproduce: {example.command}" in example.steps()


def test_json_carries_every_example_with_its_command(invoke):
    ran = invoke("examples", "--format", "json", cwd=REPOSITORY)
    assert ran.exit_code == 0, ran.stderr
    listed = {entry["id"]: entry for entry in ran.json()}
    assert set(listed) == {w.id for w in work_all()}
    for w in work_all():
        entry = listed[w.id]
        assert (entry["documented"], entry["computed"], entry["verdict"]) == (w.documented, w.computed, w.verdict)
        assert entry["command"] == w.command
    one = json.loads(invoke("examples", "regularization-elastic-net", "--format", "json").stdout)
    assert one["command"].endswith("--model-weights sample_data/regularization_weights.csv")

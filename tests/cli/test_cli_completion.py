"""Shell completion through Click's protocol, in a subprocess of the console script: loss
names (and a loss's parameters after ``name:``), example ids, file names for FILE arguments,
and the choices of options Click does not check itself; then in bash itself, where a word is
cut at ``:``."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from lossctl.examples import examples
from lossctl.losses import get_spec

from .conftest import lossctl_script


def complete(line: str, shell: str = "bash") -> list[tuple[str, str]]:
    """The (type, value) pairs Click answers for the last word of ``line`` (an empty last word
    when it ends with a space)."""
    words = line.split()
    cword = len(words) - (0 if line.endswith(" ") else 1)
    env = {**os.environ, "_LOSSCTL_COMPLETE": f"{shell}_complete", "COMP_WORDS": line, "COMP_CWORD": str(cword)}
    proc = subprocess.run([str(lossctl_script())], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return [tuple(item.split(",", 1)) for item in proc.stdout.splitlines()]


def test_loss_names():
    items = complete("lossctl compute -l hu")
    assert ("plain", "huber") in items
    assert all(value.startswith("hu") for _, value in items)


def test_loss_aliases_and_long_option():
    assert ("plain", "log-loss") in complete("lossctl compare --loss log")


def test_parameters_after_the_name():
    # huber's one parameter, from the registry's spec: what the user types next
    assert complete("lossctl check -l huber:") == [("plain", f"huber:{p.name}=") for p in get_spec("huber").params]


def test_parameters_not_given_yet():
    values = [value for _, value in complete("lossctl compute -l focal:gamma=2,")]
    assert "focal:gamma=2,alpha=" in values
    assert not any(value.endswith(",gamma=") for value in values)


def test_example_ids():
    ids = [e.id for e in examples() if e.id.startswith("spam")]
    assert ids, "the documents' spam examples"
    assert complete("lossctl examples spam") == [("plain", i) for i in ids]


@pytest.mark.parametrize(
    "line",
    ["lossctl compute -l mse pre", "lossctl compute -l mse p.csv lab", "lossctl compare a.csv ", "lossctl check x",
     "lossctl compute --labels l", "lossctl check --baseline b", "lossctl diff a.csv b"],
)  # fmt: skip
def test_files_complete_as_files(line):
    items = complete(line)
    assert [kind for kind, _ in items] == ["file"]


def test_choices_the_configuration_checks():
    assert complete("lossctl check --nan d") == [("plain", "drop")]


def test_explain_takes_loss_names():
    assert ("plain", "cross-entropy") in complete("lossctl explain cross")


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_in_bash():
    """Click's bash script, sourced into bash, fills COMPREPLY from the same answers."""
    script = subprocess.run(
        [str(lossctl_script())], env={**os.environ, "_LOSSCTL_COMPLETE": "bash_source"}, capture_output=True, text=True
    ).stdout
    assert "complete" in script
    # bash cuts words at ':' (COMP_WORDBREAKS): "huber:" is the words "huber" and ":", and
    # the completion replaces the word ":" (so it starts with ':'), bash keeping "huber".
    probe = (
        f"{script}\n"
        'ask() { COMPREPLY=(); COMP_LINE=$1; COMP_POINT=${#1}; read -ra COMP_WORDS <<< "$2"; COMP_CWORD=$3;'
        ' _lossctl_completion lossctl; echo "${COMPREPLY[*]}"; }\n'
        "ask 'lossctl compute -l hu' 'lossctl compute -l hu' 3\n"
        "ask 'lossctl examples spam-b' 'lossctl examples spam-b' 2\n"
        "ask 'lossctl compute -l huber:' 'lossctl compute -l huber :' 4\n"
        "ask 'lossctl compute -l huber:de' 'lossctl compute -l huber : de' 5\n"
    )
    proc = subprocess.run(
        ["bash", "--norc", "--noprofile"], input=probe, capture_output=True, text=True, timeout=60,
        env={**os.environ, "PATH": f"{lossctl_script().parent}:{os.environ['PATH']}"},
    )  # fmt: skip
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["huber"], proc.stderr
    assert lines[1].split() == ["spam-bce"]
    assert lines[2:] == [":delta= :reduction=", "delta="]  # huber takes delta and reduction

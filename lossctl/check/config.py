"""Where checks come from: ``[tool.lossctl]`` in a pyproject.toml, a lossctl.toml, or the
command line; validated key by key, with the same rules for both.

Discovery (no ``--config``): from the working directory up to the repository root (the first
directory that holds ``.git``; the filesystem root outside a repository), the first directory
with a ``lossctl.toml``, or a ``pyproject.toml`` that has a ``[tool.lossctl]`` table, wins; in
one directory lossctl.toml comes first. In lossctl.toml the keys are at the top level; in
pyproject.toml under ``[tool.lossctl]``. ``--config FILE`` names either kind (a file named
pyproject.toml is read as one).

Schema::

    [tool.lossctl]
    files = ["outputs/preds.parquet"]          # inputs of every check without its own files
    y_true = "target"                           # input options, as lossctl compute's:
    # y_pred, weight, labels, on, model_weights, from_logits, nan, task, input_format, encoding,
    # engine ("local" or "dask"), scheduler ("tcp://host:8786"),
    # storage_options = {anon = true}          # fsspec options of s3:// (gs://, ...) inputs
    [[tool.lossctl.checks]]
    loss = "huber:delta=1.0"                    # required: a loss spec or expression
    max = 0.35                                  # exactly one of max, min, baseline, baseline_file
    [[tool.lossctl.checks]]
    loss = "mse"
    baseline = "baselines/main.json"            # a `lossctl compute --format json` document
    rtol = 0.02                                 # baseline tolerances (default 0)
    severity = "warn"                           # "fail" (default) or "warn"
    name = "mse vs main"                        # default: "<loss> <criterion> <limit>"
    [[tool.lossctl.checks]]
    loss = "mae"
    baseline_file = "outputs/main_preds.parquet"  # the main branch's predictions, same rows
    significance = 0.05                         # fail only on a significant regression ...
    min_effect = "1%"                           # ... of more than 1% (or an absolute number)
    # files and any input option may also be given per check, overriding the top level

Paths (files, labels, model_weights, baseline, baseline_file) are relative to the configuration file's
directory. Unknown keys and wrong types are errors naming the file and the key path, list
indices 0-based: ``pyproject.toml: tool.lossctl.checks[1].sevrity: unknown key (did you mean
'severity'?)``.
"""

from __future__ import annotations

import codecs
import difflib
import json
import math
import os
import re
import reprlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lossctl.check.checks import AGAINST_BASELINE, BASELINE, BASELINE_FILE, CRITERIA, SEVERITIES, Check
from lossctl.errors import ConfigError, InputError, LossctlError, UsageError
from lossctl.io.limits import read_document
from lossctl.options.declared import BY_KEY, CONFIG_KEYS, FLAG, PATH, TABLE, TEXT, Option

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PYPROJECT = "pyproject.toml"
LOSSCTL_TOML = "lossctl.toml"
SECTION = "tool.lossctl"


@dataclass(frozen=True)
class Origin:
    """Where settings come from: a configuration file (``file``, shown as given; relative
    paths taken from ``base``; keys under ``section``) or, with ``file`` None, the command
    line, whose keys are shown as options (``rtol`` as ``--rtol``)."""

    file: str | None = None
    base: str = "."
    section: str = ""

    def name(self, key: str) -> str:
        """How the user writes ``key``: as is, or as an option."""
        return key if self.file is not None else "--" + key.replace("_", "-")

    def key(self, where: str, key: str) -> str:
        """``key`` located at ``where``: a dotted key path, or options (``--loss mse --max``)."""
        if self.file is None:
            return f"{where} {self.name(key)}" if where else self.name(key)
        return f"{where}.{key}" if where else key

    def error(self, where: str, message: str) -> LossctlError:
        """A ``ConfigError`` naming the file (a ``UsageError`` for the command line)."""
        text = f"{where}: {message}" if where else message
        return ConfigError(text, file=self.file) if self.file is not None else UsageError(text)

    def path(self, path: str) -> str:
        """``path`` as seen from the working directory."""
        if self.base == "." or os.path.isabs(path) or "://" in path:
            return path
        return os.path.normpath(os.path.join(self.base, path))


Validator = Callable[[Any, Origin, str], Any]


def _string(value: Any, origin: Origin, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise origin.error(where, f"must be a non-empty string, not {value!r}")
    return value


def _bool(value: Any, origin: Origin, where: str) -> bool:
    if not isinstance(value, bool):
        raise origin.error(where, f"must be true or false, not {value!r}")
    return value


def _number(value: Any, origin: Origin, where: str) -> float:
    try:
        number = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else math.nan
    except OverflowError:  # an integer beyond a float's range (TOML integers have any length)
        number = math.inf
    if not math.isfinite(number):
        raise origin.error(where, f"must be a finite number, not {reprlib.repr(value)}")
    return number


def _tolerance(value: Any, origin: Origin, where: str) -> float:
    number = _number(value, origin, where)
    if number < 0:
        raise origin.error(where, f"must be >= 0, not {value!r}")
    return number


def _choice(choices: tuple[str, ...]) -> Validator:
    def validate(value: Any, origin: Origin, where: str) -> str:
        if value not in choices:
            raise origin.error(where, f"must be one of {', '.join(choices)}, not {value!r}")
        return value

    return validate


def _path(value: Any, origin: Origin, where: str) -> str:
    return origin.path(_string(value, origin, where))


def _paths(value: Any, origin: Origin, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise origin.error(where, f"must be a non-empty list of paths, not {value!r}")
    return tuple(_path(v, origin, f"{where}[{i}]") for i, v in enumerate(value))


def _options(value: Any, origin: Origin, where: str) -> str:
    """A table of fsspec storage options, kept as sorted JSON text (hashable, as ``verdicts``
    needs to group the checks by input)."""
    if not isinstance(value, dict):
        raise origin.error(where, f"must be a table of storage options, not {value!r}")

    def refuse(held: Any) -> None:  # a TOML date or time, which fsspec's JSON options cannot hold
        raise origin.error(where, f"holds {held!r}: storage options are strings, numbers, booleans, arrays and tables")

    return json.dumps(value, sort_keys=True, default=refuse)


def _validator(option: Option) -> Validator:
    """How a configuration's value of a declared option is checked."""
    return {TEXT: _string, PATH: _path, FLAG: _bool, TABLE: _options}.get(option.type) or _choice(option.choices)


INPUT_KEYS: dict[str, Validator] = {key: _validator(BY_KEY[key]) for key in CONFIG_KEYS}
"""The input options a configuration (or a check in it) may set; the meaning of lossctl
compute's options of the same names."""

TOP_KEYS: dict[str, Validator] = {"files": _paths, **INPUT_KEYS}


def _level(value: Any, origin: Origin, where: str) -> float:
    number = _number(value, origin, where)
    if not 0.0 < number < 0.5:
        raise origin.error(where, f"must be a significance level in (0, 0.5), such as 0.05, not {value!r}")
    return number


def _effect(value: Any, origin: Origin, where: str) -> tuple[float, bool]:
    """A minimal effect: a number (absolute), or a percentage of the baseline (``"2%"``)."""
    relative = isinstance(value, str) and value.strip().endswith("%")
    text = value.strip()[:-1] if relative else value
    try:
        number = float(text) if isinstance(text, str) else _number(text, origin, where)
    except ValueError:
        raise origin.error(where, f"must be a number or a percentage such as '2%', not {value!r}") from None
    if not math.isfinite(number) or number < 0:
        raise origin.error(where, f"must be a finite number >= 0 (or a percentage), not {value!r}")
    return (number / 100.0 if relative else number), relative


CHECK_KEYS: dict[str, Validator] = {
    "loss": _string,
    "max": _number,
    "min": _number,
    "baseline": _path,
    "baseline_file": _path,
    "significance": _level,
    "min_effect": _effect,
    "rtol": _tolerance,
    "atol": _tolerance,
    "severity": _choice(SEVERITIES),
    "name": _string,
    "files": _paths,
    **INPUT_KEYS,
}


def validate(table: dict[str, Any], keys: dict[str, Validator], origin: Origin, where: str) -> dict[str, Any]:
    """The values of ``table`` converted by their validators; an error for an unknown key,
    with the closest known key as a suggestion."""
    out = {}
    for key, value in table.items():
        path = origin.key(where, key)
        if key not in keys:
            close = difflib.get_close_matches(key.replace("-", "_"), keys, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known keys: {', '.join(keys)})"
            raise origin.error(path, "unknown key" + hint)
        out[key] = keys[key](value, origin, path)
    return out


def _default_name(loss: str, criterion: str, raw: Any) -> str:
    shown = raw if criterion in AGAINST_BASELINE else repr(float(raw))
    return f"{loss} {criterion} {shown}"


def make_check(table: dict[str, Any], origin: Origin, where: str) -> Check:
    """The check described by ``table`` (a ``[[tool.lossctl.checks]]`` entry, or the options
    that follow one ``--loss``)."""
    fields = validate(table, CHECK_KEYS, origin, where)
    if "loss" not in fields:
        raise origin.error(where, "missing key 'loss'")
    criteria = [c for c in CRITERIA if c in fields]
    if len(criteria) != 1:
        listed = ", ".join(origin.name(c) for c in CRITERIA)
        found = ", ".join(origin.name(c) for c in criteria) or "none"
        raise origin.error(
            where, f"a check needs exactly one of {listed}; found {found} (write one check per condition)"
        )
    criterion = criteria[0]
    for key in ("rtol", "atol", "significance", "min_effect"):
        if key in fields and criterion not in AGAINST_BASELINE:
            raise origin.error(
                where,
                f"{origin.name(key)} applies to a baseline only; give {origin.name(BASELINE)} or {origin.name(BASELINE_FILE)}",
            )
    if "min_effect" in fields and "significance" not in fields:
        raise origin.error(where, f"{origin.name('min_effect')} applies with {origin.name('significance')}")
    effect, relative = fields.get("min_effect", (0.0, False))
    return Check(
        name=fields.get("name") or _default_name(fields["loss"], criterion, table[criterion]),
        loss=fields["loss"],
        criterion=criterion,
        limit=None if criterion in AGAINST_BASELINE else fields[criterion],
        baseline=fields.get(BASELINE),
        baseline_file=fields.get(BASELINE_FILE),
        significance=fields.get("significance"),
        min_effect=effect,
        min_effect_relative=relative,
        rtol=fields.get("rtol", 0.0),
        atol=fields.get("atol", 0.0),
        severity=fields.get("severity", SEVERITIES[0]),
        files=fields.get("files"),
        options=tuple((k, fields[k]) for k in INPUT_KEYS if k in fields),
    )


def distinct_names(checks: tuple[Check, ...], origin: Origin, where: str) -> None:
    """An error if two checks share a name (a JUnit testcase and a table row are known by
    it)."""
    seen: set[str] = set()
    for check in checks:
        if check.name in seen:
            raise origin.error(where, f"two checks are named {check.name!r}; give one a {origin.name('name')}")
        seen.add(check.name)


@dataclass(frozen=True)
class Settings:
    """A configuration, validated: the files, the input options and the checks it gives."""

    origin: Origin
    files: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    checks: tuple[Check, ...] = ()


def parse(table: dict[str, Any], origin: Origin) -> Settings:
    """The settings of a ``[tool.lossctl]`` table (or a lossctl.toml document)."""
    top = {k: v for k, v in table.items() if k != "checks"}
    fields = validate(top, TOP_KEYS, origin, origin.section)
    checks_where = origin.key(origin.section, "checks")
    entries = table.get("checks", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise origin.error(checks_where, "must be an array of tables ([[tool.lossctl.checks]])")
    checks = tuple(make_check(entry, origin, f"{checks_where}[{i}]") for i, entry in enumerate(entries))
    distinct_names(checks, origin, checks_where)
    options = {k: fields[k] for k in INPUT_KEYS if k in fields}
    return Settings(origin=origin, files=fields.get("files", ()), options=options, checks=checks)


def _read_toml(path: Path, shown: str) -> dict[str, Any]:
    """The TOML document at ``path``; a ``ConfigError`` naming ``shown`` for a file that
    cannot be read, is larger than a document may be, is not UTF-8 (TOML's only encoding), is
    not TOML, or nests too deeply."""
    try:
        return tomllib.loads(read_document(str(path), what="in a configuration").decode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the configuration: {exc.strerror or exc}", file=shown) from None
    except InputError as exc:  # the size limit: /dev/zero, an endless pipe
        raise ConfigError(exc.message, file=shown, hint=exc.hint) from None
    except UnicodeDecodeError as exc:
        encoding = "UTF-16" if exc.object[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "not UTF-8"
        raise ConfigError(
            f"not valid TOML: the text is {encoding} (byte {exc.object[exc.start]:#04x} at offset {exc.start})",
            file=shown,
            hint="TOML files are UTF-8; save it as UTF-8",
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", file=shown) from None
    except ValueError:  # Python's limit on the digits of an integer
        raise ConfigError("not valid TOML: an integer too long to read", file=shown) from None
    except RecursionError:
        raise ConfigError("not valid TOML: arrays or tables nested too deeply to read", file=shown) from None


def _section(document: dict[str, Any]) -> Any:
    tool = document.get("tool")
    return tool.get("lossctl") if isinstance(tool, dict) else None


def load(path: Path) -> Settings:
    """The settings of the configuration file ``path`` (pyproject.toml, lossctl.toml, or a
    file named by ``--config``)."""
    shown = os.path.relpath(path) if path.is_absolute() else str(path)
    document = _read_toml(path, shown)
    base = os.path.dirname(shown) or "."
    if path.name != PYPROJECT:
        return parse(document, Origin(file=shown, base=base))
    table = _section(document)
    if not isinstance(table, dict):
        raise ConfigError(f"no [{SECTION}] table", file=shown)
    return parse(table, Origin(file=shown, base=base, section=SECTION))


_LOSSCTL_HEADER = re.compile(r"""^\s*\[*\s*["']?tool["']?\s*\.\s*["']?lossctl\b""", re.MULTILINE)
"""A line that opens lossctl's table (``[tool.lossctl]``, ``[[tool.lossctl.checks]]``) or
sets a key in it (``tool.lossctl.files = ...``)."""


def _has_section(path: Path) -> bool:
    """Whether the pyproject.toml at ``path`` holds a ``[tool.lossctl]`` table. One that
    cannot be read as TOML (another tool's broken or UTF-16 file) is lossctl's only if its
    text opens the table: only then is it an error, which says why it cannot be read."""
    shown = os.path.relpath(path)
    try:
        return _section(_read_toml(path, shown)) is not None
    except ConfigError:
        try:
            data = path.read_bytes()
        except OSError:
            return False
        utf16 = data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
        if _LOSSCTL_HEADER.search(data.decode("utf-16" if utf16 else "utf-8", errors="replace")):
            raise
        return False


def discover(start: Path) -> Path | None:
    """The configuration file nearest to ``start``, searching up to the repository root."""
    for directory in (start, *start.parents):
        candidate = directory / LOSSCTL_TOML
        if candidate.is_file():
            return candidate
        candidate = directory / PYPROJECT
        if candidate.is_file() and _has_section(candidate):
            return candidate
        if (directory / ".git").exists():
            return None
    return None


def settings(config: str | None) -> Settings | None:
    """The settings of ``--config FILE``, else of the discovered configuration, else None."""
    if config is not None:
        return load(Path(config))
    found = discover(Path.cwd())
    return load(found) if found is not None else None

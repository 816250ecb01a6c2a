"""Loss parameters: their kinds, defaults and domains, and the binding of user values.

A parameter is a float (``delta``), a boolean (``from_logits``), a vector of floats
(``class_weights``), a float-or-vector (``alpha`` of focal loss: a scalar for two classes,
one value per class for several), a whole number (``Count``: ``bins``) or one of a few names
(``Choice``: ``binning=equal-mass``). Values come from Python keywords, from spec strings such as
``huber:delta=0.5`` and from command-line options; all are checked here, so that a delta of 0
or a quantile of 2 is refused with a message that names the domain.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import Any

from lossctl.losses.errors import ParameterError

FLOAT = "float"
BOOL = "bool"
VECTOR = "vector"
FLOAT_OR_VECTOR = "float-or-vector"
CHOICE = "choice"
INTEGER = "integer"


@dataclass(frozen=True)
class Interval:
    """A real interval; ``low_open``/``high_open`` exclude the end points."""

    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False

    def __contains__(self, x: float) -> bool:
        if math.isnan(x):
            return False
        above = x > self.low if self.low_open else x >= self.low
        below = x < self.high if self.high_open else x <= self.high
        return above and below

    def __str__(self) -> str:
        left = "(" if self.low_open or math.isinf(self.low) else "["
        right = ")" if self.high_open or math.isinf(self.high) else "]"
        return f"{left}{_fmt(self.low)}, {_fmt(self.high)}{right}"


POSITIVE = Interval(0.0, math.inf, low_open=True, high_open=True)
NON_NEGATIVE = Interval(0.0, math.inf, high_open=True)
UNIT = Interval(0.0, 1.0)
EPSILON = Interval(0.0, 0.5, low_open=True, high_open=True)
REAL = Interval(-math.inf, math.inf, low_open=True, high_open=True)


def _fmt(x: float) -> str:
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:g}"


@dataclass(frozen=True)
class Param:
    """One hyper-parameter of a loss."""

    name: str
    default: Any
    doc: str
    kind: str = FLOAT
    domain: Interval = REAL

    @property
    def spelling(self) -> str:
        """How a list value is written in a loss spec (``[1,2,0.5,3]``), or ``""`` for a scalar
        parameter: vectors are shown where parameters are listed, or nobody finds them."""
        if self.kind == VECTOR:
            return f"{self.name}=[1,2,0.5,3]: one value per class"
        if self.kind == FLOAT_OR_VECTOR:
            return f"{self.name}=0.25, or {self.name}=[0.1,0.3,0.6]: one value per class"
        return ""

    def check(self, value: Any, loss: str) -> Any:
        """Coerce ``value`` to this parameter's kind and check its domain."""
        if value is None:
            if self.default is None:
                return None
            raise ParameterError(f"{loss}: {self.name} needs a value")
        if self.kind == BOOL:
            return _as_bool(value, loss, self.name)
        if self.kind == FLOAT:
            return self._check_float(value, loss)
        if self.kind == FLOAT_OR_VECTOR and _is_scalar(value):
            return self._check_float(value, loss)
        values = [value] if _is_scalar(value) else list(value)
        if not values:
            raise ParameterError(f"{loss}: {self.name} needs at least one value")
        return tuple(self._check_float(v, loss) for v in values)

    def _check_float(self, value: Any, loss: str) -> float:
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise ParameterError(f"{loss}: {self.name} must be a number, not {value!r}") from None
        except OverflowError:  # an int beyond 1.8e308
            raise ParameterError(f"{loss}: {self.name} is beyond the float64 range (1.8e308)") from None
        if x not in self.domain:
            raise ParameterError(f"{loss}: {self.name}={_fmt(x)} is outside its domain {self.domain}")
        return x


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (list, tuple)) and getattr(value, "ndim", 0) == 0


def _as_bool(value: Any, loss: str, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise ParameterError(f"{loss}: {name} must be true or false, not {value!r}")


def normalize_key(key: str) -> str:
    """``pos-weight`` and ``lambda_`` (a Python keyword escaped) both name their parameter."""
    return key.replace("-", "_").rstrip("_") if key != "_" else key


def bind(loss: str, params: tuple[Param, ...], given: dict[str, Any]) -> dict[str, Any]:
    """Check ``given`` against ``params``; return every parameter with defaults filled in."""
    known = {p.name: p for p in params}
    values: dict[str, Any] = {}
    for raw_key, value in given.items():
        key = normalize_key(raw_key)
        if key not in known:
            raise ParameterError(f"{loss} takes no parameter {raw_key!r}", hint=_suggest(key, known, loss))
        values[key] = known[key].check(value, loss)
    for p in params:
        if p.name not in values:
            values[p.name] = p.default
    return values


def _suggest(key: str, known: dict[str, Param], loss: str) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    if close:
        return f"did you mean {close[0]!r}?"
    if known:
        return f"{loss} takes: {', '.join(known)}"
    return f"{loss} takes no parameters"


FROM_LOGITS = Param("from_logits", False, "predictions are logits (scores), not probabilities", kind=BOOL)
EPS = Param(
    "eps",
    float(2.0**-52),
    "probabilities are clipped to [eps, 1-eps]; the float64 machine epsilon, as scikit-learn",
    domain=EPSILON,
)
LOG_FLOOR = Param(
    "log_floor",
    None,
    "if set, log p and log(1-p) are floored at it and p is not clipped (PyTorch's BCELoss: -100)",
    domain=Interval(-math.inf, 0.0, low_open=True),
)


@dataclass(frozen=True)
class Names:
    """The domain of a parameter that takes one of a few names."""

    names: tuple[str, ...]

    def __contains__(self, value: str) -> bool:
        return value in self.names

    def __str__(self) -> str:
        return "{" + ", ".join(self.names) + "}"


@dataclass(frozen=True)
class Choice(Param):
    """A parameter whose value is one of the names of its domain (``binning=equal-mass``);
    case and ``_`` for ``-`` do not matter."""

    kind: str = CHOICE

    def check(self, value: Any, loss: str) -> str:
        text = str(value).strip().lower().replace("_", "-")
        if text not in self.domain:
            close = difflib.get_close_matches(text, self.domain.names, n=1)
            raise ParameterError(
                f"{loss}: {self.name} must be one of {', '.join(self.domain.names)}, not {value!r}",
                hint=f"did you mean {close[0]!r}?" if close else None,
            )
        return text


@dataclass(frozen=True)
class Count(Param):
    """A whole-number parameter (``bins=10``), within its domain."""

    kind: str = INTEGER

    def check(self, value: Any, loss: str) -> int | None:
        if value is None and self.default is None:
            return None
        if isinstance(value, bool):
            raise ParameterError(f"{loss}: {self.name} must be a whole number, not {value!r}")
        x = self._check_float(value, loss)
        if not x.is_integer():
            raise ParameterError(f"{loss}: {self.name} must be a whole number, not {value!r}")
        return int(x)


IGNORE_INDEX = Count(
    "ignore_index",
    None,
    "rows whose label is this value do not count, in the sum nor in the mean (PyTorch's ignore_index, default -100)",
)

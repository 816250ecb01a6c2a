"""Loss expressions: ``name``, ``name:key=value,...`` and weighted sums of them.

Grammar (whitespace is free between tokens)::

    expression := ['+' | '-'] product (('+' | '-') product)*
    product    := factor ('*' factor)*          exactly one factor is a call
    factor     := NUMBER | call
    call       := [SKILL ':'] NAME [':' setting (',' setting)*]
    setting    := NAME '=' value
    value      := ['-'] NUMBER | NAME | '[' ['-'] NUMBER (',' ['-'] NUMBER)* ']'

SKILL is ``d2``: ``d2:quantile:quantile=0.9`` is the skill score of ``quantile:quantile=0.9``.
A NAME is kebab- or snake-case (``smooth-l1``, ``pos_weight``); a ``-`` inside a name must be
followed by a letter, so ``mse-0.5*mae`` reads as ``mse - 0.5*mae``, or end the name with
digits that no ``*``, ``.``, exponent or digit follows (``poly-1``: a bare number is never a
term, so no valid expression reads otherwise). NUMBERs are decimal
literals with an optional exponent (``1e+3``, ``.5``, ``2.``). The text is tokenized by a
regular-expression scanner and parsed by recursive descent: nothing is ever evaluated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from lossctl.losses.errors import ExpressionError

SKILL_PREFIX = "d2"

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z][A-Za-z0-9_]*)*(?:-\d+(?![\d.eE*]))?)
  | (?P<op>[-+*:,=\[\]])
    """,
    re.VERBOSE,
)


class Token(NamedTuple):
    kind: str  # "number", "name", "op" or "end"
    text: str
    position: int


@dataclass
class TermSyntax:
    """One parsed term: ``coefficient * name:params``."""

    coefficient: float
    name: str
    params: dict[str, Any] = field(default_factory=dict)
    position: int = 0


def tokenize(text: str) -> list[Token]:
    tokens = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ExpressionError(f"unexpected character {text[position]!r}", text=text, position=position)
        if match.lastgroup != "space":
            tokens.append(Token(match.lastgroup, match.group(), position))
        position = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.i]

    def fail(self, message: str, token: Token | None = None) -> ExpressionError:
        token = token or self.token
        found = "the end" if token.kind == "end" else repr(token.text)
        return ExpressionError(f"{message}, found {found}", text=self.text, position=token.position)

    def take(self, kind: str, text: str | None = None) -> Token | None:
        token = self.token
        if token.kind == kind and (text is None or token.text == text):
            self.i += 1
            return token
        return None

    def expect(self, kind: str, text: str, what: str) -> Token:
        token = self.take(kind, text)
        if token is None:
            raise self.fail(f"expected {what}")
        return token

    def expression(self) -> list[TermSyntax]:
        if self.token.kind == "end":
            raise self.fail("expected a loss name")
        sign = -1.0 if self.take("op", "-") else 1.0
        if sign > 0:
            self.take("op", "+")
        terms = [self.product(sign)]
        while self.token.kind == "op" and self.token.text in "+-":
            sign = -1.0 if self.take("op").text == "-" else 1.0
            terms.append(self.product(sign))
        if self.token.kind != "end":
            raise self.fail("expected '+', '-' or the end of the expression")
        return terms

    def product(self, sign: float) -> TermSyntax:
        coefficient = sign
        call: TermSyntax | None = None
        while True:
            token = self.token
            if token.kind == "number":
                self.i += 1
                coefficient *= float(token.text)
            elif token.kind == "name":
                if call is not None:
                    raise self.fail("a term names one loss; use '+' between losses")
                call = self.call()
            else:
                raise self.fail("expected a number or a loss name")
            if not self.take("op", "*"):
                break
        if call is None:
            raise self.fail("a term needs a loss name, not only a number")
        call.coefficient = coefficient
        return call

    def call(self) -> TermSyntax:
        name = self.take("name")
        term = TermSyntax(1.0, name.text, {}, name.position)
        if self._skill_of(name):
            self.i += 1
            term.name = f"{name.text}:{self.take('name').text}"
        if not self.take("op", ":"):
            return term
        while True:
            key = self.take("name")
            if key is None:
                raise self.fail("expected a parameter name")
            if key.text in term.params:
                raise self.fail(f"parameter {key.text!r} given twice", key)
            self.expect("op", "=", f"'=' after {key.text!r}")
            term.params[key.text] = self.value()
            if not self.take("op", ","):
                return term

    def _skill_of(self, name: Token) -> bool:
        """Whether ``name`` is ``d2`` followed by ``:`` and a loss name (not a setting)."""
        ahead = self.tokens[self.i : self.i + 3]
        return (
            name.text.lower() == SKILL_PREFIX
            and [t.text for t in ahead[:1]] == [":"]
            and len(ahead) > 1
            and ahead[1].kind == "name"
            and (len(ahead) < 3 or ahead[2].text != "=")
        )

    def value(self) -> Any:
        if self.take("op", "["):
            values = [self.number()]
            while self.take("op", ","):
                values.append(self.number())
            self.expect("op", "]", "',' or ']'")
            return tuple(values)
        if self.token.kind == "name":
            return self.take("name").text
        return self.number()

    def number(self) -> float:
        sign = -1.0 if self.take("op", "-") else 1.0
        token = self.take("number")
        if token is None:
            raise self.fail("expected a number")
        return sign * float(token.text)


def parse(text: str) -> list[TermSyntax]:
    """The terms of a loss expression; ``ExpressionError`` with the position of a fault."""
    return _Parser(text).expression()

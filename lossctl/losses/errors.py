"""Errors raised by the loss core.

The core knows arrays, not files: an error about data names the input role (``y_true``,
``y_pred``, ...) and the 0-based index of the offending sample; the layers above translate
that into a file, a column and a row. All are ``ValueError`` subclasses, so that users of the
Python API can catch them as they would NumPy's or scikit-learn's.
"""

from __future__ import annotations


class LossError(ValueError):
    """Base class of the loss core's errors."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} (hint: {self.hint})" if self.hint else self.message


class UnknownLossError(LossError):
    """A loss name that is not in the registry."""


class ParameterError(LossError):
    """A parameter that a loss does not take, or a value outside its domain."""


class ExpressionError(LossError):
    """A malformed loss expression; ``position`` is the 0-based offset of the fault."""

    def __init__(self, message: str, *, text: str, position: int) -> None:
        super().__init__(message)
        self.text = text
        self.position = position

    def __str__(self) -> str:
        return f"{self.message} at column {self.position + 1}: {self.text}"

    def caret(self) -> str:
        """The expression with a caret under the fault, on two lines."""
        return f"{self.text}\n{' ' * self.position}^"


class InputDomainError(LossError):
    """A value outside the domain a loss accepts, e.g. a probability of 1.3.

    ``role`` names the input (``y_true``, ``y_pred``, ...), ``index`` is the 0-based sample
    index within the arrays given to the core (``None`` when the whole input is at fault),
    ``value`` the offending value when there is one.
    """

    def __init__(
        self,
        message: str,
        *,
        role: str,
        index: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.role = role
        self.index = index

    def __str__(self) -> str:
        where = self.role if self.index is None else f"{self.role}[{self.index}]"
        text = f"{where}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text

"""How deep the values of JSON Lines rows nest, found before a parser recurses into them.

JSON parsers recurse once per level of nesting: Arrow's reader ends the process (a stack
overflow, 50,000 arrays deep) and Python's `json` raises RecursionError (1,000 deep). A window
of lines is therefore checked first, cheaply: a line cannot nest deeper than the number of `[`
and `{` it holds, counted with NumPy for the whole window; only the rare line holding more
than MAX_DEPTH of them is scanned exactly, its strings skipped (RFC 8259, section 7: a string
holds no unescaped quote).
"""

from __future__ import annotations

import re

import numpy as np

MAX_DEPTH = 64
"""The deepest nesting of arrays and objects read in a JSON Lines row."""

_OPENERS = (ord("["), ord("{"))
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def too_deep(window: bytes | memoryview) -> int | None:
    """Where the first line nesting deeper than MAX_DEPTH begins in the window (a byte
    offset); None if there is none."""
    data = np.frombuffer(window, dtype=np.uint8)
    if np.count_nonzero((data == _OPENERS[0]) | (data == _OPENERS[1])) <= MAX_DEPTH:
        return None
    openers = np.flatnonzero((data == _OPENERS[0]) | (data == _OPENERS[1]))
    ends = np.append(np.flatnonzero(data == ord("\n")), len(data))
    per_line = np.diff(np.searchsorted(openers, ends), prepend=0)
    for line in np.flatnonzero(per_line > MAX_DEPTH):
        start = 0 if line == 0 else int(ends[line - 1]) + 1
        if _depth(data[start : ends[line]].tobytes()) > MAX_DEPTH:
            return start
    return None


def _depth(line: bytes) -> int:
    """The deepest nesting of arrays and objects in one line of JSON (strings skipped)."""
    level = deepest = 0
    for token in _TOKEN.finditer(line):
        char = token.group()[:1]
        if char in (b"[", b"{"):
            level += 1
            deepest = max(deepest, level)
        elif char in (b"]", b"}"):
            level -= 1
    return deepest

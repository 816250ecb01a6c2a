"""The architecture's rules, executable: each package imports only the layers below it (the
README's architecture section), the loss core only itself, and no module imports another that
imports it back, at module level or inside a function.

Imports are read from the source (``ast``), so that an import inside a function counts as
much as one at the top; only imports under ``if TYPE_CHECKING:`` (never run) are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "lossctl"

# A package may import itself and packages of a lower rank, never one of its own rank or
# above. "lossctl" is the package's own __init__ (the version, the Python API's names).
RANK = {
    "errors": 0,
    "lazy": 0,
    "atomic": 1,
    "losses": 1,
    "io": 2,
    "lossctl": 2,
    "engine": 3,
    "examples": 3,
    "options": 4,
    "output": 5,
    "plot": 6,
    "check": 6,
    "frames": 6,
    "cli": 7,
    "__main__": 8,
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _runtime_nodes(tree: ast.AST):
    """Every node of ``tree`` except those under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def imports(module: str) -> set[str]:
    """The lossctl modules ``module`` imports (``from lossctl.x import y`` counts as an import
    of the module ``lossctl.x.y`` when there is one, else of ``lossctl.x``)."""
    path = MODULES[module]
    found = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "lossctl"}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "lossctl":
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in MODULES else node.module)
    return found - {module}


def package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


GRAPH = {module: imports(module) for module in MODULES}


def test_every_package_has_a_rank():
    assert {package(m) for m in MODULES} <= set(RANK), "a new package: give it its place in RANK and the README"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_down_the_layers(module):
    mine = package(module)
    upward = sorted(
        target for target in GRAPH[module] if package(target) != mine and RANK[package(target)] >= RANK[mine]
    )
    assert not upward, f"{module} imports {upward}: a layer imports only the layers below it"


def test_the_loss_core_imports_only_itself():
    # but lossctl.lazy, the package's name loader: stdlib only, and in the lossctl package that
    # holds the loss core anyway
    outside = {
        (m, t) for m in MODULES if package(m) == "losses" for t in GRAPH[m] if package(t) not in ("losses", "lazy")
    }
    assert not outside


def test_the_input_layer_knows_no_losses_and_no_engine():
    known = {(m, t) for m in MODULES if package(m) == "io" for t in GRAPH[m] if package(t) in ("losses", "engine")}
    assert not known


def test_nothing_imports_the_command_line():
    users = {m for m in MODULES if package(m) not in ("cli", "__main__") for t in GRAPH[m] if package(t) == "cli"}
    assert not users


def test_no_import_cycle():
    """Depth-first search for a back edge among the modules."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(GRAPH[module]):
            if target not in GRAPH:
                continue
            if state.get(target) == 1:
                return path[path.index(target) :] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[module] = 2
        return None

    for module in sorted(GRAPH):
        if module not in state:
            cycle = visit(module)
            assert cycle is None, " -> ".join(cycle)


def test_the_rules_can_fail(monkeypatch):
    """The checks find what they are meant to find: an upward import, and a cycle."""
    monkeypatch.setitem(GRAPH, "lossctl.losses.api", GRAPH["lossctl.losses.api"] | {"lossctl.io"})
    with pytest.raises(AssertionError):
        test_the_loss_core_imports_only_itself()
    with pytest.raises(AssertionError, match="imports"):
        test_imports_go_down_the_layers("lossctl.losses.api")
    monkeypatch.setitem(GRAPH, "lossctl.errors", GRAPH["lossctl.errors"] | {"lossctl.atomic"})
    with pytest.raises(AssertionError, match=r"lossctl\.(errors|atomic) -> lossctl\.\w+ -> lossctl\.\1"):
        test_no_import_cycle()


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_over_400_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400

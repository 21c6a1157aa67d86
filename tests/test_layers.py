"""The import graph: dependencies point one way (gqlserver -> resolvers, tasks -> models) and no
module imports itself back through others.

Read from the source with `ast`, so a lazy import inside a function counts as much as one
at the top; imports under `if TYPE_CHECKING:` do not (they never run), which is how the
GraphQL types that refer to each other stay out of the runtime graph.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("gqlserver", "models", "resolvers", "tasks")

# What each layer must never import (top-level package names).
FORBIDDEN = {
    "models": {"gqlserver", "resolvers", "tasks", "strawberry", "starlette", "arq", "redis"},
    "tasks": {"gqlserver", "resolvers", "strawberry", "starlette"},
    "resolvers": {"gqlserver"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            found[_module_name(path)] = path
    return found


MODULES = _modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(module: str, tree: ast.AST) -> set[str]:
    """Modules `module` imports at run time (a `from a import b` names `a.b` if that is one)."""
    names: set[str] = set()
    package = module if MODULES[module].name == "__init__.py" else module.rsplit(".", 1)[0]

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for statement in node.orelse:
                visit(statement)
            return
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                names.add(submodule if submodule in MODULES else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return names


GRAPH = {name: _imported(name, ast.parse(path.read_text())) for name, path in MODULES.items()}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(layer: str) -> None:
    offending = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if module.split(".")[0] == layer
        for target in targets
        if target.split(".")[0] in FORBIDDEN[layer]
    )

    assert offending == []


def test_no_module_imports_itself_back() -> None:
    internal = {module: {t for t in targets if t in GRAPH} for module, targets in GRAPH.items()}
    circles: list[list[str]] = []
    state: dict[str, str] = {}
    path: list[str] = []

    def walk(module: str) -> None:
        state[module] = "open"
        path.append(module)
        for target in sorted(internal[module]):
            if state.get(target) == "open":
                circles.append(path[path.index(target) :] + [target])
            elif target not in state:
                walk(target)
        path.pop()
        state[module] = "done"

    for module in sorted(internal):
        if module not in state:
            walk(module)

    assert [" -> ".join(circle) for circle in circles] == []


def test_the_graph_is_read_from_real_imports() -> None:
    # Guards the reader itself: a module known to import another is seen doing so.
    assert "models.segments.consumers" in GRAPH["tasks.consumers"]
    assert "tasks.consumers" in GRAPH["gqlserver.worker"]

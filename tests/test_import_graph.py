"""No cycle between apps, and the core below them imports none of them.

Every import in the project's Python files is read (module level and inside functions alike), and
each file is put in its node: an app (a directory with apps.py), "core" (the shared helpers in the
campaign package: addresses, http, cache, ...) or "project" (settings, URLs, the home views, the
template context processors, Celery, WSGI and the project-wide commands, which may import any app,
and which no app imports).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = sorted(path.parent.name for path in ROOT.glob("*/apps.py"))
PROJECT = {
    *("settings", "test_settings", "urls", "views", "context_processors"),
    *("celery", "wsgi", "asgi", "startup", "management"),
}

# Imports that still run upward, to be removed: each entry is an edge (importer, imported) and why
# it is still there. Nothing may be added to this list.
KNOWN: set[tuple[str, str]] = set()


def node(path: Path) -> str | None:
    """The node a file belongs to, or None (tests, bench, scripts, migrations)."""
    parts = path.relative_to(ROOT).parts
    if "migrations" in parts:
        return None
    if parts[0] == "campaign":
        return "project" if Path(parts[1]).stem in PROJECT else "core"
    return parts[0] if parts[0] in APPS else None


def target(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "campaign":
        if len(parts) == 1:
            return "core"  # `from campaign import events`: a core module
        return "project" if parts[1] in PROJECT else "core"
    return parts[0] if parts[0] in APPS else None


def imports() -> dict[tuple[str, str], list[str]]:
    """{(importer, imported): ["file:line", ...]} for every import between two different nodes."""
    edges: dict[tuple[str, str], list[str]] = {}
    files = [path for package in [*APPS, "campaign"] for path in sorted((ROOT / package).rglob("*.py"))]
    for path in files:
        source = node(path)
        if source is None:
            continue
        for statement in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(statement, ast.Import):
                modules = [alias.name for alias in statement.names]
            elif isinstance(statement, ast.ImportFrom) and statement.level == 0 and statement.module:
                modules = [statement.module]
            else:
                continue
            for module in modules:
                imported = target(module)
                if imported and imported != source:
                    where = f"{path.relative_to(ROOT)}:{statement.lineno}"
                    edges.setdefault((source, imported), []).append(where)
    return edges


def find_cycle(edges) -> list[str]:
    """One cycle in the directed graph, as [a, b, ..., a], or [] when there is none."""
    graph: dict[str, set[str]] = {}
    for source, imported in edges:
        graph.setdefault(source, set()).add(imported)
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(name):
        state[name] = "open"
        path.append(name)
        for nxt in sorted(graph.get(name, ())):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[name] = "done"
        return []

    for name in sorted(graph):
        if name not in state and (cycle := visit(name)):
            return cycle
    return []


def test_there_is_no_cycle_between_apps():
    edges = {edge: where for edge, where in imports().items() if edge not in KNOWN}

    cycle = find_cycle(edges)

    assert not cycle, (
        " -> ".join(cycle)
        + "\n"
        + "\n".join(
            f"{a} -> {b}: {', '.join(edges[(a, b)][:3])}" for a, b in zip(cycle, cycle[1:], strict=False)
        )
    )


def test_the_core_imports_no_app():
    upward = {edge: where for edge, where in imports().items() if edge[0] == "core" and edge not in KNOWN}

    assert upward == {}


def test_no_app_imports_the_project():
    inward = {edge: where for edge, where in imports().items() if edge[1] == "project"}

    assert inward == {}


def test_the_known_upward_imports_are_still_there():
    # Once one is gone, its entry in KNOWN must go too, so that it cannot come back.
    assert KNOWN <= set(imports())


@pytest.mark.parametrize(
    ("edges", "cycle"),
    [
        ({("a", "b"), ("b", "c")}, []),
        ({("a", "b"), ("b", "a")}, ["a", "b", "a"]),
        ({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}, ["a", "b", "c", "a"]),
    ],
)
def test_the_check_finds_a_cycle(edges, cycle):
    assert find_cycle(edges) == cycle

"""vault files → model → renderers: the direction of imports, held by walking the code's AST.

- ``model.py`` imports nothing from the package;
- nothing under ``render/`` imports ``xtdpublish.vault``;
- nothing outside ``vault/`` opens note files (lists ``*.md`` files or walks a folder by hand);
- no module imports, even lazily inside a function, one of a higher layer (``LAYERS``);
- no import circles.
"""

from __future__ import annotations

import ast
from fnmatch import fnmatch
from graphlib import CycleError, TopologicalSorter
from pathlib import Path


PACKAGE = Path(__file__).resolve().parents[1] / "src" / "xtdpublish"

# Bottom to top: a module imports from its own layer or lower ones. Every module is in one.
LAYERS = [
    ("the model", ["model"]),
    ("what every part uses", ["xtdpublish", "report", "atomic", "htmlfragment", "gctuning",
                              "config", "languages", "messages", "library_log", "progress",
                              "health", "mathsyntax", "pandoc",
                              "regular_file", "transclusion", "video_pages", "workers",
                              "output_files"]),
    ("readers and renderers", ["vault", "vault.*", "render", "render.*"]),
    ("the pipeline's parts", ["outputs", "fingerprint", "stale", "rendering", "outcome"]),
    ("the pipeline", ["build"]),
    ("the commands", ["watch", "init", "init_file", "live_site", "cli", "__main__"]),
]


def modules(under: Path = PACKAGE) -> list[Path]:
    return sorted(under.rglob("*.py"))


def name_of(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def imported(path: Path, package: list[str] | None = None) -> list[str]:
    """Absolute names of everything ``path`` imports (relative imports resolved)."""
    if package is None:
        package = ["xtdpublish", *path.relative_to(PACKAGE).parent.parts]
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.append(module)
            names += [f"{module}.{alias.name}" for alias in node.names]
    return names


def opens_notes(path: Path) -> list[str]:
    """Calls that list note files or walk folders by hand, as ``line: call``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        strings = [a.value for a in ast.walk(node) if isinstance(a, ast.Constant)
                   and isinstance(a.value, str)]
        if name in ("glob", "rglob", "fnmatch") and any(".md" in s for s in strings):
            found.append(f"{node.lineno}: {name}({', '.join(map(repr, strings))})")
        elif name in ("walk", "scandir") and isinstance(func, ast.Attribute) and \
                getattr(func.value, "id", "") == "os":
            found.append(f"{node.lineno}: os.{name}")
    return found


def test_model_imports_nothing_from_the_package():
    names = imported(PACKAGE / "model.py")
    assert [n for n in names if n.startswith("xtdpublish")] == []


def test_renderers_never_import_the_vault_reader():
    offenders = {
        name_of(path): [n for n in imported(path) if n.startswith("xtdpublish.vault")]
        for path in modules(PACKAGE / "render")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_vault_opens_note_files():
    offenders = {
        name_of(path): opens_notes(path) for path in modules()
        if "vault" not in path.relative_to(PACKAGE).parts
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_checks_see_what_they_look_for(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\nfrom ..vault.links import LinkIndex\nfrom .. import model\n"
        "for p in root.rglob('*.md'): pass\nos.walk(root)\n", encoding="utf-8")
    assert opens_notes(sample) == ["4: rglob('*.md')", "5: os.walk"]
    names = imported(sample, ["xtdpublish", "render"])
    assert names == ["os", "xtdpublish.vault.links", "xtdpublish.vault.links.LinkIndex",
                     "xtdpublish", "xtdpublish.model"]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) or "xtdpublish"


def import_graph(paths: list[Path] | None = None) -> dict[str, set[str]]:
    """Module → the package's modules it imports (``from .x import name`` counts as ``x``)."""
    paths = modules() if paths is None else paths
    names = {module_name(p) for p in paths}
    graph = {}
    for path in paths:
        package = ["xtdpublish", *path.relative_to(PACKAGE).parent.parts]
        found = set()
        for name in imported(path, package):
            short = name.removeprefix("xtdpublish.") if name != "xtdpublish" else name
            if short in names:
                found.add(short)
        found.discard(module_name(path))
        graph[module_name(path)] = found
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle (``[a, b, a]``), or ``[]`` when there is none."""
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        return error.args[1]
    return []


def layer_of(name: str) -> int | None:
    for number, (_, patterns) in enumerate(LAYERS):
        if any(fnmatch(name, pattern) for pattern in patterns):
            return number
    return None


def test_no_import_circles():
    assert cycle(import_graph()) == []


def test_every_module_has_a_layer_and_imports_nothing_above_it():
    graph = import_graph()
    assert [name for name in graph if layer_of(name) is None] == []
    upward = {
        name: sorted(n for n in imports if layer_of(n) > layer_of(name))
        for name, imports in graph.items()
    }
    assert {name: found for name, found in upward.items() if found} == {}


def test_the_cycle_check_finds_a_circle(tmp_path):
    found = cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert found[0] == found[-1] and sorted(found[:-1]) == ["a", "b", "c"]
    assert cycle({"a": {"b"}, "b": set()}) == []
    assert layer_of("render.pdf.book") == layer_of("vault.reader") > layer_of("model")

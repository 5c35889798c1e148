"""vault files → model → renderers: the direction of imports, held by walking the code's AST.

- ``model.py`` imports nothing from the package;
- nothing under ``render/`` imports ``xtdpublish.vault``;
- nothing outside ``vault/`` opens note files (lists ``*.md`` files or walks a folder by hand).
"""

from __future__ import annotations

import ast
from pathlib import Path


PACKAGE = Path(__file__).resolve().parents[1] / "src" / "xtdpublish"



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

"""The package as pip sees it: one version, a licence, typed, its dependencies where they are used,
and a wheel built without a warning."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata

import pytest

from conftest import REPO
from xtdpublish import __version__
from xtdpublish.cli import main

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]


def test_the_version_is_written_once_and_read_back(capsys):
    assert __version__ == PROJECT["version"] == metadata.version("xtdpublish")
    sources = [p for p in (REPO / "src").rglob("*.py")
               if f'"{PROJECT["version"]}"' in p.read_text(encoding="utf-8")]
    assert sources == []  # nowhere but pyproject.toml
    with pytest.raises(SystemExit) as exit:
        main(["--version"])
    assert exit.value.code == 0
    assert capsys.readouterr().out == f"xtdpublish {__version__}\n"


def test_the_fingerprint_still_names_the_version():
    from xtdpublish import fingerprint

    assert fingerprint.FORMAT.endswith(f" {__version__}")


def test_a_licence_in_the_spdx_form_with_its_file():
    assert PROJECT["license"] == "MIT" and PROJECT["license-files"] == ["LICENSE"]
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert not any(c.startswith("License ::") for c in PROJECT["classifiers"])  # SPDX says it
    floor = next(r for r in PYPROJECT["build-system"]["requires"] if r.startswith("setuptools"))
    assert floor == "setuptools>=77"  # the first to read license = "MIT"


def test_typed_and_classified():
    assert (REPO / "src" / "xtdpublish" / "py.typed").is_file()
    assert "Typing :: Typed" in PROJECT["classifiers"]
    assert f"Programming Language :: Python :: {sys.version_info[0]}.{sys.version_info[1]}" in \
        PROJECT["classifiers"] or sys.version_info >= (3, 14)


def _imported_top_names() -> set[str]:
    names = set()
    for path in (REPO / "src" / "xtdpublish").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def test_every_runtime_dependency_is_imported_by_the_package():
    imported = _imported_top_names()
    import_name = {"PyYAML": "yaml", "markdown-it-py": "markdown_it",
                   "mdit-py-plugins": "mdit_py_plugins", "pypandoc_binary": "pypandoc",
                   "Pillow": "PIL"}
    for requirement in PROJECT["dependencies"]:
        name = requirement.split(">")[0].split("=")[0].split("[")[0].strip()
        assert import_name.get(name, name.replace("-", "_").lower()) in imported, name
    assert "frontmatter" not in imported  # python-frontmatter: a test's, not the reader's
    assert any(r.startswith("python-frontmatter") for r in PROJECT["optional-dependencies"]["test"])


@pytest.mark.slow
def test_a_wheel_builds_without_a_warning_and_carries_its_files(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path),
                           str(REPO)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    ours = [line for line in (done.stdout + done.stderr).splitlines()
            if ("warning" in line.lower() or "deprecat" in line.lower())
            and "Location 'file:" not in line]  # this machine's pip index settings, not ours
    assert ours == []
    (wheel,) = tmp_path.glob("xtdpublish-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "xtdpublish/py.typed" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "xtdpublish/themes/default/guide.css" in names
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "License-Expression: MIT" in meta and "python-frontmatter" in meta.split(
        "Provides-Extra: test")[1]

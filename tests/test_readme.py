"""The README says what the code does: its commands run as written, its references are whole.

Fenced ``sh`` blocks are run (each in a copy of ``content/``, in order, one shell per block);
``bash`` blocks are shown only (they take long or wait for Ctrl-C).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import MISSING, fields
from pathlib import Path

import pytest
import yaml

from conftest import CONTENT, REPO
from xtdpublish.cli import _parser
from xtdpublish.config import SECTIONS, load_config, parse_config

README = (REPO / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\S*)[^\n]*\n(.*?)^```\s*$", re.S | re.M)


def blocks(language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(README) if lang == language]


def test_it_opens_with_the_two_commands():
    first = FENCE.search(README)
    assert README[:first.start()].strip().startswith("# xtdpublish")
    assert README[:first.start()].strip() == "# xtdpublish"  # nothing before the commands
    commands = [line.split("#")[0].strip() for line in first.group(2).splitlines()]
    assert commands == ["make pdf", "make test"]


@pytest.fixture
def workdir(tmp_path):
    shutil.copytree(CONTENT, tmp_path / "content")
    return tmp_path


def test_the_sh_examples_run_as_written(workdir):
    runnable = blocks("sh")
    assert len(runnable) >= 3
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "NO_COLOR": "1"}
    for block in runnable:
        completed = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=workdir,
                                   capture_output=True, text=True, timeout=300, env=env)
        assert completed.returncode == 0, f"{block}\n{completed.stdout}\n{completed.stderr}"
    # what they claim to do, they did
    model = json.loads((workdir / "build" / "model.json").read_text(encoding="utf-8"))
    assert len(model["notes"]) == 5
    assert (workdir / "build" / "report.html").is_file()
    assert not (workdir / "build" / "guide.pdf").exists()  # --format model writes only it
    config = load_config(workdir / "my-vault")
    assert config.site.title == "MuseumXTD" and config.site.language == "fr"


def _toml_default(field) -> str:
    value = field.default if field.default is not MISSING else field.default_factory()
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return json.dumps(list(value))
    return json.dumps(value, ensure_ascii=False)


def test_the_config_reference_lists_every_key_with_its_default():
    section = README[README.index("## Configuration"):README.index("## How your notes are read")]
    rows = dict(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \| `?([^|`]*)`? \|", section, re.M))
    expected = {f"{section}.{f.name}": _toml_default(f)
                for section, cls in SECTIONS.items() for f in fields(cls)}
    assert rows == expected


def test_the_config_example_is_valid():
    (example,) = blocks("toml")
    config = parse_config(tomllib.loads(example), Path("README.md"))
    assert config.site.title == "MuseumXTD" and config.feeds.tags == ("ressource",)


def test_the_cli_reference_names_every_command_and_option():
    parser = _parser()
    commands = parser._subparsers._group_actions[0].choices
    (synopsis,) = [b for b in blocks("text") if b.startswith("xtdpublish --version")]
    assert [a for a in parser._actions if a.option_strings and a.dest not in ("help", "version")] == []
    for name, sub in commands.items():
        line = next(l for l in synopsis.splitlines() if l.startswith(f"xtdpublish {name} "))
        for action in sub._actions:
            for option in action.option_strings:
                if option in ("-h", "--help"):
                    continue
                assert option in line or (option in ("-q", "-v", "--quiet", "--verbose")
                                          and "[-q|-v]" in line), f"{name} {option}"
                assert f"`{option}" in README, f"{option} is not in the options table"


def test_the_ci_job_fetches_the_full_history():
    (workflow,) = blocks("yaml")
    job = yaml.safe_load(workflow)["jobs"]["publish"]
    checkout = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    assert any("xtdpublish build" in str(s.get("run", "")) for s in job["steps"])


def test_the_theming_table_names_files_that_exist():
    theme = REPO / "themes" / "default"
    section = README[README.index("## Theming"):README.index("## Publishing")]
    named = re.findall(r"`((?:[a-z_]+/)?[a-z_.*]+\.(?:j2|css))`", section)
    assert named
    for name in named:
        assert list(theme.glob(name)), name


def test_the_theming_example_keeps_the_themes_fonts(workdir):
    """The theming block, with `make pdf` as the command it runs; the PDF embeds the theme's fonts."""
    import pypdf

    (block,) = [b for b in blocks("bash") if "guide.theme" in b or "theme =" in b]
    shutil.copytree(REPO / "themes", workdir / "themes")
    script = block.replace("make pdf", "xtdpublish build --vault content --out build --format pdf")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    completed = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=workdir,
                               capture_output=True, text=True, timeout=300, env=env)
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "[pdf.resource]" not in completed.stderr, completed.stderr[-2000:]
    assert load_config(workdir / "content").guide.theme == "theme"
    fonts = set()
    for page in pypdf.PdfReader(workdir / "build" / "guide.pdf").pages[:3]:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("Guide-Serif" in f for f in fonts), fonts


def _normalised(text: str) -> list[str]:
    """Lines with what changes from run to run and machine to machine (times, sizes) blanked."""
    text = re.sub(r"\d+(?:\.\d)? s\b", "T s", text)
    text = re.sub(r"\d+(?:\.\d)? (?:B|kB|MB)\b", "S", text)
    return [line.rstrip() for line in text.strip().splitlines()]


def test_the_example_summary_is_what_make_pdf_prints_on_a_fresh_clone(workdir):
    """The README's transcript, against the very command `make pdf` runs on `content/`."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^pdf: .*\n\t(.+)$", makefile, re.M)[1]
    command = (recipe.replace("$(BIN)/", "").replace("$(VAULT)", "content")
               .replace("$(OUT)", "build"))
    assert command == "xtdpublish build --vault content --out build --format pdf"
    (shown,) = [b for b in blocks("text") if b.startswith("reading the vault content…")]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "NO_COLOR": "1"}
    env.pop("FORCE_COLOR", None)
    done = subprocess.run(command.split(), cwd=workdir, capture_output=True, text=True,
                          timeout=600, env=env)
    assert done.returncode == 0, done.stderr
    assert _normalised(done.stderr + done.stdout) == _normalised(shown)

"""The command line as people run it: exit codes, progress, the summary, --quiet, --verbose."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from xtdpublish.cli import main
from xtdpublish.model import Diagnostic, Severity
from xtdpublish.output_files import describe, human_size, pdf_pages
from xtdpublish.progress import QUIET, VERBOSE, Progress, terminal_styles

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

CLEAN_NOTE = "---\ntitle: Hello\ntags: [ressource]\ndate: 2024-01-02\n---\n# Hello\n\nSome text.\n"
DANGLING_NOTE = "---\ntitle: Other\ndate: 2024-01-03\n---\nSee [[Nowhere at all]].\n"
INFO_NOTE = "---\ntitle: Draft\ndraft: true\n---\ntext\n"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def clean_vault(make_vault):
    return make_vault({"Hello.md": CLEAN_NOTE})


@pytest.fixture
def warned_vault(make_vault):
    return make_vault({"Hello.md": CLEAN_NOTE, "Other.md": DANGLING_NOTE})


def test_a_clean_build_exits_0_with_a_summary(clean_vault, tmp_path, capsys):
    out = tmp_path / "out"
    code, stdout, stderr = run(capsys, "build", "--vault", str(clean_vault), "--out", str(out),
                               "--format", "model")
    assert code == 0
    lines = stdout.splitlines()
    assert lines[0] == f"Outputs in {out}/:"
    size = r"\d+(\.\d)? (B|kB)"  # a one-note model.json is about 1 kB either side
    assert re.fullmatch(rf"  model\.json +{size}, 1 note", lines[1]), lines[1]
    assert re.fullmatch(r"  report\.html +\d+(\.\d)? kB", lines[2]), lines[2]
    assert re.fullmatch(r"Built 1 output from 1 note in \d+\.\d s: 0 errors, 0 warnings",
                        lines[-1]), lines[-1]
    # progress says what happens, in plain text (not a terminal here)
    assert f"reading the vault {clean_vault}…" in stderr
    assert "- read 1 notes" in stderr or "- read 1 note" in stderr
    assert "writing model.json…" in stderr
    assert re.search(rf"- wrote model\.json: {size}, 1 note \(\d+\.\d s\)", stderr)
    assert not ANSI.search(stdout + stderr)
    assert (out / "model.json").is_file() and (out / "report.html").is_file()


def test_warnings_are_printed_in_full_and_fail_only_under_strict(warned_vault, tmp_path, capsys):
    args = ["build", "--vault", str(warned_vault), "--out", str(tmp_path / "out"), "--format", "model"]
    code, stdout, stderr = run(capsys, *args)
    assert code == 0
    assert "Other.md:5: warning: link [[Nowhere at all]] has no target [link.dangling]" in stderr
    assert re.search(r"Built 1 output from 2 notes in .*: 0 errors, 1 warning \(details: .*report\.html\)$",
                     stdout.strip())
    code, _, _ = run(capsys, *args, "--strict")
    assert code == 1


def test_an_error_exits_1_and_quiet_prints_only_errors_and_the_final_line(make_vault, tmp_path,
                                                                           capsys):
    vault = make_vault({"Hello.md": CLEAN_NOTE, "Other.md": DANGLING_NOTE,
                        "broken.md": b"binary\x00data"})
    code, stdout, stderr = run(capsys, "build", "--vault", str(vault), "--out",
                               str(tmp_path / "out"), "--format", "model", "--quiet")
    assert code == 1
    assert stdout.count("\n") == 1 and stdout.startswith("Built 1 output from 2 notes")
    assert "1 error, 1 warning" in stdout
    assert stderr.splitlines() == [
        "broken.md: error: the file contains NUL bytes: it is not a text note "
        "(saved by the wrong program?) [file.binary]"
    ]


def test_verbose_prints_information_too(make_vault, tmp_path, capsys):
    vault = make_vault({"Hello.md": CLEAN_NOTE, "Draft.md": INFO_NOTE,
                        "Other.md": "---\ntitle: Other\n---\nSee [[Draft]].\n"})
    args = ["build", "--vault", str(vault), "--out", str(tmp_path / "out"), "--format", "model"]
    _, _, normal = run(capsys, *args)
    _, _, verbose = run(capsys, *args, "--verbose")
    info = [line for line in verbose.splitlines() if ": info: " in line]
    assert info, verbose
    assert not [line for line in normal.splitlines() if ": info: " in line]
    # the second build finds model.json's inputs unchanged and says it kept it
    assert "kept model.json (its inputs have not changed)" in verbose


@pytest.mark.parametrize("argv, message", [
    (["build", "--format", "pdf,nonsense"], "unknown format 'nonsense'"),
    (["build", "--vault", "/no/such/vault"], "no vault folder at /no/such/vault"),
    (["check", "--config", "/no/such.toml"], "no such configuration file"),
])
def test_bad_usage_exits_2(argv, message, capsys, clean_vault):
    if "--vault" not in argv:
        argv = [*argv, "--vault", str(clean_vault)]
    code, _, stderr = run(capsys, *argv)
    assert code == 2
    assert message in stderr


def test_init_in_the_vault_itself_without_vault_says_how_to_name_it(capsys, tmp_path, monkeypatch):
    """A newcomer who types `xtdpublish init` inside their vault met only "no vault folder
    at content": the default folder is this repository's, not theirs."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Note.md").write_text("# Note\n", encoding="utf-8")
    code, _, stderr = run(capsys, "init")
    assert code == 2
    assert stderr.strip() == ("xtdpublish: error: no vault folder at content (the default): "
                              "name yours with --vault, for example --vault . for this folder")


def test_a_bad_config_key_exits_2_naming_the_key(make_vault, tmp_path, capsys):
    vault = make_vault({"a.md": "# A\n", "xtdpublish.toml": "[site]\ntitel = 'x'\n"})
    code, _, stderr = run(capsys, "build", "--vault", str(vault), "--out", str(tmp_path / "o"))
    assert code == 2
    assert "site.titel: unknown key" in stderr


def test_no_command_prints_help_and_exits_2(capsys):
    code, stdout, _ = run(capsys)
    assert code == 2 and "build" in stdout and "watch" in stdout and "init" in stdout


def test_quiet_and_verbose_together_are_bad_usage(clean_vault, capsys):
    with pytest.raises(SystemExit) as exit:
        main(["build", "--vault", str(clean_vault), "-q", "-v"])
    assert exit.value.code == 2


def test_check_keeps_its_summary_and_quiet_keeps_only_the_problem_line(warned_vault, capsys):
    code, stdout, stderr = run(capsys, "check", "--vault", str(warned_vault))
    assert code == 0
    assert stdout.startswith("Notes: 2 published, 0 skipped")
    # the dangling link, and the feeds that a build cannot write without site.base_url
    assert "Problems: 0 error(s), 2 warning(s)" in stdout
    assert "[link.dangling]" in stderr
    assert "xtdpublish.toml: warning: feed.json, rss.xml and atom.xml are not written: " \
           "site.base_url is not set" in stderr
    code, stdout, _ = run(capsys, "check", "--vault", str(warned_vault), "--quiet")
    assert stdout == "Problems: 0 error(s), 2 warning(s)\n"
    code, stdout, _ = run(capsys, "check", "--vault", str(warned_vault), "--json", "--strict")
    assert code == 1 and json.loads(stdout)["problems"] == {"errors": 0, "warnings": 2}


def test_the_installed_command_runs_with_colour_off_in_ci(make_vault, tmp_path):
    """The console script end to end; CI=true and a pipe give plain text."""
    clean_vault = make_vault({"Hello.md": CLEAN_NOTE, "xtdpublish.toml":
                              '[site]\nbase_url = "https://example.org"\n'})
    command = Path(sys.executable).with_name("xtdpublish")
    completed = subprocess.run(
        [str(command), "build", "--vault", str(clean_vault), "--out", str(tmp_path / "o"),
         "--format", "model,json"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "CI": "true"},
    )
    assert completed.returncode == 0, completed.stderr
    assert re.search(r"feed\.json +\d+(\.\d)? k?B, 1 item\n", completed.stdout)
    assert not ANSI.search(completed.stdout + completed.stderr)


# -- the progress display on its own ------------------------------------------------------

class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("environ, expected", [
    ({}, (True, True)),
    ({"NO_COLOR": "1"}, (True, False)),
    ({"CI": "true"}, (False, False)),
    ({"TERM": "dumb"}, (False, False)),
])
def test_colour_and_redrawing_follow_the_terminal_and_the_environment(environ, expected):
    assert terminal_styles(FakeTTY(), environ) == expected
    assert terminal_styles(io.StringIO(), environ) == (False, False)


def test_on_a_terminal_diagnostics_are_coloured_and_steps_marked_done(monkeypatch):
    # A terminal as a person has it, whatever runs the tests (CI sets CI=true).
    for name in ("CI", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    err, out = FakeTTY(), FakeTTY()
    progress = Progress(err=err, out=out)
    assert progress.live and progress.color
    progress.rendering("pdf")
    progress.rendered("pdf", [])
    progress.diagnostics([Diagnostic("a.md", 3, Severity.ERROR, "x.y", "bad")])
    progress.summary(Path("build"), {}, [], errors=1, warnings=0, notes=4)
    text = err.getvalue()
    assert "laying out the PDF…" in text and "\x1b[32m✓\x1b[0m pdf: nothing written" in text
    assert "a.md:3: \x1b[31merror\x1b[0m: bad [x.y]" in text
    assert out.getvalue().endswith("4 notes in 0.0 s: \x1b[31m1 error, 0 warnings\x1b[0m\n")


def test_quiet_progress_prints_no_steps():
    err, out = io.StringIO(), io.StringIO()
    progress = Progress(QUIET, err=err, out=out)
    progress.rendering("epub")
    progress.rendered("epub", [])
    progress.diagnostics([Diagnostic("a.md", 1, Severity.WARNING, "w", "careful"),
                          Diagnostic("b.md", 2, Severity.INFO, "i", "fyi")])
    assert err.getvalue() == ""
    verbose = Progress(VERBOSE, err=err, out=out)
    verbose.diagnostics([Diagnostic("b.md", 2, Severity.INFO, "i", "fyi")])
    assert err.getvalue() == "b.md:2: info: fyi [i]\n"


def test_sizes_and_counts_of_outputs(tmp_path):
    assert [human_size(n) for n in (999, 1000, 12_345, 2_500_000)] == \
        ["999 B", "1.0 kB", "12 kB", "2.5 MB"]
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps({"items": [{}, {}, {}]}))
    assert describe(feed) == "23 B, 3 items"
    rss = tmp_path / "rss.xml"
    rss.write_text("<rss><channel><item><title/></item><item/></channel></rss>")
    assert describe(rss).endswith(", 2 items")
    assert describe(tmp_path / "missing.pdf") == "missing"


@pytest.mark.parametrize("pages", [1, 7, 60])
def test_pdf_pages_are_counted_in_weasyprint_output(tmp_path, pages):
    import pypdf
    import weasyprint

    path = tmp_path / "t.pdf"
    weasyprint.HTML(string='<p style="break-before: page">x</p>' * pages).write_pdf(path)
    assert pdf_pages(path.read_bytes()) == len(pypdf.PdfReader(path).pages) == pages

"""What the terminal prints of a vault is shown, never obeyed: escape sequences and
bidirectional overrides in file names (and settings) are printed escaped."""

from __future__ import annotations

import re

from xtdpublish.cli import main
from xtdpublish.model import Diagnostic, Severity
from xtdpublish.progress import Progress, printable

RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_a_file_name_with_escape_sequences_is_printed_escaped(make_vault, tmp_path, capsys):
    vault = make_vault({
        "\x1b[2J\x1b[31mrouge.md": "# Rouge\n\n[[Nulle part]]\n",
        "fichier\u202egpj.exe.md": "# Bidi\n\n[[Ailleurs]]\n",
        "ligne\nnouvelle.md": "# Ligne\n\n[[Autre part]]\n",
    })
    code = main(["build", "--vault", str(vault), "--out", str(tmp_path / "o"), "--format", "model"])
    captured = capsys.readouterr()
    assert code == 0
    assert not RAW.search(captured.err + captured.out), captured.err
    lines = captured.err.splitlines()
    # three of one kind: the advice once, then each place (messages.py)
    assert "  \\x1b[2J\\x1b[31mrouge.md:3: link [[Nulle part]] has no target" in lines
    assert "  fichier\\u202egpj.exe.md:3: link [[Ailleurs]] has no target" in lines
    assert "  ligne\\nnouvelle.md:3: link [[Autre part]] has no target" in lines


def test_colour_is_ours_alone(capsys):
    import io

    err = io.StringIO()
    progress = Progress(err=err, out=io.StringIO(), live=False, color=True)
    progress.diagnostics([Diagnostic("a\x1b]0;title\x07.md", 1, Severity.ERROR, "x", "bad\x1b[0m")])
    assert err.getvalue() == "a\\x1b]0;title\\x07.md:1: \x1b[31merror\x1b[0m: bad\\x1b[0m [x]\n"


def test_printable_keeps_tabs_and_the_lines_it_is_told_to():
    assert printable("a\tb\nc") == "a\tb\nc"
    assert printable("a\tb\nc", "") == "a\tb\\nc"
    assert printable("\x9b31m") == "\\x9b31m"

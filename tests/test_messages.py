"""What a person reads at the end of a run: the same advice once, no stray line from a library,
colour where asked for, and on each rebuild of `watch` only what changed."""

from __future__ import annotations

import io
import logging
import re
import threading
import time
from pathlib import Path

import pytest

from xtdpublish.messages import ADVICE, FIRST_FEW, grouped, lines
from xtdpublish.model import Diagnostic, Severity
from xtdpublish.progress import NORMAL, QUIET, VERBOSE, Progress, terminal_styles
from xtdpublish.report import Report

W = Severity.WARNING


def told(diagnostics, verbosity=NORMAL, details=" (every one in build/report.html)", since=None):
    err = io.StringIO()
    Progress(verbosity, err=err, out=io.StringIO(), live=False, color=False).diagnostics(
        diagnostics, details, since)
    return err.getvalue().splitlines()


def dangling(n: int) -> list[Diagnostic]:
    return [Diagnostic(f"Notes/n{i:02}.md", 3 + i, W, "link.dangling",
                       f"link [[Target {i}]] has no target") for i in range(n)]


def test_advice_of_one_kind_is_told_once_with_a_count_and_the_first_places():
    assert told(dangling(5)) == [
        "warning: 5 links lead to no note of the vault and are printed as plain text: correct "
        "each link, or write the note it names [link.dangling]",
        "  Notes/n00.md:3: link [[Target 0]] has no target",
        "  Notes/n01.md:4: link [[Target 1]] has no target",
        "  Notes/n02.md:5: link [[Target 2]] has no target",
        "  … and 2 more (every one in build/report.html)",
    ]


def test_images_without_alternative_text_are_one_piece_of_advice_whatever_the_image():
    """Obsidian's help vault has 250 images without alt text, 116 different file names: one
    group a file name made 116 warnings of two to five lines each, the rest unreadable."""
    images = [Diagnostic(f"Notes/n{i}.md", 2, W, "a11y.image-alt",
                         f"the image 'icon-{i}.svg' has no alternative text: write what it "
                         f"shows: ![[icon-{i}.svg|what it shows]]") for i in range(5)]
    links = [Diagnostic("a.md", line, W, "a11y.link-text",
                        f"the link text {word!r} does not say where it leads")
             for line, word in ((3, "here"), (4, "ici"))]
    shown = told(images + links)
    assert shown[0] == ("warning: 5 images have no alternative text, so a reader who cannot "
                        "see them hears their file names: write what each one shows, "
                        "![[image.png|what it shows]] [a11y.image-alt]")
    assert shown[1] == f"  Notes/n0.md:2: {images[0].message}"
    assert shown[4] == "  … and 2 more (every one in build/report.html)"
    assert shown[5].startswith("warning: 2 links have a text that does not say where") and \
        shown[5].endswith("[a11y.link-text]") and len(shown) == 8


def test_the_advice_over_ambiguous_links_says_the_rule_each_one_followed(make_vault):
    """The help vault's "Security and privacy" links go to the note in their own folder; the
    heading over them said "the one with the shortest path"."""
    from xtdpublish.config import load_config
    from xtdpublish.vault.reader import read_vault

    root = make_vault({"Sync/Intro.md": "[[Security]]\n", "Sync/Security.md": "s\n",
                       "Publish/Intro.md": "[[Security]]\n", "Publish/Security.md": "p\n"})
    report = Report()
    read_vault(root, load_config(root), report)
    shown = told([d for d in report.sorted() if d.code == "link.ambiguous"])
    assert "the linking note's folder" in shown[1] and "the linking note's folder" in shown[2]
    assert shown[0] == ("warning: 2 links match several notes and lead to the one Obsidian "
                        "opens (the note at that very path, else the one in the linking "
                        "note's folder, else the shortest path): write the folder in the link "
                        "to choose another [link.ambiguous]")


def test_one_diagnostic_alone_is_printed_as_it_is():
    (only,) = dangling(1)
    assert told([only]) == [str(only)]


def test_the_same_message_in_several_places_is_printed_once_over_its_places():
    same = [Diagnostic(f"{c}.md", 1, W, "other.code", "the same words") for c in "abcde"]
    assert told(same) == ["warning: the same words (5 places) [other.code]",
                          "  a.md:1", "  b.md:1", "  c.md:1", "  … and 2 more (every one in "
                          "build/report.html)"]


def test_different_problems_of_a_code_without_shared_advice_are_each_printed():
    diagnostics = [Diagnostic("a.md", 1, W, "nav.key", "one thing"),
                   Diagnostic("b.md", 1, W, "nav.key", "another")]
    assert told(diagnostics) == [str(d) for d in diagnostics]


def test_groups_stand_where_their_first_member_is_and_severities_stay_apart():
    error = Diagnostic("a.md", 1, Severity.ERROR, "link.dangling", "link [[X]] has no target")
    diagnostics = [dangling(2)[0], error, *dangling(2)[1:], Diagnostic("z.md", 1, W, "z", "z")]
    shown = told(diagnostics)
    assert shown[0].startswith("warning: 2 links lead to no note")
    assert shown[3] == str(error) and shown[4] == "z.md:1: warning: z [z]"


def test_verbose_prints_every_diagnostic_in_full_and_quiet_only_errors():
    assert told(dangling(5), VERBOSE) == [str(d) for d in dangling(5)]
    assert told(dangling(5), QUIET) == []


def test_every_advice_counts_and_reads_as_a_sentence():
    for code, advice in ADVICE.items():
        text = advice.format(n=7)
        assert text.startswith("7 ") and "{" not in text and not text.endswith("."), code
    assert FIRST_FEW == 3


def test_lines_of_a_group_of_one_are_the_diagnostic():
    (item,) = grouped(dangling(1))
    assert lines(item) == [str(dangling(1)[0])]


# -- what libraries log ----------------------------------------------------------------------

def test_a_library_warning_nobody_hears_becomes_one_info_diagnostic(monkeypatch, capfd):
    from xtdpublish import rendering

    import weasyprint  # noqa: F401  (it gives its logger a handler of its own)

    def render(model, config, out, report):
        quiet_library = logging.getLogger("somelib.tables.head")
        for _ in range(4):
            quiet_library.warning("'created' timestamp seems very low; regarding as unix timestamp")
        logging.getLogger("weasyprint").warning("heard by weasyprint's own handler")
        return []

    monkeypatch.setattr(rendering, "output", lambda name: type("O", (), {"render": staticmethod(render)}))
    made = rendering.render_one("pdf", None, None, Path("."))
    assert [(d.path, d.severity, d.code, d.message) for d in made.diagnostics] == [
        ("pdf", Severity.INFO, "library.log", "a library said: somelib.tables.head: 'created' "
         "timestamp seems very low; regarding as unix timestamp (4 times)")]
    assert capfd.readouterr().err == ""  # no stray line on the terminal
    from xtdpublish.library_log import _STRAYS

    assert _STRAYS not in logging.getLogger().handlers  # outside a build, logging is as it was


def test_the_pdf_worker_prints_no_stray_line(make_vault, tmp_path):
    """The sample's fonts made fontTools print "'created' timestamp seems very low" from the
    forked PDF worker; whatever a library logs there is the build's information."""
    import subprocess
    import sys

    vault = make_vault({"a.md": "# A\n\nTexte.\n", "xtdpublish.toml":
                        '[site]\nlanguage = "fr"\nbase_url = "https://a.example"\n'})
    plugin = tmp_path / "sitecustomize.py"  # a library that logs from inside the layout
    plugin.write_text(
        "import logging, weasyprint\n"
        "_write = weasyprint.Document.write_pdf\n"
        "def write_pdf(self, *a, **k):\n"
        "    logging.getLogger('fontTools.ttLib.tables._h_e_a_d').warning(\"'created' timestamp "
        "seems very low; regarding as unix timestamp\")\n"
        "    return _write(self, *a, **k)\n"
        "weasyprint.Document.write_pdf = write_pdf\n", encoding="utf-8")
    env = {**__import__("os").environ, "PYTHONPATH": str(tmp_path), "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "xtdpublish", "build", "--vault", str(vault),
                           "--out", str(tmp_path / "out"), "--format", "pdf,model", "-v"],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    stray = [line for line in done.stderr.splitlines() if line.startswith("'created'")]
    assert stray == []
    assert ("pdf: info: a library said: fontTools.ttLib.tables._h_e_a_d: 'created' timestamp "
            "seems very low; regarding as unix timestamp [library.log]") in done.stderr
    quiet = subprocess.run([sys.executable, "-m", "xtdpublish", "build", "--vault", str(vault),
                            "--out", str(tmp_path / "out"), "--format", "pdf", "--force"],
                           capture_output=True, text=True, timeout=300, env=env)
    assert "timestamp" not in quiet.stderr and "0 warnings" in quiet.stdout


# -- colour ----------------------------------------------------------------------------------

class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("environ, pipe, terminal", [
    ({"FORCE_COLOR": "1"}, (False, True), (True, True)),
    ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, (False, False), (True, False)),  # NO_COLOR wins
    ({"FORCE_COLOR": "0"}, (False, False), (True, True)),
    ({"FORCE_COLOR": "", "CI": "true"}, (False, False), (False, False)),
    ({"FORCE_COLOR": "true", "CI": "true"}, (False, True), (False, True)),  # a CI log in colour
])
def test_force_color_colours_a_pipe_unless_no_color_says_no(environ, pipe, terminal):
    assert terminal_styles(io.StringIO(), environ) == pipe
    assert terminal_styles(FakeTTY(), environ) == terminal


def test_a_forced_colour_paints_the_severity_of_grouped_advice():
    err = io.StringIO()
    Progress(err=err, out=io.StringIO(), live=False, color=True).diagnostics(dangling(4))
    assert err.getvalue().startswith("\x1b[33mwarning\x1b[0m: 4 links lead to no note")


# -- watch: what changed since the last build ------------------------------------------------

def test_a_rebuild_tells_what_is_new_and_what_was_fixed():
    before = dangling(3)
    now = [before[0], before[2], Diagnostic("new.md", 2, W, "nav.key", "a new problem")]
    assert told(now, since=before) == [
        "New since the last build (1):",
        "new.md:2: warning: a new problem [nav.key]",
        "Fixed since the last build (1):",
        "fixed: Notes/n01.md:4: warning: link [[Target 1]] has no target [link.dangling]",
        "2 problems as before (every one in build/report.html)",
    ]
    assert told(now, since=now) == ["3 problems as before (every one in build/report.html)"]
    assert told([], since=[]) == ["0 problems as before"]


def test_watch_reprints_nothing_it_said_before(make_vault, tmp_path, capsys):
    from xtdpublish.watch import watch

    vault = make_vault({"a.md": "# A\n\n[[Nowhere]]\n", "b.md": "# B\n\n[[Elsewhere]]\n"})
    out = tmp_path / "out"
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(vault, None, out, ["model"], NORMAL, stop),
                              kwargs={"debounce_ms": 100}, daemon=True)
    thread.start()
    seen = ""

    def said(text: str) -> bool:
        nonlocal seen
        seen += capsys.readouterr().err
        return text in seen

    try:
        deadline = time.monotonic() + 30
        while not said("[[Elsewhere]]") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "[[Nowhere]]" in seen
        time.sleep(1)
        seen = ""
        (vault / "a.md").write_text("# A\n\n[[b]] [[Gone]]\n", encoding="utf-8")
        deadline = time.monotonic() + 30
        while not said("as before") and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(30)
    assert "New since the last build (1):" in seen and "[[Gone]]" in seen
    assert "Fixed since the last build (1):" in seen and "fixed: a.md:3: warning: link [[Nowhere]]" in seen
    assert "[[Elsewhere]]" not in seen  # unchanged: not printed again
    assert "1 problem as before" in seen


def test_report_sorted_is_what_grouping_reads():
    report = Report()
    for d in reversed(dangling(4)):
        report.add(d.path, d.line, d.severity, d.code, d.message)
    assert told(report.sorted())[1] == "  Notes/n00.md:3: link [[Target 0]] has no target"


# -- the whole of what a build of the MuseumXTD sample prints ---------------------------------

SAMPLE_PRINTS = """\
warning: 9 links have a text that does not say where they lead ("here", an address): put each link on words that say where it leads [a11y.link-text]
  Navigation/A propos.md:7: the link text 'En savoir plus' does not say where it leads (a reader who lists the page's links hears only that): put the link on words that say where it leads
  Navigation/A propos.md:46: the link text 'En savoir plus' does not say where it leads (a reader who lists the page's links hears only that): put the link on words that say where it leads
  Navigation/Forum 2022.md:24: the link text 'En savoir plus' does not say where it leads (a reader who lists the page's links hears only that): put the link on words that say where it leads
  … and 6 more (every one in OUT/report.html)
warning: 91 links lead to no note of the vault and are printed as plain text: correct each link, or write the note it names [link.dangling]
  Navigation/A propos.md:42: link [[Newsletters|page]] has no target
  Navigation/Forum 2022.md:14: link [[Programme et intervenants J1|Accéder aux interventions]] has no target
  Navigation/Forum 2022.md:17: link [[Programme et intervenants J2|Accéder aux interventions]] has no target
  … and 88 more (every one in OUT/report.html)
warning: 20 notes have no date in their frontmatter and are not in git, so the feeds date them by the file's modification time, which changes whenever the file is copied: commit the vault to git, or add date: (and uid:) to their frontmatter [feed.date]
  Notes/20 ans de numérique dans les musées.md:1
  Notes/Copyright and digital culture heritage.md:1
  Notes/Crowdsourcing the digital transformation of heritage.md:1
  … and 17 more (every one in OUT/report.html)
warning: 18 frontmatter values are not valid YAML and were read as meant: write each one as its line says [frontmatter.recovered]
  Notes/Comment créer et valoriser une collection numérique.md:5: alias: [Comment créer et valoriser une collection numérique?] was read as "Comment créer et valoriser une collection numérique?"; a text with "?" in a list needs quotes: write alias: ["Comment créer et valoriser une collection numérique?"]
  Notes/Comment mener un projet numérique.md:5: alias: [Comment mener un projet numérique?] was read as "Comment mener un projet numérique?"; a text with "?" in a list needs quotes: write alias: ["Comment mener un projet numérique?"]
  Notes/Comment penser la médiation avec le numérique.md:5: alias: [Comment penser la médiation avec le numérique?] was read as "Comment penser la médiation avec le numérique?"; a text with "?" in a list needs quotes: write alias: ["Comment penser la médiation avec le numérique?"]
  … and 15 more (every one in OUT/report.html)
Notes/Exemples et retours d'expérience de projets numériques de médiation.md:14: warning: link [[Forum 2022#13 octobre 2022 9h-12h|Forum MuseumXTD: journée du 13 octobre 2022]]: no heading or block '13 octobre 2022 9h-12h' in Navigation/Forum 2022.md [link.fragment]
warning: 7 images have no alternative text, so a reader who cannot see them hears their file names: write what each one shows, ![[image.png|what it shows]] [a11y.image-alt]
  Notes/Organisation.md:18: the image 'EDI_BAK_FR_RGB_POS_HOCH.png' has no alternative text: a reader who cannot see it hears its file name, "EDI BAK FR RGB POS HOCH"; write what it shows: ![what it shows](/images/EDI_BAK_FR_RGB_POS_HOCH.png)
  Notes/Organisation.md:18: the image 'Logo-Canton_de_Vaud.svg' has no alternative text: a reader who cannot see it hears its file name, "Logo Canton de Vaud"; write what it shows: ![what it shows](/images/Logo-Canton_de_Vaud.svg)
  Notes/Organisation.md:24: the image 'Logo-Concilio.svg' has no alternative text: a reader who cannot see it hears its file name, "Logo Concilio"; write what it shows: ![what it shows](/images/Logo-Concilio.svg)
  … and 4 more (every one in OUT/report.html)
guide.epub: warning: the EPUB does not claim EPUB Accessibility 1.1 - WCAG 2.2 Level AA: 7 images have no alternative text in their note (each place is listed as a11y.image-alt) [epub.conformance]
Outputs in OUT/:
  model.json   S, 71 notes
  guide.epub   S
  guide.docx   S
  guide.odt    S
  feed.json    S, 20 items
  rss.xml      S, 20 items
  atom.xml     S, 20 items
  guide.pdf    S, 108 pages, 108 page layouts in 1 pass
  report.html  S
Built 8 outputs from 71 notes in T: 0 errors, 147 warnings (details: OUT/report.html)"""

SAMPLE_STEPS = {
    "reading the vault VAULT…", "- read 71 notes, 7 left out (T)", "laying out the PDF…",
    "writing model.json…", "- wrote model.json: S, 71 notes (T)", "writing the EPUB…",
    "- wrote guide.epub: S (T)", "writing docx…", "- wrote guide.docx: S (T)", "writing odt…",
    "- wrote guide.odt: S (T)", "writing the JSON Feed…", "- wrote feed.json: S, 20 items (T)",
    "writing the RSS feed…", "- wrote rss.xml: S, 20 items (T)", "writing the Atom feed…",
    "- wrote atom.xml: S, 20 items (T)",
    "- wrote guide.pdf: S, 108 pages, 108 page layouts in 1 pass (T)",
}
# Printed every 15 s while the PDF is laid out, so there or not as the machine is fast.
LAYOUT_COUNT = re.compile(r"laying out the PDF… \d+ pages laid out")


@pytest.mark.slow
def test_everything_a_build_of_the_sample_prints(sample_vault, tmp_path):
    """Every line, in order: the advice grouped, each problem once, no line of a library
    (fontTools, WeasyPrint's notices), then the summary. A new or a lost line shows here."""
    import os
    import re
    import subprocess
    import sys

    out = tmp_path / "out"
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("FORCE_COLOR", None)
    done = subprocess.run([sys.executable, "-m", "xtdpublish", "build", "--vault",
                           str(sample_vault), "--out", str(out)],
                          capture_output=True, text=True, timeout=1200, env=env)
    assert done.returncode == 0, done.stderr[-3000:]

    def normal(text: str) -> list[str]:
        text = text.replace(str(out), "OUT").replace(str(sample_vault), "VAULT")
        text = re.sub(r"\d+(?:\.\d)? s\b", "T", text)
        return re.sub(r"\d+(?:\.\d)? (?:B|kB|MB)\b", "S", text).splitlines()

    printed = [line for line in normal(done.stderr) + normal(done.stdout)
               if not LAYOUT_COUNT.fullmatch(line)]
    steps = [line for line in printed if line in SAMPLE_STEPS]
    assert set(steps) == SAMPLE_STEPS and len(steps) == len(SAMPLE_STEPS)
    assert [line for line in printed if line not in SAMPLE_STEPS] == SAMPLE_PRINTS.splitlines()

"""``build/report.html``: the vault's health as one self-contained page an editor can read.

The same figures as ``xtdpublish check`` (``health.health``), plus what a list cannot show
well: the dangling links with their suggested fix, the notes by date source, the navigation
tree. Inline CSS, no script, no external resource; every value is escaped (Jinja2 autoescape).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..atomic import write_atomic
from ..health import ACCESSIBILITY, health
from ..model import LinkStatus, Model, NavNode, Severity
from ..report import Report

TEMPLATE = "report.html.j2"
# Links an editor has to fix, worst first; resolved and asset links are only counted.
TO_FIX = (LinkStatus.DANGLING, LinkStatus.MISSING_ASSET, LinkStatus.AMBIGUOUS,
          LinkStatus.UNPUBLISHED)
# The diagnostics the links table already shows, one row per link.
LINK_CODES = {f"link.{status}" for status in TO_FIX}
# The accessibility list shows these, and what the EPUB's claim became because of them.
ACCESSIBILITY_CODES = {*ACCESSIBILITY, "epub.conformance"}
SUGGESTION = re.compile(r'did you mean "(.+)"\?')
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but tab and newline


def write_report_html(out: Path, result) -> Path:
    """Write ``OUT/report.html`` for a ``BuildResult`` (model, report, written outputs)."""
    return write_atomic(out / "report.html", report_html(
        result.model, result.report, result.written, result.config_errors, result.not_written))


def report_html(model: Model, report: Report, written: dict[str, list[Path]] | None = None,
                config_errors: list[str] | None = None,
                not_written: dict[str, str] | None = None) -> str:
    return _environment().get_template(TEMPLATE).render(
        **report_context(model, report, written or {}, config_errors or [], not_written or {}))


def report_context(model: Model, report: Report, written: dict[str, list[Path]],
                   config_errors: list[str], not_written: dict[str, str] | None = None) -> dict:
    data = health(model, report)
    diagnostics = report.sorted()
    # an output asked for and not written is an error of the build: never "0 errors" above it
    data["problems"]["errors"] += len(config_errors)
    return {
        "site": model.site,
        "health": data,
        "outputs": [
            {"name": path.name, "size": _size(path)}
            for paths in written.values() for path in paths
        ],
        "config_errors": config_errors,
        "not_written": not_written or {},
        "links_to_fix": links_to_fix(model, report),
        "notes_by_date_source": _by(model, "date_source"),
        "notes_by_title_source": _by(model, "title_source"),
        "outside_navigation": _outside_navigation(model),
        "nav": _nav_tree(model, model.nav),
        "accessibility": accessibility_to_fix(model, diagnostics),
        "conformance": [d for d in diagnostics if d.code == "epub.conformance"],
        "diagnostics": [d for d in diagnostics if d.severity != Severity.INFO],
        "infos": [d for d in diagnostics if d.severity == Severity.INFO],
        "other_problems": [d for d in diagnostics if d.severity != Severity.INFO
                           and d.code not in LINK_CODES and d.code not in ACCESSIBILITY_CODES],
    }


def accessibility_to_fix(model: Model, diagnostics) -> list[dict]:
    """What readers who listen would miss: one group per kind (in ACCESSIBILITY's order), each
    with its problems note by note, line by line (``diagnostics`` come sorted so)."""
    titles = {note.path: note.title for note in model.notes}
    groups = []
    for code, what in ACCESSIBILITY.items():
        found = [{"path": d.path, "title": titles.get(d.path, d.path), "line": d.line,
                  "message": d.message} for d in diagnostics if d.code == code]
        groups.append({"kind": code.removeprefix("a11y."), "what": what, "problems": found})
    return groups


def links_to_fix(model: Model, report: Report) -> list[dict]:
    """Every link that is not plainly resolved, with the reader's suggestion when it made one.

    A link's messages are found by their start ("link [[X]] has no target..."), in the sorted
    messages of its line: linear in the links, however many share one line (200,000 on one
    line took minutes when each link read every message of its line)."""
    by_line: dict[tuple[str, int | None], dict[str, int]] = {}  # message → order of report
    for d in report.diagnostics:
        if d.code.startswith("link."):
            said = by_line.setdefault((d.path, d.line), {})
            said.setdefault(d.message, len(said))
    messages = {where: sorted(said.items()) for where, said in by_line.items()}
    found = []
    for note in model.notes:
        for link in note.links:
            if link.status not in TO_FIX:
                continue
            said = _said_of(messages.get((note.path, link.line), []), link.raw)
            suggestion = next((m.group(1) for m in map(SUGGESTION.search, said) if m), None)
            target = model.get(link.target)
            found.append({
                "status": str(link.status), "path": note.path, "title": note.title,
                "line": link.line,
                "raw": link.raw, "suggestion": suggestion,
                "target": target.path if target else None,
                "message": said[0] if said else "",
            })
    return found  # notes by path, links in the order of the note


def _said_of(messages: list[tuple[str, int]], raw: str) -> list[str]:
    """The messages about the link written ``raw`` (those that begin "link RAW"), in the order
    they were reported; ``messages`` are (message, order) pairs, sorted."""
    start = f"link {raw}"
    said = []
    for index in range(bisect_left(messages, (start,)), len(messages)):  # no slice: no copy
        message, order = messages[index]
        if not message.startswith(start):
            break
        if message[len(start):len(start) + 1] in (" ", ":", ""):
            said.append((order, message))
    return [message for _, message in sorted(said)]


def _by(model: Model, attribute: str) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for note in model.notes:
        groups.setdefault(getattr(note, attribute), []).append(
            {"path": note.path, "title": note.title, "published": note.published.date(),
             "updated": note.updated.date()})
    return dict(sorted(groups.items()))


def _outside_navigation(model: Model) -> list[dict]:
    unlisted = next((n for n in model.nav.children if n.kind == "unlisted"), None)
    if unlisted is None:
        return []
    return [{"path": model.note(n.note).path, "title": model.note(n.note).title}
            for n in unlisted.walk() if n.note in {note.id for note in model.notes}]


def _nav_tree(model: Model, node: NavNode) -> dict:
    note = model.get(node.note)
    return {
        "title": node.title, "kind": node.kind, "path": note.path if note else None,
        "children": [_nav_tree(model, child) for child in node.children],
    }


def _size(path: Path) -> str:
    from ..output_files import describe  # the same words as the terminal's summary

    return describe(path)


def _environment() -> Environment:
    package = Path(__file__).resolve().parents[1]
    folders = [package / "themes" / "default", package.parents[1] / "themes" / "default"]
    return Environment(
        loader=FileSystemLoader([str(f) for f in folders if f.is_dir()]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True, lstrip_blocks=True,
        finalize=_printable,
    )


def _printable(value):
    """Every value the page shows, without control characters (a file name may hold escape
    sequences, a setting a NUL): shown as the ``\\x1b`` a person can read, never as raw bytes."""
    if isinstance(value, str) and CONTROL.search(value):
        return CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), value)
    return value

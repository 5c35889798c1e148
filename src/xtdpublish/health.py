"""The vault's health, as data: what ``xtdpublish check`` prints and report pages show."""

from __future__ import annotations

from collections import Counter

from .model import Model, Severity
from .report import Report

# What a reader who cannot see the page would miss (vault/accessibility.py finds them while
# reading): code → what is counted, for ``check`` and report.html's accessibility list.
ACCESSIBILITY = {
    "a11y.image-alt": "images without alternative text",
    "a11y.table-header": "tables without a header",
    "a11y.link-text": "links whose text says nothing",
}


def health(model: Model, report: Report) -> dict:
    links = [link for note in model.notes for link in note.links]
    codes = Counter(d.code for d in report.sorted())
    unlisted = next((n for n in model.nav.children if n.kind == "unlisted"), None)
    return {
        "notes": {"published": len(model.notes), "skipped": len(model.skipped)},
        "skipped": [{"path": s.path, "reason": s.reason} for s in model.skipped],
        "links": dict(sorted(Counter(str(link.status) for link in links).items())),
        "dates": dict(sorted(Counter(note.date_source for note in model.notes).items())),
        "titles": dict(sorted(Counter(note.title_source for note in model.notes).items())),
        "outside_navigation": [
            model.note(node.note).path for node in unlisted.walk() if node.note
        ] if unlisted else [],
        "accessibility": {code: codes[code] for code in ACCESSIBILITY},
        "problems": {
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
        },
        "diagnostics": [
            {"path": d.path, "line": d.line, "severity": str(d.severity), "code": d.code,
             "message": d.message}
            for d in report.sorted()
        ],
    }


def format_health(data: dict) -> str:
    lines = [
        f"Notes: {data['notes']['published']} published, {data['notes']['skipped']} skipped",
    ]
    lines += [f"  skipped {s['path']}: {s['reason']}" for s in data["skipped"]]
    lines.append("Links: " + _counts(data["links"]))
    lines.append("Dates: " + _counts(data["dates"]))
    lines.append("Titles from: " + _counts(data["titles"]))
    outside = data["outside_navigation"]
    lines.append(f"Outside the navigation: {len(outside)} note(s)")
    lines += [f"  {path}" for path in outside]
    lines.append("Accessibility: " + ", ".join(
        f"{n} {ACCESSIBILITY[code]}" for code, n in data["accessibility"].items()))
    problems = data["problems"]
    lines.append(f"Problems: {problems['errors']} error(s), {problems['warnings']} warning(s)")
    return "\n".join(lines)


def _counts(counter: dict) -> str:
    return ", ".join(f"{count} {name}" for name, count in counter.items()) or "none"

"""Report: every problem once, in a stable order, counted once."""

from xtdpublish.model import Severity
from xtdpublish.report import Report


def test_the_same_problem_met_by_two_formats_is_reported_once():
    report = Report()
    for _ in ("pdf", "epub"):
        report.warning("Notes/a.md", 3, "asset.missing", "no file images/x.png")
    report.warning("Notes/a.md", 1, "link.dangling", "link [[B]] has no target")
    report.error("b.md", None, "file.binary", "NUL bytes")
    assert [str(d) for d in report.sorted()] == [
        "Notes/a.md:1: warning: link [[B]] has no target [link.dangling]",
        "Notes/a.md:3: warning: no file images/x.png [asset.missing]",
        "b.md: error: NUL bytes [file.binary]",
    ]
    assert report.count(Severity.WARNING) == 2
    assert report.count(Severity.ERROR) == 1

"""A long PDF layout is never silent: the pages WeasyPrint lays out, counted in the process
that lays them out (maybe a forked worker), are read by the progress line; the summary
gives the pages and the layouts."""

from __future__ import annotations

import io
import os
import time

import pytest

from xtdpublish import progress
from xtdpublish.progress import LAYOUTS, Progress


def test_pages_counted_in_a_forked_child_are_seen_by_the_parent():
    LAYOUTS.start()
    child = os.fork()
    if child == 0:  # the PDF worker
        LAYOUTS.new_pass(2)
        LAYOUTS.page(417)
        os._exit(0)
    os.waitpid(child, 0)
    assert LAYOUTS.read() == (417, 2)


def test_a_long_layout_in_a_pipe_prints_its_count_and_the_summary_its_layouts(tmp_path, monkeypatch):
    monkeypatch.setattr(progress, "PLAIN_EVERY", 0.2)
    err, out = io.StringIO(), io.StringIO()
    steps = Progress(err=err, out=out, live=False, color=False)
    steps.rendering("pdf")
    LAYOUTS.new_pass(1)
    LAYOUTS.page(120)
    time.sleep(0.6)
    pdf = tmp_path / "guide.pdf"
    pdf.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Pages /Count 120 >> endobj\n")
    steps.rendered("pdf", [pdf])
    steps.summary(tmp_path, {"pdf": [pdf]}, [], 0, 0, notes=3)
    lines = err.getvalue().splitlines()
    assert "laying out the PDF… 120 pages laid out" in lines
    assert any(line.startswith("- wrote guide.pdf:") and "120 pages, 120 page layouts in 1 pass" in line
               for line in lines), lines
    assert "120 pages, 120 page layouts in 1 pass" in out.getvalue()


@pytest.mark.parametrize("passes, label", [(1, "laying out the PDF… 37 pages laid out"),
                                           (3, "laying out the PDF… 37 pages laid out (pass 3)")])
def test_the_live_line_counts_pages_and_passes(passes, label):
    err = io.StringIO()
    steps = Progress(err=err, out=io.StringIO(), live=True, color=False)
    steps.rendering("pdf")
    LAYOUTS.new_pass(passes)
    LAYOUTS.page(37)
    with steps._lock:
        steps._draw_active()
    steps.close()
    assert label in err.getvalue()


def test_a_count_that_has_not_moved_is_not_printed_again(monkeypatch):
    """The help vault's 719 pages were followed by "laying out the PDF… 719 pages laid out"
    three times while the file was written: a line in a pipe says something new or nothing."""
    monkeypatch.setattr(progress, "PLAIN_EVERY", 0.1)
    err = io.StringIO()
    steps = Progress(err=err, out=io.StringIO(), live=False, color=False)
    steps.rendering("pdf")
    LAYOUTS.new_pass(1)
    LAYOUTS.page(120)
    time.sleep(0.6)
    LAYOUTS.page(130)
    time.sleep(0.6)
    steps.close()
    lines = err.getvalue().splitlines()
    assert lines == ["laying out the PDF…", "laying out the PDF… 120 pages laid out",
                     "laying out the PDF… 130 pages laid out"], lines

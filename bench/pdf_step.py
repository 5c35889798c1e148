"""The PDF step against WeasyPrint alone, each timed in a fresh process (``make bench``).

    python bench/pdf_step.py html VAULT FILE      write the guide's HTML as it is first laid out
                                                  (every page number a blank of fixed width)
    python bench/pdf_step.py pipeline VAULT       the PDF step: model → guide.pdf
    python bench/pdf_step.py alone VAULT FILE     WeasyPrint alone on that HTML: one layout, as
                                                  released (xtdpublish's patches undone)

Each prints one JSON line: seconds, layout and write seconds, pages, pages laid out, passes.
Both timings start after the imports and the reading of the vault, in a process that has not
laid out anything yet, so neither profits from the other's warm caches. WeasyPrint alone
reads through the same fetcher (the guide's URLs name the vault by a fixed host) with the
same rendering options as the pipeline. "alone" is the floor: the same HTML, every page
number constant text, laid out once.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
import time
from pathlib import Path

from lxml import html as lxml_html
from weasyprint import HTML, Document

from xtdpublish.build import check
from xtdpublish.config import load_config
from xtdpublish.render.guide import build_guide, find_theme
from xtdpublish.render.pdf import book as pdf
from xtdpublish.render.pdf import internals, numbering
from xtdpublish.report import Report


class Timed:
    """Seconds spent in WeasyPrint's layout and in write_pdf, and the pages laid out."""

    def __init__(self) -> None:
        self.layout = self.write = 0.0
        self.laid_out = 0
        render, write = HTML.render, Document.write_pdf

        def timed_render(html, *args, **kwargs):
            start = time.perf_counter()
            try:
                return render(html, *args, **kwargs)
            finally:
                self.layout += time.perf_counter() - start

        def timed_write(document, *args, **kwargs):
            start = time.perf_counter()
            try:
                return write(document, *args, **kwargs)
            finally:
                self.write += time.perf_counter() - start

        HTML.render, Document.write_pdf = timed_render, timed_write
        counter = self

        class Pages(logging.Handler):
            def emit(self, record):
                if record.msg == "Step 5 - Creating layout - Page %d":
                    counter.laid_out += 1

        progress = logging.getLogger("weasyprint.progress")
        progress.addHandler(Pages())
        progress.setLevel(logging.INFO)
        progress.propagate = False


def main(mode: str, vault: Path, html_file: Path | None = None) -> None:
    config = load_config(vault)
    model = check(vault, config).model
    theme = find_theme(model.root, config)
    if mode == "html":
        env = pdf._environment(theme, model.site.language or "en")
        guide = build_guide(model, pdf.paper_policy(model, env))
        root = lxml_html.document_fromstring(pdf.compose(guide, model, env, theme).html)
        width = numbering.digits(numbering.estimate_pages(root))
        for link in root.iter("a"):
            if (link.get("href") or "").startswith("#"):
                for name, value in numbering.page_attributes(None, width).items():
                    link.set(name, value)
        html_file.write_text(lxml_html.tostring(root, encoding="unicode", method="html",
                                                doctype="<!DOCTYPE html>"), encoding="utf-8")
        return
    if mode == "alone":
        internals.restore()
    internals.can_fill()  # its check lays out a tiny book: not part of either figure
    timed = Timed()
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        report = Report()
        if mode == "pipeline":
            pdf.render(model, config, Path(out), report)
        else:
            fetcher = pdf._fetcher(model, config, theme, report)
            document = HTML(string=html_file.read_text(encoding="utf-8"), base_url="file://vault/",
                            url_fetcher=fetcher).render(presentational_hints=True)
            document.write_pdf(Path(out) / "alone.pdf", pdf_variant="pdf/ua-1", pdf_identifier=True)
            pages = len(document.pages)
        seconds = time.perf_counter() - start
    info = next((d.message for d in report.diagnostics if d.code == "pdf.layout"), "")
    if mode == "pipeline":
        pages = int(info.split(" pages")[0])
    print(json.dumps({"seconds": seconds, "layout": timed.layout, "write": timed.write,
                      "pages": pages, "laid_out": timed.laid_out, "how": info}))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]) if len(sys.argv) > 3 else None)

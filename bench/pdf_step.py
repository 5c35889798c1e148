"""The PDF step against WeasyPrint alone, each timed in a fresh process (``make bench``).

    python bench/pdf_step.py html VAULT FILE      write the guide's HTML as the pipeline makes it
    python bench/pdf_step.py pipeline VAULT       seconds of the PDF step: model → guide.pdf
    python bench/pdf_step.py alone VAULT FILE     seconds of WeasyPrint alone on that HTML

Both timings start after the imports and the reading of the vault, in a process that has not
laid out anything yet, so neither profits from the other's warm caches. WeasyPrint alone uses
its default URL fetcher and the same rendering options as the pipeline.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from weasyprint import HTML

from xtdpublish.build import check
from xtdpublish.config import load_config
from xtdpublish.render.pdf import book as pdf
from xtdpublish.render.guide import build_guide, find_theme
from xtdpublish.report import Report


def main(mode: str, vault: Path, html_file: Path | None = None) -> None:
    config = load_config(vault)
    model = check(vault, config).model
    if mode == "html":
        theme = find_theme(model.root, config)
        env = pdf._environment(theme, model.site.language or "en")
        guide = build_guide(model, pdf.paper_policy(model, env))
        html_file.write_text(pdf.compose(guide, model, env, theme).html, encoding="utf-8")
        return
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        if mode == "pipeline":
            pdf.render(model, config, Path(out), Report())
        else:
            HTML(string=html_file.read_text(encoding="utf-8"),
                 base_url=model.root.resolve().as_uri() + "/").render(
                presentational_hints=True).write_pdf(
                Path(out) / "alone.pdf", pdf_variant="pdf/ua-1", pdf_identifier=True)
        print(time.perf_counter() - start)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]) if len(sys.argv) > 3 else None)

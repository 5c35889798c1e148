"""Each stale output's renderer run, the PDF laid out in a worker process beside the rest.

A renderer's bug or a missing config key costs its own format, never the others: each
run gives back a ``Rendered`` (the files, what it reported, the config error if any).
The PDF's worker dies with the build (workers.py): stopped when the build is interrupted,
it leaves no temporary file and never writes guide.pdf afterwards.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import workers
from .config import Config, ConfigError
from .library_log import library_log
from .model import Diagnostic, Model, Severity
from .outputs import output
from .progress import Steps
from .report import Report

PDF_MODULE = "xtdpublish.render.pdf.book"  # imported once by a forkserver, for every PDF worker


@dataclass(frozen=True)
class Rendered:
    paths: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    config_error: str | None = None  # a key the format needs is missing: exit 2

    @property
    def failed(self) -> bool:
        return any(d.severity == Severity.ERROR for d in self.diagnostics)


def render_outputs(model: Model, config: Config, out: Path, names: list[str],
                   steps: Steps = Steps(), report: Report | None = None) -> Iterator[tuple[str, Rendered]]:
    """Each format of ``names`` rendered, the PDF in a worker process when there is more.

    The PDF is the critical path (WeasyPrint, one core); everything else fits beside it.
    Where no worker can start, the PDF is laid out here, after the rest (said in --verbose).
    """
    if "pdf" not in names or len(names) == 1:
        for name in names:
            steps.rendering(name)
            yield name, render_one(name, model, config, out)
        return
    steps.rendering("pdf")
    [pdf] = workers.start([(render_one, ("pdf", model, config, out))], temporaries=(out,),
                          preload=(PDF_MODULE,))
    try:
        for name in names:
            if name != "pdf":
                steps.rendering(name)
                yield name, render_one(name, model, config, out)
        if isinstance(pdf, workers.WorkerError):
            if report is not None:
                report.info("build", None, "build.workers", f"{pdf}; the PDF is laid out in the "
                            "build's own process, after the other formats")
            yield "pdf", render_one("pdf", model, config, out)
            return
        try:
            outcome = pdf.result()
        except Exception as error:  # the worker died: say so, keep the other outputs
            outcome = Rendered(diagnostics=crash("pdf", error))
        yield "pdf", outcome
    finally:
        if isinstance(pdf, workers.Worker):
            pdf.stop()  # interrupted, or a consumer that stopped early: the layout ends too


def render_one(name: str, model: Model, config: Config, out: Path) -> Rendered:
    report = Report()
    try:
        with library_log(report, name):  # in the PDF's worker too: no stray line from fontTools
            paths = list(output(name).render(model, config, out, report))
    except ConfigError as error:
        return Rendered([], report.diagnostics, str(error))
    except Exception as error:  # a renderer's bug must not cost the other formats
        return Rendered([], report.diagnostics + crash(name, error))
    return Rendered(paths, report.diagnostics)


def crash(name: str, error: BaseException) -> list[Diagnostic]:
    """One line a person reads (what failed and why, no code), and where in the code for
    --verbose and the bug report."""
    reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    reason = reason.strip().splitlines()[0] if reason.strip() else type(error).__name__
    if isinstance(error, OSError) and error.filename:
        reason = f"{reason}: {error.filename}"
    frames = traceback.extract_tb(error.__traceback__)[-3:]
    where = " < ".join(f"{Path(f.filename).name}:{f.lineno} in {f.name}" for f in reversed(frames))
    return [
        Diagnostic(name, None, Severity.ERROR, f"render.{name}", f"could not write {name}: {reason}"),
        Diagnostic(name, None, Severity.INFO, f"render.{name}",
                   f"where it failed: {type(error).__name__} at {where or 'unknown'}"),
    ]

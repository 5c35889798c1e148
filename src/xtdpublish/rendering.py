"""Each stale output's renderer run, the PDF laid out in a second process beside the rest.

A renderer's bug or a missing config key costs its own format, never the others: each
run gives back a ``Rendered`` (the files, what it reported, the config error if any).
"""

from __future__ import annotations

import gc
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config, ConfigError
from .library_log import library_log
from .model import Diagnostic, Model, Severity
from .outputs import output
from .progress import Steps
from .report import Report


@dataclass(frozen=True)
class Rendered:
    paths: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    config_error: str | None = None  # a key the format needs is missing: exit 2

    @property
    def failed(self) -> bool:
        return any(d.severity == Severity.ERROR for d in self.diagnostics)


def render_outputs(model: Model, config: Config, out: Path, names: list[str],
                   steps: Steps = Steps()) -> Iterator[tuple[str, Rendered]]:
    """Each format of ``names`` rendered, the PDF in a second process.

    The PDF is the critical path (WeasyPrint, one core); everything else fits beside it.
    """
    if "pdf" not in names or len(names) == 1:
        for name in names:
            steps.rendering(name)
            yield name, render_one(name, model, config, out)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _FORKED_JOB
    _FORKED_JOB = (model, config, out)  # inherited by the forked worker, never pickled
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        steps.rendering("pdf")
        gc.freeze()  # the worker's collections never walk the model, so never copy its pages
        try:
            pdf = pool.submit(_render_forked, "pdf")  # forks the worker here
        finally:
            gc.unfreeze()
        for name in names:
            if name != "pdf":
                steps.rendering(name)
                yield name, render_one(name, model, config, out)
        try:
            outcome = pdf.result()
        except Exception as error:  # the worker died: say so, keep the other outputs
            outcome = Rendered(diagnostics=[crash("pdf", error)])
        yield "pdf", outcome
    _FORKED_JOB = None


_FORKED_JOB: tuple[Model, Config, Path] | None = None


def _render_forked(name: str) -> Rendered:
    model, config, out = _FORKED_JOB
    return render_one(name, model, config, out)


def render_one(name: str, model: Model, config: Config, out: Path) -> Rendered:
    report = Report()
    try:
        with library_log(report, name):  # in the PDF's worker too: no stray line from fontTools
            paths = list(output(name).render(model, config, out, report))
    except ConfigError as error:
        return Rendered([], report.diagnostics, str(error))
    except Exception as error:  # a renderer's bug must not cost the other formats
        return Rendered([], report.diagnostics + [crash(name, error)])
    return Rendered(paths, report.diagnostics)


def crash(name: str, error: BaseException) -> Diagnostic:
    where = "".join(traceback.format_exception(error, limit=-2)).strip().splitlines()
    return Diagnostic(name, None, Severity.ERROR, f"render.{name}",
                      f"could not write {name}: {error!r} ({' / '.join(where[-3:])})")

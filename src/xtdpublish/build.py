"""The whole pipeline: vault files → model → renderers → the output folder.

Read the vault into the model; decide which outputs are stale (stale.py); render those,
the PDF beside the rest (rendering.py); write the build's account (outcome.py).
"""

from __future__ import annotations

from pathlib import Path

from .atomic import remove_temporaries
from .config import Config
from .gctuning import fewer_collections
from .model import Severity
from .outcome import BuildResult, write_reports
from .progress import Progress, Steps
from .rendering import render_outputs
from .report import Report
from .stale import OutputRecords
from .vault.cache import ParseCache
from .vault.reader import read_vault

__all__ = ["BuildResult", "build", "check", "run_build"]


def build(vault: Path, config: Config, out: Path, formats: list[str], force: bool = False,
          steps: Steps = Steps()) -> BuildResult:
    report = Report()
    remove_temporaries(out)  # what a build or worker killed outright (SIGKILL) left behind
    steps.reading(vault)
    with fewer_collections():
        model = read_vault(vault, config, report, ParseCache(out / ".cache" / "notes.json", not force))
    steps.read(model)
    result = BuildResult(model, report)
    records = OutputRecords(out, model, config, formats, forget=force)
    stale = [name for name in formats if not records.is_current(name)]
    for name in (name for name in formats if name not in stale):
        result.kept(name, records.files(name), records.diagnostics(name))
        steps.unchanged(name, result.written[name])
    for name, made in render_outputs(model, config, out, stale, steps, report):
        steps.rendered(name, made.paths)
        report.diagnostics.extend(made.diagnostics)
        if made.config_error:
            result.config_errors.append(f"{name}: {made.config_error}")
        else:
            result.written[name] = made.paths
        if made.config_error or made.failed:
            records.forget(name)  # tried again next time
        else:
            records.record(name, made.paths, made.diagnostics)
    try:
        write_reports(out, result, records)
        records.save()
    except OSError as error:  # a full disk: the problems are still printed, the outputs kept
        report.error("build", None, "build.report", f"could not write the build's report and "
                     f"records in {out}: {error.strerror or error} (the next build writes every "
                     "output again)")
    return result


def check(vault: Path, config: Config) -> BuildResult:
    """Read the vault into the model and report on it, writing nothing."""
    report = Report()
    return BuildResult(read_vault(vault, config, report), report)


def run_build(vault: Path, config: Config, out: Path, formats: list[str], progress: Progress,
              force: bool = False) -> BuildResult:
    """One build, told as it goes, then every problem and the summary (``build`` and ``watch``)."""
    result = build(vault, config, out, formats, force=force, steps=progress)
    progress.diagnostics(result.report.sorted())
    for error in result.config_errors:
        progress.error(error)
    report_page = out / "report.html"
    progress.summary(out, result.written, [report_page] if report_page.exists() else [],
                     errors=result.report.count(Severity.ERROR) + len(result.config_errors),
                     warnings=result.report.count(Severity.WARNING),
                     notes=len(result.model.notes))
    return result

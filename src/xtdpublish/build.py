"""The whole pipeline: vault files → model → renderers → the output folder.

Read the vault into the model; decide which outputs are stale (stale.py); render those,
the PDF beside the rest (rendering.py); write the build's account (outcome.py).
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from .atomic import remove_temporaries
from .config import Config, config_label
from .gctuning import fewer_collections
from .library_log import library_log
from .model import Diagnostic, Severity
from .outcome import BuildResult, write_reports
from .outputs import NEEDED, available, missing_keys, output
from .progress import Progress, Steps
from .rendering import render_outputs
from .report import Report
from .stale import OutputRecords
from .vault.cache import ParseCache
from .vault.reader import read_vault

__all__ = ["BuildResult", "build", "check", "run_build"]


def build(vault: Path, config: Config, out: Path, formats: list[str], force: bool = False,
          steps: Steps = Steps(), named: Collection[str] | None = None) -> BuildResult:
    """``named``: the formats asked for by name, which must be made (exit 2 when they cannot);
    the others are made when they can be. None: every one of ``formats`` is asked for."""
    report = Report()
    remove_temporaries(out)  # what a build or worker killed outright (SIGKILL) left behind
    steps.reading(vault)
    with fewer_collections(), library_log(report, "xtdpublish"):
        model = read_vault(vault, config, report, ParseCache(out / ".cache" / "notes.json", not force))
    steps.read(model)
    result = BuildResult(model, report)
    formats = _makeable(formats, config, vault, result, formats if named is None else named)
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
    result = BuildResult(read_vault(vault, config, report), report)
    _makeable(available(), config, vault, result, ())
    return result


def _makeable(formats: list[str], config: Config, vault: Path, result: BuildResult,
              named: Collection[str]) -> list[str]:
    """The formats that can be made. One that needs a key the config lacks (the feeds without
    ``site.base_url``) is not made: asked for by name, that is a configuration error (exit 2);
    met through "all", one warning per key says what to add, and the rest is built."""
    missing = missing_keys(formats, config)
    label = config_label(config, vault)
    for asked in (True, False):
        by_key: dict[str, list[str]] = {}
        for name, keys in missing.items():
            if (name in named) == asked:
                result.not_written[name] = f"{', '.join(keys)} is not set"
                for key in keys:
                    by_key.setdefault(key, []).append(name)
        for key, names in by_key.items():
            files = [file for name in names for file in output(name).files]
            what, line = NEEDED.get(key, ("a setting these outputs need", key + " = …"))
            listed = ", ".join(files[:-1]) + " and " + files[-1] if len(files) > 1 else files[0]
            fresh = " (`xtdpublish init` writes one)" if config.source is None else ""
            message = (f"{listed} {'are' if len(files) > 1 else 'is'} not written: {key} is not "
                       f"set ({what}). Add it to {label}{fresh}: {line}")
            if asked:  # told as the other configuration errors are: the file as given
                result.config_errors.append(f"{config.source or label}: {message}")
            else:
                result.report.warning(label, None, "config.needed", message)
    return [name for name in formats if name not in missing]


def run_build(vault: Path, config: Config, out: Path, formats: list[str], progress: Progress,
              force: bool = False, named: Collection[str] | None = None,
              since: list[Diagnostic] | None = None) -> BuildResult:
    """One build, told as it goes, then every problem and the summary (``build`` and ``watch``).

    ``since``: the last build's diagnostics (watch), to tell only what is new and what is fixed.
    """
    result = build(vault, config, out, formats, force=force, steps=progress, named=named)
    report_page = out / "report.html"
    details = f" (every one in {report_page})" if report_page.exists() else ""
    progress.diagnostics(result.report.sorted(), details, since)
    for error in result.config_errors:
        progress.error(error)
    progress.summary(out, result.written, [report_page] if report_page.exists() else [],
                     errors=result.report.count(Severity.ERROR) + len(result.config_errors),
                     warnings=result.report.count(Severity.WARNING),
                     notes=len(result.model.notes))
    return result

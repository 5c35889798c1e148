"""The whole pipeline: vault files → model → renderers → the output folder."""

from __future__ import annotations

import gc
import json
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from . import fingerprint
from .atomic import write_atomic
from .config import Config, ConfigError
from .gctuning import fewer_collections
from .model import Diagnostic, Model, Severity
from .outputs import OUTPUTS
from .progress import Steps
from .render.model_json import model_to_dict
from .report import Report
from .vault.cache import ParseCache
from .vault.reader import read_vault

# Formats that lay out or embed the theme and the vault's images.
THEMED = {"pdf", "epub"}


@dataclass
class BuildResult:
    model: Model
    report: Report
    written: dict[str, list[Path]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)  # formats whose inputs had not changed
    config_errors: list[str] = field(default_factory=list)  # a format that needs a missing key

    def exit_code(self, strict: bool = False) -> int:
        if self.config_errors:
            return 2
        if self.report.count(Severity.ERROR) or (strict and self.report.count(Severity.WARNING)):
            return 1
        return 0


def build(vault: Path, config: Config, out: Path, formats: list[str], force: bool = False,
          steps: Steps = Steps()) -> BuildResult:
    report = Report()
    steps.reading(vault)
    with fewer_collections():
        model = read_vault(vault, config, report,
                           ParseCache(out / ".cache" / "notes.json", not force))
    steps.read(model)
    result = BuildResult(model, report)
    known = {} if force else fingerprint.load(out)
    model_json = json.dumps(model_to_dict(model), sort_keys=True).encode("utf-8")
    digests = _digests(model_json, model, config, formats)
    todo = []
    for name in formats:
        if fingerprint.is_current(known, out, name, digests[name]):
            result.unchanged.append(name)
            result.written[name] = [out / f for f in known[name]["files"]]
            report.diagnostics.extend(_diagnostics_from(known[name]))
            steps.unchanged(name, result.written[name])
        else:
            todo.append(name)
    for name, outcome in _render_all(model, config, out, todo, steps):
        paths, diagnostics, config_error = outcome
        steps.rendered(name, paths)
        report.diagnostics.extend(diagnostics)
        if config_error:
            result.config_errors.append(f"{name}: {config_error}")
            known.pop(name, None)
            continue
        result.written[name] = paths
        if not any(d.severity == Severity.ERROR for d in diagnostics):
            known[name] = {
                "hash": digests[name],
                "files": [str(p.relative_to(out)) for p in paths],
                "diagnostics": [_diagnostic_to_dict(d) for d in diagnostics],
            }
        else:
            known.pop(name, None)
    write_report(out, result)
    _write_report_page(out, result, known, model_json)
    fingerprint.save(out, known)
    return result


def check(vault: Path, config: Config) -> BuildResult:
    """Read the vault into the model and report on it, writing nothing."""
    report = Report()
    return BuildResult(read_vault(vault, config, report), report)


def _render_all(model: Model, config: Config, out: Path, names: list[str], steps: Steps = Steps()):
    """Each format's (paths, diagnostics, config error), the PDF laid out in a second process.

    The PDF is the critical path (WeasyPrint, one core); everything else fits beside it.
    """
    if "pdf" not in names or len(names) == 1:
        for name in names:
            steps.rendering(name)
            yield name, _render_one(name, model, config, out)
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
                yield name, _render_one(name, model, config, out)
        try:
            outcome = pdf.result()
        except Exception as error:  # the worker died: say so, keep the other outputs
            outcome = ([], [_crash("pdf", error)], None)
        yield "pdf", outcome
    _FORKED_JOB = None


_FORKED_JOB: tuple[Model, Config, Path] | None = None


def _render_forked(name: str):
    model, config, out = _FORKED_JOB
    return _render_one(name, model, config, out)


def _render_one(name: str, model: Model, config: Config, out: Path):
    report = Report()
    try:
        paths = list(OUTPUTS[name].render(model, config, out, report))
    except ConfigError as error:
        return [], report.diagnostics, str(error)
    except Exception as error:  # a renderer's bug must not cost the other formats
        return [], report.diagnostics + [_crash(name, error)], None
    return paths, report.diagnostics, None


def _crash(name: str, error: BaseException) -> Diagnostic:
    where = "".join(traceback.format_exception(error, limit=-2)).strip().splitlines()
    return Diagnostic(name, None, Severity.ERROR, f"render.{name}",
                      f"could not write {name}: {error!r} ({' / '.join(where[-3:])})")


def _digests(model_json: bytes, model: Model, config: Config, formats: list[str]) -> dict[str, str]:
    config_text = repr(config)
    themed: list[Path] = []
    if THEMED & set(formats):
        from .render.guide import find_theme

        theme = find_theme(model.root, config)
        themed = [p for p in theme.rglob("*") if p.is_file()]
        themed += [model.root / asset.path for asset in model.assets]
        if model.site.logo:
            themed.append(model.root / model.site.logo)
    return {
        name: fingerprint.fingerprint(name, _model_data(name, model_json, model, config), config_text,
                                      themed if name in THEMED else [])
        for name in formats
    }


def _model_data(name: str, model_json: bytes, model: Model, config: Config) -> bytes:
    """What the output ``name`` reads of the model, as JSON: its ``inputs`` (outputs.py), else all.

    An output whose inputs cannot be had (no base URL for a feed, a bug) gets the whole model:
    its renderer meets the same problem and reports it, and the whole model covers any output.
    """
    try:
        data = OUTPUTS[name].inputs_of(model, config)
    except Exception:
        return model_json
    return model_json if data is None else json.dumps(data, sort_keys=True).encode("utf-8")


def _diagnostic_to_dict(d: Diagnostic) -> dict:
    return {"path": d.path, "line": d.line, "severity": str(d.severity), "code": d.code,
            "message": d.message}


def _diagnostics_from(entry: dict) -> list[Diagnostic]:
    """The diagnostics an unchanged output had when it was made, so none is lost on a rebuild."""
    found = []
    for d in entry.get("diagnostics", []):
        try:
            found.append(Diagnostic(d["path"], d["line"], Severity(d["severity"]), d["code"],
                                    d["message"]))
        except (KeyError, TypeError, ValueError):
            continue
    return found


def _write_report_page(out: Path, result: BuildResult, known: dict, model_json: bytes) -> None:
    """report.html, unless it would show what it shows already (Jinja2 alone costs ~0.1 s).

    The page is made of the model, the diagnostics and the outputs' names and sizes.
    """
    shown = _report_data(result)
    shown.pop("unchanged")
    shown["sizes"] = [p.stat().st_size if p.is_file() else None
                      for paths in result.written.values() for p in paths]
    digest = fingerprint.fingerprint("report.html", model_json, json.dumps(shown), [])
    if fingerprint.is_current(known, out, "report.html", digest):
        return
    from .render.report_html import write_report_html

    write_report_html(out, result)
    known["report.html"] = {"hash": digest, "files": ["report.html"]}


def write_report(out: Path, result: BuildResult) -> Path:
    data = _report_data(result)
    return write_atomic(out / "report.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _report_data(result: BuildResult) -> dict:
    return {
        "schema": "xtdpublish/report@1",
        "diagnostics": [_diagnostic_to_dict(d) for d in result.report.sorted()],
        "skipped": [{"path": s.path, "reason": s.reason} for s in result.model.skipped],
        "config_errors": result.config_errors,
        "outputs": {name: [p.name for p in paths] for name, paths in result.written.items()},
        "unchanged": result.unchanged,
    }

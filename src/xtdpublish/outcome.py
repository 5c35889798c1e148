"""What a build made and met (``BuildResult``), and its account: report.json and report.html."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import write_atomic
from .model import Diagnostic, Model, Severity
from .report import Report
from .stale import OutputRecords, diagnostic_to_dict


@dataclass
class BuildResult:
    model: Model
    report: Report
    written: dict[str, list[Path]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)  # formats whose inputs had not changed
    config_errors: list[str] = field(default_factory=list)  # a format asked for by name that cannot be made
    not_written: dict[str, str] = field(default_factory=dict)  # format → why (a key not set)

    def kept(self, name: str, paths: list[Path], diagnostics: list[Diagnostic]) -> None:
        self.unchanged.append(name)
        self.written[name] = paths
        self.report.diagnostics.extend(diagnostics)

    def exit_code(self, strict: bool = False) -> int:
        if self.config_errors:
            return 2
        if self.report.count(Severity.ERROR) or (strict and self.report.count(Severity.WARNING)):
            return 1
        return 0


def write_reports(out: Path, result: BuildResult, records: OutputRecords) -> None:
    """report.json always; report.html unless it would show what it shows already
    (Jinja2 alone costs ~0.1 s). The page is made of the model, the diagnostics and the
    outputs' names and sizes."""
    write_report(out, result)
    shown = _report_data(result)
    shown.pop("unchanged")
    shown["sizes"] = [p.stat().st_size if p.is_file() else None
                      for paths in result.written.values() for p in paths]
    if not records.page_is_current("report.html", shown):
        from .render.report_html import write_report_html

        write_report_html(out, result)


def write_report(out: Path, result: BuildResult) -> Path:
    data = _report_data(result)
    return write_atomic(out / "report.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _report_data(result: BuildResult) -> dict:
    return {
        "schema": "xtdpublish/report@1",
        "diagnostics": [diagnostic_to_dict(d) for d in result.report.sorted()],
        "skipped": [{"path": s.path, "reason": s.reason} for s in result.model.skipped],
        "config_errors": result.config_errors,
        "not_written": result.not_written,
        "outputs": {name: [p.name for p in paths] for name, paths in result.written.items()},
        "unchanged": result.unchanged,
    }

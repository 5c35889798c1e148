"""The whole pipeline: vault files → model → renderers → the output folder."""

from __future__ import annotations

import json
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import write_atomic
from .config import Config, ConfigError
from .model import Model, Severity
from .outputs import OUTPUTS
from .report import Report
from .vault.reader import read_vault


@dataclass
class BuildResult:
    model: Model
    report: Report
    written: dict[str, list[Path]] = field(default_factory=dict)
    config_errors: list[str] = field(default_factory=list)  # a format that needs a missing key

    def exit_code(self, strict: bool = False) -> int:
        if self.config_errors:
            return 2
        if self.report.count(Severity.ERROR) or (strict and self.report.count(Severity.WARNING)):
            return 1
        return 0


def build(vault: Path, config: Config, out: Path, formats: list[str]) -> BuildResult:
    report = Report()
    model = read_vault(vault, config, report)
    result = BuildResult(model, report)
    for name in formats:
        try:
            result.written[name] = list(OUTPUTS[name].render(model, config, out, report))
        except ConfigError as error:
            result.config_errors.append(f"{name}: {error}")
        except Exception as error:  # a renderer's bug must not cost the other formats
            report.error(name, None, f"render.{name}", f"could not write {name}: {error!r}")
            report.info(name, None, "render.traceback", traceback.format_exc(limit=-3))
    write_report(out, result)
    return result


def check(vault: Path, config: Config) -> BuildResult:
    """Read the vault into the model and report on it, writing nothing."""
    report = Report()
    return BuildResult(read_vault(vault, config, report), report)


def write_report(out: Path, result: BuildResult) -> Path:
    data = {
        "schema": "xtdpublish/report@1",
        "diagnostics": [
            {"path": d.path, "line": d.line, "severity": str(d.severity), "code": d.code,
             "message": d.message}
            for d in result.report.sorted()
        ],
        "skipped": [{"path": s.path, "reason": s.reason} for s in result.model.skipped],
        "config_errors": result.config_errors,
        "outputs": {name: [p.name for p in paths] for name, paths in result.written.items()},
    }
    return write_atomic(out / "report.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n")

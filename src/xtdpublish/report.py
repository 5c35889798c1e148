"""Collects every diagnostic and skipped note of a build, to print them all at the end."""

from __future__ import annotations

from .model import Diagnostic, Severity, Skipped


class Report:
    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.skipped: list[Skipped] = []

    def add(self, path: str, line: int | None, severity: Severity, code: str, message: str) -> None:
        self.diagnostics.append(Diagnostic(path, line, Severity(severity), code, message))

    def error(self, path: str, line: int | None, code: str, message: str) -> None:
        self.add(path, line, Severity.ERROR, code, message)

    def warning(self, path: str, line: int | None, code: str, message: str) -> None:
        self.add(path, line, Severity.WARNING, code, message)

    def info(self, path: str, line: int | None, code: str, message: str) -> None:
        self.add(path, line, Severity.INFO, code, message)

    def skip(self, path: str, reason: str) -> None:
        self.skipped.append(Skipped(path, reason))

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.sorted() if d.severity == severity)

    def sorted(self) -> list[Diagnostic]:
        """Each diagnostic once (two formats may meet the same problem), by file, line, code."""
        return sorted(
            dict.fromkeys(self.diagnostics), key=lambda d: (d.path, d.line or 0, d.code, d.message)
        )

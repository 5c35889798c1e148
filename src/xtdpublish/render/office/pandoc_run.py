"""pandoc, the binary inside the ``pypandoc_binary`` wheel, run once per document on a JSON file.

One process per document, never ``pypandoc.convert_text`` per note (measured: 0.40-0.73 s
of overhead a call against 0.16-0.31 s for the binary on a file). ``--sandbox``: pandoc
reads nothing but the files named on its command line (the document, the reference
document) and fetches nothing, whatever a note holds. The language is always given
(pandoc would take it from the locale: ``LANG=C`` gives ``C``).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from ...pandoc import pandoc_path, version

__all__ = ["PandocError", "convert", "pandoc_path", "version"]

TIMEOUT = 3600  # seconds: 10,000 notes take about a minute as ODT


class PandocError(Exception):
    """pandoc could not write the document: its own words, shortened."""


def convert(document: dict, to: str, target: Path, reference: Path | None, toc_depth: int) -> list[str]:
    """Write ``document`` (pandoc's JSON AST) as ``to`` (docx, odt) to ``target``; pandoc's
    warnings, one a line."""
    with tempfile.TemporaryDirectory(prefix="xtd-office-") as work:
        source = Path(work) / "guide.json"
        # json.dumps, not json.dump: only the one-shot encoder is C (measured: json.dump was
        # nearly half the time of a 1,000-note DOCX)
        source.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        command = [pandoc_path(), "--sandbox", "--from", "json", "--to", to, "--standalone",
                   "--toc", f"--toc-depth={toc_depth}", "--output", str(target), str(source)]
        if reference is not None:
            command[1:1] = ["--reference-doc", str(reference)]
        environment = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT,
                                  cwd=work, env=environment, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise PandocError(f"pandoc did not finish writing the {to} in {TIMEOUT} s") from None
        except OSError as error:
            raise PandocError(f"pandoc could not be run ({pandoc_path()}): {error}") from None
    messages: list[str] = []
    for line in (line.strip() for line in done.stderr.splitlines()):
        if line and (line.startswith("[") or not messages):  # "[WARNING] ..." starts a message
            messages.append(line)
        elif line:
            messages[-1] += " / " + line
    if done.returncode != 0:
        raise PandocError(f"pandoc stopped with code {done.returncode}: " + " / ".join(messages[-5:]))
    return messages

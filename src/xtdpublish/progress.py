"""What a build is doing, told to the person waiting for it, and the summary at the end.

The pipeline (``build.build``) calls a ``Steps`` object as it goes: reading the vault, then
each output. ``Steps`` itself does nothing (tests and library use); ``Progress`` prints.
On a terminal the current step is redrawn in place with its elapsed time and colour; in a
pipe, in CI (``CI=true``) or with ``TERM=dumb`` it prints plain lines; ``NO_COLOR`` turns
colour off. Progress goes to stderr, the summary to stdout.
"""

from __future__ import annotations

import mmap
import os
import re
import struct
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from . import workers
from .output_files import describe
from .messages import Told, grouped, lines
from .model import Diagnostic

QUIET, NORMAL, VERBOSE = -1, 0, 1

STEP_LABELS = {
    "model": "writing model.json",
    "pdf": "laying out the PDF",
    "epub": "writing the EPUB",
    "json": "writing the JSON Feed",
    "rss": "writing the RSS feed",
    "atom": "writing the Atom feed",
}


# One lock for every write to the terminal. The pipeline forks a process for the PDF while
# the ticker may be drawing; holding this lock across the fork means the child never inherits
# a stream locked halfway through a write.
_DRAWING = threading.Lock()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_DRAWING.acquire, after_in_parent=_DRAWING.release,
                        after_in_child=_DRAWING.release)


class LayoutCounter:
    """Pages the PDF renderer has laid out and its passes, in memory shared with the
    forked worker that may run it (rendering.py), so the progress line can count them."""

    def __init__(self) -> None:
        self._memory = mmap.mmap(-1, 8)  # anonymous and shared: a forked child writes here

    def start(self) -> None:
        self._memory[:8] = struct.pack("=II", 0, 0)

    def page(self, laid_out: int) -> None:
        self._memory[:4] = struct.pack("=I", laid_out)

    def new_pass(self, number: int) -> None:
        self._memory[4:8] = struct.pack("=I", number)

    def read(self) -> tuple[int, int]:
        """(pages laid out, passes)."""
        return struct.unpack("=II", self._memory[:8])


LAYOUTS = LayoutCounter()
PLAIN_EVERY = 15.0  # seconds between two lines of a long layout in a pipe or CI


class Steps:
    """The calls the pipeline makes as it goes; this one ignores them."""

    def reading(self, vault: Path) -> None: ...

    def read(self, model) -> None: ...

    def rendering(self, name: str) -> None: ...

    def rendered(self, name: str, paths: list[Path]) -> None: ...

    def unchanged(self, name: str, paths: list[Path]) -> None: ...


def terminal_styles(stream: TextIO, environ=os.environ) -> tuple[bool, bool]:
    """(live, colour): redraw lines in place on a terminal; colour there, or wherever
    FORCE_COLOR asks for it (a CI log that shows colours), unless NO_COLOR says no."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    live = tty and environ.get("CI", "").lower() not in ("true", "1") and environ.get(
        "TERM") != "dumb"
    forced = environ.get("FORCE_COLOR", "").lower() not in ("", "0", "false")
    return live, (live or forced) and not environ.get("NO_COLOR")


class Progress(Steps):
    def __init__(self, verbosity: int = NORMAL, err: TextIO | None = None,
                 out: TextIO | None = None, live: bool | None = None,
                 color: bool | None = None) -> None:
        self.verbosity = verbosity
        self.err = err or sys.stderr
        self.out = out or sys.stdout
        auto_live, auto_color = terminal_styles(self.err)
        self.live = auto_live if live is None else live
        self.color = auto_color if color is None else color
        self.started = time.monotonic()
        self._active: dict[str, float] = {}  # step name → start time
        self._labels: dict[str, str] = {}
        self._lock = _DRAWING
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()
        self._unpause = None  # registered with workers while a ticker may run
        self._closed = False
        self.notes = 0
        self._pdf_layouts = ""

    # -- the pipeline's calls ----------------------------------------------------------

    def reading(self, vault: Path) -> None:
        self._start("read", f"reading the vault {printable(str(vault), '')}")

    def read(self, model) -> None:
        self.notes = len(model.notes)
        skipped = f", {len(model.skipped)} left out" if model.skipped else ""
        self._done("read", f"read {_plural(self.notes, 'note')}{skipped}")

    def rendering(self, name: str) -> None:
        if name == "pdf":
            LAYOUTS.start()
        self._start(name, STEP_LABELS.get(name, f"writing {name}"))
        if name == "pdf" and not self.live and self.verbosity > QUIET:
            self._ensure_ticker()

    def rendered(self, name: str, paths: list[Path]) -> None:
        what = "; ".join(f"{p.name}: {describe(p)}{self._layouts(p)}" for p in paths)
        self._done(name, f"wrote {what}" if what else f"{name}: nothing written")

    def _layouts(self, path: Path) -> str:
        """What laying out the PDF took: ", 216 page layouts in 2 passes"."""
        laid_out, passes = LAYOUTS.read()
        if path.suffix != ".pdf" or not laid_out:
            return ""
        self._pdf_layouts = f", {_plural(laid_out, 'page layout')} in {passes} pass{'es' * (passes != 1)}"
        return self._pdf_layouts

    def unchanged(self, name: str, paths: list[Path]) -> None:
        if self.verbosity > QUIET:
            mark = self._paint("✓", "green") if self.live else "-"
            self._write(self.err, f"{mark} kept {', '.join(p.name for p in paths)} "
                        "(its inputs have not changed)")

    # -- drawing ---------------------------------------------------------------------

    def _start(self, key: str, label: str) -> None:
        if self.verbosity <= QUIET:
            return
        with self._lock:
            self._active[key] = time.monotonic()
            self._labels[key] = label
            if self.live:
                self._draw_active()
                self._ensure_ticker()
            else:
                self._write(self.err, f"{label}…")

    def _done(self, key: str, message: str) -> None:
        if self.verbosity <= QUIET:
            return
        with self._lock:
            started = self._active.pop(key, time.monotonic())
            line = f"{self._paint('✓', 'green') if self.live else '-'} {message} " \
                   f"{self._paint(f'({time.monotonic() - started:.1f} s)', 'dim')}"
            if self.live:
                self.err.write("\r\x1b[2K")
            self._write(self.err, line)
            if self.live and self._active:
                self._draw_active()

    def _draw_active(self) -> None:
        now = time.monotonic()
        spinner = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"[int(now * 10) % 10]
        parts = [f"{self._labels[k]}…{self._laid_out(k)} {now - t:.1f} s" for k, t in self._active.items()]
        self.err.write(f"\r\x1b[2K{self._paint(spinner, 'cyan')} {', '.join(parts)}")
        self.err.flush()

    def _laid_out(self, key: str) -> str:
        laid_out, passes = LAYOUTS.read() if key == "pdf" else (0, 0)
        return f" {laid_out} pages laid out" + (f" (pass {passes})" if passes > 1 else "") if laid_out else ""

    def _ensure_ticker(self) -> None:
        if self._ticker is None:
            self._closed = False
            self._stop = threading.Event()
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()
            if self._unpause is None:
                self._unpause = workers.pause_while_starting(self._paused)

    @contextmanager
    def _paused(self):
        """No ticker while workers start: a fork must not copy a process running threads."""
        ticker = self._ticker
        if ticker is not None:
            self._stop.set()
            ticker.join()
            self._ticker = None
        try:
            yield
        finally:
            if ticker is not None and not self._closed:
                self._ensure_ticker()

    def _tick(self) -> None:
        last, told = time.monotonic(), ""
        while not self._stop.wait(0.1):
            with self._lock:
                if self.live and self._active:
                    self._draw_active()
                elif "pdf" in self._active and time.monotonic() - last >= PLAIN_EVERY:
                    last = time.monotonic()
                    # A long layout in a pipe is never silent, and says each count once
                    # (writing the file after the last page changes no count).
                    line = f"{self._labels['pdf']}…{self._laid_out('pdf')}"
                    if self._laid_out("pdf") and line != told:
                        self._write(self.err, line)
                        told = line

    def close(self) -> None:
        self._closed = True
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        if self._unpause is not None:
            self._unpause()
            self._unpause = None
        with self._lock:
            if self.live and self._active:
                self.err.write("\r\x1b[2K")
                self.err.flush()
            self._active.clear()

    def _write(self, stream: TextIO, line: str) -> None:
        stream.write(line + "\n")
        stream.flush()

    def _paint(self, text: str, style: str) -> str:
        if not self.color:
            return text
        codes = {"red": "31", "yellow": "33", "green": "32", "cyan": "36", "dim": "2",
                 "bold": "1"}
        return f"\x1b[{codes[style]}m{text}\x1b[0m"

    # -- the end of a run --------------------------------------------------------------

    def diagnostics(self, diagnostics: list[Diagnostic], details: str = "",
                    since: list[Diagnostic] | None = None) -> None:
        """Every problem: errors always, warnings unless quiet, info when verbose. The same
        advice is told once over its first places (``details`` says where the rest are);
        verbose prints each in full. With ``since`` (the last build's, for watch), only
        what is new and what was fixed."""
        self.close()
        shown = {"error"} if self.verbosity <= QUIET else (
            {"error", "warning", "info"} if self.verbosity >= VERBOSE else {"error", "warning"})
        visible = [d for d in diagnostics if str(d.severity) in shown]
        if since is None:
            self._tell(visible, details)
            return
        before, now = set(d for d in since if str(d.severity) in shown), set(visible)
        new = [d for d in visible if d not in before]
        fixed = [d for d in since if d in before and d not in now]
        if new:
            self._write(self.err, f"New since the last build ({len(new)}):")
            self._tell(new, details)
        if fixed:
            self._write(self.err, f"Fixed since the last build ({len(fixed)}):")
            self._tell(fixed, details, mark="fixed")
        kept = len(now & before)
        if kept or not (new or fixed):
            self._write(self.err, f"{_plural(kept, 'problem')} as before"
                        + (f"{details}" if kept else ""))

    def _tell(self, diagnostics: list[Diagnostic], details: str, mark: str = "") -> None:
        told = [Told(d) for d in diagnostics] if self.verbosity >= VERBOSE else grouped(diagnostics)
        for item in told:
            severity = str(item.first.severity)
            for number, line in enumerate(lines(item, details)):
                line = printable(line, "")  # a file name may hold what a terminal obeys, or a newline
                if number == 0:
                    line = self._colour_severity(line, severity, mark)
                self._write(self.err, line)

    def _colour_severity(self, line: str, severity: str, mark: str) -> str:
        colours = {"error": "red", "warning": "yellow", "info": "dim", "fixed": "green"}
        word = mark or severity
        if mark:  # "fixed: warning: ..." reads as what it is
            line = f"{mark}: {line}"
        if not self.color:
            return line
        pattern = re.compile(rf"(^|: ){re.escape(word)}: ")
        return pattern.sub(lambda m: f"{m[1]}{self._paint(word, colours[word])}: ", line, count=1)

    def error(self, message: str) -> None:
        self.close()
        self._write(self.err, f"xtdpublish: {self._paint('error', 'red')}: {message}")

    def summary(self, out_dir: Path, written: dict[str, list[Path]], extra: list[Path],
                errors: int, warnings: int, notes: int | None = None) -> None:
        """A table of the outputs (unless quiet), then one final line."""
        self.close()
        files = [p for paths in written.values() for p in paths] + [p for p in extra if p]
        if self.verbosity > QUIET and files:
            self._write(self.out, f"Outputs in {printable(str(out_dir), '')}/:")
            width = max(len(p.name) for p in files)
            for path in files:
                layouts = self._pdf_layouts if path.suffix == ".pdf" else ""
                self._write(self.out, f"  {path.name.ljust(width)}  {describe(path)}{layouts}")
        notes = self.notes if notes is None else notes
        seconds = time.monotonic() - self.started
        outputs = sum(len(paths) for paths in written.values())
        problems = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
        style = "red" if errors else ("yellow" if warnings else "green")
        page = next((p for p in extra if p and p.name == "report.html"), None)
        details = f" (details: {page})" if page and (errors or warnings) else ""
        self._write(self.out, f"Built {outputs} output{'s' * (outputs != 1)} from {notes} "
                    f"note{'s' * (notes != 1)} in {seconds:.1f} s: "
                    f"{self._paint(problems, style)}{details}")


# What a terminal would obey rather than show: C0 and C1 controls (an escape sequence in a
# file name recolours or rewrites the screen) and the bidirectional overrides (a name that
# reads backwards). Tab and, where text may hold lines, newline are kept.
UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, allowed: str = "\n") -> str:
    """``text`` with what a terminal would obey written as escapes (``\\x1b``, ``\\u202e``)."""
    return UNPRINTABLE.sub(
        lambda m: m.group() if m.group() in allowed else
        m.group().encode("unicode_escape").decode("ascii"), text)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"

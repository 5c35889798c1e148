"""What the libraries log while a build runs, as information diagnostics: never a stray line.

A library that logs a warning through a logger nobody listens to (fontTools reading a
font: "'created' timestamp seems very low") reaches Python's last-resort handler, which
prints the bare message on stderr, in the middle of the progress lines. While a build runs,
``library_log`` listens on the root logger instead and turns each such record into one
``info`` diagnostic (``--verbose`` and report.html show it; it never counts as a warning
of the vault). Loggers that have a handler of their own (WeasyPrint's, which render/pdf
reads) are left to it. Outside a build, nothing is changed.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from .report import Report


class _Strays(logging.Handler):
    """Keeps the records of loggers that no handler below the root would take."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.sink: list[logging.LogRecord] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.sink is not None and not _listened(record.name):
            self.sink.append(record)


_STRAYS = _Strays()
_DEPTH = 0  # library_log blocks open in this process (a renderer's inside the build's)


@contextmanager
def library_log(report: Report, where: str) -> Iterator[None]:
    """While the block runs, what libraries log unheard becomes info diagnostics of ``where``."""
    global _DEPTH
    root = logging.getLogger()
    if _STRAYS not in root.handlers:  # also in a worker started by spawn, which has none
        root.addHandler(_STRAYS)
    records: list[logging.LogRecord] = []
    outer, _STRAYS.sink = _STRAYS.sink, records
    _DEPTH += 1
    try:
        yield
    finally:
        _DEPTH -= 1
        _STRAYS.sink = outer
        if _DEPTH == 0:
            root.removeHandler(_STRAYS)
        said = Counter(f"{r.name}: {r.getMessage()}" for r in records)
        for message, times in said.items():
            report.info(where, None, "library.log",
                        f"a library said: {message}" + (f" ({times} times)" if times > 1 else ""))


def _listened(name: str) -> bool:
    logger: logging.Logger | None = logging.getLogger(name)
    while logger is not None and logger.parent is not None:  # up to, not including, the root
        if logger.handlers:
            return True
        if not logger.propagate:
            return True  # it never reaches the root: not ours to take
        logger = logger.parent
    return False

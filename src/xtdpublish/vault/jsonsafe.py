"""json_safe: metadata as JSON and XML can hold it, whatever YAML gave.

YAML can give dates, sets, bytes, non-text keys, NaN, control characters and, through
anchors, a small text that expands enormously; the model keeps plain JSON values only.
Apart from frontmatter.py because it is about values, not about finding the metadata.
"""

from __future__ import annotations

import base64
import math
from datetime import date, datetime, time
from typing import Any

from ..report import Report
from .files import NOT_TEXT

MAX_NODES = 10_000  # anchors can make a small YAML text expand enormously
MAX_DEPTH = 40


def json_safe(value: Any, path: str, report: Report, line: int) -> Any:
    """Metadata as JSON and XML can hold it: dates as ISO text, keys as text, no cycles,
    no control characters."""
    budget = [MAX_NODES]
    result = _safe(value, budget, 0)
    if budget[0] < 0:
        report.warning(path, line, "frontmatter.too-large",
                       "the frontmatter is too large or nested too deeply once its anchors are "
                       "expanded; the excess is left out")
    return result


def _safe(value: Any, budget: list[int], depth: int) -> Any:
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        budget[0] = -1
        return None
    if isinstance(value, str):
        return NOT_TEXT.sub("", value)  # a YAML escape ("\\b", "\\ud800") can write one
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {_safe_key(k): _safe(v, budget, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        return [_safe(item, budget, depth + 1) for item in items]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return str(value)


def _safe_key(key: Any) -> str:
    if isinstance(key, str):
        return NOT_TEXT.sub("", key)
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    if isinstance(key, (datetime, date)):
        return key.isoformat()
    return str(key)

"""Writing outputs so that a reader never sees half a file and a failed build keeps the old one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename."""
    content = data.encode("utf-8") if isinstance(data, str) else data
    return write_with(path, lambda tmp: tmp.write_bytes(content))


def write_with(path: Path, produce: Callable[[Path], object]) -> Path:
    """Let ``produce`` write a temporary file, then move it onto ``path`` in one step.

    Each call gets its own temporary name, so two builds writing into the same folder
    at once never write into each other's file; the last rename wins whole.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        produce(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path

"""Writing outputs so that a reader never sees half a file and a failed build keeps the old one."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

# ".guide.pdf.4242-k3j2x9.tmp": the writer's pid in the name, so that whoever outlives a
# killed writer can tell its leftovers from those of a build still running.
TEMPORARY = re.compile(r"\..+\.(\d+)-[^.]+\.tmp\Z")

_may_publish: Callable[[], bool] = lambda: True  # noqa: E731


class NotPublished(OSError):
    """A worker whose build has died does not move its file into place."""


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
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=".tmp",
                                    dir=path.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        produce(tmp)
        os.chmod(tmp, 0o644)
        if not _may_publish():
            raise NotPublished(f"{path.name} not written: the build that asked for it has ended")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def publish_only_while(condition: Callable[[], bool]) -> None:
    """From now on, in this process, files are moved into place only while ``condition()``."""
    global _may_publish
    _may_publish = condition


def remove_temporaries(folder: Path, pid: int | None = None) -> None:
    """Remove the temporary files under ``folder`` of the writer ``pid``, or (None) of every
    writer no longer running: what a killed build or worker left behind."""
    try:
        candidates = [p for p in folder.rglob(".*.tmp") if p.is_file()]
    except OSError:
        return
    for path in candidates:
        match = TEMPORARY.match(path.name)
        if match and (int(match.group(1)) == pid if pid is not None else not _running(int(match.group(1)))):
            path.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: running
        return True
    return True

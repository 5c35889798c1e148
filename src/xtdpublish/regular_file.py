"""Files read only when they are regular files of a bounded size: never a FIFO or a device.

A vault (or a setting) can name a named pipe, ``/dev/zero`` or a socket: opening the
first blocks forever, reading the second fills the memory. Every file the build reads
from the vault goes through here: it is opened without blocking, ``fstat``-ed on the
open descriptor (so it cannot be swapped between the check and the read), refused
unless it is a regular file, and read no further than the caller's limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

CHUNK = 1 << 20  # what a stream reads at a time: a 3 GiB video costs 1 MiB of memory

KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}


class NotRegular(OSError):
    """The path is a FIFO, a device, a socket or a folder: it is never read."""

    def __init__(self, path: Path | str, kind: str) -> None:
        super().__init__(f"{path} is {kind}, not a file: it is never read")
        self.kind = kind


class TooLarge(OSError):
    """The file holds more bytes than the caller's limit."""

    def __init__(self, path: Path | str, size: int, limit: int) -> None:
        super().__init__(f"{path} holds {size:,} bytes, more than {limit:,}")
        self.size = size
        self.limit = limit


def kind_of(mode: int) -> str | None:
    """None for a regular file, else what it is ("a named pipe (FIFO)", ...)."""
    if stat.S_ISREG(mode):
        return None
    return KINDS.get(stat.S_IFMT(mode), "not a regular file")


def open_regular(path: Path | str) -> tuple[int, os.stat_result]:
    """A descriptor open for reading on ``path`` and its status; NotRegular otherwise."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        status = os.fstat(fd)
        kind = kind_of(status.st_mode)
        if kind is not None:
            raise NotRegular(path, kind)
    except BaseException:
        os.close(fd)
        raise
    return fd, status


def read_regular(path: Path | str, limit: int | None = None) -> bytes:
    """The bytes of a regular file; TooLarge past ``limit`` (checked before reading, and
    while reading, for a file that grows)."""
    fd, status = open_regular(path)
    with os.fdopen(fd, "rb") as file:
        if limit is not None and status.st_size > limit:
            raise TooLarge(path, status.st_size, limit)
        data = file.read() if limit is None else file.read(limit + 1)
    if limit is not None and len(data) > limit:
        raise TooLarge(path, len(data), limit)
    return data


def update_hash(digest, path: Path | str, limit: int | None = None) -> None:
    """Feed ``digest`` with the file's bytes, a chunk at a time. Past ``limit``, its size and
    modification time stand for its content (the file is not read)."""
    fd, status = open_regular(path)
    with os.fdopen(fd, "rb") as file:
        if limit is not None and status.st_size > limit:
            digest.update(f"\0large {status.st_size} {status.st_mtime_ns}".encode())
            return
        while chunk := file.read(CHUNK):
            digest.update(chunk)

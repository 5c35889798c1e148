"""Where pandoc is (the binary inside the ``pypandoc_binary`` wheel) and which version it is."""

from __future__ import annotations

import subprocess
from functools import cache


@cache
def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


@cache
def version() -> str:
    """``pandoc 3.9``: part of the fingerprint of what pandoc makes (another pandoc, another file)."""
    try:
        done = subprocess.run([pandoc_path(), "--version"], capture_output=True, text=True,
                              timeout=60, check=True)
    except (OSError, subprocess.SubprocessError) as error:
        return f"pandoc unavailable: {error!r}"
    return done.stdout.splitlines()[0].strip() if done.stdout else "pandoc"

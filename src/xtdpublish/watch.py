"""``xtdpublish watch``: build once, then again after every saved change to the vault.

Each rebuild is a whole build; outputs whose inputs did not change are kept as they are
(``build``'s fingerprints), so saving a note that changes no feed item leaves the feeds alone.
The configuration is read again on every build, so editing ``xtdpublish.toml`` takes effect.
"""

from __future__ import annotations

import fnmatch
import signal
import threading
from pathlib import Path

from watchfiles import Change, DefaultFilter, watch as watch_changes

from .config import ConfigError, load_config
from .model import Diagnostic
from .progress import QUIET, Progress, printable
from .workers import signal_name, signal_of

# Files editors and sync tools write beside a note while saving it.
TEMPORARY = ("*~", "*.swp", "*.swo", "*.swx", ".#*", "#*#", "4913", "*.tmp", "*.temp",
             "*.crdownload", "*.part", ".DS_Store", "Thumbs.db", "~$*", ".~lock.*#",
             "*.sb-*")


class VaultFilter(DefaultFilter):
    """Changes worth a rebuild: not the output folder, not dot-folders, not temporary files."""

    def __init__(self, vault: Path, out: Path) -> None:
        super().__init__()
        self.vault = vault.resolve()
        self.out = out.resolve()

    def __call__(self, change: Change, path: str) -> bool:
        file = Path(path)
        try:
            relative = file.resolve().relative_to(self.vault)
        except ValueError:
            return False
        if file.resolve().is_relative_to(self.out):
            return False
        if any(part.startswith(".") for part in relative.parts):
            return False  # .obsidian, .git, .trash, and hidden temporary files
        if any(fnmatch.fnmatch(file.name, pattern) for pattern in TEMPORARY):
            return False
        return super().__call__(change, path)  # watchfiles' own: __pycache__, node_modules...


def watch(vault: Path, config_file: Path | None, out: Path, formats: list[str],
          verbosity: int, stop: threading.Event | None = None, debounce_ms: int = 400,
          named: tuple[str, ...] | list[str] = ()) -> int:
    """Build, then build again on each batch of changes until Ctrl-C or ``stop``.

    The first build prints every problem; each rebuild, what is new and what was fixed.
    Exit code 0 when Ctrl-C stops it waiting; 130 (143 for SIGTERM) when a build was running."""
    building = True
    try:
        last = _build_once(vault, config_file, out, formats, verbosity, named, None)
        print(f"Watching {vault} for changes (Ctrl-C to stop)…", flush=True)
        building = False
        for changes in watch_changes(
            vault, watch_filter=VaultFilter(vault, out), debounce=debounce_ms, step=50,
            stop_event=stop, raise_interrupt=True,
        ):
            if verbosity > QUIET:
                names = sorted({printable(Path(p).name, "") for _, p in changes})
                more = f" and {len(names) - 3} more" if len(names) > 3 else ""
                shown = ", ".join(names[:3]) + more
                print(f"\nChanged: {shown}; building again (everything is read again; "
                      "unchanged outputs are kept)", flush=True)
            building = True
            last = _build_once(vault, config_file, out, formats, verbosity, named, last) or last
            building = False
    except KeyboardInterrupt as stop:
        signum = signal_of(stop)
        if building:  # the build it interrupted left every output whole, but not all new
            print(f"\nStopped watching ({signal_name(signum)}) during a build: every output is "
                  "whole, as this build wrote it or as the last build left it", flush=True)
            return 128 + signum
        print("\nStopped watching.", flush=True)
        return 0 if signum == signal.SIGINT else 128 + signum
    return 0


def _build_once(vault: Path, config_file: Path | None, out: Path, formats: list[str],
                verbosity: int, named, since: list[Diagnostic] | None) -> list[Diagnostic] | None:
    """One build; its diagnostics, or None when it could not run."""
    from .build import run_build

    progress = Progress(verbosity)
    try:
        config = load_config(vault, config_file)
    except ConfigError as error:
        progress.error(f"{error} (fix it and save: the next change builds again)")
        return None
    try:
        return run_build(vault, config, out, formats, progress, named=named,
                         since=since).report.sorted()
    except ConfigError as error:
        progress.error(f"{error} (fix it and save: the next change builds again)")
    except Exception as error:  # a crash in one build must not end the watch
        progress.error(f"the build failed: {error!r}")
    finally:
        progress.close()

"""``vault.include`` and ``vault.exclude`` checked against the notes the vault holds.

A glob that takes nothing is most often a typo (``Navigtion/**``) or a folder renamed since;
silently publishing the rest, or nothing (a three-page guide of no note), hides it. When the
globs leave no note at all the configuration is refused (exit 2) with what the vault does
hold; when one include glob of several takes nothing, the build goes on with a warning.
"""

from __future__ import annotations

import difflib
from collections import Counter
from pathlib import Path

from ..config import Config, ConfigError, config_label
from ..report import Report
from .files import VaultFiles, glob_matches

SHOWN_FOLDERS = 8


def check_include(files: VaultFiles, config: Config, vault: Path, report: Report) -> None:
    """Raise ConfigError when the globs take no note; warn for an include glob that takes none."""
    every = sorted({note.path for note in files.notes} | set(files.excluded))
    visible = [p for p in every if not any(part.startswith(".") for part in p.split("/"))]
    if not visible:
        return  # no note at all: nothing a glob could have taken
    where = str(config.source) if config.source else "the configuration"
    include = config.vault.include
    idle = [glob for glob in include if not any(glob_matches(glob, p) for p in visible)]
    if not files.notes:
        if include and len(idle) == len(include):
            raise ConfigError(f"{where}: vault.include {_globs(include)} matches no note"
                              f"{_nearest(idle, visible)}. {contents(visible)}")
        raise ConfigError(f"{where}: vault.exclude {_globs(config.vault.exclude)} leaves out "
                          f"every note that vault.include takes. {contents(visible)}")
    for glob in idle:
        report.warning(config_label(config, vault), None, "config.include",
                       f"vault.include: {glob!r} matches no note{_nearest([glob], visible)} "
                       f"(the other globs take {len(files.notes)} of the vault's {len(visible)})")


def contents(paths: list[str]) -> str:
    """``"The vault's 77 notes are in Notes/ (60), Navigation/ (12) and at its top (5)."``"""
    folders = Counter(p.split("/", 1)[0] + "/" if "/" in p else "" for p in paths)
    top = folders.pop("", 0)
    parts = [f"{name} ({n})" for name, n in folders.most_common(SHOWN_FOLDERS)]
    if len(folders) > SHOWN_FOLDERS:
        parts.append(f"{len(folders) - SHOWN_FOLDERS} more folders")
    if top:
        names = [p for p in paths if "/" not in p]
        parts.append(f"at its top ({top}: {', '.join(names[:3])}{', …' if top > 3 else ''})")
    listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    if len(paths) == 1:
        return f"The vault's one note is {paths[0]}."
    return f"The vault's {len(paths)} notes are in {listed}."


def _nearest(globs: list[str], paths: list[str]) -> str:
    """``; did you mean "Navigation/**"?`` for a glob whose folder is a near miss."""
    folders = sorted({p.split("/", 1)[0] for p in paths if "/" in p})
    for glob in globs:
        head = glob.strip().lstrip("./").split("/", 1)
        if len(head) == 2 and head[0] and not any(c in head[0] for c in "*?["):
            close = difflib.get_close_matches(head[0], folders, n=1, cutoff=0.6)
            if close:
                return f" (did you mean {close[0] + '/' + head[1]!r}?)"
    return ""


def _globs(globs: tuple[str, ...]) -> str:
    return "[" + ", ".join(repr(g) for g in globs) + "]"

"""When each note was first added and last changed, from the vault's git history.

One ``git log`` for the whole vault (never one per file), renames followed: the
log is read from the newest commit to the oldest, carrying each file's history
back through its renames to the commit that added it. Dates are author dates
(when the text was written; a rebase changes only committer dates).

Anything that goes wrong (no git, not a work tree, no commits, a git error) gives
an empty history, and the dates come from the next source.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..report import Report

GIT_TIMEOUT = 120  # seconds; a huge history is still better than none
COMMIT_MARK = "\x01"
GIT_PLACE = ".git"  # where git's diagnostics point: the history, not one note


@dataclass(frozen=True)
class GitDates:
    first: datetime  # author date of its first commit at this path (renames followed)
    last: datetime  # author date of the last commit that changed it
    first_path: str  # the vault path under which it was added


def git_history(root: Path, report: Report) -> dict[str, GitDates]:
    """Vault path (today's) → GitDates; {} when the vault is not in a git work tree."""
    if shutil.which("git") is None:
        if _looks_versioned(root):
            report.warning(GIT_PLACE, None, "git.missing",
                           "the vault is in a git repository but git is not installed; "
                           "dates come from the files' modification times")
        return {}
    probe = _git(root, "rev-parse", "--is-inside-work-tree", "--is-shallow-repository")
    if probe is None or probe.returncode != 0:
        if _looks_versioned(root):
            why = _first_line(probe.stderr) if probe is not None else "git did not run"
            report.warning(GIT_PLACE, None, "git.error",
                           f"git cannot read the vault's history ({why}); "
                           "dates come from the files' modification times")
        return {}
    answers = probe.stdout.split()
    if not answers or answers[0] != "true":
        return {}
    if len(answers) > 1 and answers[1] == "true":
        report.warning(GIT_PLACE, None, "git.shallow",
                       "the vault's git history is a shallow clone: the dates it gives are wrong "
                       "(fetch the whole history: git fetch --unshallow)")
    log = _git(root, "log", "-z", "-M", "--name-status", "--relative", "--no-color",
               f"--format={COMMIT_MARK}%H %aI", "--", ".")
    if log is None or log.returncode != 0:
        stderr = log.stderr if log is not None else "git did not answer in time"
        if "does not have any commits" not in stderr:
            report.warning(GIT_PLACE, None, "git.error",
                           f"git log failed ({_first_line(stderr)}); "
                           "dates come from the files' modification times")
        return {}
    return parse_log(log.stdout)


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str] | None:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    try:
        return subprocess.run(
            ["git", "-c", "core.quotepath=off", "-c", "log.showSignature=false", *args],
            cwd=root, env=env, capture_output=True, timeout=GIT_TIMEOUT,
            encoding="utf-8", errors="surrogateescape",
        )
    except (OSError, subprocess.SubprocessError):
        return None


def _looks_versioned(root: Path) -> bool:
    return any((folder / ".git").exists() for folder in [root.absolute(), *root.absolute().parents])


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or ["no message"])[0]


_DEAD = ""  # a name whose older history belongs to a file that no longer exists


def parse_log(output: str) -> dict[str, GitDates]:
    """Read ``git log -z --name-status --format=\x01%H %aI``, newest commit first.

    ``owner`` maps a name, as it was after the commit being read, to the path the
    file has today. A commit's changes are first credited with the names as they
    were after it, then the names are carried back to before it: a rename points
    the old name at the same file; a rename into a name ends the file's past under
    that name. An addition does not: a note deleted and added again (a vault backup, a
    move out of the vault and back) first appeared when it first appeared at that path,
    unless what was there before it moved on under another name that still exists.
    """
    first: dict[str, datetime] = {}
    last: dict[str, datetime] = {}
    first_path: dict[str, str] = {}
    owner: dict[str, str] = {}

    for when, changes in _commits(output):
        renamed: dict[str, str] = {}
        kept: dict[str, str] = {}
        ended: list[str] = []
        for status, old, new in changes:
            current = owner.get(new, new)
            if current != _DEAD and status != "D":
                last.setdefault(current, when)
                first[current] = when
                first_path[current] = old if status == "R" else new
            if status == "R" and current != _DEAD:
                renamed[old] = current
            if status == "R" or (status == "A" and current == _DEAD):
                ended.append(new)  # before this commit, another file had this name, or none
            elif status == "A":
                kept[new] = current  # what was here before, if anything, was this note
            elif status == "D" and new not in owner:
                ended.append(new)  # deleted and never back: its past belongs to no one
        for name in ended:
            owner[name] = _DEAD
        owner.update(kept)
        owner.update(renamed)  # a file that moved away keeps its past, not its successor
    return {
        path: GitDates(first=first[path], last=last[path], first_path=first_path[path])
        for path in sorted(first)
    }


def _commits(output: str):
    """(author date, [(status letter, old name, new name)]) for each commit of the log."""
    for chunk in output.split(COMMIT_MARK):
        header, _, body = chunk.partition("\0")
        fields = header.split(" ", 1)
        if len(fields) != 2:
            continue
        try:
            when = datetime.fromisoformat(fields[1].strip())
        except ValueError:
            continue
        tokens = [_nfc(t) for t in body.lstrip("\n").split("\0")]
        changes = []
        i = 0
        while i < len(tokens):
            status = tokens[i][:1]
            if not status:
                i += 1
            elif status in "RC":
                if i + 2 < len(tokens) and tokens[i + 1] and tokens[i + 2]:
                    # a copy leaves the old file in place: the new one starts here
                    changes.append(("R", tokens[i + 1], tokens[i + 2]) if status == "R"
                                   else ("A", tokens[i + 2], tokens[i + 2]))
                i += 3
            else:
                if i + 1 < len(tokens) and tokens[i + 1]:
                    name = tokens[i + 1]
                    changes.append(("A" if status == "A" else "D" if status == "D" else "M",
                                    name, name))
                i += 2
        yield when, changes


def _nfc(name: str) -> str:
    if any("\udc80" <= c <= "\udcff" for c in name):  # not UTF-8: keep git's bytes readable
        name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return unicodedata.normalize("NFC", name)

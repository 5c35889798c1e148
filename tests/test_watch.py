"""xtdpublish watch: builds, builds again after a saved change, stops cleanly on Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from watchfiles import Change

from xtdpublish.progress import QUIET
from xtdpublish.watch import VaultFilter, watch

XTD = [sys.executable, "-m", "xtdpublish"]
WAIT = 20  # seconds: a bounded wait for a rebuild


def wait_for(predicate, timeout: float = WAIT, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s: {what}")


def titles(out: Path) -> list[str] | None:
    try:
        return [n["title"] for n in json.loads((out / "model.json").read_text("utf-8"))["notes"]]
    except (OSError, ValueError, KeyError):
        return None


def test_watch_rebuilds_after_a_saved_change_and_exits_0_on_ctrl_c(make_vault, tmp_path):
    vault = make_vault({"a.md": "# First title\n\ntext\n", "b.md": "# Other\n",  # titled by
                        "xtdpublish.toml": '[vault]\ntitles = "eleventy"\n'})  # their headings
    out = vault / "build"  # inside the vault: its own writes must not trigger rebuilds
    process = subprocess.Popen(
        [*XTD, "watch", "--vault", str(vault), "--out", str(out), "--format", "model"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")),
                              daemon=True)
    reader.start()

    def builds() -> int:
        return sum(line.startswith("Built 1 output from 2 notes") for line in list(lines))

    try:
        wait_for(lambda: any(line.startswith("Watching") for line in list(lines)),
                 what="the first build and the watcher")
        assert titles(out) == ["First title", "Other"]
        time.sleep(1)  # the watcher starts right after saying so
        (vault / "a.md").write_text("# Second title\n\ntext\n", encoding="utf-8")
        wait_for(lambda: titles(out) == ["Second title", "Other"], what="the rebuild")
        (vault / "a.md").write_text("# Third [[Nowhere]]\n", encoding="utf-8")
        wait_for(lambda: titles(out) == ["Third Nowhere", "Other"] and builds() >= 3,
                 what="a second rebuild")
        settled = builds()
        time.sleep(2)  # nothing changes now: writing the outputs must not start another build
        assert builds() == settled
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=WAIT)
        reader.join(WAIT)
        stderr = process.stderr.read()
    stdout = "".join(lines)
    assert process.returncode == 0, stderr[-2000:]
    assert "Traceback" not in stderr
    assert stdout.count("Changed: a.md;") >= 2, stdout
    assert stdout.rstrip().endswith("Stopped watching.")
    # the problems of the last build are shown
    assert "a.md:1: warning: link [[Nowhere]] has no target [link.dangling]" in stderr


def test_a_broken_config_is_reported_and_the_watch_goes_on(make_vault, tmp_path, capsys):
    titled = "[vault]\ntitles = 'eleventy'\n"  # notes titled by their headings
    vault = make_vault({"a.md": "# A\n", "xtdpublish.toml": "[site]\ntitle = 'A'\n" + titled})
    out = tmp_path / "out"
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(vault, None, out, ["model"], QUIET, stop),
                              kwargs={"debounce_ms": 100}, daemon=True)
    thread.start()
    try:
        wait_for(lambda: titles(out) == ["A"], what="the first build")
        time.sleep(1)
        (vault / "xtdpublish.toml").write_text("[site]\ntitel = 'A'\n", encoding="utf-8")
        wait_for(lambda: "site.titel: unknown key" in capsys.readouterr().err,
                 what="the config error")
        (vault / "xtdpublish.toml").write_text("[site]\ntitle = 'A'\n" + titled, encoding="utf-8")
        (vault / "a.md").write_text("# B\n", encoding="utf-8")
        wait_for(lambda: titles(out) == ["B"], what="the build after the fix")
    finally:
        stop.set()
        thread.join(WAIT)
    assert not thread.is_alive()


@pytest.mark.parametrize("relative, rebuild", [
    ("Notes/a.md", True),
    ("xtdpublish.toml", True),
    ("images/logo.png", True),
    ("build/model.json", False),  # the output folder, inside the vault here
    ("build/.model.json.x.tmp", False),
    (".obsidian/workspace.json", False),
    (".git/index", False),
    ("Notes/.a.md.swp", False),
    ("Notes/a.md~", False),
    ("Notes/4913", False),
    ("Notes/.#a.md", False),
    ("Notes/.DS_Store", False),
    ("__pycache__/x.pyc", False),  # watchfiles' own defaults still apply
])
def test_the_filter_ignores_outputs_dot_folders_and_editors_temporary_files(tmp_path, relative,
                                                                             rebuild):
    vault = tmp_path / "vault"
    vault.mkdir()
    check = VaultFilter(vault, vault / "build")
    assert check(Change.modified, str(vault / relative)) is rebuild

"""Worker processes start the safe way: fork only while one thread runs, spawn and forkserver
give the very bytes fork does, and a build with no worker at all says so under --verbose."""

from __future__ import annotations

import io
import os
import threading

import pytest

from xtdpublish import workers
from xtdpublish.build import build
from xtdpublish.cli import main
from xtdpublish.config import load_config
from xtdpublish.progress import Progress
from xtdpublish.vault import parallel, reader
from xtdpublish.vault.parallel import map_shared

NOTES = 24
FORMATS = ["model", "pdf", "json"]


def pid_of(item: str) -> tuple[str, int]:
    return item, os.getpid()


@pytest.fixture
def vault(make_vault):
    notes = {f"Note {n}.md": f"---\ntags: [ressource]\ndate: 2024-01-{1 + n:02d}\n---\n"
             f"# Note {n}\n\nSee [[Note {(n + 1) % NOTES}]] and [[Nowhere]].\n\n"
             + "Du texte. " * (20 * n) + "\n" for n in range(NOTES)}
    notes["xtdpublish.toml"] = '[site]\ntitle = "W"\nlanguage = "fr"\nbase_url = "https://example.org"\n'
    return make_vault(notes)


def shared(monkeypatch) -> None:
    """Reading and parsing shared with a worker, even for this small vault."""
    monkeypatch.setattr(parallel, "_cpus", lambda: 2)
    monkeypatch.setattr(parallel, "MIN_SHARE", 5)
    monkeypatch.setattr(reader, "READ_SHARE", 5)


def outputs(vault, out) -> tuple[dict[str, bytes], list[str]]:
    result = build(vault, load_config(vault), out, FORMATS, force=True)
    files = {p.name: p.read_bytes() for paths in result.written.values() for p in paths}
    return files, [d.message for d in result.report.sorted() if d.code == "build.workers"]


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_every_start_method_gives_the_bytes_fork_gives(method, vault, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    shared(monkeypatch)
    monkeypatch.setenv("XTDPUBLISH_WORKERS", "fork")
    forked, told = outputs(vault, tmp_path / "fork")
    assert told == []
    monkeypatch.setenv("XTDPUBLISH_WORKERS", method)
    assert workers.start_method() == method
    started = []
    real = workers._start_one
    monkeypatch.setattr(workers, "_start_one", lambda *a: started.append(a[1]) or real(*a))
    other, told = outputs(vault, tmp_path / method)
    assert told == []  # every worker started: none of their shares fell back to this process
    assert started == [method] * 3  # reading, parsing, the PDF
    assert other == forked
    assert set(other) == {"model.json", "guide.pdf", "feed.json"}


def test_map_shared_on_spawned_workers_keeps_the_order(monkeypatch):
    monkeypatch.setenv("XTDPUBLISH_WORKERS", "spawn")
    monkeypatch.setattr(parallel, "_cpus", lambda: 3)
    items = [f"item {n}" for n in range(30)]
    results = map_shared(pid_of, items, len, min_share=5)
    assert [item for item, _ in results] == items
    assert len({pid for _, pid in results}) == 3 and results[0][1] == os.getpid()


def test_what_cannot_be_pickled_for_a_spawned_worker_is_done_here_and_said(monkeypatch):
    monkeypatch.setenv("XTDPUBLISH_WORKERS", "spawn")
    monkeypatch.setattr(parallel, "_cpus", lambda: 2)
    from xtdpublish.report import Report

    report = Report()
    results = map_shared(lambda s: (s, os.getpid()), ["a", "b", "c", "d"], len, min_share=2,
                         report=report)
    assert results == [(s, os.getpid()) for s in "abcd"]
    [told] = report.diagnostics
    assert told.code == "build.workers" and "could not start (spawn)" in told.message


def test_no_fork_while_another_thread_runs(monkeypatch):
    monkeypatch.delenv("XTDPUBLISH_WORKERS", raising=False)
    if not os.path.isdir("/proc/self/task"):
        pytest.skip("counts threads in /proc")
    assert workers.start_method() == "fork"
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert workers.start_method() == "forkserver"
    finally:
        stop.set()
        thread.join()


def test_the_progress_ticker_stops_while_workers_start(monkeypatch):
    """On a terminal the ticker redraws the line from a thread; it is stopped around each
    start, so the worker is forked from a process running one thread, then it goes on."""
    if not os.path.isdir("/proc/self/task"):
        pytest.skip("counts threads in /proc")
    monkeypatch.delenv("XTDPUBLISH_WORKERS", raising=False)
    if workers._threads() != 1:  # fork is chosen only while one thread runs
        pytest.skip(f"{workers._threads()} threads run in this test process already")
    progress = Progress(err=io.StringIO(), out=io.StringIO(), live=True, color=False)
    progress.rendering("pdf")
    assert progress._ticker is not None and workers._threads() == 2
    seen = []
    real = workers._start_one
    monkeypatch.setattr(workers, "_start_one",
                        lambda *a: seen.append((a[1], workers._threads())) or real(*a))
    try:
        [worker] = workers.start([(pid_of, ("x",))])
        assert worker.result() == ("x", worker.pid)
        assert seen == [("fork", 1)]
        assert progress._ticker is not None and progress._ticker.is_alive()  # drawing again
    finally:
        progress.close()
    assert workers._PAUSERS == []


def test_without_workers_the_build_says_so_under_verbose(vault, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XTDPUBLISH_WORKERS", "off")
    shared(monkeypatch)
    args = ["build", "--vault", str(vault), "--out", str(tmp_path / "o"), "--format",
            ",".join(FORMATS), "--force"]
    assert main(args) == 0
    assert "build.workers" not in capsys.readouterr().err
    assert main([*args, "--verbose"]) == 0
    told = [line for line in capsys.readouterr().err.splitlines() if "[build.workers]" in line]
    assert len(told) == 3, told  # reading, parsing, the PDF
    assert all(line.startswith("build: info: workers are turned off (XTDPUBLISH_WORKERS); ")
               for line in told)
    assert any("notes read in the build's own process" in line for line in told)
    assert any("notes parsed in the build's own process" in line for line in told)
    assert any("the PDF is laid out in the build's own process" in line for line in told)

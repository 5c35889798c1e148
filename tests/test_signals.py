"""Ctrl-C and SIGTERM at each step of a real build: one line, exit 130 or 143, no traceback,
no process left, every output whole, no temporary file; and a worker never outlives its build.

Each build runs the command line (tests/slow_steps.py) with one step held open, so the
signal lands in that step, not before or after it: while notes are parsed, while guide.pdf
is written by its worker process, while guide.epub and feed.json are written.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
OUTPUTS = ("model.json", "guide.pdf", "guide.epub", "feed.json", "rss.xml", "atom.xml")
ENV = {"SOURCE_DATE_EPOCH": "1700000000", "PYTHONPATH": str(TESTS), "CI": "true"}
NOTE = "---\ntags: [ressource]\ndate: 2024-0{m}-0{d}\n---\n# Note {n}\n\nSee [[Note {o}]].\n\n{text}\n"


@pytest.fixture(scope="module")
def vault(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("signals") / "vault"
    root.mkdir()
    (root / "xtdpublish.toml").write_text(
        '[site]\ntitle = "Signaux"\nlanguage = "fr"\nbase_url = "https://example.org"\n',
        encoding="utf-8")
    for n in range(12):
        (root / f"Note {n}.md").write_text(NOTE.format(
            n=n, o=(n + 1) % 12, m=1 + n % 9, d=1 + n % 7, text="Du texte. " * 80), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def previous(vault, tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """An output folder holding a whole build, and its bytes."""
    out = tmp_path_factory.mktemp("signals-out") / "out"
    done = subprocess.run([sys.executable, "-m", "xtdpublish", "build", "--vault", str(vault),
                           "--out", str(out)], capture_output=True, text=True, timeout=600,
                          env={**os.environ, **ENV})
    assert done.returncode == 0, done.stderr
    return out, snapshot(out)


def snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def temporaries(out: Path) -> list[str]:
    return sorted(p.name for p in out.rglob("*") if p.name.endswith(".tmp"))


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (the build's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; its new parent reaps it when it will


def held_build(vault: Path, out: Path, step: str, formats: str, marker: Path) -> subprocess.Popen:
    """A build started and waited on until it holds ``step`` open."""
    process = subprocess.Popen(
        [sys.executable, "-c", "import slow_steps; slow_steps.main()", "build", "--vault",
         str(vault), "--out", str(out), "--format", formats, "--force"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **ENV, "XTD_SLOW_STEP": step, "XTD_SLOW_MARKER": str(marker)},
    )
    deadline = time.monotonic() + 300
    while not marker.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"the build never reached {step}: {process.communicate()}")
        time.sleep(0.05)
    return process


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


@needs_proc
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("step, formats", [
    ("read", "model"),
    ("guide.pdf", "model,pdf,json"),  # the PDF in its worker process, beside the rest
    ("guide.pdf", "pdf"),  # the PDF alone, in the build's own process
    ("guide.epub", "epub,pdf"),
    ("feed.json", "json,rss,pdf"),
], ids=["reading", "pdf-worker", "pdf-alone", "epub", "feeds"])
def test_a_signal_at_each_step_stops_the_build_cleanly(vault, previous, tmp_path, step, formats,
                                                        signum):
    out, before = previous
    marker = tmp_path / "arrived"
    process = held_build(vault, out, step, formats, marker)
    workers = children(process.pid)
    if formats != "pdf" and "pdf" in formats:
        assert workers, "the PDF is laid out in a worker process"
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signum, stderr
    assert "Traceback" not in stderr + stdout
    name = "Ctrl-C" if signum == signal.SIGINT else "SIGTERM"
    assert stderr.strip().splitlines()[-1] == (
        f"xtdpublish: stopped ({name}): every output is whole, as this build wrote it or as "
        "the last build left it")
    deadline = time.monotonic() + 10
    while any(map(running, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if running(pid)], "a worker outlived its build"
    assert temporaries(out) == []
    assert snapshot(out) == before  # the same bytes: old, or rewritten whole from the same notes


@needs_proc
def test_a_worker_whose_build_is_killed_dies_and_never_writes_the_pdf(vault, previous, tmp_path):
    """SIGKILL to the build alone (no handler runs): the kernel ends its PDF worker
    (PR_SET_PDEATHSIG), which never moves its file into place; the next build removes the
    temporary file the killed worker left."""
    out, before = previous
    (out / "guide.pdf").write_bytes(b"the previous PDF")
    marker = tmp_path / "arrived"
    process = held_build(vault, out, "guide.pdf", "model,pdf", marker)
    worker = int(marker.read_text())
    assert worker != process.pid and worker in children(process.pid)
    process.kill()
    process.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while running(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not running(worker)
    time.sleep(1)
    assert (out / "guide.pdf").read_bytes() == b"the previous PDF"
    left = temporaries(out)  # killed outright, in the middle of writing: nobody could clean up
    assert left and all(f".{worker}-" in name for name in left), left
    again = subprocess.run([sys.executable, "-m", "xtdpublish", "build", "--vault", str(vault),
                            "--out", str(out), "--format", "model,pdf", "--force"],
                           capture_output=True, text=True, timeout=600, env={**os.environ, **ENV})
    assert again.returncode == 0, again.stderr
    assert temporaries(out) == []
    assert (out / "guide.pdf").read_bytes() == before["guide.pdf"]

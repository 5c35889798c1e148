"""Reading and parsing on two cores give the very bytes one core does, and a lost worker loses no note."""

from __future__ import annotations

import json
import os

import pytest

from xtdpublish.build import build
from xtdpublish.config import load_config
from xtdpublish.vault import parallel, reader
from xtdpublish.vault.parallel import _shares, map_shared

NOTES = 40


def note(n: int) -> str:
    """Notes with something of everything the parse reports or records."""
    return (
        f"---\ntags: t{n % 3}\n" + ("date: 2022mai40\n" if n % 4 == 0 else "") + f"---\n# Note {n}\n\n"
        f"See [[Note {(n + 1) % NOTES}]] and [[Nowhere {n}]], ![[missing-{n}.png]].\n\n"
        f"## Part {n}\n\nText ^block-{n}\n\n"
        + ("<script>alert(1)</script>\n\n" if n % 5 == 0 else "")
        + "Sentence. " * (n * 7)  # shares of unequal notes
        + "\n"
    )


@pytest.fixture
def vault(make_vault):
    root = make_vault({f"Note {n}.md": note(n) for n in range(NOTES)})
    for n in range(NOTES):
        os.utime(root / f"Note {n}.md", (1_600_000_000, 1_600_000_000))  # dates from the file
    return root


@pytest.fixture
def parsers(tmp_path, monkeypatch):
    """The pid of the process that parsed each note, one line per parse."""
    log = tmp_path / "parsed-by.txt"
    real = reader.parse_markdown

    def parse_markdown(*args):
        with log.open("a", encoding="utf-8") as f:
            f.write(f"{os.getpid()} {args[3]}\n")
        return real(*args)

    monkeypatch.setattr(reader, "parse_markdown", parse_markdown)
    return log


def built(vault, out) -> dict[str, bytes]:
    result = build(vault, load_config(vault), out, ["model"], force=True)
    assert result.exit_code() in (0, 1)
    return {name: (out / name).read_bytes()
            for name in ("model.json", "report.json", ".cache/notes.json")}


def serial(monkeypatch) -> None:
    monkeypatch.setattr(parallel, "_cpus", lambda: 1)


def two_cores(monkeypatch) -> None:
    monkeypatch.setattr(parallel, "_cpus", lambda: 2)
    monkeypatch.setattr(parallel, "MIN_SHARE", 10)
    monkeypatch.setattr(reader, "READ_SHARE", 10)


@pytest.fixture
def readers(tmp_path, monkeypatch):
    """The pid of the process that read each note's file, one line per note."""
    log = tmp_path / "read-by.txt"
    real = reader.read_note

    def read_note(file, *args):
        with log.open("a", encoding="utf-8") as f:
            f.write(f"{os.getpid()} {file.path}\n")
        return real(file, *args)

    monkeypatch.setattr(reader, "read_note", read_note)
    return log


def pids(log) -> dict[str, set[str]]:
    by_pid: dict[str, set[str]] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        pid, path = line.split(" ", 1)
        by_pid.setdefault(pid, set()).add(path)
    return by_pid


def test_two_cores_write_the_same_bytes_as_one(vault, tmp_path, monkeypatch, parsers, readers):
    serial(monkeypatch)
    one = built(vault, tmp_path / "one")
    assert list(pids(parsers)) == [str(os.getpid())] == list(pids(readers))
    parsers.unlink()
    readers.unlink()
    two_cores(monkeypatch)
    two = built(vault, tmp_path / "two")
    assert two == one
    # the files were read in two processes too, each once (their diagnostics in the notes' order)
    assert len(pids(readers)) == 2 and len(readers.read_text(encoding="utf-8").splitlines()) == NOTES
    # the work was shared: a worker parsed some notes, this process the others, each once
    shares = pids(parsers)
    assert len(shares) == 2 and str(os.getpid()) in shares
    assert all(len(share) >= NOTES // 4 for share in shares.values())
    assert sorted(p for share in shares.values() for p in share) == sorted(
        f"Note {n}.md" for n in range(NOTES))
    assert len(parsers.read_text(encoding="utf-8").splitlines()) == NOTES
    assert b"link.dangling" in one["report.json"] and b"html.unsafe" in one["report.json"]
    assert b'"date.' in one["report.json"]  # reported while reading, in the worker for its share


def test_cached_and_edited_notes_mixed_give_the_same_bytes(vault, tmp_path, monkeypatch):
    outs = {}
    for name, cores in (("one", serial), ("two", two_cores)):
        cores(monkeypatch)
        out = tmp_path / name
        built(vault, out)
        for n in range(0, NOTES, 2):
            edited = vault / f"Note {n}.md"
            edited.write_text(note(n) + f"Edited [[Else {n}]].\n", encoding="utf-8")
            os.utime(edited, (1_700_000_000, 1_700_000_000))  # dates from the file's time
        build(vault, load_config(vault), out, ["model"])
        outs[name] = {f: (out / f).read_bytes() for f in ("model.json", ".cache/notes.json")}
        for n in range(0, NOTES, 2):
            (vault / f"Note {n}.md").write_text(note(n), encoding="utf-8")
            os.utime(vault / f"Note {n}.md", (1_600_000_000, 1_600_000_000))
    assert outs["one"] == outs["two"]
    assert b"Else 0" in outs["two"]["model.json"]


@pytest.mark.parametrize("failure", ["raises", "dies", "cannot fork"])
def test_a_failed_worker_loses_no_note(failure, vault, tmp_path, monkeypatch, parsers):
    serial(monkeypatch)
    expected = built(vault, tmp_path / "one")
    parent = os.getpid()
    real = reader.parse_markdown  # the logging one: its lines show who parsed what

    def parse_markdown(*args):
        if os.getpid() != parent:
            if failure == "dies":
                os._exit(3)
            raise RuntimeError("the worker's bug")
        return real(*args)

    def fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(reader, "parse_markdown", parse_markdown)
    if failure == "cannot fork":
        monkeypatch.setattr(os, "fork", fork)
    parsers.unlink()
    two_cores(monkeypatch)
    two = built(vault, tmp_path / "two")
    report = json.loads(two.pop("report.json"))
    told = [d for d in report["diagnostics"] if d["code"] == "build.workers"]
    report["diagnostics"] = [d for d in report["diagnostics"] if d not in told]
    assert two == {k: v for k, v in expected.items() if k != "report.json"}
    assert report == json.loads(expected["report.json"])
    # a worker that could not start or died is said (--verbose), one that raised is its bug
    said = {"raises": [], "dies": ["parsed"], "cannot fork": ["read", "parsed"]}[failure]
    assert [d["severity"] for d in told] == ["info"] * len(said)
    for diagnostic, done in zip(sorted(told, key=lambda d: "parsed" in d["message"]), said):
        assert f"notes {done} in the build's own process" in diagnostic["message"]
    # every note was parsed here in the end, the worker's share after it failed
    assert pids(parsers) == {str(parent): {f"Note {n}.md" for n in range(NOTES)}}


def test_a_small_vault_is_parsed_without_a_fork(sample_vault, tmp_path, monkeypatch, parsers):
    monkeypatch.setattr(parallel, "_cpus", lambda: 2)
    built(sample_vault, tmp_path / "out")
    assert list(pids(parsers)) == [str(os.getpid())]


def test_shares_are_runs_of_about_equal_size():
    items = list(range(1, 101))
    shares = _shares(items, lambda n: n, 2)
    assert shares[0] + shares[1] == items
    assert abs(sum(shares[0]) - sum(shares[1])) <= 100
    assert [len(share) for share in _shares(items, lambda n: 0, 3)] == [34, 33, 33]


def test_map_shared_keeps_the_items_order(monkeypatch):
    monkeypatch.setattr(parallel, "_cpus", lambda: 3)
    items = [f"item {n}" for n in range(50)]
    results = map_shared(lambda s: (s, os.getpid()), items, len, min_share=5)
    assert [item for item, _ in results] == items
    # this process and the workers (one of them may have taken both of their shares)
    assert len({pid for _, pid in results}) >= 2
    assert results[0][1] == os.getpid()

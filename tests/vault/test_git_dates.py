"""git_history: first/last commit per note, renames followed, one git call, safe fallbacks."""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from datetime import datetime, timedelta, timezone

import pytest

from xtdpublish.report import Report
from xtdpublish.vault import git as git_module
from xtdpublish.vault.git import GitDates, git_history, parse_log

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

UTC = timezone.utc


def run_git(repo, *args, when=None):
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    if when:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
                    "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
                   cwd=repo, env=env, check=True, capture_output=True)


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path):
    """A work tree whose vault is the subfolder ``site/vault``, with a dated history."""
    top = tmp_path / "repo"
    vault = top / "site" / "vault"
    top.mkdir()
    run_git(top, "init", "-q")
    write(vault / "Notes" / "Stratégie.md", "# Stratégie\n\nfirst version\n")
    write(vault / "Notes" / "Ancien nom.md", "# A note that will be renamed\n" + "text\n" * 20)
    write(vault / "gone.md", "deleted later\n")
    write(top / "README.md", "outside the vault\n")
    run_git(top, "add", "-A")
    run_git(top, "commit", "-q", "-m", "one", when="2020-01-15T10:00:00+01:00")

    write(vault / "Notes" / "Stratégie.md", "# Stratégie\n\nsecond version\n")
    run_git(top, "rm", "-q", str(vault / "gone.md"))
    write(top / "README.md", "changed, outside the vault\n")
    run_git(top, "add", "-A")
    run_git(top, "commit", "-q", "-m", "two", when="2021-03-01T12:00:00Z")

    run_git(top, "mv", str(vault / "Notes" / "Ancien nom.md"), str(vault / "Notes" / "Nouveau nom.md"))
    write(vault / "Brand new.md", "# New\n")
    run_git(top, "add", "-A")
    run_git(top, "commit", "-q", "-m", "three: rename", when="2022-06-01T09:00:00+02:00")

    write(vault / "Notes" / "Nouveau nom.md", "# A note that was renamed\n" + "text\n" * 20)
    run_git(top, "commit", "-q", "-am", "four", when="2023-02-02T08:00:00Z")
    write(vault / "gone.md", "a new file under an old name\n")
    run_git(top, "add", "-A")
    run_git(top, "commit", "-q", "-m", "five", when="2024-01-01T00:00:00Z")
    return top


def at(text):
    return datetime.fromisoformat(text)


def test_first_last_and_renames_in_a_subfolder_vault(repo):
    report = Report()
    history = git_history(repo / "site" / "vault", report)
    assert report.diagnostics == []
    assert set(history) == {"Notes/Stratégie.md", "Notes/Nouveau nom.md", "Brand new.md", "gone.md"}
    assert history["Notes/Stratégie.md"] == GitDates(
        first=at("2020-01-15T10:00:00+01:00"), last=at("2021-03-01T12:00:00+00:00"),
        first_path="Notes/Stratégie.md")
    assert history["Notes/Nouveau nom.md"] == GitDates(
        first=at("2020-01-15T10:00:00+01:00"), last=at("2023-02-02T08:00:00+00:00"),
        first_path="Notes/Ancien nom.md")
    assert history["Brand new.md"].first == history["Brand new.md"].last == at("2022-06-01T09:00:00+02:00")
    # deleted, then added again under the same name: dated by its first appearance there
    assert history["gone.md"] == GitDates(
        first=at("2020-01-15T10:00:00+01:00"), last=at("2024-01-01T00:00:00+00:00"),
        first_path="gone.md")
    for dates in history.values():
        assert dates.first.tzinfo is not None and dates.first <= dates.last


def test_vault_at_the_top_of_the_work_tree(repo):
    history = git_history(repo, Report())
    assert history["site/vault/Notes/Nouveau nom.md"].first_path == "site/vault/Notes/Ancien nom.md"
    assert "README.md" in history


def test_one_git_log_for_the_whole_vault(repo, monkeypatch):
    calls = []
    real_run = subprocess.run

    def counting_run(args, **kwargs):
        calls.append(args)
        return real_run(args, **kwargs)

    monkeypatch.setattr(git_module.subprocess, "run", counting_run)
    git_history(repo / "site" / "vault", Report())
    assert len(calls) == 2  # rev-parse (work tree? shallow?) and one log
    assert "log" in calls[1] and "-z" in calls[1] and "core.quotepath=off" in calls[1]


def test_accented_names_committed_as_nfd_are_nfc_keys(tmp_path):
    top = tmp_path / "nfd"
    top.mkdir()
    run_git(top, "init", "-q")
    name = unicodedata.normalize("NFD", "Été.md")
    write(top / name, "x")
    run_git(top, "add", "-A")
    run_git(top, "commit", "-q", "-m", "nfd", when="2020-01-01T00:00:00Z")
    assert list(git_history(top, Report())) == ["Été.md"]


def test_shallow_clone_is_warned_about_once(repo, tmp_path):
    clone = tmp_path / "clone"
    run_git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    report = Report()
    history = git_history(clone / "site" / "vault", report)
    assert [(d.severity.value, d.code) for d in report.diagnostics] == [("warning", "git.shallow")]
    assert "shallow" in report.diagnostics[0].message
    assert history  # still the best dates there are, but flagged


def test_not_a_work_tree_gives_nothing_silently(tmp_path):
    (tmp_path / "plain").mkdir()
    report = Report()
    assert git_history(tmp_path / "plain", report) == {}
    assert report.diagnostics == []


def test_repository_without_commits(tmp_path):
    top = tmp_path / "empty"
    top.mkdir()
    run_git(top, "init", "-q")
    report = Report()
    assert git_history(top, report) == {}
    assert report.diagnostics == []


def test_no_git_binary_falls_back(repo, monkeypatch):
    monkeypatch.setattr(git_module.shutil, "which", lambda name: None)
    report = Report()
    assert git_history(repo / "site" / "vault", report) == {}
    assert [d.code for d in report.diagnostics] == ["git.missing"]


def test_git_failing_falls_back_with_a_warning(repo, monkeypatch):
    real_run = subprocess.run

    def failing_log(args, **kwargs):
        if "log" in args:
            return subprocess.CompletedProcess(args, 128, "", "fatal: bad object HEAD\n")
        return real_run(args, **kwargs)

    monkeypatch.setattr(git_module.subprocess, "run", failing_log)
    report = Report()
    assert git_history(repo / "site" / "vault", report) == {}
    assert [d.code for d in report.diagnostics] == ["git.error"]
    assert "bad object" in report.diagnostics[0].message


def test_git_that_cannot_start_falls_back(repo, monkeypatch):
    def broken(args, **kwargs):
        raise OSError("exec format error")

    monkeypatch.setattr(git_module.subprocess, "run", broken)
    report = Report()
    assert git_history(repo / "site" / "vault", report) == {}
    assert [d.code for d in report.diagnostics] == ["git.error"]


def test_parse_log_follows_rename_chains():
    day = timedelta(days=1)
    t0 = datetime(2020, 1, 1, tzinfo=UTC)
    log = "".join([
        f"\x01c5 {(t0 + 4 * day).isoformat()}\0\nM\0c.md\0",
        f"\x01c4 {(t0 + 3 * day).isoformat()}\0\nR090\0b.md\0c.md\0",
        f"\x01c3 {(t0 + 2 * day).isoformat()}\0\nR100\0a.md\0b.md\0A\0a.md\0",
        f"\x01c2 {(t0 + 1 * day).isoformat()}\0\nM\0a.md\0",
        f"\x01c1 {t0.isoformat()}\0\nA\0a.md\0",
    ])
    history = parse_log(log)
    assert history["c.md"] == GitDates(first=t0, last=t0 + 4 * day, first_path="a.md")
    # a new a.md was added in c3, while the old one moved away
    assert history["a.md"] == GitDates(first=t0 + 2 * day, last=t0 + 2 * day, first_path="a.md")
    assert "b.md" not in history


def test_parse_log_ignores_garbage():
    assert parse_log("") == {}
    assert parse_log("\x01nonsense\0\nM\0") == {}
    assert parse_log("\x01abc not-a-date\0\nM\0a.md\0") == {}


def test_sample_vault_in_git_gets_git_dates(sample_vault):
    from xtdpublish.config import load_config
    from xtdpublish.vault.files import scan_vault
    from xtdpublish.vault.source import read_note

    run_git(sample_vault, "init", "-q")
    run_git(sample_vault, "add", "-A")
    run_git(sample_vault, "commit", "-q", "-m", "import", when="2022-01-10T09:00:00+01:00")
    changed = sample_vault / "Notes" / "Comment élaborer une stratégie numérique.md"
    changed.write_text(changed.read_text("utf-8") + "\nUne ligne de plus.\n", "utf-8")
    run_git(sample_vault, "commit", "-q", "-am", "edit", when="2023-03-03T10:00:00+01:00")

    config = load_config(sample_vault)
    report = Report()
    files = scan_vault(sample_vault, config.vault, report)
    history = git_history(sample_vault, report)
    assert not [d for d in report.diagnostics if d.code.startswith("git.")]
    sources = {f.path: read_note(f, config, history.get(f.path), report) for f in files.notes}
    assert len(sources) > 60
    assert {s.date_source for s in sources.values()} == {"git"}
    imported = at("2022-01-10T09:00:00+01:00")
    assert all(s.published == imported for s in sources.values())
    edited = sources["Notes/Comment élaborer une stratégie numérique.md"]
    assert edited.updated == at("2023-03-03T10:00:00+01:00")


def test_parse_log_dates_a_readded_note_by_its_first_appearance_at_that_path():
    """A vault backup that deleted and re-added notes, a note moved out of the vault and back:
    the publication date is the first time the note appeared at that path."""
    day = timedelta(days=1)
    t0 = datetime(2020, 1, 1, tzinfo=UTC)
    log = "".join([
        f"\x01c7 {(t0 + 6 * day).isoformat()}\0\nA\0back.md\0",
        f"\x01c6 {(t0 + 5 * day).isoformat()}\0\nA\0readded.md\0M\0other.md\0",
        f"\x01c5 {(t0 + 4 * day).isoformat()}\0\nD\0readded.md\0",
        f"\x01c4 {(t0 + 3 * day).isoformat()}\0\nD\0back.md\0D\0gone.md\0",
        f"\x01c3 {(t0 + 2 * day).isoformat()}\0\nM\0readded.md\0A\0gone.md\0",
        f"\x01c2 {(t0 + 1 * day).isoformat()}\0\nA\0back.md\0D\0gone.md\0",
        f"\x01c1 {t0.isoformat()}\0\nA\0readded.md\0A\0other.md\0A\0gone.md\0",
    ])
    history = parse_log(log)
    assert history["readded.md"] == GitDates(first=t0, last=t0 + 5 * day, first_path="readded.md")
    assert history["back.md"] == GitDates(first=t0 + day, last=t0 + 6 * day, first_path="back.md")
    assert history["other.md"].first == t0
    assert "gone.md" not in history  # deleted (twice) and not there today


def test_parse_log_a_name_reused_after_a_rename_starts_afresh():
    """What moved away keeps its own past: the new file under the old name is new."""
    day = timedelta(days=1)
    t0 = datetime(2020, 1, 1, tzinfo=UTC)
    log = "".join([
        f"\x01c3 {(t0 + 2 * day).isoformat()}\0\nA\0a.md\0",
        f"\x01c2 {(t0 + 1 * day).isoformat()}\0\nR100\0a.md\0b.md\0",
        f"\x01c1 {t0.isoformat()}\0\nA\0a.md\0",
    ])
    history = parse_log(log)
    assert history["a.md"].first == t0 + 2 * day
    assert history["b.md"] == GitDates(first=t0, last=t0 + day, first_path="a.md")


def test_a_note_moved_out_of_the_vault_and_back(repo):
    """Out to a folder outside the vault in one commit, back in a later one (a real git log)."""
    vault = repo / "site" / "vault"
    run_git(repo, "mv", str(vault / "Notes" / "Stratégie.md"), str(repo / "Stratégie.md"))
    run_git(repo, "commit", "-q", "-m", "out", when="2024-02-01T00:00:00Z")
    run_git(repo, "mv", str(repo / "Stratégie.md"), str(vault / "Notes" / "Stratégie.md"))
    run_git(repo, "commit", "-q", "-m", "back", when="2024-03-01T00:00:00Z")
    history = git_history(vault, Report())
    assert history["Notes/Stratégie.md"].first == at("2020-01-15T10:00:00+01:00")
    assert history["Notes/Stratégie.md"].last == at("2024-03-01T00:00:00+00:00")

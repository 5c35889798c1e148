"""The feeds of the real MuseumXTD sample in a git repository made here, with dated commits.

"New" means the date a note first appeared in git (the sample's resources have almost no
frontmatter dates), so the newest resources must come first, and renaming a note (a
``git mv`` commit) must keep its item id.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import feedparser
import pytest

from jsonfeed_spec import check_feed
from xtdpublish.config import load_config
from xtdpublish.render.feeds import jsonfeed, rss
from xtdpublish.render.feeds.items import select_notes
from xtdpublish.report import Report

read_vault = pytest.importorskip("xtdpublish.vault.reader").read_vault
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

ZURICH = timezone(timedelta(hours=1))


def git(vault: Path, *args: str, when: datetime | None = None) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when.isoformat()
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false",
                    *args], cwd=vault, env=env, check=True, capture_output=True)


def commit(vault: Path, paths: list[str], message: str, when: datetime) -> None:
    git(vault, "add", "--", *paths)
    git(vault, "commit", "-q", "-m", message, when=when)


def read(vault: Path):
    config = load_config(vault)
    report = Report()
    return read_vault(vault, config, report), config, report


def resources_dated_by_git(vault: Path) -> tuple[list[str], datetime]:
    """Resource notes without a frontmatter date (git will date them), and the newest frontmatter date."""
    model, config, _ = read(vault)
    resources = select_notes(model.notes, config.feeds.tags, len(model.notes))
    undated = sorted(n.path for n in resources if n.date_source != "frontmatter")
    dated = [n.published for n in resources if n.date_source == "frontmatter"]
    return undated, max(dated, default=datetime(2020, 1, 1, tzinfo=timezone.utc))


@pytest.fixture
def dated_sample(sample_vault):
    """The sample in git: everything in a first commit, then three resources added later."""
    undated, newest_frontmatter = resources_dated_by_git(sample_vault)
    assert len(undated) >= 5, "the sample should have resources without frontmatter dates"
    older, newer_a, newer_b = undated[0], undated[1], undated[2]
    later = sorted({older, newer_a, newer_b})
    held_back = {p: (sample_vault / p).read_bytes() for p in later}
    for path in later:
        (sample_vault / path).unlink()
    git(sample_vault, "init", "-q", "-b", "main")
    start = max(newest_frontmatter, datetime(2022, 1, 1, tzinfo=ZURICH)) + timedelta(days=30)
    commit(sample_vault, ["."], "The vault", start.replace(hour=9, minute=0, second=0, microsecond=0))
    dates = {}
    for offset, paths in ((40, [older]), (80, [newer_a, newer_b])):
        when = (start + timedelta(days=offset)).replace(hour=14, minute=30, second=0, microsecond=0)
        for path in paths:
            (sample_vault / path).write_bytes(held_back[path])
            dates[path] = when
        commit(sample_vault, paths, f"Add {len(paths)} resources", when)
    return sample_vault, dates, (older, newer_a, newer_b)


def render_feeds(vault: Path, out: Path):
    model, config, report = read(vault)
    jsonfeed.render(model, config, out, report)
    rss.render_rss(model, config, out, report)
    rss.render_atom(model, config, out, report)
    return model, json.loads((out / "feed.json").read_text(encoding="utf-8"))


def test_the_newest_resources_by_git_date_come_first(dated_sample, tmp_path):
    vault, dates, (older, newer_a, newer_b) = dated_sample
    model, feed = render_feeds(vault, tmp_path / "out")
    by_path = {n.path: n for n in model.notes}
    for path, when in dates.items():
        assert by_path[path].date_source == "git" and by_path[path].published == when
    assert check_feed(feed) == []
    urls = [i["url"] for i in feed["items"]]
    newest = sorted((by_path[newer_a], by_path[newer_b]), key=lambda n: (n.title.casefold(), n.title))
    assert urls[:3] == [model.note_url(n) for n in (*newest, by_path[older])]
    assert len(urls) == 20
    published = [datetime.fromisoformat(i["date_published"]) for i in feed["items"]]
    assert published == sorted(published, reverse=True)
    assert published[0] == dates[newer_a]
    for name in ("rss.xml", "atom.xml"):
        parsed = feedparser.parse((tmp_path / "out" / name).read_bytes())
        assert not parsed.bozo, (name, parsed.get("bozo_exception"))
        assert [e.link for e in parsed.entries] == urls
        assert [e.id for e in parsed.entries] == [i["id"] for i in feed["items"]]


def test_renaming_a_note_with_git_mv_keeps_its_item_id(dated_sample, tmp_path):
    vault, dates, (older, _, _) = dated_sample
    model, before = render_feeds(vault, tmp_path / "before")
    old_note = next(n for n in model.notes if n.path == older)
    old_item = next(i for i in before["items"] if i["url"] == model.note_url(old_note))
    assert old_item["id"].startswith("tag:www.museumxtd.ch,")
    renamed = "Notes/Ressources/" + Path(older).name.replace(".md", " (renommé).md")
    (vault / renamed).parent.mkdir(parents=True, exist_ok=True)
    git(vault, "mv", older, renamed)
    git(vault, "commit", "-q", "-m", "Rename", when=dates[older] + timedelta(days=200))
    model, after = render_feeds(vault, tmp_path / "after")
    new_note = next(n for n in model.notes if n.path == renamed)
    assert new_note.first_path == older and new_note.published == dates[older]
    new_item = next(i for i in after["items"] if i["url"] == model.note_url(new_note))
    assert new_item["url"] != old_item["url"]
    assert new_item["id"] == old_item["id"]
    assert {i["id"] for i in after["items"]} == {i["id"] for i in before["items"]}
    for name in ("rss.xml", "atom.xml"):
        ids = lambda out: [e.id for e in feedparser.parse((out / name).read_bytes()).entries]
        assert ids(tmp_path / "after") == ids(tmp_path / "before")


def test_two_builds_of_the_dated_sample_are_byte_identical(dated_sample, tmp_path):
    vault, _, _ = dated_sample
    render_feeds(vault, tmp_path / "a")
    render_feeds(vault, tmp_path / "b")
    for name in ("feed.json", "rss.xml", "atom.xml"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name

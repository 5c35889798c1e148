"""Embeds that fan out are bounded (issue 15): 736 bytes of notes embedding each other made
160,000 copies (19.4 MiB of EPUB). One note's embeds print at most MAX_EMBEDS notes and
MAX_SIZE characters, in reading order; the reader says where they stop."""

from __future__ import annotations

from pathlib import Path

from xtdpublish.config import load_config
from xtdpublish.render.body import BodyPolicy, anchor_id, render_body
from xtdpublish.report import Report
from xtdpublish.transclusion import MAX_EMBEDS, MAX_SIZE
from xtdpublish.vault.reader import read_vault

BOOK = BodyPolicy(
    note_href=lambda _note, link: "#" + anchor_id(link.target),
    asset_src=lambda link: link.asset,
    frame=lambda element, video: None,
)


def bomb(root: Path, fan: int, depth: int = 4) -> Path:
    """L0 embeds L1 ``fan`` times, L1 embeds L2 ``fan`` times, ... down to L{depth}."""
    root.mkdir(parents=True)
    for level in range(depth + 1):
        embeds = "" if level == depth else "\n\n".join([f"![[L{level + 1}]]"] * fan)
        (root / f"L{level}.md").write_text(f"# L{level}\n\nlevel {level} text\n\n{embeds}\n")
    return root


def read(root: Path):
    report = Report()
    return read_vault(root, load_config(root), report), report


def test_a_few_embeds_are_all_printed_without_a_word(tmp_path):
    model, report = read(bomb(tmp_path / "v", fan=3, depth=3))
    out = render_body(model, model.notes[0], BOOK)
    assert out.count("level 3 text") == 27
    assert [d for d in report.diagnostics if d.code == "embed.too-large"] == []


def test_a_fan_of_embeds_stops_at_the_budget_with_a_warning_naming_the_embed(tmp_path):
    model, report = read(bomb(tmp_path / "v", fan=20))
    root = model.notes[0]
    out = render_body(model, root, BOOK)
    copies = sum(out.count(f"level {n} text") for n in range(1, 5))
    assert copies == MAX_EMBEDS  # 20 + 400 + 8,000 + 160,000 before
    assert len(out) < MAX_SIZE + 200 * MAX_EMBEDS
    assert out.count('href="#n-l1"') + out.count('href="#n-l2"') > 0  # the rest: links
    stops = [d for d in report.diagnostics if d.code == "embed.too-large"]
    assert [(d.path, d.line) for d in stops][0] == ("L0.md", 5)  # the first ![[L1]]
    assert "![[L1]]" in stops[0].message and f"{MAX_EMBEDS:,}" in stops[0].message


def test_doubling_the_fan_prints_no_more(tmp_path):
    """The bound applies: twice the fan, the same copies printed (it was 2**4 = 16 times more);
    only the links that stand for the embeds left out grow, with the fan."""
    sizes = []
    for fan in (20, 40):
        model, _ = read(bomb(tmp_path / f"v{fan}", fan=fan))
        sizes.append(len(render_body(model, model.notes[0], BOOK)))
    assert sizes[1] < 1.5 * sizes[0]


def test_the_size_budget_stops_big_embeds(tmp_path):
    root = tmp_path / "v"
    root.mkdir()
    big = "word " * 60_000  # some 300 kB of HTML a copy
    (root / "Big.md").write_text(f"# Big\n\n{big}\n")
    (root / "Master.md").write_text("# Master\n\n" + "\n\n".join(["![[Big]]"] * 10) + "\n")
    model, report = read(root)
    master = next(n for n in model.notes if n.path == "Master.md")
    copy = len(model.get("big").body_html)
    out = render_body(model, master, BOOK)
    assert out.count("<p>word word") == MAX_SIZE // copy  # three copies, then links
    assert len(out) <= MAX_SIZE + 10_000
    assert [d.path for d in report.diagnostics if d.code == "embed.too-large"] == ["Master.md"]

"""Property-based: whole vaults of random notes, read into the model and written as feeds.

Each example is a vault of random files: frontmatter valid, broken or not a mapping; markdown
in the Obsidian dialect with links among the notes, to missing ones and into cycles; raw HTML
that tries to run; any Unicode, invalid UTF-8, CRLF and BOMs; file names that clash by case or
normalisation. It goes through the real ``read_vault`` and the real feed renderers, and the
invariants of the model and the feeds are checked on every one; the guide's HTML (what the
PDF and the EPUB are made from) is built too, embeds expanded, without WeasyPrint or pandoc.

``make fuzz`` runs it with XTD_FUZZ_EXAMPLES=5000; ``make test`` with the quick default.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import jsonschema
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html

from jsonfeed_spec import check_feed
from test_model_json import SCHEMA
from xtdpublish.config import load_config
from xtdpublish.model import LINK_SCHEME, LinkStatus, Model
from xtdpublish.render.feeds import jsonfeed, rss
from xtdpublish.render.body import BodyPolicy, anchor_id
from xtdpublish.render.feeds.items import tag_slug
from xtdpublish.render.guide import build_guide
from xtdpublish.render.model_json import model_to_dict
from xtdpublish.report import Report
from xtdpublish.vault.reader import read_vault

EXAMPLES = int(os.environ.get("XTD_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])
BASE_URL = "https://example.org/site"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cf00000301010018dd8db00000000049454e44ae426082"
)

# --- file names --------------------------------------------------------------------------

FOLDERS = ["", "", "", "sub/", "Sub/", "SUB/", "deep/er/", "Caf\u00e9/", "Cafe\u0301/", "a b/",
           "x./", "sub/sub/", ".hidden/", "_x/", "dos. points/"]
STEMS = ["index", "Index", "INDEX", "Note", "note", "NOTE", "Caf\u00e9", "Cafe\u0301", "a b",
         "a-b", "a_b", "x.", "x..", "dots.in.name", " lead", "trail ", "日本語", "שלום עולם",
         "مرحبا", "🙂", "🙂🙂", "L’été « chaud »…", "1", "2022-05-12", "-", "--", "Ωmega", "ǅz",
         "ﬁ ligature", "Ä", "A\u0308", "[brackets]", "hash#tag", "pipe|x", "percent%20", "#"]
SAFE_NAME_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="/\\\x00")
RANDOM_STEM = st.text(SAFE_NAME_CHARS, min_size=1, max_size=12).filter(
    lambda s: s not in (".", "..") and not s.startswith(".") and len(s.encode()) < 120)
CLASHING_STEMS = st.sampled_from(["Note", "note", "Caf\u00e9", "Cafe\u0301", "a b", "a-b"])
STEM = st.one_of(CLASHING_STEMS, st.sampled_from(STEMS), RANDOM_STEM)
NOTE_PATH = st.builds(lambda folder, stem: f"{folder}{stem}.md", st.sampled_from(FOLDERS), STEM)

# --- frontmatter -------------------------------------------------------------------------

NAV_KEYS = ["home", "k1", "k2", "k3", "Ké", "k 4"]
ODD_VALUES = st.one_of(
    st.sampled_from([
        "", "Site", "[Comment?]", "#question", "#a #b", "a b c", "2022mai12", "2022-13-45",
        "12/05/2022", "1er mars 2021", "31 févr. 2021", "true", "yes", "no", "~", "null", "3.5",
        "<script>alert(1)</script>", "<b>gras</b>", "&lt;i&gt;", "javascript:alert(1)", "🙂",
        "\u202eRTL", "Cafe\u0301", "1970-01-01", "9999-12-31T23:59:59+14:00", "0001-01-01",
        "2022-05-12T10:00:00", "2022-05-12 10:00 +0200",
    ]),
    st.text(max_size=15), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
    st.booleans(), st.none(), st.dates(), st.datetimes(),
)
ODD = st.recursive(ODD_VALUES, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["a", "key", "parent", "1"]),
                                                  inner, max_size=3)), max_leaves=6)
NAV_MAPPING = st.fixed_dictionaries({"key": st.sampled_from(NAV_KEYS)}, optional={
    "parent": st.one_of(st.sampled_from(NAV_KEYS + ["nowhere", ""]), ODD_VALUES),
    "order": st.one_of(st.integers(-3, 3), st.floats(allow_nan=True), ODD_VALUES),
    "title": ODD_VALUES,
})
NAVIGATION = st.one_of(NAV_MAPPING, ODD)
FLAGS = st.sampled_from([{}, {}, {}, {}, {"draft": True}, {"publish": False}, {"draft": False},
                         {"draft": "yes"}, {"published": False}, {"publish": "maybe"}])
DATES = st.one_of(
    st.sampled_from(["2022-05-12", "2022-05-12T10:00:00+02:00", "2022-05-12T10:00:00Z",
                     "2022-05-12T10:00:00", "2022-05-12T23:59:59-11:00", "12/05/2022",
                     "12 mai 2022", "2022mai12", "1er mars 2021", "2022-13-45", "1969-12-31",
                     "2100-01-01", "0001-01-01T00:00:00+14:00", ""]),
    st.dates().map(str), st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
)
COMMON = {
    "date": DATES, "updated": DATES, "created": DATES,
    "uid": st.sampled_from(["same", "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e",
                            "0F8FAD5B-D9CB-469F-A165-70867728950E", "tag:x,2022:a", "a b", ""]),
    "tags": st.one_of(st.sampled_from(["ressource", "#ressource forum", "Ressource", "<b>t</b>",
                                       "a, b; c", "#", ""]),
                      st.lists(st.sampled_from(["ressource", "#x", "é", "É", "1", ""]), max_size=3)),
}
META_KEYS = ["title", "alias", "aliases", "tags", "tag", "date", "created", "updated",
             "modified", "draft", "publish", "published", "id", "uid", "eleventyNavigation",
             "layout", "permalink", "Title", "é", "1"]


@st.composite
def mapping_frontmatter(draw, names: list[str]) -> str:
    meta = dict(draw(FLAGS))
    if draw(st.booleans()):  # keys and parents drawn from a few: missing ones and cycles
        meta["eleventyNavigation"] = draw(NAV_MAPPING)
    for key, values in COMMON.items():
        if draw(st.booleans()):
            meta[key] = draw(values)
    for key in draw(st.lists(st.sampled_from(META_KEYS), max_size=6, unique=True)):
        if key == "eleventyNavigation":
            meta[key] = draw(NAVIGATION)
        elif key in ("alias", "aliases", "title") and names and draw(st.booleans()):
            meta[key] = draw(st.sampled_from(names))  # a title or alias another note links by
        else:
            meta[key] = draw(ODD)
    try:
        return yaml.safe_dump(meta, allow_unicode=draw(st.booleans()), sort_keys=False)
    except yaml.YAMLError:
        return "title: x\n"


BROKEN_LINES = st.sampled_from([
    "title:\tTab", "\tkey: [open", "alias: [Question?]", "tags: [1, {a: b}, null, '#ok']",
    "a: &x [*x]", "b: !!python/object/apply:os.system ['echo pwned']", "c: *undefined",
    "date : 2022mai12", "tags : #question #other", "title: « Titre » : deux points",
    "key: 'unclosed", 'key: "bad \\q escape"', "- a list item", "? complex", ": empty",
    "%YAML 9.9", "---", "...", "<!-- html -->", "%%comment%%", "eleventyNavigation:",
    "  key: k1", "  parent: k2", "  parent: home", "  key: home", "  order: x", "\x00",
    "title: |", "  block", "{a: b", "[a, b", "draft: true", "publish: false", "draft: 'no'",
    "title: " + "x" * 300, "aliases:", "  - [[Note]]", "  - Note", "tags:", "  - #tag",
])
NON_MAPPING = st.sampled_from(["- a\n- b\n", "just text\n", "42\n", "null\n", "[1, 2]\n",
                               "'quoted'\n", "~\n", "!!binary aGk=\n", "- key: k1\n"])


@st.composite
def frontmatter(draw, names: list[str]) -> str:
    kind = draw(st.sampled_from(["none", "mapping", "mapping", "mapping", "broken",
                                 "non-mapping", "unclosed", "pseudo"]))
    if kind == "none":
        return ""
    if kind == "mapping":
        inner = draw(mapping_frontmatter(names))
    elif kind == "broken":
        inner = "\n".join(draw(st.lists(st.one_of(BROKEN_LINES, st.text(max_size=20)),
                                        min_size=1, max_size=6))) + "\n"
    elif kind == "non-mapping":
        inner = draw(NON_MAPPING)
    elif kind == "unclosed":
        return "---\n" + draw(mapping_frontmatter(names))
    else:  # Eleventy-less pseudo headers some editors write
        return draw(st.sampled_from(["date : 2022mai12\ntags : #a #b\n\n", "title: x\n\n"]))
    closing = draw(st.sampled_from(["---", "---", "...", "----", "--- "]))
    return f"---\n{inner}{closing}\n"


# --- markdown ----------------------------------------------------------------------------

UNICODE_BITS = st.sampled_from([
    "Cafe\u0301", "Caf\u00e9", "\u202eevil\u202c", "\u200f\u05e9\u05dc\u05d5\u05dd", "مرحبا",
    "🙂", "👩‍👩‍👧", "🏳️‍🌈", "\u200b", "\ufeff", "\u2028", "\u0085", "\x0b", "\x0c", "\x1b[31m",
    "ﬁ", "\U0010ffff", "\ufffd", "\x7f", "&amp;", "&#0;", "&#xD800;", "&#x110000;", "&nbsp;",
])


@st.composite
def link_target(draw, names: list[str]) -> str:
    name = draw(st.sampled_from(names))
    variant = draw(st.sampled_from([
        name, name, name, name.upper(), name.lower(), unicodedata.normalize("NFD", name),
        unicodedata.normalize("NFC", name), name + ".md", "/" + name, "./" + name, " " + name,
    ]))
    return draw(st.one_of(
        st.just(variant), st.just(variant),
        st.sampled_from(["Nowhere", "sub/Missing", "img.png", "sub/img.png", "missing.png",
                         "doc.pdf", "../outside", "/etc/passwd", "file:///etc/passwd", "~/x",
                         "C:\\x", "", "#", " ", "Note.md", "#Heading", "#^blk"]),
        st.text(SAFE_NAME_CHARS, max_size=8),
    ))


@st.composite
def markdown_piece(draw, names: list[str]) -> str:
    target = draw(link_target(names))
    label = draw(st.sampled_from(["label", "", "x|y", "**bold**", "[[inner]]", "<b>x</b>", "🙂"]))
    heading = draw(st.sampled_from(["Heading", "^blk", "", "Nulle part", "H#2", "日本語"]))
    piece = draw(st.sampled_from([
        "[[{t}]]", "[[{t}|{l}]]", "[[{t}#{h}]]", "[[{t}#{h}|{l}]]", "![[{t}]]", "![[{t}|300]]",
        "![[{t}#{h}]]", "[{l}]({t})", "[{l}](<{t}>)", "![{l}]({t})", "[{l}]({t}.md)",
        "`[[{t}]]`", "```\n[[{t}]]\n```", "    [[{t}]] indented code", "%%[[{t}]]%%",
        "%%\n[[{t}]]\n%%", "==[[{t}]]==", "> [!note] {l}\n> [[{t}]]", "> [!warning]- T\n> body",
        "| a | b |\n|---|---|\n| [[{t}\\|{l}]] | x \\| y |", "Text[^1]\n\n[^1]: [[{t}]]",
        "| ![[{t}]] | `[[{t}]]` |\n|-|-|\n| <iframe src=x></iframe> | ==[[{t}]]== |",
        "> [!tip] ![[{t}]]\n> - [[{t}#{h}]]\n>   > nested ![[{t}]]", "[^n]: ![[{t}]]\n\nx[^n]",
        "- [ ] [[{t}]]\n- [x] ![[{t}|{l}]]", "<div>\n\n[[{t}]]\n\n</div>", "<a href=\"[[{t}]]\">x</a>",
        '<picture><source srcset="{t}.png 2x"><img src="{t}"></picture>',
        "[[{t}#{h}#{h}]]", "[[{t}|]]", "[[|{l}]]", "[[{t}]]]]", "[[[[{t}]]", "![[{t}]]{{x}}",
        "# {h}", "## {l}", "text ^blk", "- [[{t}]]\n  - nested", "1. one\n2. ![[{t}]]",
        '<a href="{t}">{l}</a>', '<img src="{t}" alt="{l}">', '<img srcset="{t} 2x, x.png 1x">',
    ]))
    return piece.format(t=target, l=label, h=heading)


HOSTILE_HTML = st.sampled_from([
    "<script>alert(1)</script>", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<p onclick="alert(1)">p</p>', "<img src=x onerror=alert(1)>", '<svg onload="alert(1)"></svg>',
    '<a href="javascript:alert(1)">j</a>', '<a href="JaVaScRiPt:alert(1)">j</a>',
    '<a href="jav&#x09;ascript:alert(1)">j</a>', '<a href=" javascript:alert(1)">j</a>',
    '<a href="&#106;avascript:alert(1)">j</a>', "[js](javascript:alert(1))",
    "[js](<javascript:alert(1)>)", "![i](javascript:alert(1))",
    '<iframe src="https://www.youtube.com/embed/QEPvU93NYn0" title="v"></iframe>',
    '<iframe src="javascript:alert(1)"></iframe>', '<iframe srcdoc="<script>x</script>"></iframe>',
    '<object data="evil.swf"></object>', '<embed src="evil.swf">',
    "<style>body{display:none}</style>", '<div style="background:url(http://evil/)">s</div>',
    '<form action="javascript:alert(1)"><button formaction="javascript:x">b</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', "<base href=//evil/>",
    '<a href="data:text/html;base64,PHNjcmlwdD4=">d</a>', "<scr<script>ipt>alert(1)</script>",
    "<!-- <script>alert(1)</script> -->", "<p>unclosed <b>bold <i>it", "</div></div>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<details open ontoggle="alert(1)">d</details>', '<video poster="javascript:x"></video>',
    "<template><script>alert(1)</script></template>", '<img src="x" ONERROR = "alert(1)">',
    '<a href="vbscript:msgbox(1)">v</a>', "<textarea><script>x</script></textarea>",
])


@st.composite
def body(draw, names: list[str]) -> str:
    pieces = draw(st.lists(st.one_of(
        markdown_piece(names), markdown_piece(names), markdown_piece(names), HOSTILE_HTML,
        UNICODE_BITS,
        st.text(max_size=20), st.sampled_from(["\n", "\n\n", " ", "---", "***", "> quote",
                                               "# Title", "#tag #other", "```", "$$x$$", "\\"]),
    ), max_size=16))
    seps = draw(st.lists(st.sampled_from([" ", "\n", "\n\n", ""]), min_size=len(pieces),
                         max_size=len(pieces)))
    return "".join(p + s for p, s in zip(pieces, seps))


# --- bytes -------------------------------------------------------------------------------

@st.composite
def encoded(draw, text: str) -> bytes:
    if draw(st.integers(0, 5)) == 0:
        text = text.replace("\n", draw(st.sampled_from(["\r\n", "\r"])))
    how = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "bom", "cp1252", "latin-1",
                                "broken", "surrogate", "nul"]))
    if how == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if how in ("cp1252", "latin-1"):
        return text.encode(how, "replace")
    if how == "surrogate":  # what a broken tool writes for half an emoji
        return (text + "\ud83d").encode("utf-8", "surrogatepass")
    data = text.encode("utf-8")
    if how == "broken":
        at = draw(st.integers(0, len(data)))
        junk = draw(st.sampled_from([b"\xff", b"\xc3(", b"\x80\x81", b"\xe2\x82", b"\xed\xa0\x80",
                                     b"\x81\x8d\x8f\x90\x9d", b"\xf4\x90\x80\x80"]))
        return data[:at] + junk + data[at:]
    if how == "nul":
        at = draw(st.integers(0, len(data)))
        return data[:at] + b"\x00" + data[at:]
    return data


@st.composite
def vaults(draw) -> dict[str, bytes]:
    paths = draw(st.lists(NOTE_PATH, min_size=1, max_size=8, unique=True))
    stems = [p.rsplit("/", 1)[-1].removesuffix(".md") for p in paths]
    names = sorted(set(stems + [p.removesuffix(".md") for p in paths]))
    files: dict[str, bytes] = {}
    for path in paths:
        text = draw(frontmatter(names)) + draw(body(names))
        files[path] = draw(encoded(text))
    for asset in draw(st.lists(st.sampled_from(["img.png", "sub/img.png", "doc.pdf", "IMG.PNG",
                                                "x.md.png", ".hidden/img.png"]), unique=True)):
        files[asset] = PNG
    site_title = draw(st.sampled_from(["Site", "", "<b>Site</b> & co", "MuseumXTD"]))
    limit = draw(st.integers(1, 30))
    tags = draw(st.sampled_from([[], [], ["ressource"], ["#ressource", "x"]]))
    per_tag = draw(st.booleans())
    files["xtdpublish.toml"] = (
        f'[site]\ntitle = {json.dumps(site_title)}\nlanguage = "fr"\n'
        f'base_url = "{BASE_URL}"\nauthor = "Équipe"\n'
        f'[feeds]\nlimit = {limit}\ntags = {json.dumps(tags)}\nper_tag = {str(per_tag).lower()}\n'
    ).encode()
    return files


def write_files(root: Path, files: dict[str, bytes]) -> list[str]:
    """Write the vault; the .md files the file system kept, as NFC vault paths (one per file)."""
    written = []
    for name, data in files.items():
        path = root / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError:  # a name the file system refuses (too long, a file where a folder is)
            continue
        if name.endswith(".md"):
            written.append(unicodedata.normalize("NFC", name))
    return written


# --- the invariants ----------------------------------------------------------------------

ID = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
LINK_URL = re.compile(re.escape(LINK_SCHEME) + r"(\d+)")
CONTROL = re.compile(r"[\x00-\x20\x7f]+")
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text", "livescript:")
UNSAFE_IN_FEEDS = {"script", "iframe", "object", "embed", "style", "frame", "frameset", "applet",
                   "base", "link", "meta", "form"}


def read(root: Path) -> tuple[Model, Report]:
    report = Report()
    return read_vault(root, load_config(root), report), report


def elements(fragment: str):
    if not fragment.strip():
        return []
    tree = html.fragment_fromstring(fragment, create_parent="div")
    return [e for e in tree.iter() if isinstance(e.tag, str)]


def check_no_script(fragment: str, where: str) -> None:
    for element in elements(fragment):
        assert element.tag.lower() != "script", f"<script> in {where}: {fragment!r}"
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"{name}= in {where}: {fragment!r}"
            compact = CONTROL.sub("", value).lower()
            assert not compact.startswith(BAD_SCHEMES), f"{name}={value!r} in {where}"


def check_model(model: Model, report: Report, md_files: list[str]) -> None:
    ids = [note.id for note in model.notes]
    by_id = {note.id: note for note in model.notes}
    assert len(ids) == len(set(ids)), ids
    for note_id in ids:
        assert ID.match(note_id), f"note id {note_id!r} is not a slug"

    # every .md file is published or skipped with a reason; a hidden folder (a dot-folder,
    # hidden in Obsidian too) is listed once, as "folder/", for the notes in it
    published = {note.path for note in model.notes}
    skipped: dict[str, list[str]] = {}
    for entry in model.skipped:
        skipped.setdefault(entry.path, []).append(entry.reason)
        assert entry.reason.strip(), entry
    folders = {path for path in skipped if path.endswith("/")}

    def in_skipped_folder(path):
        return any(path.startswith(folder) for folder in folders)

    visible = [p for p in md_files if not in_skipped_folder(p)]
    for path in visible:
        assert path in published or path in skipped, f"{path!r} is neither published nor skipped"
    for path in published:
        assert path in visible and not any(part.startswith(".") for part in path.split("/"))
    clashes = {d.path for d in report.diagnostics if d.code == "file.duplicate"}
    assert published & set(skipped) <= clashes, "a published note is also listed as skipped"
    # as many published-or-skipped entries as there are files: a file lost between two names shows
    assert len(published) + len(model.skipped) - len(folders) == len(visible), (sorted(published), model.skipped)

    # navigation: every published note exactly once; parents exist
    in_nav = [node.note for node in model.nav.walk() if node.note]
    assert sorted(in_nav) == sorted(ids), (in_nav, ids)
    for note in model.notes:
        assert note.nav_parent is None or note.nav_parent in by_id, note.nav_parent

    # links and backlinks
    expected_back: dict[str, set[str]] = {}
    for note in model.notes:
        written = {int(n) for n in LINK_URL.findall(note.body_html)}
        assert written == set(range(len(note.links))), (note.path, written, len(note.links),
                                                        note.body_html)
        for link in note.links:
            if link.status in (LinkStatus.RESOLVED, LinkStatus.AMBIGUOUS):
                assert link.target in by_id, link
                if link.target != note.id:
                    expected_back.setdefault(link.target, set()).add(note.id)
            elif link.status == LinkStatus.UNPUBLISHED:
                assert link.target not in by_id, link
    for note in model.notes:
        assert note.backlinks == tuple(sorted(expected_back.get(note.id, ()))), note

    # bodies, dates, text
    for note in model.notes:
        check_no_script(note.body_html, f"{note.path} body_html")
        assert note.published.tzinfo is not None and note.updated.tzinfo is not None, note
        assert note.published <= note.updated, (note, note.published, note.updated)
        assert note.title.strip(), note
    assert model.diagnostics == tuple(report.diagnostics)
    for diagnostic in model.diagnostics:
        assert diagnostic.line is None or diagnostic.line >= 1, diagnostic


def check_urls(fragment: str, where: str) -> None:
    for element in elements(fragment):
        assert element.tag.lower() not in UNSAFE_IN_FEEDS, f"<{element.tag}> in {where}"
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"{name}= in {where}"
            urls = []
            if name in ("href", "src", "cite", "poster", "action", "data"):
                urls = [value]
            elif name == "srcset":
                urls = [part.split()[0] for part in value.split(",") if part.split()]
            for url in urls:
                parts = urlsplit(url.strip())
                ok = parts.scheme in ("http", "https") and parts.netloc or parts.scheme == "mailto"
                assert ok, f"{name}={value!r} in {where} is not an absolute web URL"


def parse_date(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def check_feeds(model: Model, out: Path) -> None:
    config = load_config(model.root)
    report = Report()
    jsonfeed.render(model, config, out, report)
    rss.render_rss(model, config, out, report)
    rss.render_atom(model, config, out, report)

    feeds = sorted(out.glob("feeds/*.json"))
    assert len(feeds) == (len({tag_slug(t) for n in model.notes for t in n.tags})
                          if config.feeds.per_tag else 0)
    for path in [out / "feed.json", *feeds]:
        twins = [out / "rss.xml", out / "atom.xml"] if path.parent == out else [path.with_suffix(".xml")]
        check_feed_files(path, twins)
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    if not config.feeds.tags:
        assert len(feed["items"]) == min(len(model.notes), config.feeds.limit)


def check_feed_files(json_path: Path, xml_paths: list[Path]) -> None:
    """One feed in JSON and its RSS (and Atom) twins: valid, safe, the same items, newest first."""
    feed = json.loads(json_path.read_text(encoding="utf-8"))
    assert check_feed(feed) == [], (json_path.name, check_feed(feed))
    items = feed["items"]
    assert len({item["id"] for item in items}) == len(items)
    dates = [parse_date(item["date_published"]) for item in items]
    assert dates == sorted(dates, reverse=True), "items are not newest first"
    for item in items:
        check_urls(item["content_html"], f"feed.json {item['id']}")
        assert parse_date(item["date_published"]) <= parse_date(item["date_modified"])

    for path in xml_paths:
        name = path.name
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, f"{name}: {parsed.get('bozo_exception')!r}"
        entries = parsed.entries
        assert len(entries) == len(items), name
        assert [e.id for e in entries] == [item["id"] for item in items], name
        published = [e.published_parsed for e in entries]
        assert published == sorted(published, reverse=True), f"{name} not newest first"
        for entry in entries:
            for content in entry.get("content", []):
                check_urls(content.value, f"{name} {entry.id}")
            for link in entry.get("links", []):
                assert urlsplit(link.href).scheme in ("http", "https"), link


def check_guide(model: Model) -> None:
    """The guide's HTML (shared by PDF and EPUB), embeds expanded: every note once, no error."""
    policy = BodyPolicy(
        note_href=lambda _note, link: "#" + anchor_id(link.target, link.anchor),
        asset_src=lambda link: link.asset,
        frame=lambda _element, _video: None,
        id_prefix=lambda note: anchor_id(note.id) + "--",
    )
    guide = build_guide(model, policy)
    sections = [s for s in guide.walk() if s.note is not None]
    assert sorted(s.note.id for s in sections) == sorted(n.id for n in model.notes)
    for section in guide.walk():
        assert not section.error, (section.title, section.error)
        check_no_script(section.body, f"guide section {section.anchor}")


# --- the test ----------------------------------------------------------------------------

@FUZZ
@given(vaults())
def test_fuzz_random_vaults_build_into_a_sound_model_and_valid_feeds(files):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "vault"
        root.mkdir()
        md_files = write_files(root, files)
        model, report = read(root)  # no exception escapes: everything bad is a diagnostic
        check_model(model, report, md_files)
        data = model_to_dict(model)
        jsonschema.validate(data, SCHEMA)
        again, _ = read(root)
        assert model_to_dict(again) == data, "a second read gives another model"
        assert again.diagnostics == model.diagnostics
        out = Path(folder) / "out"
        check_feeds(model, out)
        check_guide(model)

"""parse_markdown: the Obsidian dialect → ParsedBody (html with ``xtd:link/N``, refs, headings).

markdown-it-py parses the body once, in process. Obsidian's additions are small
markdown-it rules (wikilinks, embeds, ``==highlight==``, ``%%comments%%``,
callouts, ``^block`` ids); then one walk over the tokens numbers every reference
and writes it as ``xtd:link/N``. Each reference keeps the line of the FILE it
stands on: block tokens carry ``map``, and an inline rule that runs first at every
position records where each inline token starts (see ``_tag_positions``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from html import unescape as html_unescape
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from ..model import LINK_SCHEME, Heading
from ..report import Report
from .sanitize import SUSPECT, make_safe


@dataclass(frozen=True, slots=True)
class RawRef:
    """A reference as written, before resolution. ``line`` is the line of the file."""

    line: int
    raw: str
    target_text: str  # the target without fragment, spaces stripped, percent-decoded
    label: str
    fragment: str | None
    embed: bool
    kind: str  # "note", "file" or "either"
    width: int | None = None  # ![[image.png|300]]


@dataclass(frozen=True, slots=True)
class ParsedBody:
    html: str
    refs: list[RawRef]
    headings: list[Heading]
    block_ids: list[str]
    first_h1: str | None
    summary: str


SUMMARY_LENGTH = 280
IMAGE_EXTENSIONS = frozenset(
    "png jpg jpeg gif svg webp avif bmp tif tiff ico".split()
)
MEDIA_EXTENSIONS = IMAGE_EXTENSIONS | frozenset("pdf mp3 mp4 webm ogg wav m4a mov".split())
EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,5})$")
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
WIKILINK = re.compile(r"!?\[\[([^\[\]\n]*?)\]\]")
SPACED_LINK = re.compile(r"\[([^\[\]\n]*)\]\(([^()\n<>\"']*\s[^()\n<>\"']*)\)")
HIGHLIGHT = re.compile(r"==(?=[^\s=])(.+?)(?<=[^\s=])==", re.S)
CALLOUT = re.compile(r"^\[!([A-Za-z0-9_-]+)\]([-+]?)[ \t]*")
BLOCK_ID = re.compile(r"(?:^|[ \t])\^([A-Za-z0-9-]+)[ \t]*$")
REFUSED_LINK = re.compile(r"\[([^\[\]\n]*)\]\(\s*<?((?i:javascript|vbscript|data):)")
SIZE = re.compile(r"^(\d+)(?:x(\d+))?$")
HTML_TAG = re.compile(r"<[A-Za-z][^<>]*>")
HTML_URL_ATTR = re.compile(
    r"(?<![\w-])(src|srcset|href)(\s*=\s*)(\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+)", re.I
)


def parse_markdown(
    body: str, first_line: int, breaks: bool, path: str, report: Report
) -> ParsedBody:
    """Parse one note's body. ``first_line`` is the file line of the body's first line."""
    md = _parser(bool(breaks))
    env: dict = {}
    tokens = md.parse(body, env)
    _make_callouts(tokens)
    block_ids = _take_block_ids(tokens)
    _unwrap_lone_embeds(tokens)
    walk = _RefWalk(first_line, path, report)
    walk.run(tokens)
    html = md.renderer.render(tokens, md.options, env)
    refs = walk.refs
    if SUSPECT.search(html):
        suspect = SUSPECT.search(body)
        line = first_line + (body.count("\n", 0, suspect.start()) if suspect else 0)
        html = make_safe(html, path, line, report)
        html, refs = _without_lost_refs(html, refs)
    return ParsedBody(
        html=html,
        refs=refs,
        headings=walk.headings,
        block_ids=block_ids,
        first_h1=walk.first_h1,
        summary=_summary(tokens),
    )


def slugify(text: str, fallback: str = "section") -> str:
    """A stable, ASCII-folded, lowercase, ``-`` separated slug (``Gérer ses collections`` →
    ``gerer-ses-collections``); scripts with no ASCII form keep their letters."""
    folded = unicodedata.normalize("NFKD", text)
    # punctuation such as ’ separates words; letters with no ASCII form are dropped
    folded = "".join(
        c if c.isascii() or c.isalnum() else "-" for c in folded if not unicodedata.combining(c)
    )
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower().encode("ascii", "ignore").decode()).strip("-")
    if not slug:
        slug = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", text).lower()).strip("-")
    return slug or fallback


# --- the parser and its rules -------------------------------------------------------------


@cache
def _parser(breaks: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "breaks": breaks, "linkify": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.validateLink = _allow_file_urls  # file:// must reach the resolver to be refused there
    md.block.ruler.before(
        "fence", "xtd_comment", _comment_block,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.inline.ruler.before("text", "xtd_positions", _tag_positions)
    md.inline.ruler2.before("balance_pairs", "xtd_positions_end", _tag_remaining)
    md.inline.ruler.after("backticks", "xtd_comment", _comment_inline)
    md.inline.ruler.before("link", "xtd_wikilink", _wikilink)
    md.inline.ruler.after("link", "xtd_spaced_link", _spaced_link)
    md.inline.ruler.after("xtd_spaced_link", "xtd_refused_link", _refused_link)
    md.inline.ruler.before("emphasis", "xtd_highlight", _highlight)
    md.inline.add_terminator_char("=")
    return md


def _allow_file_urls(url: str) -> bool:
    lowered = url.strip().lower()
    if lowered.startswith(("javascript:", "vbscript:")):
        return False
    if lowered.startswith("data:"):
        return bool(re.match(r"data:image/(gif|png|jpeg|webp);", lowered))
    return True


def _tag_positions(state: StateInline, silent: bool) -> bool:
    """Never matches: records, for the tokens pushed since its last call, where they began."""
    if not silent:
        _tag_remaining(state)
        state.xtd_pos = state.pos  # type: ignore[attr-defined]
    return False


def _tag_remaining(state: StateInline) -> None:
    start = getattr(state, "xtd_tagged", 0)
    pos = getattr(state, "xtd_pos", 0)
    tokens = state.tokens
    if start < len(tokens):
        offset = state.src.count("\n", 0, pos)
        for token in tokens[start:]:
            if token.meta is None:
                token.meta = {}
            token.meta.setdefault("xtd_offset", offset)
    state.xtd_tagged = len(tokens)  # type: ignore[attr-defined]


def _comment_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """``%%`` at the start of a line, closed at the end of a line (or never): no output."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start_line] + state.tShift[start_line]
    src = state.src
    if not src.startswith("%%", begin):
        return False
    close = src.find("%%", begin + 2)
    if close == -1:
        last = end_line
    else:
        line_end = src.find("\n", close)
        line_end = len(src) if line_end == -1 else line_end
        if src[close + 2 : line_end].strip():
            return False  # text follows the comment on its line: the inline rule takes it
        last = start_line
        while last < end_line and state.eMarks[last] < close:
            last += 1
        last += 1
    if silent:
        return True
    state.line = min(last, end_line)
    return True


def _comment_inline(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("%%", state.pos):
        return False
    close = state.src.find("%%", state.pos + 2, state.posMax)
    state.pos = state.posMax if close == -1 else close + 2
    return True


def _wikilink(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] not in "![" or not (src.startswith("[[", pos) or src.startswith("![[", pos)):
        return False
    match = WIKILINK.match(src, pos, state.posMax)
    if not match or not match.group(1).replace("\\|", "|").split("|")[0].strip(" #"):
        return False  # [[]] or [[|x]] names nothing: left as text
    if not silent:
        raw = match.group(0)
        embed = raw.startswith("!")
        inner = match.group(1).replace("\\|", "|")
        target_part, _, label = inner.partition("|")
        target, hash_, fragment = target_part.partition("#")
        target, fragment, label = target.strip(), fragment.strip() if hash_ else None, label.strip()
        if target.lower().endswith(".md"):
            target = target[:-3].rstrip()
        extension = EXTENSION.search(target)
        ext = extension.group(1).lower() if extension else None
        if ext is None:
            kind = "note"
        elif embed and ext in MEDIA_EXTENSIONS:
            kind = "file"
        else:
            kind = "either"
        ref = {"raw": raw, "target": target, "fragment": fragment, "embed": embed, "kind": kind}
        width = height = None
        if kind == "file" and SIZE.match(label):
            size = SIZE.match(label)
            width, height = size.group(1), size.group(2)
            label = ""
        shown = label or _shown_target(target, fragment)
        ref["label"] = shown
        ref["width"] = int(width) if width else None
        if kind == "file" and ext in IMAGE_EXTENSIONS:
            token = state.push("image", "img", 0)
            token.attrs = {"src": "", "alt": label or target.rsplit("/", 1)[-1]}
            if width:
                token.attrs["width"] = width
            if height:
                token.attrs["height"] = height
            child = Token("text", "", 0, content=token.attrs["alt"])
            token.children = [child]
            token.content = token.attrs["alt"]
            token.meta = {"xtd_ref": ref}
        else:
            if embed:
                wrapper = state.push("xtd_embed_open", "span", 1)
                wrapper.attrs = {"class": "xtd-embed", "data-link": ""}
                wrapper.meta = {"xtd_ref": ref}
            link = state.push("link_open", "a", 1)
            link.attrs = {"href": ""}
            link.meta = {"xtd_ref": ref}
            state.push("text", "", 0).content = shown
            state.push("link_close", "a", -1)
            if embed:
                state.push("xtd_embed_close", "span", -1)
    state.pos = match.end()
    return True


def _shown_target(target: str, fragment: str | None) -> str:
    if not fragment:
        return target
    fragment = fragment.lstrip("^") if fragment.startswith("^") else fragment
    return f"{target} > {fragment}" if target else fragment


def _spaced_link(state: StateInline, silent: bool) -> bool:
    """``[label](Other Note.md)``: Obsidian allows spaces that CommonMark refuses."""
    if state.src[state.pos] != "[":
        return False
    match = SPACED_LINK.match(state.src, state.pos, state.posMax)
    if not match or SCHEME.match(match.group(2).strip()):
        return False
    if not silent:
        link = state.push("link_open", "a", 1)
        link.attrs = {"href": match.group(2).strip()}
        link.meta = {"xtd_spaced": True}
        old_max = state.posMax
        state.pos, state.posMax = match.start(1), match.end(1)
        state.md.inline.tokenize(state)
        state.posMax = old_max
        state.push("link_close", "a", -1)
    state.pos = match.end()
    return True


def _refused_link(state: StateInline, silent: bool) -> bool:
    """``[label](javascript:...)``: markdown-it refuses the URL and would print the whole
    markup as text; keep the label alone and tell the editor."""
    src = state.src
    if src[state.pos] != "[":
        return False
    match = REFUSED_LINK.match(src, state.pos, state.posMax)
    if not match:
        return False
    depth, end = 1, match.end()
    while end < state.posMax and depth:
        depth += {"(": 1, ")": -1}.get(src[end], 0)
        end += 1
    if depth:
        return False
    if not silent:
        token = state.push("xtd_refused", "", 0)
        token.hidden = True
        token.content = src[match.start(2) : end - 1].strip()
        old_max = state.posMax
        state.pos, state.posMax = match.start(1), match.end(1)
        state.md.inline.tokenize(state)
        state.posMax = old_max
    state.pos = end
    return True


def _highlight(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("==", state.pos):
        return False
    match = HIGHLIGHT.match(state.src, state.pos, state.posMax)
    if not match:
        return False
    if not silent:
        state.push("mark_open", "mark", 1)
        old_max = state.posMax
        state.pos, state.posMax = match.start(1), match.end(1)
        state.md.inline.tokenize(state)
        state.posMax = old_max
        state.push("mark_close", "mark", -1)
    state.pos = match.end()
    return True


# --- post-processing of the token stream ---------------------------------------------------


def _make_callouts(tokens: list[Token]) -> None:
    """``> [!tip]- Title`` → ``<div class="callout" data-callout="tip">`` with a title paragraph."""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "blockquote_open" and i + 2 < len(tokens):
            para, inline = tokens[i + 1], tokens[i + 2]
            match = CALLOUT.match(inline.content) if inline.type == "inline" else None
            if para.type == "paragraph_open" and match and inline.children:
                _make_callout(tokens, i, match)
        i += 1


def _make_callout(tokens: list[Token], i: int, match: re.Match) -> None:
    open_, para, inline = tokens[i], tokens[i + 1], tokens[i + 2]
    kind, fold = match.group(1).lower(), match.group(2)
    close_index = _closing(tokens, i)
    open_.tag = tokens[close_index].tag = "div"
    open_.attrs = {"class": "callout", "data-callout": kind}
    if fold:
        open_.attrs["data-callout-fold"] = fold
    open_.markup = tokens[close_index].markup = ""
    children = inline.children
    first = children[0]
    marker = match.group(0).rstrip()
    if first.type == "text" and first.content.startswith(marker):
        first.content = first.content[len(marker):].lstrip()
    breaks = [k for k, c in enumerate(children) if c.type in ("softbreak", "hardbreak")]
    cut = breaks[0] if breaks else len(children)
    title_children = [c for c in children[:cut] if not (c.type == "text" and not c.content)]
    body_children = children[cut + 1 :]
    if not title_children:
        title_children = [Token("text", "", 0, content=kind.capitalize())]
    para.attrs = {"class": "callout-title"}
    inline.children = title_children
    inline.content = inline.content.split("\n", 1)[0]
    if body_children:
        body_open = Token("paragraph_open", "p", 1, map=para.map, level=para.level, block=True)
        body_inline = Token("inline", "", 0, map=inline.map, level=inline.level, block=True,
                            content=inline.content, children=body_children)
        body_close = Token("paragraph_close", "p", -1, level=para.level, block=True)
        tokens[i + 4 : i + 4] = [body_open, body_inline, body_close]


def _closing(tokens: list[Token], i: int) -> int:
    depth = 0
    for k in range(i, len(tokens)):
        depth += tokens[k].nesting
        if depth == 0:
            return k
    return len(tokens) - 1


def _take_block_ids(tokens: list[Token]) -> list[str]:
    """``text ^id`` at the end of a paragraph or list item → ``id="block-id"``."""
    ids = []
    for i, token in enumerate(tokens):
        if token.type != "inline" or not token.children or tokens[i - 1].type != "paragraph_open":
            continue
        last = token.children[-1]
        match = BLOCK_ID.search(last.content) if last.type == "text" else None
        if not match:
            continue
        last.content = last.content[: match.start()].rstrip()
        while token.children and token.children[-1].type in ("softbreak", "hardbreak", "text") \
                and not token.children[-1].content.strip():
            token.children.pop()
        block_id = match.group(1)
        ids.append(block_id)
        holder = tokens[i - 1]
        if not token.children and i >= 2 and tokens[i - 2].nesting == -1:
            # "^id" alone under a table or a list names that block, as in Obsidian
            opener = _opening(tokens, i - 2)
            if opener is not None:
                tokens[i - 1].hidden = tokens[i + 1].hidden = True
                opener.attrSet("id", f"block-{block_id}")
                continue
        if holder.hidden:  # a tight list item: the id goes on the <li>
            for k in range(i - 2, -1, -1):
                if tokens[k].type == "list_item_open" and tokens[k].level == holder.level - 1:
                    holder = tokens[k]
                    break
        holder.attrSet("id", f"block-{block_id}")
    return ids


def _opening(tokens: list[Token], close: int) -> Token | None:
    depth = 0
    for k in range(close, -1, -1):
        depth += tokens[k].nesting
        if depth == 0:
            return tokens[k]
    return None


def _unwrap_lone_embeds(tokens: list[Token]) -> None:
    """A paragraph that holds one note embed and nothing else becomes that ``div``."""
    for i, token in enumerate(tokens):
        if token.type != "inline" or tokens[i - 1].type != "paragraph_open" or not token.children:
            continue
        kids = [c for c in token.children if not (c.type == "text" and not c.content.strip())]
        if len(kids) == 5 and kids[0].type == "xtd_embed_open" and kids[-1].type == "xtd_embed_close":
            # the paragraph becomes the div; both share one attrs dict, so the
            # data-link the walk writes on the span's token lands on the div
            tokens[i - 1].tag = tokens[i + 1].tag = "div"
            tokens[i - 1].attrs = kids[0].attrs
            kids[0].hidden = kids[-1].hidden = True


LINK_NUMBER = re.compile(r'(?<=' + re.escape(LINK_SCHEME) + r')\d+|(?<=data-link=")\d+')


def _without_lost_refs(html: str, refs: list[RawRef]) -> tuple[str, list[RawRef]]:
    """The refs still in ``html`` once make_safe is done, numbered again from 0.

    What make_safe drops takes its references with it (an unclosed ``<script>`` holds the
    rest of the note as its text): a reference no reader sees would still count as a
    link, a backlink and an asset of the publication.
    """
    kept = sorted({int(n) for n in LINK_NUMBER.findall(html) if int(n) < len(refs)})
    if len(kept) == len(refs):
        return html, refs
    new = {old: str(index) for index, old in enumerate(kept)}
    html = LINK_NUMBER.sub(lambda m: new.get(int(m.group()), m.group()), html)
    return html, [refs[old] for old in kept]


# --- the walk that numbers references --------------------------------------------------------


class _RefWalk:
    def __init__(self, first_line: int, path: str, report: Report) -> None:
        self.first_line = first_line
        self.path = path
        self.report = report
        self.refs: list[RawRef] = []
        self.headings: list[Heading] = []
        self.first_h1: str | None = None
        self._anchors: set[str] = set()

    def run(self, tokens: list[Token]) -> None:
        for i, token in enumerate(tokens):
            base = token.map[0] if token.map else None
            if token.type == "inline":
                if base is None:
                    base = self._nearest_line(tokens, i)
                self._inline(token.children or [], base)
                if i and tokens[i - 1].type == "heading_open":
                    self._heading(tokens[i - 1], token, base)
            elif token.type == "html_block":
                token.content = self._html(token.content, base or 0)

    @staticmethod
    def _nearest_line(tokens: list[Token], i: int) -> int:
        for k in range(i, -1, -1):
            if tokens[k].map:
                return tokens[k].map[0]
        return 0

    def _line(self, base: int, token: Token | None = None, extra: int = 0) -> int:
        offset = (token.meta or {}).get("xtd_offset", 0) if token is not None else 0
        return self.first_line + base + offset + extra

    def _inline(self, children: list[Token], base: int) -> None:
        for k, child in enumerate(children):
            ref = (child.meta or {}).get("xtd_ref")
            if ref is not None:
                self._wiki(child, ref, base)
            elif child.type == "link_open":
                self._markdown_link(child, children, k, base)
            elif child.type == "image":
                self._image(child, base)
            elif child.type == "xtd_refused":
                self.report.warning(
                    self.path, self._line(base, child), "link.unsafe",
                    f"a link to a {child.content.split(':')[0].lower()} URL is never "
                    "published; only its label is printed (use a web, mail or vault link)")
            elif child.type == "html_inline":
                child.content = self._html(child.content, base + child.meta.get("xtd_offset", 0)
                                           if child.meta else base)

    def _add(self, ref: RawRef) -> str:
        self.refs.append(ref)
        return f"{LINK_SCHEME}{len(self.refs) - 1}"

    def _wiki(self, token: Token, ref: dict, base: int) -> None:
        if "n" not in ref:
            url = self._add(RawRef(
                line=self._line(base, token), raw=ref["raw"], target_text=ref["target"],
                label=ref["label"], fragment=ref["fragment"], embed=ref["embed"],
                kind=ref["kind"], width=ref["width"],
            ))
            ref["n"] = url
        url = ref["n"]
        if token.type == "xtd_embed_open":
            token.attrs["data-link"] = url.removeprefix(LINK_SCHEME)
        elif token.type == "image":
            token.attrs["src"] = url
        else:
            token.attrs["href"] = url

    def _markdown_link(self, token: Token, children: list[Token], k: int, base: int) -> None:
        href = str(token.attrs.get("href", ""))
        target = _local_target(href, same_note=True)
        if target is None:
            return
        path, fragment, kind = target
        label = _plain(children[k + 1 : _closing_inline(children, k)])
        raw = f"[{label}]({unquote(href)})"
        token.attrs["href"] = self._add(RawRef(
            line=self._line(base, token), raw=raw, target_text=path, label=label,
            fragment=fragment, embed=False, kind=kind,
        ))

    def _image(self, token: Token, base: int) -> None:
        src = str(token.attrs.get("src", ""))
        target = _local_target(src, same_note=False)
        if target is None:
            return
        path, fragment, _ = target
        alt = _plain(token.children or [])
        token.attrs["src"] = self._add(RawRef(
            line=self._line(base, token), raw=f"![{alt}]({unquote(src)})", target_text=path,
            label=alt, fragment=fragment, embed=True, kind="file",
        ))

    def _html(self, content: str, base: int) -> str:
        """Local ``src``/``srcset``/``href`` of raw HTML become refs; the rest stays as written."""
        def tag(match: re.Match) -> str:
            tag_line = base + content.count("\n", 0, match.start())
            return HTML_URL_ATTR.sub(lambda m: self._html_attr(m, tag_line), match.group(0))
        return HTML_TAG.sub(tag, content)

    def _html_attr(self, match: re.Match, line: int) -> str:
        name, eq, quoted = match.group(1), match.group(2), match.group(3)
        quote = quoted[0] if quoted[0] in "\"'" else ""
        value = quoted[1:-1] if quote else quoted
        name_lower = name.lower()
        if name_lower == "srcset":
            parts = []
            for candidate in value.split(","):
                bits = candidate.strip().split(None, 1)
                if not bits:
                    continue
                bits[0] = self._html_url(bits[0], line, "file")
                parts.append(" ".join(bits))
            new_value = ", ".join(parts)
        else:
            new_value = self._html_url(value, line, "file" if name_lower == "src" else "either")
        return f"{name}{eq}{quote}{new_value}{quote}"

    def _html_url(self, url: str, line: int, kind: str) -> str:
        target = _local_target(html_unescape(url), same_note=False)  # src="a&amp;b.png"
        if target is None:
            return url
        path, fragment, _ = target
        return self._add(RawRef(
            line=self.first_line + line, raw=url, target_text=path, label=path.rsplit("/", 1)[-1],
            fragment=fragment, embed=kind == "file", kind=kind,
        ))

    def _heading(self, opening: Token, inline: Token, base: int) -> None:
        text = _plain(inline.children or []).strip()
        anchor = slugify(text)
        if anchor in self._anchors:
            n = 1
            while f"{anchor}-{n}" in self._anchors:
                n += 1
            anchor = f"{anchor}-{n}"
        self._anchors.add(anchor)
        opening.attrSet("id", anchor)
        level = int(opening.tag[1])
        self.headings.append(Heading(level, text, anchor, self.first_line + base))
        if level == 1 and self.first_h1 is None and text:
            self.first_h1 = text


C0_AND_SPACE = "".join(chr(c) for c in range(0x21))


def _local_target(url: str, same_note: bool) -> tuple[str, str | None, str] | None:
    """(path, fragment, kind) of a URL that points into the vault, or None for the web."""
    # As browsers do (WHATWG URL): tabs and newlines vanish, so "java\tscript:" is a scheme.
    url = re.sub(r"[\t\n\r]", "", url).strip(C0_AND_SPACE)
    if not url:
        return None
    if url.startswith("#"):
        return ("", unquote(url[1:]), "note") if same_note and len(url) > 1 else None
    if url.startswith("//"):
        return None
    scheme = SCHEME.match(url)
    if scheme and len(scheme.group(1)) > 1 and scheme.group(1).lower() != "file":
        return None
    path, hash_, fragment = url.partition("#")
    path = path.split("?", 1)[0]
    path = unquote(path).strip()
    return path, (unquote(fragment) if hash_ else None), "either"


def _closing_inline(children: list[Token], k: int) -> int:
    depth = 0
    for j in range(k, len(children)):
        depth += children[j].nesting
        if depth == 0:
            return j
    return len(children)


def _plain(children: list[Token]) -> str:
    """The plain text of inline tokens: markup, images and raw HTML left out."""
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            continue
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _summary(tokens: list[Token]) -> str:
    for i, token in enumerate(tokens):
        if token.type != "inline" or tokens[i - 1].type != "paragraph_open":
            continue
        if tokens[i - 1].attrGet("class") == "callout-title":
            continue
        text = _plain(token.children or [])
        if text:
            return _cut(text, SUMMARY_LENGTH)
    return ""


def _cut(text: str, length: int) -> str:
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0].rstrip(" ,;:.-–—")
    return cut + "…"

"""The walk over a parsed body that records every reference and names every heading.

Each wikilink, embed, markdown link or image into the vault, and each local ``src``,
``srcset`` or ``href`` of raw HTML, becomes a RawRef (with the line of the file it
stands on) and is written in the HTML as ``xtd:link/N``, N its index in the refs.
Headings get their anchor from ``slugify``, which links.py also uses to resolve
``[[Note#Heading]]``. ``without_lost_refs`` numbers the refs again once make_safe
has dropped some. Kept apart from markdown.py, which runs the parse and this walk.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from html import unescape as html_unescape
from urllib.parse import unquote

from markdown_it.token import Token

from ..model import LINK_SCHEME, Heading
from ..report import Report
from .obsidian_syntax import SCHEME
from .rawhtml import RAW_TEXT, RawHtml, Unclosed


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


MATH_INLINE = {"math_inline", "math_inline_double"}
# The attributes of raw HTML that name a file or a note, and what they may name.
URL_ATTRIBUTES = {"src": "file", "srcset": "file", "poster": "file", "href": "either"}
CLOSED_BY = {"<!--": "-->", "<![CDATA[": "]]>", "<?": ">", "<!": ">"}


# Latin letters that Unicode does not decompose into ASCII (œ is no o + e), spelt as anyascii
# spells them: every such letter of Latin-1, Latin Extended-A and -B, and the IPA letters of
# African orthographies (ɛ ɔ ə ɲ ŋ). A table, not the library: 83 letters against 2.6 MB,
# the same spellings, and scripts other than Latin keep their own letters (see slugify).
LATIN_LETTERS = dict(pair.split("=") for pair in (
    "ß=ss æ=ae ð=d ø=o þ=th đ=d ħ=h ı=i ĸ=q ŀ=l ł=l ŉ=n ŋ=ng œ=oe ŧ=t ƀ=b ƃ=b ƈ=c ƌ=d ƍ=z "
    "ƒ=f ƕ=hw ƙ=k ƚ=l ƛ=l ƞ=n ƣ=gh ƥ=p ƪ=sh ƫ=t ƭ=t ƴ=y ƶ=z ƺ=zh ƻ=dz ƾ=ts ƿ=w ǀ=c ǁ=x ǂ=qc "
    "ǃ=q ǝ=e ǣ=ae ǥ=g ǯ=zh ǽ=ae ǿ=o ȝ=y ȡ=d ȣ=ou ȥ=z ȴ=l ȵ=n ȶ=t ȷ=j ȸ=db ȹ=qp ȼ=c ȿ=s ɀ=z "
    "ɇ=e ɉ=j ɋ=q ɍ=r ɏ=y ɛ=e ɔ=o ə=e ɲ=n ɣ=g ʋ=v ʒ=zh ɓ=b ɗ=d ɖ=d ɠ=g ɨ=i ʉ=u ʊ=u ɪ=i"
).split())


def slugify(text: str, fallback: str = "section") -> str:
    """A stable, ASCII-folded, lowercase, ``-`` separated slug (``Gérer ses collections`` →
    ``gerer-ses-collections``, ``Œuvre`` → ``oeuvre``, ``Weißbuch`` → ``weissbuch``); scripts
    with no ASCII form keep their letters."""
    folded = unicodedata.normalize("NFKD", text).lower()
    # punctuation such as ’ separates words; Latin letters with no decomposition are spelt
    # out (LATIN_LETTERS), letters of other scripts are dropped here
    folded = "".join(
        c if c.isascii() else LATIN_LETTERS.get(c) or (c if c.isalnum() else "-")
        for c in folded if not unicodedata.combining(c)
    )
    slug = re.sub(r"[^a-z0-9]+", "-", folded.encode("ascii", "ignore").decode()).strip("-")
    if not slug:
        slug = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", text).lower()).strip("-")
    return slug or fallback


LINK_NUMBER = re.compile(r'(' + re.escape(LINK_SCHEME) + r'|data-link=")(\d+)')


def without_lost_refs(html: str, refs: list[RawRef]) -> tuple[str, list[RawRef]]:
    """The refs still in ``html`` once make_safe is done, numbered again from 0.

    What make_safe drops takes its references with it (an unclosed ``<script>`` holds the
    rest of the note as its text): a reference no reader sees would still count as a
    link, a backlink and an asset of the publication.
    """
    if not refs:
        return html, refs
    kept = sorted({int(n) for _, n in LINK_NUMBER.findall(html) if int(n) < len(refs)})
    if len(kept) == len(refs):
        return html, refs
    new = {old: str(index) for index, old in enumerate(kept)}
    html = LINK_NUMBER.sub(lambda m: m.group(1) + new.get(int(m.group(2)), m.group(2)), html)
    return html, [refs[old] for old in kept]


class RefWalk:
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
                token.content = self._html(RawHtml([token.content]), 0, base or 0)
            elif token.type == "math_block":
                token.meta = {**(token.meta or {}), "xtd_line": self._line(base or 0)}

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
        # the raw HTML of one paragraph is read as one stream
        raw = RawHtml([child.content for child in children if child.type == "html_inline"])
        piece = 0
        for k, child in enumerate(children):
            if child.type in MATH_INLINE:
                child.meta = {**(child.meta or {}), "xtd_line": self._line(base, child)}
                continue
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
                child.content = self._html(raw, piece, base + (child.meta or {}).get("xtd_offset", 0))
                piece += 1

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
        label = plain_text(children[k + 1 : closing_inline(children, k)])
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
        alt = plain_text(token.children or [])
        token.attrs["src"] = self._add(RawRef(
            line=self._line(base, token), raw=f"![{alt}]({unquote(src)})", target_text=path,
            label=alt, fragment=fragment, embed=True, kind="file",
        ))

    def _html(self, raw: RawHtml, index: int, base: int) -> str:
        """Piece ``index`` of ``raw`` as a browser reads it: local ``src``/``srcset``/
        ``poster``/``href`` become refs, and what is never closed is bounded: a comment, tag
        or declaration is written as text, a raw-text element (``<iframe>``, ``<textarea>``…)
        is closed just after its tag. Either would hide the rest of the note from readers."""
        content = raw.pieces[index]
        out: list[str] = []
        last = 0
        for event in raw.scan(index):
            line = base + content.count("\n", 0, event.start)
            if isinstance(event, Unclosed):
                out += [content[last:event.start], "&lt;"]
                last = event.start + 1
                self._warn_unclosed(event.what, line)
                continue
            for attribute in event.attributes:
                kind = URL_ATTRIBUTES.get(attribute.name)
                if kind is None or attribute.start < 0:
                    continue
                value = self._html_value(attribute.name, attribute.value, line, kind)
                if value != attribute.value:
                    out += [content[last:attribute.start], value]
                    last = attribute.end
            if not event.closed:
                out += [content[last:event.end], f"</{event.name}>"]
                last = event.end
                self.report.warning(
                    self.path, self.first_line + line, "html.unclosed",
                    f"<{event.name}> is not closed by </{event.name}> in its paragraph or block: "
                    "everything after it would be hidden from readers. It is closed just after "
                    f"its tag; add </{event.name}>")
        out.append(content[last:])
        return "".join(out)

    def _warn_unclosed(self, what: str, line: int) -> None:
        if what == "<plaintext>":
            problem = "<plaintext> is never closed (no end tag closes it)"
        elif what in CLOSED_BY or what.startswith("<!"):
            closed_by = CLOSED_BY.get(what, ">")
            problem = f"{what} is not closed by {closed_by} in its paragraph or block"
        else:
            problem = f"the tag {what} is not closed by > (a quote left open?)"
        self.report.warning(
            self.path, self.first_line + line, "html.unclosed",
            f"{problem}: everything after it would be hidden from readers. It is printed "
            "as text instead")

    def _html_value(self, name: str, value: str, line: int, kind: str) -> str:
        if name != "srcset":
            return self._html_url(value, line, kind)
        parts = []
        for candidate in value.split(","):
            bits = candidate.strip().split(None, 1)
            if bits:
                bits[0] = self._html_url(bits[0], line, "file")
                parts.append(" ".join(bits))
        return ", ".join(parts)

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
        text = plain_text(inline.children or []).strip()
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
# app://local/C:/Users/me/Vault/img/x.png (Obsidian before 0.15), app://0f3c1a…/… (later)
APP_URL = re.compile(r"app://(?:local|[0-9a-f]{6,64})/+([^#]*)", re.I)
APP_PREFIX = "app://local/"  # how links.py knows a target is an absolute path of the app


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
    app = APP_URL.match(url)
    if app:  # older Obsidian wrote absolute URLs of its own app: a file of the vault, somewhere
        return APP_PREFIX + unquote(app.group(1).split("?", 1)[0]), None, "file"
    scheme = SCHEME.match(url)
    if scheme and len(scheme.group(1)) > 1 and scheme.group(1).lower() != "file":
        return None
    path, hash_, fragment = url.partition("#")
    path = path.split("?", 1)[0]
    path = unquote(path).strip()
    return path, (unquote(fragment) if hash_ else None), "either"


def closing_inline(children: list[Token], k: int) -> int:
    depth = 0
    for j in range(k, len(children)):
        depth += children[j].nesting
        if depth == 0:
            return j
    return len(children)


def plain_text(children: list[Token]) -> str:
    """The plain text of inline tokens: markup, images and raw HTML left out; math as its
    TeX between its dollars, as written (``$M = \\,^TM$``: no markdown escape applied)."""
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in MATH_INLINE:
            parts.append(f"{child.markup}{child.content}{child.markup}")
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            continue
    return re.sub(r"\s+", " ", "".join(parts)).strip()

"""build/guide.pdf: the guide as a printed book, laid out by WeasyPrint from the theme.

The model becomes a ``Guide`` (render/guide.py) under a paper ``BodyPolicy``; the
theme's Jinja2 templates make one HTML document of it; ``prepare`` turns links
into something a reader can follow on paper (render/pdf/paper.py); WeasyPrint lays it out reading only the
vault, the theme and ``data:`` URIs, and what it logs becomes diagnostics.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import jinja2
import segno
from lxml import html
from weasyprint import HTML

from ...atomic import write_with
from ...config import Config, ConfigError
from ...gctuning import fewer_collections
from ...model import Link, Model, Note
from ...report import Report
from ...video_pages import is_video_host
from ..body import BodyPolicy, Video, anchor_id, depth_warning
from ..guide import (Guide, Section, build_guide, find_theme, format_date, source_date, typeset,
                     vault_file)
from ..limits import tell_bounds
from . import budget, tagging
from .fetcher import ConfinedFetcher, asset_url, folder_url
from .formulas import draw_formulas
from .log import report_log, weasyprint_log
from .numbering import lay_out_numbered
from .paper import Prepared, prepare

TEMPLATE = "guide.html.j2"
STYLESHEET = "guide.css"
OUTPUT = "guide.pdf"
DEFAULT_THEME = find_theme(Path("."), Config())
# The page numbers of links as the themes of xtdpublish 0.2 printed them.
TARGET_COUNTER = re.compile(r"target-counter\(\s*attr\(\s*href(?:\s+url)?\s*\)\s*,\s*page\s*\)")


def render(model: Model, config: Config, out_dir: Path, report: Report) -> list[Path]:
    theme = find_theme(model.root, config)
    if not theme.is_dir():
        raise ConfigError(f"guide.theme: no such folder {theme}")
    fetcher = _fetcher(model, config, theme, report)
    source_date(report)  # an unusable SOURCE_DATE_EPOCH is told once, here
    tell_bounds(model, report)
    env = _environment(theme, model.site.language or "en")
    guide = draw_formulas(build_guide(model, replace(paper_policy(model, env), too_deep=depth_warning(report))),
                          report)
    for section in guide.walk():
        if section.error:
            report.error(section.note.path, section.note.body_line, "pdf.note",
                         f"this note could not be rendered and is replaced by a notice: {section.error}")
    guide = budget.notes_over_budget(guide, report, fetcher.local_path)  # what one note may ask of the layout
    pdf = lay_out(guide, model, env, theme, fetcher, report)
    return [write_with(out_dir / OUTPUT, lambda tmp: tmp.write_bytes(pdf))]


def build_date(model: Model, report: Report | None = None) -> datetime:
    """SOURCE_DATE_EPOCH when set, else the newest note's date: the same notes, the same file."""
    epoch = source_date(report or Report())
    if epoch is not None:
        return epoch
    newest = max((note.updated for note in model.notes), default=None)
    return (newest or datetime(1970, 1, 1, tzinfo=timezone.utc)).astimezone(timezone.utc)


def paper_policy(model: Model, env: jinja2.Environment) -> BodyPolicy:
    video = env.get_template("partials/video.html.j2")

    def note_href(note: Note, link: Link) -> str | None:
        return "#" + anchor_id(link.target, link.anchor) if model.get(link.target) else None

    def asset_src(link: Link) -> str | None:
        return asset_url(model, link.asset) if link.asset else None

    def frame(element, watch: Video):
        # A PNG, one pixel a module, drawn without smoothing: much cheaper to paint than SVG paths.
        qr = segno.make(watch.url, error="m").png_data_uri(scale=1, border=2)
        kind = "video" if is_video_host(watch.url) else "embed"
        return html.fragment_fromstring(video.render(video=watch, qr=qr, kind=kind).strip())

    return BodyPolicy(note_href, asset_src, frame, id_prefix=lambda note: anchor_id(note.id) + "--")


def lay_out(guide: Guide, model: Model, env, theme: Path, fetcher, report: Report) -> bytes:
    """The PDF; when WeasyPrint fails, the notes that make it fail are replaced by a notice."""
    try:
        with budget.time_limit(budget.book_seconds(guide)):
            return _weasyprint(compose(guide, model, env, theme), model, fetcher, report)
    except OSError:
        raise  # the machine's (a full disk, a file size limit), not a note's
    except Exception as error:
        culprits = _culprits(guide, model, env, theme, fetcher)
        if not culprits:
            raise
        for section in culprits:
            report.error(section.note.path, section.note.body_line, "pdf.note",
                         f"this note breaks the PDF layout and is replaced by a notice: {error!r}")
        broken = {section.anchor for section in culprits}
        guide = replace(guide, sections=_mark_failed(guide.sections, broken))
        return _weasyprint(compose(guide, model, env, theme), model, fetcher, report)


def compose(guide: Guide, model: Model, env: jinja2.Environment, theme: Path) -> Prepared:
    """The whole book as one HTML document, ready for paper."""
    sections = {s.note.id: s for s in guide.walk() if s.note is not None}
    parts = {s.anchor: n for n, s in enumerate((s for s in guide.sections if s.kind == "part"), 1)}
    logo = _logo(model)
    document = env.get_template(TEMPLATE).render(
        guide=guide,
        site=model.site,
        build_date=build_date(model),
        logo=logo,
        source=model.site.base_url or model.root.name,
        stylesheet=_stylesheet_url(theme),
        format_date=lambda moment: format_date(moment, guide.language),
        part_number=lambda section: parts.get(section.anchor, ""),
        backlinks=lambda note: [sections[i] for i in note.backlinks if i in sections and i != note.id],
    )
    return prepare(document, model)


def _weasyprint(prepared: Prepared, model: Model, fetcher, report: Report) -> bytes:
    if not tagging.install():
        report.warning("guide", None, "pdf.tagging",
                       "this WeasyPrint is not the one xtdpublish's tagging was written for: the PDF "
                       "marks no passage's language, no formula, and decorative images as figures")

    base_url = folder_url("vault")

    def render(document: str):
        # presentational hints: an image's width/height attributes
        return HTML(string=document, base_url=base_url, url_fetcher=fetcher).render(presentational_hints=True)

    with weasyprint_log() as records, fewer_collections(freeze=True):
        laid_out = lay_out_numbered(prepared.html, render, report)
        pdf = laid_out.document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=True)
    report.info("guide", None, "pdf.layout",
                f"{laid_out.pages} pages, {laid_out.layouts} page layouts in {laid_out.passes} "
                f"pass{'es' * (laid_out.passes != 1)}; page numbers {laid_out.how}")
    report_log(records, prepared, report)
    return pdf


def _culprits(guide: Guide, model: Model, env, theme: Path, fetcher) -> list[Section]:
    """The notes that fail when laid out alone."""
    found = []
    for section in guide.walk():
        if section.note is None or section.error:
            continue
        alone = replace(guide, sections=(replace(section, children=()),), tags=())
        try:
            with budget.time_limit(budget.NOTE_SECONDS):
                _weasyprint(compose(alone, model, env, theme), model, fetcher, Report())
        except Exception:
            found.append(section)
    return found


def _mark_failed(sections: tuple[Section, ...], broken: set[str]) -> tuple[Section, ...]:
    return tuple(
        replace(s, body="" if s.anchor in broken else s.body,
                error="layout failed" if s.anchor in broken else s.error,
                children=_mark_failed(s.children, broken))
        for s in sections
    )


def _logo(model: Model) -> str | None:
    if not model.site.logo:
        return None
    path = vault_file(model.root, model.site.logo)
    return folder_url("vault", path.relative_to(model.root.resolve()).as_posix()) if path else None


def _stylesheet_url(theme: Path) -> str:
    """The theme's stylesheet, else the default theme's: a theme may change only what it needs."""
    return folder_url("theme" if (theme / STYLESHEET).is_file() else "default-theme", STYLESHEET)


def _fetcher(model: Model, config: Config, theme: Path, report: Report) -> ConfinedFetcher:
    """Reads the vault and the themes; a theme's ``target-counter()`` page numbers are
    served as ``attr(data-page)``, which are right and cost no second pass (numbering.py)."""
    folders = {"vault": model.root, "theme": theme, "default-theme": DEFAULT_THEME}
    office = {asset_url(model, path): file for path, file in model.extracted.items()}
    fetcher = ConfinedFetcher(list(folders.values()), folders, files=office,
                              max_bytes=config.limits.asset_bytes)
    url = _stylesheet_url(theme)
    css = fetcher.local_path(url).read_text(encoding="utf-8", errors="replace")
    if TARGET_COUNTER.search(css):
        fetcher.replaced[url] = TARGET_COUNTER.sub("attr(data-page)", css).encode()
        report.info("guide", None, "pdf.theme",
                    f"the theme's {STYLESHEET} prints page numbers with target-counter(): "
                    "printed from attr(data-page) instead (README, Theming)")
    return fetcher


def _environment(theme: Path, language: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(theme), jinja2.FileSystemLoader(DEFAULT_THEME)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
    )
    env.filters["typeset"] = lambda text: typeset(str(text), language)
    env.globals["language"] = language
    return env

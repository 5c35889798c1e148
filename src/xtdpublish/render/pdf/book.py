"""build/guide.pdf: the guide as a printed book, laid out by WeasyPrint from the theme.

The model becomes a ``Guide`` (render/guide.py) under a paper ``BodyPolicy``; the
theme's Jinja2 templates make one HTML document of it; ``prepare`` turns links
into something a reader can follow on paper (render/pdf/paper.py); WeasyPrint lays it out reading only the
vault, the theme and ``data:`` URIs, and what it logs becomes diagnostics.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import segno
from lxml import html
from weasyprint import HTML

from ...atomic import write_with
from ...config import Config, ConfigError
from ...gctuning import fewer_collections
from ...model import Link, Model, Note
from ...report import Report
from ..body import BodyPolicy, Video, anchor_id, depth_warning
from ..limits import tell_bounds
from ..guide import (Guide, Section, build_guide, find_theme, format_date, source_date, typeset,
                     vault_file)
from . import budget
from .fetcher import ConfinedFetcher, weasyprint_log
from .paper import Prepared, prepare, report_log

TEMPLATE = "guide.html.j2"
STYLESHEET = "guide.css"
OUTPUT = "guide.pdf"
DEFAULT_THEME = find_theme(Path("."), Config())
VIDEO_HOSTS = {"youtube.com", "youtu.be", "vimeo.com", "dailymotion.com", "peertube.tv"}


def render(model: Model, config: Config, out_dir: Path, report: Report) -> list[Path]:
    theme = find_theme(model.root, config)
    if not theme.is_dir():
        raise ConfigError(f"guide.theme: no such folder {theme}")
    fetcher = ConfinedFetcher([model.root, theme, DEFAULT_THEME])
    source_date(report)  # an unusable SOURCE_DATE_EPOCH is told once, here
    tell_bounds(model, report)
    env = _environment(theme, model.site.language or "en")
    guide = build_guide(model, replace(paper_policy(model, env), too_deep=depth_warning(report)))
    for section in guide.walk():
        if section.error:
            report.error(section.note.path, section.note.body_line, "pdf.note",
                         f"this note could not be rendered and is replaced by a notice: {section.error}")
    guide = budget.notes_over_budget(guide, report)  # what one note may ask of the layout
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
        return (model.root / link.asset).resolve().as_uri() if link.asset else None

    def frame(element, watch: Video):
        # A PNG, one pixel a module, drawn without smoothing: much cheaper to paint than SVG paths.
        qr = segno.make(watch.url, error="m").png_data_uri(scale=1, border=2)
        host = urlsplit(watch.url).netloc.lower().removeprefix("www.").removeprefix("m.")
        kind = "video" if host in VIDEO_HOSTS else "embed"
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
        stylesheet=_themed(theme, STYLESHEET).as_uri(),
        format_date=lambda moment: format_date(moment, guide.language),
        part_number=lambda section: parts.get(section.anchor, ""),
        backlinks=lambda note: [sections[i] for i in note.backlinks if i in sections and i != note.id],
    )
    return prepare(document, model)


def _weasyprint(prepared: Prepared, model: Model, fetcher, report: Report) -> bytes:
    with weasyprint_log() as records, fewer_collections(freeze=True):
        document = HTML(
            string=prepared.html, base_url=model.root.resolve().as_uri() + "/", url_fetcher=fetcher
        ).render(presentational_hints=True)  # an image's width/height attributes
        pdf = document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=True)
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
    return path.as_uri() if path is not None else None


def _themed(theme: Path, name: str) -> Path:
    """A theme's file, else the default theme's: a theme may change only what it needs."""
    return theme / name if (theme / name).is_file() else DEFAULT_THEME / name


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

"""``xtdpublish init``: a commented ``xtdpublish.toml`` guessed from a vault.

It reads the notes through the vault reader (with the default configuration, since there is
none yet), Obsidian's settings when the vault has them, and the site's own files (the live
address: live_site.py). Each guess is written with where it came from; a key it cannot
guess is written commented out with its default (config.py's, so that init, the shipped
content/xtdpublish.toml and the README agree). It never replaces an existing file.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path


from .config import CONFIG_NAME, VaultConfig
from .init_file import Guess, config_text
from .live_site import find_live_site
from .report import Report
from .vault.drawings import is_drawing
from .vault.files import OFFICE_SUFFIXES, scan_vault
from .vault.frontmatter import split_frontmatter
from .vault import publish_site
from .vault.obsidian_syntax import parser
from .vault.tags_fields import TAGS_KEY

# Folders whose notes are not meant to be published, by their name (case and accents ignored).
UNPUBLISHED_FOLDER = re.compile(
    r"\.?(drafts?|brouillons?|templates?|modeles?|trash|corbeille|papierkorb|entwurfe?)"
)
# The site's own partials and generated folders, which hold .md files that are not notes.
SITE_FOLDERS = ("_includes", "_layouts", "node_modules", "_site")
DRAWING_SUFFIX = ".excalidraw.md"
RESOURCE_TAG = re.compile(r"(ressources?|resources?|risorse|recursos)")
# What only Obsidian writes in a note: [[wikilinks]], ![[embeds]], > [!callouts], ^block-ids.
OBSIDIAN_SYNTAX = {
    "wikilinks": re.compile(r"(?<!!)\[\[[^\[\]\n]+\]\]"),
    "embeds": re.compile(r"!\[\[[^\[\]\n]+\]\]"),
    "callouts": re.compile(r"^>\s*\[![A-Za-z-]+\]", re.M),
    "block ids": re.compile(r"\s\^[A-Za-z0-9-]+$", re.M),
}
# What is not prose, for the language guess: code, math, links' targets, HTML, URLs.
NOT_PROSE = re.compile(
    r"^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?^[ \t]*\1[^\n]*$"  # fenced code
    r"|^(?: {4}|\t)[^\n]*$"  # indented code
    r"|`+[^`\n]*`+|\$\$.*?\$\$|\$[^$\n]+\$"  # inline code, math
    r"|\]\([^)\s]*\)|<[^>\n]*>|\b(?:https?://|www\.)\S+|\[\[[^\]|\n]*\|?",  # targets, HTML
    re.S | re.M,
)
NOT_CODE = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?^[ \t]*\1[^\n]*$|`+[^`\n]*`+",
                      re.S | re.M)
ELEVENTY_CONFIGS = (".eleventy.js", "eleventy.config.js", "eleventy.config.mjs",
                    "eleventy.config.cjs")

# A few frequent words that belong to one language only (shared ones are dropped below).
STOP_WORDS = {
    "fr": "le les des est une et du dans pour qui sur pas avec au ce ces sont aux ou nous vous "
          "leur cette être mais",
    "en": "the and of to is in that for it with as are this on be by from or which have "
          "not",
    "de": "der die das und ist nicht ein eine zu den mit von sich auf für im dem auch werden",
    "it": "il di che è per sono del della con gli nel alla anche delle più non una",
    "es": "el y los del las por con para es se una su al más como",
}


def _distinct_stop_words() -> dict[str, frozenset[str]]:
    counts = Counter(w for words in STOP_WORDS.values() for w in set(words.split()))
    return {
        lang: frozenset(w for w in words.split() if counts[w] == 1)
        for lang, words in STOP_WORDS.items()
    }


DISTINCT_STOP_WORDS = _distinct_stop_words()


@dataclass(frozen=True)
class NoteInfo:
    path: str
    meta: dict
    body: str


def write_config(vault: Path, guess: Guess | None = None) -> Path:
    """Write ``VAULT/xtdpublish.toml``; raises ``FileExistsError`` when there is one."""
    path = vault / CONFIG_NAME
    text = config_text(guess or guess_config(vault))
    with open(path, "x", encoding="utf-8") as file:  # "x": never replace the editors' file
        file.write(text)
    return path


def guess_config(vault: Path) -> Guess:
    guess = Guess()
    every_note = read_notes(vault)
    paths = [note.path for note in every_note]
    folders = unpublished_folders(vault, paths)
    partials = site_folders(vault, paths)
    drawings = drawing_globs(every_note)
    guess.exclude = folders + partials + drawings
    for globs, what in ((folders, "drafts, templates and trash"),
                        (partials, "the site's own partials and generated files"),
                        (drawings, "Excalidraw drawings")):
        if globs:
            guess.exclude_reasons.append(f"{what}: {', '.join(globs)}")
    notes = [n for n in every_note if not _excluded(n.path, guess.exclude)]
    guess.notes = len(notes)
    guess.title, guess.title_reason = guess_title(notes, vault)
    guess.language, guess.language_reason = guess_language(notes)
    guess.base_url, guess.base_url_reason = guess_base_url(vault)
    guess.logo, guess.logo_reason = guess_logo(vault)
    guess.breaks, guess.breaks_reason = guess_breaks(vault, notes)
    guess.titles, guess.titles_reason = guess_titles(notes, vault)
    guess.root, guess.root_reason = guess_root(notes, publish_site.read_publish_site(vault, Report()))
    guess.tags = tags_in_use(notes)
    guess.feed_tags = [tag for tag, _ in guess.tags if RESOURCE_TAG.fullmatch(_plain(tag))][:1]
    assets = scan_vault(vault, VaultConfig(), Report()).assets
    guess.documents = sum(path.lower().endswith(OFFICE_SUFFIXES) for path in assets)
    return guess


# -- reading the vault, tolerantly -------------------------------------------------------

def read_notes(vault: Path) -> list[NoteInfo]:
    """Every note of the vault, read by the vault reader's own rules (decoding, NFC,
    dot-folders, symlinks, frontmatter recovery); its complaints are the build's to make."""
    quiet = Report()
    files = scan_vault(vault, VaultConfig(), quiet)
    notes = []
    for file in files.notes:
        front = split_frontmatter(file.text, file.path, quiet)
        if not is_drawing(file.path, front.meta):  # a picture: its text is the plugin's data
            notes.append(NoteInfo(file.path, front.meta, front.body))
    return notes


# -- the guesses ----------------------------------------------------------------------

def unpublished_folders(vault: Path, note_paths: list[str]) -> list[str]:
    """Folders of drafts, templates and trash that hold notes, as exclude globs.

    Dot-folders (.trash, .obsidian) are never read, so they need no line."""
    named = set()
    templates = _obsidian_setting(vault, "templates.json", "folder")
    if isinstance(templates, str) and templates.strip("/"):
        named.add(unicodedata.normalize("NFC", templates.strip("/")))
    for folder in sorted(p for p in vault.rglob("*") if p.is_dir() and not p.is_symlink()):
        relative = folder.relative_to(vault)
        if any(part.startswith(".") for part in relative.parts[:-1]):
            continue  # inside .obsidian, .git...
        if UNPUBLISHED_FOLDER.fullmatch(_plain(folder.name)):
            named.add(unicodedata.normalize("NFC", relative.as_posix()))
    holding_notes = [f for f in named if any(p.startswith(f + "/") for p in note_paths)]
    # a folder inside one already excluded needs no line of its own
    return [f"{f}/**" for f in sorted(holding_notes)
            if not any(f.startswith(other + "/") for other in holding_notes)]


def site_folders(vault: Path, note_paths: list[str]) -> list[str]:
    """Eleventy's ``_includes/`` and layouts (and the folders its config names for them),
    ``node_modules/`` and ``_site/``: folders of .md files that are no notes."""
    names = set(SITE_FOLDERS)
    for config in _eleventy_configs(vault):
        text = config.read_text(encoding="utf-8", errors="replace")
        names.update(m[1].strip("/").rsplit("/", 1)[-1] for m in re.finditer(
            r"\b(?:includes|layouts)\s*:\s*['\"]([^'\"]+)['\"]", text))
    found = set()
    for path in note_paths:
        parts = path.split("/")[:-1]
        for depth, part in enumerate(parts):
            if part in names:
                found.add("/".join(parts[:depth + 1]))
                break
    return [f"{folder}/**" for folder in sorted(found)]


def drawing_globs(notes: list[NoteInfo]) -> list[str]:
    """Excalidraw's drawings: ``*.excalidraw.md``, and notes its plugin marks as drawings."""
    named = [n.path for n in notes if n.path.endswith(DRAWING_SUFFIX)]
    marked = [n.path for n in notes if "excalidraw-plugin" in n.meta
              and not n.path.endswith(DRAWING_SUFFIX)]
    return ([f"**/*{DRAWING_SUFFIX}"] if named else []) + marked


def guess_title(notes: list[NoteInfo], vault: Path) -> tuple[str, str]:
    titles = Counter(
        n.meta["title"].strip() for n in notes
        if isinstance(n.meta.get("title"), str) and n.meta["title"].strip()
    )
    if titles:
        title, count = titles.most_common(1)[0]
        if count * 2 > len(notes):
            return title, (f"the frontmatter title of {count} of the {len(notes)} notes, so "
                           "the site's name rather than a note's title")
    site_name = _publish_options(vault).get("siteName")
    if isinstance(site_name, str) and site_name.strip():
        return site_name.strip(), "site-options.json (Obsidian Publish's siteName)"
    name = vault.resolve().name.replace("-", " ").replace("_", " ").strip() or "My notes"
    return name, "the vault folder's name (no frontmatter title is shared by most notes)"


def guess_language(notes: list[NoteInfo]) -> tuple[str, str]:
    """The language of the notes' prose: code, math, URLs, HTML and link targets left out
    (a French course quoting English code is French)."""
    counts = Counter()
    for note in notes:
        for word in re.findall(r"[^\W\d_]+", NOT_PROSE.sub(" ", note.body).lower()):
            for lang, words in DISTINCT_STOP_WORDS.items():
                if word in words:
                    counts[lang] += 1
    if sum(counts.values()) < 20:
        return "en", "too little text to tell; English assumed"
    lang, total = counts.most_common(1)[0][0], sum(counts.values())
    share = ", ".join(f"{name} {n * 100 // total}%" for name, n in counts.most_common(3))
    return lang, f"the most frequent common words of the notes' prose, code left out ({share})"


def guess_base_url(vault: Path) -> tuple[str | None, str]:
    found = find_live_site(vault)
    if found is None:
        return None, ("no file of the vault or its site names the live site (CNAME, a GitHub "
                      "Actions cname:, Hugo's baseURL, MkDocs' site_url, Eleventy's "
                      "_data/*.json url, package.json's homepage)")
    where = Path(os.path.relpath(found.source, vault.resolve())).as_posix()
    return found.url, f"{found.how} ({where})"


def guess_logo(vault: Path) -> tuple[str | None, str]:
    logo = _publish_options(vault).get("logo")
    if isinstance(logo, str) and (vault / logo).is_file():
        return logo, "site-options.json (Obsidian Publish's logo)"
    return None, ""


def guess_breaks(vault: Path, notes: list[NoteInfo] = ()) -> tuple[bool, str]:
    """Whether a single newline is a line break, as the editors see their notes.

    Obsidian's "Strict line breaks" (``strictLineBreaks`` in ``.obsidian/app.json``) is off
    by default, and off means a single newline shows as a line break. So: breaks = not
    strictLineBreaks, true when the key is absent from an Obsidian vault. An Eleventy site
    that renders the same notes with markdown-it's ``breaks: true`` wins, since that is what
    readers see.
    """
    for config in _eleventy_configs(vault):
        if re.search(r"\bbreaks\s*:\s*true\b",
                     config.read_text(encoding="utf-8", errors="replace")):
            return True, f"{config.name} sets markdown-it's breaks: true"
    if not (vault / ".obsidian").is_dir():
        uses = obsidian_syntax(notes)
        if not uses:
            return False, ("no .obsidian folder and no Obsidian syntax in the notes: standard "
                           "markdown, a newline joins lines")
        shown = ", ".join(f"{what} in {n}" for what, n in uses.items())
        return True, (f"no .obsidian folder, but the notes are Obsidian's ({shown} of the "
                      f"{len(notes)} notes), and Obsidian shows a single newline as a line "
                      "break unless \"Strict line breaks\" is on")
    strict = _obsidian_setting(vault, "app.json", "strictLineBreaks")
    if strict is True:
        return False, ("Obsidian's \"Strict line breaks\" is on (.obsidian/app.json): a single "
                       "newline joins lines. Set true if the published site breaks them "
                       "(Eleventy's markdown-it breaks: true)")
    return True, ("Obsidian's \"Strict line breaks\" is off (its default): a single newline "
                  "is a line break, as editors see it")


def guess_titles(notes: list[NoteInfo], vault: Path) -> tuple[str, str]:
    """The title rule: an Eleventy vault's notes are titled as its site shows them."""
    for folder in (vault, vault.resolve().parent):
        found = next((name for name in ELEVENTY_CONFIGS if (folder / name).is_file()), None)
        if found:
            return "eleventy", f"an Eleventy site ({found}) publishes these notes"
    with_nav = sum(isinstance(n.meta.get("eleventyNavigation"), dict) for n in notes)
    if with_nav:
        return "eleventy", f"{with_nav} notes have eleventyNavigation, as an Eleventy site's do"
    titles = Counter(n.meta.get("title") for n in notes if isinstance(n.meta.get("title"), str))
    if titles and titles.most_common(1)[0][1] * 2 > len(notes) > 1:
        return "eleventy", "most notes share one frontmatter title, the site's name"
    return "obsidian", ("no Eleventy site found: as Obsidian shows them, the `title` property "
                        "else the file name (aliases are names to link by)")


def obsidian_syntax(notes) -> dict[str, int]:
    """How many notes use each construct only Obsidian writes, those in use only."""
    counts = {what: sum(1 for n in notes if pattern.search(NOT_CODE.sub("", n.body)))
              for what, pattern in OBSIDIAN_SYNTAX.items()}
    return {what: n for what, n in counts.items() if n}


def _eleventy_configs(vault: Path) -> list[Path]:
    folders = [vault, vault.resolve().parent]
    return [folder / name for folder in folders for name in ELEVENTY_CONFIGS
            if (folder / name).is_file()]


def _publish_options(vault: Path) -> dict:
    """Obsidian Publish's ``site-options.json`` at the vault's top, when there is one (the
    build reports what is wrong with it)."""
    return publish_site.settings(vault, Report())


def guess_root(notes: list[NoteInfo],
               publish: publish_site.PublishSite = publish_site.PublishSite()) -> tuple[str | None, str]:
    with_nav = [n for n in notes if isinstance(n.meta.get("eleventyNavigation"), dict)]
    index = next((n for n in with_nav if n.path == "index.md"), None)
    if index is not None:
        return "index.md", (f"index.md has eleventyNavigation ({len(with_nav)} notes have "
                            "it): its tree gives the guide its parts")
    if with_nav:
        return None, (f"{len(with_nav)} notes have eleventyNavigation, but not index.md: "
                      "set the note at the top of the tree")
    home = publish.root_among({n.path for n in notes})
    if home is not None:
        ordered = " in the order of its navigation" if publish.ordering else ""
        return None, (f"no eleventyNavigation in the notes: the guide follows Obsidian Publish's "
                      f"site (site-options.json), its folders{ordered}, from its home page {home}")
    return None, "no eleventyNavigation in the notes: the guide's parts follow the folders"


def tags_in_use(notes: list[NoteInfo]) -> list[tuple[str, int]]:
    """Each tag with the number of notes that carry it (in their properties or, as Obsidian
    reads them, in their text), case variants merged."""
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for note in notes:
        seen = set()
        for tag in _tags(note.meta) + _inline_tags(note.body):
            key = tag.casefold()
            spellings.setdefault(key, Counter())[tag] += 1
            seen.add(key)
        counts.update(seen)
    return sorted(((spellings[k].most_common(1)[0][0], n) for k, n in counts.items()),
                  key=lambda item: (-item[1], item[0].casefold()))


def _inline_tags(body: str) -> list[str]:
    """The ``#tags`` of a note's text, found by the parser the build reads notes with."""
    if "#" not in body:
        return []
    env: dict = {}
    parser(False).parse(body, env)
    return env.get(TAGS_KEY, [])


def _tags(meta: dict) -> list[str]:
    value = meta.get("tags", meta.get("tag"))
    values = value if isinstance(value, list) else [value]
    tags = []
    for item in values:
        if isinstance(item, str):
            tags += [t.lstrip("#") for t in re.split(r"[\s,]+", item) if t.lstrip("#")]
    return tags


def _obsidian_setting(vault: Path, file: str, key: str):
    try:
        data = json.loads((vault / ".obsidian" / file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data.get(key) if isinstance(data, dict) else None


def _plain(name: str) -> str:
    decomposed = unicodedata.normalize("NFD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _excluded(path: str, globs: list[str]) -> bool:
    return any(path.startswith(g.removesuffix("**")) for g in globs)

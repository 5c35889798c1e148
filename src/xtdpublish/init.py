"""``xtdpublish init``: a commented ``xtdpublish.toml`` guessed from a vault.

It reads the notes through the vault reader (with the default configuration, since there is
none yet), plus Obsidian's settings; it writes no output and never replaces an existing file.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


from .config import CONFIG_NAME, VaultConfig
from .report import Report
from .vault.drawings import is_drawing
from .vault.files import OFFICE_SUFFIXES, scan_vault
from .vault.frontmatter import split_frontmatter

# Folders whose notes are not meant to be published, by their name (case and accents ignored).
UNPUBLISHED_FOLDER = re.compile(
    r"\.?(drafts?|brouillons?|templates?|modeles?|trash|corbeille|papierkorb|entwurfe?)"
)
RESOURCE_TAG = re.compile(r"(ressources?|resources?|risorse|recursos)")
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


@dataclass
class Guess:
    """What ``init`` found, each choice with the reason written next to it in the file."""

    notes: int = 0
    title: str = ""
    title_reason: str = ""
    language: str = "en"
    language_reason: str = ""
    exclude: list[str] = field(default_factory=list)
    breaks: bool = False
    breaks_reason: str = ""
    titles: str = "obsidian"
    titles_reason: str = ""
    root: str | None = None
    root_reason: str = ""
    tags: list[tuple[str, int]] = field(default_factory=list)  # (tag, notes), most used first
    feed_tags: list[str] = field(default_factory=list)
    documents: int = 0  # .docx and .odt files: notes once vault.include takes them


def write_config(vault: Path) -> Path:
    """Write ``VAULT/xtdpublish.toml``; raises ``FileExistsError`` when there is one."""
    path = vault / CONFIG_NAME
    text = config_text(guess_config(vault))
    with open(path, "x", encoding="utf-8") as file:  # "x": never replace the editors' file
        file.write(text)
    return path


def guess_config(vault: Path) -> Guess:
    guess = Guess()
    every_note = read_notes(vault)
    guess.exclude = unpublished_folders(vault, [note.path for note in every_note])
    notes = [n for n in every_note if not _excluded(n.path, guess.exclude)]
    guess.notes = len(notes)
    guess.title, guess.title_reason = guess_title(notes, vault)
    guess.language, guess.language_reason = guess_language(notes)
    guess.breaks, guess.breaks_reason = guess_breaks(vault)
    guess.titles, guess.titles_reason = guess_titles(notes, vault)
    guess.root, guess.root_reason = guess_root(notes)
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
    name = vault.resolve().name.replace("-", " ").replace("_", " ").strip() or "My notes"
    return name, "the vault folder's name (no frontmatter title is shared by most notes)"


def guess_language(notes: list[NoteInfo]) -> tuple[str, str]:
    counts = Counter()
    for note in notes:
        for word in re.findall(r"[^\W\d_]+", note.body.lower()):
            for lang, words in DISTINCT_STOP_WORDS.items():
                if word in words:
                    counts[lang] += 1
    if sum(counts.values()) < 20:
        return "en", "too little text to tell; English assumed"
    lang, total = counts.most_common(1)[0][0], sum(counts.values())
    share = ", ".join(f"{name} {n * 100 // total}%" for name, n in counts.most_common(3))
    return lang, f"the most frequent common words of the notes' text ({share})"


def guess_breaks(vault: Path) -> tuple[bool, str]:
    """Whether a single newline is a line break, as the editors see their notes.

    Obsidian's "Strict line breaks" (``strictLineBreaks`` in ``.obsidian/app.json``) is off
    by default, and off means a single newline shows as a line break. So: breaks = not
    strictLineBreaks, true when the key is absent from an Obsidian vault. An Eleventy site
    that renders the same notes with markdown-it's ``breaks: true`` wins, since that is what
    readers see.
    """
    for folder in (vault, vault.resolve().parent):
        for name in ELEVENTY_CONFIGS:
            config = folder / name
            if config.is_file() and re.search(
                r"\bbreaks\s*:\s*true\b", config.read_text(encoding="utf-8", errors="replace")
            ):
                return True, f"{config.name} sets markdown-it's breaks: true"
    if not (vault / ".obsidian").is_dir():
        return False, "not an Obsidian vault: standard markdown, a newline joins lines"
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


def guess_root(notes: list[NoteInfo]) -> tuple[str | None, str]:
    with_nav = [n for n in notes if isinstance(n.meta.get("eleventyNavigation"), dict)]
    index = next((n for n in with_nav if n.path == "index.md"), None)
    if index is not None:
        return "index.md", (f"index.md has eleventyNavigation ({len(with_nav)} notes have "
                            "it): its tree gives the guide its parts")
    if with_nav:
        return None, (f"{len(with_nav)} notes have eleventyNavigation, but not index.md: "
                      "set the note at the top of the tree")
    return None, "no eleventyNavigation in the notes: the guide's parts follow the folders"


def tags_in_use(notes: list[NoteInfo]) -> list[tuple[str, int]]:
    """Each tag with the number of notes that carry it, case variants merged."""
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for note in notes:
        seen = set()
        for tag in _tags(note.meta):
            key = tag.casefold()
            spellings.setdefault(key, Counter())[tag] += 1
            seen.add(key)
        counts.update(seen)
    return sorted(((spellings[k].most_common(1)[0][0], n) for k, n in counts.items()),
                  key=lambda item: (-item[1], item[0].casefold()))


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


# -- writing ---------------------------------------------------------------------------

def _toml(value) -> str:
    """A TOML value: JSON's string and array syntax is valid TOML for strings and lists."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)


def _comment(text: str) -> str:
    return "# " + text.replace("\n", "\n# ")


def config_text(guess: Guess) -> str:
    lines = [
        "# xtdpublish configuration, written by `xtdpublish init` from what the vault contains.",
        f"# {guess.notes} notes looked at. Every key is optional; the README lists them all.",
        "",
        "[site]",
        _comment(f"Guessed from {guess.title_reason}."),
        f"title = {_toml(guess.title)}",
        '# subtitle = ""',
        '# author = ""',
        _comment(f"Guessed from {guess.language_reason}."),
        f"language = {_toml(guess.language)}",
        "# The live site, where each note has its page. The feeds need it (without it, they are",
        "# not written and the build exits 2); the guide links notes to their pages there.",
        '# base_url = "https://www.example.org"',
        '# note_url = "{base_url}/{path}/"   # {path}: vault path without .md; {id}: note id',
        '# logo = "images/logo.png"   # an image of the vault for the cover',
        "",
        "[vault]",
        '# include = ["**/*.md"]   # the default: every note',
    ]
    if guess.documents:
        lines.append(f'# {guess.documents} Word or LibreOffice documents (.docx, .odt) found: they are notes too '
                     'once include takes them, e.g. include = ["**/*.md", "**/*.docx", "**/*.odt"]')
    if guess.exclude:
        lines.append("# Drafts, templates and trash (dot-folders are always left out).")
        lines.append(f"exclude = {_toml(guess.exclude)}")
    else:
        lines.append('# exclude = ["Drafts/**"]   # dot-folders are always left out')
    lines += [_comment(guess.breaks_reason + "."), f"breaks = {_toml(guess.breaks)}",
              _comment(f"Titles: {guess.titles_reason}."), f"titles = {_toml(guess.titles)}", "",
              "[guide]", _comment(guess.root_reason + ".")]
    lines.append(f"root = {_toml(guess.root)}" if guess.root else '# root = "index.md"')
    lines += ['# theme = "theme"   # a copy of themes/default, relative to the vault',
              '# cover = "images/cover.png"   # the EPUB\'s cover image', "",
              "[feeds]"]
    if guess.tags:
        shown = guess.tags[:40]
        lines.append("# Tags in use (notes): " + ", ".join(f"{t} ({n})" for t, n in shown)
                     + (f", and {len(guess.tags) - 40} more" if len(guess.tags) > 40 else ""))
    else:
        lines.append("# No tags in use.")
    if guess.feed_tags:
        lines.append("# The feeds list the notes with these tags (default: every note).")
        lines.append(f"tags = {_toml(guess.feed_tags)}")
    else:
        lines.append('# tags = ["resource"]   # which notes the feeds list (default: every note)')
    lines += ["limit = 20", "# per_tag = false   # true: also one feed per tag", ""]
    return "\n".join(_wrap(line) for line in lines)


def _wrap(line: str, width: int = 100) -> str:
    """Long comments over several lines, so the file reads well in any editor."""
    if not line.startswith("# ") or len(line) <= width:
        return line
    words, out, current = line[2:].split(" "), [], "#"
    for word in words:
        if len(current) + 1 + len(word) > width and current != "#":
            out.append(current)
            current = "#"
        current += " " + word
    return "\n".join([*out, current])

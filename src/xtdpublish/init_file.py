"""The ``xtdpublish.toml`` that ``init`` writes: each guess with where it came from, every
other key commented out with its default, taken from config.py's own dataclasses (so that
init, config.py and the README's table say the same)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .config import FeedsConfig, SiteConfig, VaultConfig


@dataclass
class Guess:
    """What ``init`` found, each choice with the reason written next to it in the file."""

    notes: int = 0
    title: str = ""
    title_reason: str = ""
    language: str = SiteConfig.language
    language_reason: str = ""
    base_url: str | None = None
    base_url_reason: str = ""
    logo: str | None = None
    logo_reason: str = ""
    exclude: list[str] = field(default_factory=list)
    exclude_reasons: list[str] = field(default_factory=list)
    breaks: bool = VaultConfig.breaks
    breaks_reason: str = ""
    root: str | None = None
    root_reason: str = ""
    tags: list[tuple[str, int]] = field(default_factory=list)  # (tag, notes), most used first
    feed_tags: list[str] = field(default_factory=list)
    titles: str = VaultConfig.titles
    titles_reason: str = ""
    documents: int = 0  # .docx and .odt files: notes once vault.include takes them


def _toml(value) -> str:
    """A TOML value: JSON's string and array syntax is valid TOML for strings and lists."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)


def _comment(text: str) -> str:
    if re.match(r"[a-z]+\b(?![./])", text):  # a sentence, not a file name (index.md)
        text = text[:1].upper() + text[1:]
    return "# " + text.replace("\n", "\n# ")


def config_text(guess: Guess) -> str:
    site, vault, feeds = SiteConfig(), VaultConfig(), FeedsConfig()
    lines = [
        "# xtdpublish configuration, written by `xtdpublish init` from what the vault contains.",
        f"# {guess.notes} note{'s' * (guess.notes != 1)} looked at. Every key is optional; "
        "the README lists them all.",
        "",
        "[site]",
        _comment(f"Guessed from {guess.title_reason}."),
        f"title = {_toml(guess.title)}",
        f"# subtitle = {_toml(site.subtitle)}",
        f"# author = {_toml(site.author)}",
        _comment(f"Guessed from {guess.language_reason}."),
        f"language = {_toml(guess.language)}",
    ]
    if guess.base_url:
        lines += [_comment(f"The live site, where each note has its page: from "
                           f"{guess.base_url_reason}. The feeds' links start with it."),
                  f"base_url = {_toml(guess.base_url)}"]
    else:
        lines += [_comment("The live site, where each note has its page. The feeds need it: "
                           "without it they are not written (the rest is), and the build says "
                           f"so. Not found: {guess.base_url_reason}."),
                  '# base_url = "https://www.example.org"']
    lines.append(f"# note_url = {_toml(site.note_url)}   # {{path}}: vault path without .md; "
                 "{id}: note id")
    if guess.logo:
        lines += [_comment(f"From {guess.logo_reason}."), f"logo = {_toml(guess.logo)}"]
    else:
        lines.append('# logo = "images/logo.png"   # an image of the vault for the cover')
    lines += ["", "[vault]", f"# include = {_toml(list(vault.include))}   # the default: every note"]
    if guess.documents:
        lines.append(f"# {guess.documents} Word or LibreOffice documents (.docx, .odt) found: they "
                     'are notes too once include takes them, e.g. include = ["**/*.md", "**/*.docx", '
                     '"**/*.odt"]')
    if guess.exclude:
        lines.append(_comment("Left out: " + "; ".join(guess.exclude_reasons)
                              + ". Dot-folders (.obsidian, .trash) are always left out."))
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
    lines += [f"# limit = {feeds.limit}   # items in each feed, newest first",
              f"# per_tag = {_toml(feeds.per_tag)}   # true: also one feed per tag", ""]
    return "\n".join(_wrap(line) for line in lines)


def summary(guess: Guess) -> list[str]:
    """What init guessed, in a few lines for the terminal (the file says why)."""
    lines = [f"  site.title = {_toml(guess.title)}", f"  site.language = {_toml(guess.language)}"]
    if guess.base_url:
        lines.append(f"  site.base_url = {_toml(guess.base_url)}   (from {guess.base_url_reason})")
    else:
        lines.append("  site.base_url: not found; until you add it, the feeds are not written")
    if guess.exclude:
        lines.append(f"  vault.exclude = {_toml(guess.exclude)}")
    lines.append(f"  vault.breaks = {_toml(guess.breaks)}")
    lines.append(f"  vault.titles = {_toml(guess.titles)}")
    return lines


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

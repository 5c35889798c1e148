"""The configuration file ``xtdpublish.toml``: every key known, typed and checked.

A value that cannot work is refused when the file is read (exit 2, the file and the key
named), not when an output meets it: ``site.base_url`` is an absolute http(s) URL,
``site.note_url`` a template of its three placeholders, ``site.language`` a language tag,
``guide.theme`` a folder that is not the vault or above it (whether it exists is for the
PDF and the EPUB to say: a build of the feeds alone does not need it). Only a regular file
is read (a FIFO or a device named as the configuration would block or never end).
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import string
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints
from urllib.parse import urlsplit

from .languages import is_language_tag, nearest_tag

CONFIG_NAME = "xtdpublish.toml"
MAX_CONFIG_BYTES = 1 << 20  # a configuration is a page of text; more is not one
NOTE_URL_FIELDS = ("base_url", "path", "id")


class ConfigError(Exception):
    """A bad configuration: the message names the file and the key."""


@dataclass(frozen=True)
class SiteConfig:
    title: str = ""
    subtitle: str = ""
    author: str = ""
    language: str = "en"
    base_url: str | None = None
    note_url: str = "{base_url}/{path}/"
    logo: str | None = None  # vault path of an image for the cover


# How a note's title is found, by the kind of vault (vault.titles): see metadata.choose_title.
TITLE_RULES = ("obsidian", "eleventy")


@dataclass(frozen=True)
class VaultConfig:
    include: tuple[str, ...] = ("**/*.md",)
    exclude: tuple[str, ...] = ()
    breaks: bool = False
    titles: str = "obsidian"  # one of TITLE_RULES


@dataclass(frozen=True)
class GuideConfig:
    root: str | None = None  # vault path of the note whose navigation gives the parts
    theme: str | None = None  # folder of a theme, relative to the vault
    cover: str | None = None  # vault path of a cover image for the EPUB


@dataclass(frozen=True)
class FeedsConfig:
    tags: tuple[str, ...] = ()
    limit: int = 20
    per_tag: bool = False


@dataclass(frozen=True)
class OfficeConfig:
    split: str = ""  # "part": one .docx / .odt per top-level section of the guide


@dataclass(frozen=True)
class LimitsConfig:
    """Bounds on what one file of the vault may cost (README, "Limits")."""

    note_bytes: int = 10_000_000  # a larger note is listed, never read
    frontmatter_bytes: int = 1_000_000  # a larger frontmatter is kept as text, not parsed
    asset_bytes: int = 200_000_000  # a larger file is linked, never read nor embedded


@dataclass(frozen=True)
class Config:
    site: SiteConfig = field(default_factory=SiteConfig)
    vault: VaultConfig = field(default_factory=VaultConfig)
    guide: GuideConfig = field(default_factory=GuideConfig)
    feeds: FeedsConfig = field(default_factory=FeedsConfig)
    office: OfficeConfig = field(default_factory=OfficeConfig)
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    source: Path | None = None  # the file it was read from, None for the defaults


SECTIONS = {"site": SiteConfig, "vault": VaultConfig, "guide": GuideConfig, "feeds": FeedsConfig,
            "office": OfficeConfig, "limits": LimitsConfig}


def load_config(vault: Path, config_file: Path | None = None) -> Config:
    """Read ``config_file``, or ``VAULT/xtdpublish.toml`` when present, else defaults."""
    path = config_file if config_file is not None else vault / CONFIG_NAME
    text = read_config_text(path, required=config_file is not None)
    if text is None:
        return Config()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    except RecursionError:  # tomllib recurses once per nested table or array
        raise ConfigError(f"{path}: not valid TOML: tables or lists nested too deeply") from None
    config = parse_config(data, path)
    check_theme(config, vault, path)
    return config


def config_label(config: Config, vault: Path) -> str:
    """The configuration file as a diagnostic names it: its vault path when it is in the
    vault (``xtdpublish.toml``), else as given; ``xtdpublish.toml`` for the defaults."""
    if config.source is None:
        return CONFIG_NAME
    try:
        return config.source.resolve().relative_to(vault.resolve()).as_posix()
    except (ValueError, OSError):
        return str(config.source)


def read_config_text(path: Path, required: bool) -> str | None:
    """The file's text; None when the vault's own file is absent (the defaults apply)."""
    if not required and not os.path.lexists(path):
        return None
    try:
        # O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        broken = " (a symbolic link to nothing)" if os.path.islink(path) else ""
        raise ConfigError(f"{path}: no such configuration file{broken}") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror})") from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        kind = "a folder" if stat.S_ISDIR(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(
            mode) else "a device or a socket"
        raise ConfigError(f"{path}: is {kind}, not a configuration file")
    with os.fdopen(descriptor, "rb") as file:
        data = file.read(MAX_CONFIG_BYTES + 1)
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES // 1024} KiB: not a configuration file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None


def parse_config(data: dict[str, Any], path: Path) -> Config:
    sections = {}
    for name, value in data.items():
        if name not in SECTIONS:
            raise ConfigError(f"{path}: unknown section [{name}] (known: {', '.join(SECTIONS)})")
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: [{name}] must be a table")
        sections[name] = _parse_section(SECTIONS[name], value, f"{path}: {name}")
    config = Config(**sections, source=path)
    if config.feeds.limit < 1:
        raise ConfigError(f"{path}: feeds.limit must be 1 or more, not {config.feeds.limit}")
    if config.vault.titles not in TITLE_RULES:
        raise ConfigError(f"{path}: vault.titles must be one of {', '.join(map(repr, TITLE_RULES))}"
                          f", not {config.vault.titles!r}")
    if config.office.split not in ("", "part"):
        raise ConfigError(f"{path}: office.split must be \"part\" (one document per part) or left "
                          f"out (one document), not {config.office.split!r}")
    site = config.site
    if site.base_url is not None:
        check_base_url(site.base_url, f"{path}: site.base_url")
    check_note_url(site.note_url, f"{path}: site.note_url")
    check_language(site.language, f"{path}: site.language")
    for limit in fields(LimitsConfig):
        if getattr(config.limits, limit.name) < 1:
            raise ConfigError(f"{path}: limits.{limit.name} must be 1 or more, "
                              f"not {getattr(config.limits, limit.name)}")
    return config


def check_base_url(value: str, where: str) -> None:
    """An absolute http(s) URL of one line, as feeds and links put it in front of paths."""
    example = 'write it whole, e.g. base_url = "https://www.example.org"'
    if not value.strip():
        raise ConfigError(f"{where}: empty; {example}, or remove the line")
    if re.search(r"[\x00-\x20\x7f<>\"`{}|\\^]", value):
        raise ConfigError(f"{where}: {value!r} holds a space, a line break or a character no "
                          f"URL may hold; {example}")
    parts = urlsplit(value)
    if not parts.scheme or "." in parts.scheme:
        guess = "https://" + value.lstrip("/")
        raise ConfigError(f"{where}: {value!r} has no scheme; write {guess!r}")
    if parts.scheme.lower() not in ("http", "https"):
        raise ConfigError(f"{where}: {value!r} is not a web address: it must start with "
                          f"https:// (or http://), not {parts.scheme}:")
    if not parts.hostname:
        raise ConfigError(f"{where}: {value!r} names no host; {example}")
    try:
        parts.port
    except ValueError:
        raise ConfigError(f"{where}: {value!r}: the port is not a number from 1 to 65535") from None
    if parts.username is not None or parts.query or parts.fragment:
        raise ConfigError(f"{where}: {value!r}: the site's address takes no user name, "
                          f"'?' or '#'; {example}")


def check_note_url(template: str, where: str) -> None:
    """A template of ``{base_url}``, ``{path}`` and ``{id}`` only: no positional ``{}``, no
    attribute or index (``{path.__class__}``), no conversion or format spec."""
    known = ", ".join(f"{{{name}}}" for name in NOTE_URL_FIELDS)
    if re.search(r"[\x00-\x20\x7f]", template):
        raise ConfigError(f"{where}: {template!r} holds a space or a line break; an address "
                          "cannot (a note's path is written %20 where it has one)")
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:  # "{base_url" or a lone "}"
        raise ConfigError(f"{where}: {template!r} is not a template ({error}); the placeholders "
                          f"are {known}, and {{{{ }}}} write a brace") from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        written = "{" + name + ("!" + conversion if conversion else "") + (
            ":" + spec if spec else "") + "}"
        if name not in NOTE_URL_FIELDS:
            close = difflib.get_close_matches(name, NOTE_URL_FIELDS, n=1)
            hint = f"; did you mean {{{close[0]}}}?" if close else ""
            raise ConfigError(f"{where}: {written} is not a placeholder (known: {known}){hint}")
        if spec or conversion:
            raise ConfigError(f"{where}: {written}: write {{{name}}} alone, without ':' or '!'")
    if not template.startswith("{base_url}") and not re.match(r"https?://[^/\s]", template):
        raise ConfigError(f"{where}: {template!r} must start with {{base_url}} or with "
                          "https://, so that every note's address is absolute")


def check_language(value: str, where: str) -> None:
    if is_language_tag(value):
        return
    near = nearest_tag(value)
    hint = f'; did you mean "{near}"?' if near else ' such as "fr", "en" or "de-CH"'
    raise ConfigError(f"{where}: {value!r} is not a language tag (BCP 47){hint}")


def check_theme(config: Config, vault: Path, path: Path) -> None:
    """A theme is a folder of templates and CSS: never the vault itself or a folder above it
    (``"/"``, ``".."``), whose every file would be read into the build's fingerprint."""
    theme = config.guide.theme
    if theme is None:
        return
    where = f"{path}: guide.theme"
    if not theme.strip():
        raise ConfigError(f"{where}: empty; name a folder, or remove the line for the built-in theme")
    folder = (vault / theme).resolve()
    real_vault = vault.resolve()
    if folder == real_vault or real_vault.is_relative_to(folder):
        raise ConfigError(f"{where}: {theme!r} is {'the vault' if folder == real_vault else 'a folder holding the vault'} "
                          "(a theme is a folder of templates and CSS: copy themes/default into "
                          "a folder of its own)")
def _parse_section(cls: type, values: dict[str, Any], where: str):
    hints = get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    kwargs = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"{where}.{key}: unknown key (known: {', '.join(sorted(known))})")
        kwargs[key] = _check_type(value, hints[key], f"{where}.{key}")
    return cls(**kwargs)


def _check_type(value: Any, hint: Any, where: str) -> Any:
    if get_origin(hint) is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
        return tuple(value)
    allowed = tuple(a for a in get_args(hint) if a is not type(None)) or (hint,)
    if value is None or isinstance(value, bool) and bool not in allowed:
        raise ConfigError(f"{where}: expected {_type_name(allowed)}, got {value!r}")
    if not isinstance(value, allowed):
        raise ConfigError(f"{where}: expected {_type_name(allowed)}, got {value!r}")
    return value


def _type_name(types: tuple[type, ...]) -> str:
    names = {str: "a string", int: "a whole number", bool: "true or false"}
    return " or ".join(names.get(t, t.__name__) for t in types)

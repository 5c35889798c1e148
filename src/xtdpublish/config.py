"""The configuration file ``xtdpublish.toml``: every key known, typed and checked."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

CONFIG_NAME = "xtdpublish.toml"


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


@dataclass(frozen=True)
class VaultConfig:
    include: tuple[str, ...] = ("**/*.md",)
    exclude: tuple[str, ...] = ()
    breaks: bool = False


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
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    source: Path | None = None  # the file it was read from, None for the defaults


SECTIONS = {"site": SiteConfig, "vault": VaultConfig, "guide": GuideConfig, "feeds": FeedsConfig,
            "limits": LimitsConfig}


def load_config(vault: Path, config_file: Path | None = None) -> Config:
    """Read ``config_file``, or ``VAULT/xtdpublish.toml`` when present, else defaults."""
    path = config_file if config_file is not None else vault / CONFIG_NAME
    if config_file is None and not path.is_file():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    return parse_config(data, path)


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
    for limit in fields(LimitsConfig):
        if getattr(config.limits, limit.name) < 1:
            raise ConfigError(f"{path}: limits.{limit.name} must be 1 or more, "
                              f"not {getattr(config.limits, limit.name)}")
    return config


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

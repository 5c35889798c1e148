"""Where a vault says its live site is, for ``init``: the address and the file that says it.

A site built from the notes names its address in its own files: GitHub Pages' ``CNAME``, a
GitHub Actions workflow's ``cname:``, Hugo's ``baseURL``, MkDocs' ``site_url``, Eleventy's
``_data/*.json`` (``url``), ``package.json``'s ``homepage``. They are looked for in the vault
and, when the vault is a folder of a git repository, in each folder up to the repository's
root (the site's files sit beside the notes' folder). Nothing is fetched.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .config import ConfigError, check_base_url

MAX_BYTES = 256 * 1024  # a site's configuration file is small; a large file is not one
MAX_LEVELS = 4  # folders above the vault searched for the repository's root

HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}")
CNAME_FOLDERS = ("", "public", "static", "docs", "src")
HUGO_CONFIGS = ("hugo.toml", "config.toml", "hugo.yaml", "config.yaml", "hugo.yml", "config.yml",
                "config/_default/hugo.toml", "config/_default/config.toml")
DATA_KEYS = ("url", "siteUrl", "siteURL", "baseUrl", "baseURL", "base_url")
REPOSITORY_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org")


@dataclass(frozen=True)
class Found:
    url: str
    source: Path  # the file that says it
    how: str  # "CNAME", "Hugo's baseURL"...


def find_live_site(vault: Path) -> Found | None:
    """The first address a file of the site names, nearest the vault first."""
    for folder in search_folders(vault):
        for found in _in_folder(folder):
            try:
                check_base_url(found.url, "")
            except ConfigError:
                continue
            return found
    return None


def search_folders(vault: Path) -> list[Path]:
    """The vault, then its parents up to the git repository's root when it is inside one."""
    vault = vault.resolve()
    chain = [vault, *list(vault.parents)[:MAX_LEVELS]]
    for index, folder in enumerate(chain):
        if (folder / ".git").exists():
            return chain[:index + 1]
    return [vault]


def _in_folder(folder: Path):
    for sub in CNAME_FOLDERS:
        text = _read(folder / sub / "CNAME")
        host = text.strip().splitlines()[0].strip() if text and text.strip() else ""
        if HOST.fullmatch(host):
            yield Found(f"https://{host}", folder / sub / "CNAME", "GitHub Pages' CNAME")
    workflows = folder / ".github" / "workflows"
    if workflows.is_dir():
        for workflow in sorted([*workflows.glob("*.yml"), *workflows.glob("*.yaml")]):
            match = re.search(r"^\s*cname:\s*['\"]?([^\s'\"#]+)", _read(workflow) or "", re.M)
            if match and HOST.fullmatch(match[1]):
                yield Found(f"https://{match[1]}", workflow, "the workflow's cname:")
    for name in HUGO_CONFIGS:
        match = re.search(r"^\s*baseURL\s*[=:]\s*['\"]?([^\s'\"#]+)", _read(folder / name) or "",
                          re.M | re.I)
        if match:
            yield Found(match[1].rstrip("/"), folder / name, "Hugo's baseURL")
    match = re.search(r"^site_url:\s*['\"]?([^\s'\"#]+)", _read(folder / "mkdocs.yml") or "", re.M)
    if match:
        yield Found(match[1].rstrip("/"), folder / "mkdocs.yml", "MkDocs' site_url")
    for data in sorted([*folder.glob("_data/*.json"), *folder.glob("src/_data/*.json")]):
        values = _json(data)
        url = next((values[k] for k in DATA_KEYS if isinstance(values.get(k), str)), None)
        if url:
            yield Found(url.rstrip("/"), data, f"Eleventy's {data.parent.name}/{data.name}")
    homepage = _json(folder / "package.json").get("homepage")
    if isinstance(homepage, str) and not any(h in homepage for h in REPOSITORY_HOSTS):
        yield Found(homepage.rstrip("/"), folder / "package.json", "package.json's homepage")


def _read(path: Path) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _json(path: Path) -> dict:
    try:
        data = json.loads(_read(path) or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}

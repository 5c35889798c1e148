"""read_publish_site(root, report): what Obsidian Publish's ``site-options.json`` says of the guide.

A vault published with Obsidian Publish keeps its site's settings in ``site-options.json``
at its top. Two of them shape how its readers see the vault, so the guide follows them:

- ``indexFile``: the site's home page (``"Home"`` for ``Home.md``), the guide's root note
  unless ``guide.root`` names another;
- ``navigationOrdering``: the order of the site's navigation, as vault paths of folders and
  notes (``"Getting started"``, ``"Getting started/Create a vault.md"``). The guide's parts
  and chapters follow it; what it does not list comes after, in the usual order.

The file is read only when it is a regular file of at most ``MAX_BYTES``; a file that cannot
be read as these settings is one warning naming its line, and the guide follows the folders.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..regular_file import read_regular
from ..report import Report

FILE = "site-options.json"
MAX_BYTES = 4 << 20  # a navigation of 50,000 entries is about 3 MB


@dataclass(frozen=True)
class PublishSite:
    index_path: str | None = None  # vault path of the home page's note
    ordering: tuple[str, ...] = ()  # vault paths of folders and notes, in navigation order

    def root_among(self, published: set[str]) -> str | None:
        """The home page's note, when it is published."""
        return self.index_path if self.index_path in published else None


def read_publish_site(root: Path, report: Report) -> PublishSite:
    data = settings(root, report)
    if not data:
        return PublishSite()
    site = PublishSite(_index_path(data.get("indexFile"), report),
                       _ordering(data.get("navigationOrdering"), report))
    if site.ordering:
        report.info(FILE, None, "publish.options",
                    f"Obsidian Publish's navigation ({len(site.ordering)} entries) orders the "
                    "guide's folders and notes, where folders give its parts")
    return site


def settings(root: Path, report: Report) -> dict:
    """The file's settings as a JSON object; ``{}`` where there is none or it cannot be used
    (said in one warning)."""
    file = root / FILE
    if not file.exists():
        return {}
    try:
        data = json.loads(read_regular(file, MAX_BYTES).decode("utf-8"))
    except json.JSONDecodeError as error:
        report.warning(FILE, error.lineno, "publish.options",
                       f"Obsidian Publish's settings are not valid JSON ({error.msg}); the "
                       "guide's parts follow the folders")
        return {}
    except (OSError, UnicodeDecodeError, RecursionError) as error:
        report.warning(FILE, None, "publish.options",
                       f"Obsidian Publish's settings cannot be read ({_why(error)}); the "
                       "guide's parts follow the folders")
        return {}
    if not isinstance(data, dict):
        report.warning(FILE, 1, "publish.options",
                       "Obsidian Publish's settings are not a JSON object; they are not used")
        return {}
    return data


def _index_path(value, report: Report) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        report.warning(FILE, None, "publish.options",
                       "indexFile is not the name of a note; the guide's root is chosen "
                       "as without it")
        return None
    name = value.strip().strip("/")
    return name if name.lower().endswith(".md") else f"{name}.md"


def _ordering(value, report: Report) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        report.warning(FILE, None, "publish.options",
                       "navigationOrdering is not a list of paths; the guide's parts follow "
                       "the folders")
        return ()
    paths = tuple(item.strip("/") for item in value if isinstance(item, str) and item.strip("/"))
    if len(paths) < len(value):
        report.warning(FILE, None, "publish.options",
                       f"{len(value) - len(paths)} entries of navigationOrdering are not paths; "
                       "they are left out of the order")
    return paths


def _why(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return "it nests too deep"
    return getattr(error, "strerror", None) or str(error)

"""What names a feed's item and a feed file for good, and keeps their text valid XML: item
ids that survive rebuilds and renames, tags as file names, text without what XML refuses."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
import uuid
from urllib.parse import quote, urlsplit

from ...model import Note

__all__ = ["MAX_SLUG", "host_of", "item_id", "tag_slug", "xml_text"]

MAX_SLUG = 80
URI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+\Z")
# What XML 1.0 cannot hold: C0 controls but tab and newlines, U+FFFE/U+FFFF, lone surrogates.
# lxml (under feedgen) refuses them outright, so one such character in a note would stop the
# RSS and Atom feeds: every text of an item and a channel goes through xml_text.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

def host_of(base_url: str) -> str:
    """The site's host name, for ``tag:`` ids and titles that would be empty."""
    return urlsplit(base_url).hostname or base_url


def item_id(note: Note, host: str) -> str:
    """An id that survives rebuilds and renames: never today's URL or title.

    From the frontmatter uid when there is one (kept as is when it is a URI, ``urn:uuid:``
    for a UUID, else a name-based UUID of site and uid); otherwise a ``tag:`` URI (RFC 4151)
    of the path under which the note first appeared, on the date it first appeared.
    """
    uid = (note.uid or "").strip()
    if uid:
        if URI_SCHEME.match(uid):
            return uid
        try:
            return uuid.UUID(uid).urn
        except ValueError:
            return uuid.uuid5(uuid.NAMESPACE_URL, f"tag:{host}:uid/{uid}").urn
    first = (note.first_path or note.path).removesuffix(".md")
    day = note.published.date().isoformat()
    return f"tag:{host},{day}:{quote(first, safe='/')}"


def xml_text(text: str) -> str:
    """``text`` without the characters XML cannot hold (see NOT_XML)."""
    return NOT_XML.sub("", text)


@functools.lru_cache(maxsize=4096)  # a vault has few tags, carried by many notes
def tag_slug(tag: str) -> str:
    """A tag as a file name: lower case ASCII letters, digits and dashes.

    At most ``MAX_SLUG`` characters: a longer one keeps its start and ends with a hash of the
    whole, so it stays unique and the same from build to build (file systems refuse names
    past 255 bytes, and the atomic write's temporary name is longer still)."""
    ascii_tag = unicodedata.normalize("NFKD", tag).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_tag.lower()).strip("-") or "tag"
    if len(slug) <= MAX_SLUG:
        return slug
    digest = hashlib.sha256(slug.encode("ascii")).hexdigest()[:10]
    return f"{slug[:MAX_SLUG - 11].rstrip('-')}-{digest}"

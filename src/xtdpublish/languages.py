"""Language tags (BCP 47): whether ``site.language`` is one, and the nearest one when not.

The guide's hyphenation and typography, the EPUB's ``dc:language`` and the feeds' language
all take the tag as written, so ``language = "français"`` must be refused at load time with
``fr`` offered instead. The check is RFC 5646's grammar (without the grandfathered tags),
with a primary language of two or three letters: no registered language subtag is longer.
"""

from __future__ import annotations

import difflib
import locale
import re
import unicodedata

_TAG = re.compile(
    r"""
    (?P<language>[a-z]{2,3}(?:-[a-z]{3}){0,3})   # ISO 639, with extended language subtags
    (?:-(?P<script>[a-z]{4}))?                   # ISO 15924: Latn, Cyrl
    (?:-(?P<region>[a-z]{2}|[0-9]{3}))?           # ISO 3166 or UN M.49: CH, 419
    (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*     # variants: 1901, rozaj
    (?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*          # extensions: u-nu-latn
    (?:-x(?:-[a-z0-9]{1,8})+)?                   # private use
    |x(?:-[a-z0-9]{1,8})+                        # a private-use tag alone
    """,
    re.IGNORECASE | re.VERBOSE,
)

# Names people write instead of the tag, in English and in the language itself, without
# accents or case. Python's locale table adds many more English names.
NAMES = {
    "fr": "french francais francaise", "de": "german deutsch allemand", "en": "english anglais",
    "it": "italian italiano italien", "es": "spanish espanol castellano espagnol",
    "pt": "portuguese portugues", "nl": "dutch nederlands flemish vlaams",
    "rm": "romansh rumantsch romanche", "ca": "catalan catala", "eu": "basque euskara",
    "br": "breton brezhoneg", "oc": "occitan", "co": "corsican corsu", "gl": "galician galego",
    "sv": "swedish svenska", "da": "danish dansk", "nb": "norwegian norsk bokmal",
    "nn": "nynorsk", "fi": "finnish suomi", "is": "icelandic islenska",
    "pl": "polish polski", "cs": "czech cesky cestina", "sk": "slovak slovencina",
    "sl": "slovenian slovene slovenscina", "hr": "croatian hrvatski", "sr": "serbian srpski",
    "hu": "hungarian magyar", "ro": "romanian romana", "bg": "bulgarian", "el": "greek",
    "ru": "russian russkiy", "uk": "ukrainian", "tr": "turkish turkce", "ar": "arabic",
    "he": "hebrew", "fa": "persian farsi", "hi": "hindi", "ja": "japanese nihongo",
    "zh": "chinese zhongwen mandarin", "ko": "korean", "vi": "vietnamese", "th": "thai",
    "id": "indonesian bahasa", "ms": "malay", "sw": "swahili kiswahili", "lb": "luxembourgish",
    "ga": "irish gaeilge", "cy": "welsh cymraeg", "et": "estonian eesti", "lv": "latvian",
    "lt": "lithuanian lietuviu", "eo": "esperanto", "la": "latin latina",
}


def is_language_tag(text: str) -> bool:
    return _TAG.fullmatch(text) is not None


def nearest_tag(text: str) -> str | None:
    """The tag someone who wrote ``text`` most likely meant: ``"français"`` → ``"fr"``,
    ``"fr_CH.UTF-8"`` → ``"fr-CH"``; None when nothing is close."""
    written = text.strip()
    posix = re.fullmatch(r"([A-Za-z]{2,3})[_-]([A-Za-z]{2}|[0-9]{3})(?:[.@].*)?", written)
    if posix:  # a locale name: fr_CH, de_DE.UTF-8
        return f"{posix[1].lower()}-{posix[2].upper()}"
    plain = _plain(written)
    if is_language_tag(plain):
        return plain
    names = _names()
    if plain in names:
        return names[plain]
    close = difflib.get_close_matches(plain, list(names), n=1, cutoff=0.75)
    return names[close[0]] if close else None


def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for alias, value in locale.locale_alias.items():
        language = re.match(r"[a-z]{2,3}(?=[_.@]|$)", value)
        if language and alias.isalpha() and len(alias) > 3:  # "french", not "fr" or "fr_ch"
            names.setdefault(_plain(alias), language[0])
    for tag, words in NAMES.items():
        names.update(dict.fromkeys(words.split(), tag))
    return names


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))

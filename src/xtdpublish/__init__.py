"""xtdpublish: a vault of markdown notes to a printable guide, an EPUB and feeds."""

__version__ = "0.2.0"

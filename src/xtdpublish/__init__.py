"""xtdpublish: a vault of markdown notes to a printable guide, an EPUB and feeds."""

from importlib.metadata import PackageNotFoundError, version

try:  # the version is written once, in pyproject.toml; the installed metadata carries it
    __version__ = version("xtdpublish")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

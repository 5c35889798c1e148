"""The output formats: a table from name to the function that writes it.

A renderer is ``render(model, config, out_dir, report) -> list[Path]``. It is imported
only when its format is asked for (WeasyPrint alone takes ~0.4 s to import).

An output may name an ``inputs(model, config)`` function beside its renderer: what it reads
of the model, as JSON-able data. stale.py hashes that (with the config, the tool's version
and, for the laid-out formats, the theme; for the office formats, pandoc's version: ``tools``) to decide whether the output is made again; an
output without one is made again whenever anything in the model changed. It must cover all
the output shows and reports, and cost little next to rendering.

Other installed packages add formats through the entry-point group ``xtdpublish.outputs``:
each entry is named after its format and points at an ``Output`` (see docs/ARCHITECTURE.md).
The built-in formats stay built-in: an entry that takes one of their names is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module, metadata

ENTRY_POINTS = "xtdpublish.outputs"


@dataclass(frozen=True)
class Output:
    name: str
    files: tuple[str, ...]  # what it writes in the output folder
    renderer: str  # "module:function", relative to the package
    inputs: str | None = None  # "module:function": what it reads of the model; None: all of it
    tools: str | None = None  # "module:function": the versions of outside programs it runs (pandoc)
    needs: tuple[str, ...] = ()  # config keys without which it cannot be made: "site.base_url"

    def render(self, *args):
        return _function(self.renderer)(*args)

    def inputs_of(self, model, config):
        """What this output reads of ``model`` as JSON-able data, or None for the whole model."""
        return None if self.inputs is None else _function(self.inputs)(model, config)

    def tool_versions(self) -> str:
        """The outside programs this output runs, as text: another version, another output."""
        return "" if self.tools is None else str(_function(self.tools)())


def _function(name: str):
    module, _, function = name.partition(":")
    return getattr(import_module(module, __package__), function)


OUTPUTS: dict[str, Output] = {
    output.name: output
    for output in (
        Output("model", ("model.json",), ".render.model_json:render"),
        Output("pdf", ("guide.pdf",), ".render.pdf.book:render"),
        Output("epub", ("guide.epub",), ".render.epub.book:render"),
        Output("docx", ("guide.docx",), ".render.office.book:render_docx",
               tools=".render.office.pandoc_run:version"),
        Output("odt", ("guide.odt",), ".render.office.book:render_odt",
               tools=".render.office.pandoc_run:version"),
        Output("json", ("feed.json",), ".render.feeds.jsonfeed:render", ".render.feeds.jsonfeed:inputs",
               needs=("site.base_url",)),
        Output("rss", ("rss.xml",), ".render.feeds.rss:render_rss", ".render.feeds.rss:rss_inputs",
               needs=("site.base_url",)),
        Output("atom", ("atom.xml",), ".render.feeds.rss:render_atom", ".render.feeds.rss:atom_inputs",
               needs=("site.base_url",)),
    )
}


# What each key a format may need is, and the line that gives it, for the message.
NEEDED = {
    "site.base_url": ("the address of the live site, which every link of a feed starts with",
                      'base_url = "https://www.example.org" under [site]'),
}


def missing_keys(names: list[str], config) -> dict[str, list[str]]:
    """The formats of ``names`` that need a config key that is not set, with those keys."""
    missing = {}
    for name in names:
        unset = [key for key in output(name).needs if not _setting(config, key)]
        if unset:
            missing[name] = unset
    return missing


def _setting(config, key: str):
    section, _, name = key.partition(".")
    return getattr(getattr(config, section, None), name, None)


def output(name: str) -> Output:
    """The format ``name``, built in or installed."""
    return OUTPUTS[name] if name in OUTPUTS else installed()[0][name]


@cache
def installed() -> tuple[dict[str, Output], tuple[str, ...]]:
    """The formats other packages add (entry points ``xtdpublish.outputs``), and what was
    wrong with those that could not be taken, one line each."""
    found: dict[str, Output] = {}
    problems: list[str] = []
    for entry in sorted(metadata.entry_points(group=ENTRY_POINTS), key=lambda e: e.name):
        where = f"format {entry.name!r} ({entry.value}, entry point {ENTRY_POINTS})"
        if entry.name in OUTPUTS or entry.name == "all":
            problems.append(f"{where}: {entry.name!r} is a built-in format; not taken")
            continue
        try:
            candidate = entry.load()
        except Exception as error:  # another package's bug: say so, build the rest
            problems.append(f"{where} could not be loaded: {error!r}")
            continue
        if not isinstance(candidate, Output) or candidate.name != entry.name:
            problems.append(f"{where} is not an Output named {entry.name!r}; not taken")
            continue
        found[entry.name] = candidate
    return found, tuple(problems)


def available() -> list[str]:
    """The formats whose renderer exists in this installation, built-in ones first."""
    from importlib.util import find_spec

    names = []
    for out in [*OUTPUTS.values(), *installed()[0].values()]:
        module = out.renderer.partition(":")[0]
        if find_spec(module, __package__) is not None:
            names.append(out.name)
    return names


def parse_formats(text: str) -> list[str]:
    """``"pdf,epub"`` → ``["pdf", "epub"]``; ``"all"`` → every available format."""
    names: list[str] = []
    for name in (part.strip() for part in text.split(",")):
        if name == "all":
            names.extend(available())
        elif name in OUTPUTS or name in installed()[0]:
            names.append(name)
        else:
            known = ", ".join([*OUTPUTS, *installed()[0]])
            raise ValueError(f"unknown format {name!r} (known: all, {known})")
    return list(dict.fromkeys(names))

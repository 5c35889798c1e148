"""The printed guide, ``build/guide.pdf``: the guide's HTML made fit for paper, laid out by WeasyPrint.

Reads the whole model by way of ``render/guide.py`` (the book's structure), the theme and
the vault's images (through ``fetcher``, which lets WeasyPrint read nothing else).

- ``book``: ``render()``, the theme's HTML of the guide, the WeasyPrint call, the PDF's metadata;
- ``paper``: links a reader can follow on paper, video blocks, WeasyPrint's log mapped to notes;
- ``fetcher``: what WeasyPrint may read (the vault, the theme, ``data:``), nothing else.
"""

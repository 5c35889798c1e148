"""The printed guide, ``build/guide.pdf``: the guide's HTML made fit for paper, laid out by WeasyPrint.

Reads the whole model by way of ``render/guide.py`` (the book's structure), the theme and
the vault's images (through ``fetcher``, which lets WeasyPrint read nothing else).

- ``book``: ``render()``, the theme's HTML of the guide, the WeasyPrint call, the PDF's metadata;
- ``paper``: links a reader can follow on paper, video blocks;
- ``numbering``: the layout, with every printed page number right and each page laid out once;
- ``internals``: the only code that reaches into WeasyPrint's and pydyf's internals (checked);
- ``log``: what WeasyPrint logged, as diagnostics on the notes it comes from;
- ``fetcher``: what WeasyPrint may read (the vault, the theme, ``data:``), nothing else.
"""

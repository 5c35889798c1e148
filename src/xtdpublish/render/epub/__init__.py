"""The e-book, ``build/guide.epub``: an EPUB 3 written file by file (no pandoc).

Reads the whole model by way of ``render/guide.py`` (the book's structure), the theme's
``epub.css`` and colophon, and the vault images the model lists among its assets.

- ``book``: ``render()``, the book's labels in its language, its metadata and cover;
- ``chapters``: one XHTML file per section of the guide, and links across files;
- ``xhtml``: bodies cleaned for e-readers and written as XHTML by lxml;
- ``nesting``: elements nested as XHTML's content models allow (EPUBCheck);
- ``media``: the vault's images as the book's own files;
- ``pages``: cover, title page, tag index, colophon and navigation;
- ``package``: ``content.opf`` and the reproducible zip, streamed.
"""

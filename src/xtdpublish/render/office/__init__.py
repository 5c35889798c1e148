"""build/guide.docx and build/guide.odt: the guide for Word and LibreOffice, made by pandoc.

Writes ``guide.docx`` / ``guide.odt`` (or, with ``office.split = "part"``,
``guide-NN-<part>.docx`` / ``.odt``, one per top-level section). Reads of the model what the
PDF and the EPUB read, through the same ``Guide`` (render/guide.py): the site (title,
subtitle, author, language, base URL for links across split documents), every published
note (title, date, tags, body, links, backlinks), the navigation, and the used image assets
(``Model.asset_file``: vault files and images taken out of office notes). Modules: book
(render, the body policy, videos), document (the AST of the book), blocks and inlines (a
body's HTML as pandoc's AST), pandoc_ast (the nodes), bookmarks (names Word keeps, links
that land), images (PNG or JPEG as ``data:`` URIs, SVG drawn by resvg), pandoc_run (one
sandboxed pandoc per document), package (dates, contents, alt text, reproducible zip).
"""

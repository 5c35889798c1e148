"""The feeds: ``build/feed.json`` (JSON Feed 1.1), ``build/rss.xml`` and ``build/atom.xml``.

Reads the notes the feeds select (by tag, newest first), their bodies and where their links
point, and the site's settings; each format's ``inputs`` says exactly that, so a feed is
made again only when something it shows changed.

- ``items``: which notes are items, their order and stable ids; the plan of files per format;
- ``item_body``: an item's HTML (absolute URLs, sanitized with nh3) and its plain-text summary;
- ``jsonfeed``: JSON Feed 1.1;
- ``rss``: RSS 2.0 and Atom 1.0 (feedgen).
"""

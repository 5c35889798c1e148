"""The parse cache: unchanged notes are not parsed again, and a bad cache is never trusted."""

import json

from xtdpublish.config import load_config
from xtdpublish.render.model_json import model_to_dict
from xtdpublish.report import Report
from xtdpublish.vault import reader
from xtdpublish.vault.cache import ParseCache

FILES = {
    "a.md": "# A\n\n[[B]] [[Nowhere]]\n\n<script>x()</script>\n",
    "b.md": "# B\n\n![](missing.png)\n",
}


def read(vault, cache):
    report = Report()
    model = reader.read_vault(vault, load_config(vault), report, cache)
    return model, report


def test_a_cached_build_gives_the_same_model_and_the_same_diagnostics(make_vault, tmp_path):
    vault = make_vault(FILES)
    path = tmp_path / "notes.json"
    first, first_report = read(vault, ParseCache(path))
    second_cache = ParseCache(path)
    second, second_report = read(vault, second_cache)
    assert second_cache.hits == 2
    assert model_to_dict(first) == model_to_dict(second)
    assert first_report.sorted() == second_report.sorted()
    assert {d.code for d in second_report.diagnostics} >= {"link.dangling", "html.unsafe"}


def test_only_the_edited_note_is_parsed_again(make_vault, tmp_path, monkeypatch):
    vault = make_vault(FILES)
    path = tmp_path / "notes.json"
    read(vault, ParseCache(path))
    (vault / "b.md").write_text("# B edited\n", encoding="utf-8")
    parsed = []
    real = reader.parse_markdown
    monkeypatch.setattr(reader, "parse_markdown", lambda *a: parsed.append(a[3]) or real(*a))
    model, _ = read(vault, ParseCache(path))
    assert parsed == ["b.md"]
    assert model.notes[1].headings[0].text == "B edited"


def test_a_corrupt_or_foreign_cache_is_ignored(make_vault, tmp_path):
    vault = make_vault(FILES)
    path = tmp_path / "notes.json"
    expected, _ = read(vault, None)
    for content in ("{not json", json.dumps({"format": "other", "entries": {}}), "[]",
                    json.dumps({"format": ParseCache(None).key and __import__(
                        "xtdpublish.vault.cache", fromlist=["FORMAT"]).FORMAT,
                        "entries": {"x": 1}})):
        path.write_text(content, encoding="utf-8")
        model, _ = read(vault, ParseCache(path))
        assert model_to_dict(model) == model_to_dict(expected)


def test_an_entry_of_the_wrong_shape_is_parsed_again(make_vault, tmp_path):
    vault = make_vault(FILES)
    path = tmp_path / "notes.json"
    expected, _ = read(vault, ParseCache(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    for entry in data["entries"].values():
        entry["refs"] = [["not", "a", "ref"]]
    path.write_text(json.dumps(data), encoding="utf-8")
    model, _ = read(vault, ParseCache(path))
    assert model_to_dict(model) == model_to_dict(expected)


INJECTED = ('<script>alert(1)</script><img src=x onerror="alert(2)">'
            '<a href="javascript:alert(3)">j</a><a href="../../etc/passwd">p</a>'
            '<noscript><p title="</noscript><img src=x onerror=alert(4)>"></noscript>'
            '<iframe srcdoc="&lt;script&gt;alert(5)&lt;/script&gt;" src="https://ok.example/v"></iframe>'
            '<div style="position: fixed; background: u\\72 l(http://127.0.0.1/x)">kept text</div>')


def test_a_crafted_cache_cannot_put_a_script_into_the_model(make_vault, tmp_path):
    """Issue 15: cached HTML was trusted as is, so a crafted OUT/.cache/notes.json put
    <script>, onerror and javascript: into model.json. It goes through the allow-list."""
    from lxml import html as lxml_html

    vault = make_vault(FILES)
    path = tmp_path / "notes.json"
    read(vault, ParseCache(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    for entry in data["entries"].values():
        entry["html"] = INJECTED + entry["html"]
    path.write_text(json.dumps(data), encoding="utf-8")
    cache = ParseCache(path)
    model, _ = read(vault, cache)
    assert cache.hits == 2  # the crafted entries were read, not skipped
    for note in model.notes:
        assert "kept text" in note.body_html
        tree = lxml_html.fragment_fromstring(note.body_html, create_parent="div")
        for element in tree.iter():
            assert element.tag not in ("script", "noscript")
            for name, value in element.attrib.items():
                assert not name.startswith("on") and name != "srcdoc", name
                assert "javascript" not in value and "passwd" not in value and "url" not in value
                assert "position" not in value


def test_a_cache_entry_of_the_wrong_types_is_parsed_again(make_vault, tmp_path):
    vault = make_vault(FILES)
    path = tmp_path / "notes.json"
    expected, _ = read(vault, ParseCache(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    for number, entry in enumerate(data["entries"].values()):
        if number == 0:
            entry["refs"] = [["line", "raw", "t", "l", None, False, "note", None]]
        else:
            entry["diagnostics"] = [["a.md", 1, "fatal", "x", "y"]]
    path.write_text(json.dumps(data), encoding="utf-8")
    cache = ParseCache(path)
    model, _ = read(vault, cache)
    assert model_to_dict(model) == model_to_dict(expected)

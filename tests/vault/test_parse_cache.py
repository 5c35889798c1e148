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

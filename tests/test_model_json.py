"""build/model.json: valid against its JSON Schema, the same bytes for the same vault."""

import json
import re
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO
from xtdpublish.build import build
from xtdpublish.config import load_config

SCHEMA = json.loads((REPO / "schema" / "model.schema.json").read_text())


def model_json(vault: Path, out: Path) -> dict:
    result = build(vault, load_config(vault), out, ["model"])
    assert result.exit_code() in (0, 1)
    return json.loads((out / "model.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("which", ["seed_vault", "sample_vault"])
def test_model_json_follows_its_schema(which, request, tmp_path):
    data = model_json(request.getfixturevalue(which), tmp_path / "out")
    jsonschema.validate(data, SCHEMA)
    assert data["schema"] == "xtdpublish/model@2"


def test_seed_model_has_the_five_notes_as_the_vault_says(seed_vault, tmp_path):
    data = model_json(seed_vault, tmp_path / "out")
    by_path = {note["path"]: note for note in data["notes"]}
    assert sorted(by_path) == sorted(p.name for p in seed_vault.glob("*.md"))
    strategy = by_path["Comment élaborer une stratégie numérique.md"]
    assert strategy["title"] == "Comment élaborer une stratégie numérique?"
    assert strategy["title_source"] == "alias"
    assert strategy["tags"] == ["question"]
    assert strategy["url"].startswith("https://www.museumxtd.ch/Notes/Comment%20")
    why = by_path["Pourquoi développer une stratégie numérique.md"]
    assert why["published"].startswith("2022-05-12") and why["date_source"] == "frontmatter"
    targets = {link["target"] for link in why["links"] if link["status"] == "resolved"}
    assert {by_path["Comment élaborer une stratégie numérique.md"]["id"],
            by_path["Qu'est-ce qu'une stratégie numérique.md"]["id"]} <= targets
    for note in data["notes"]:
        for index, link in enumerate(note["links"]):
            assert f"xtd:link/{index}" in note["body_html"]


def test_the_same_vault_gives_the_same_bytes(sample_vault, tmp_path):
    model_json(sample_vault, tmp_path / "one")
    model_json(sample_vault, tmp_path / "two")
    assert (tmp_path / "one" / "model.json").read_bytes() == (tmp_path / "two" / "model.json").read_bytes()


def test_model_json_has_a_line_per_note_and_per_navigation_node(sample_vault, tmp_path):
    data = model_json(sample_vault, tmp_path / "out")
    lines = (tmp_path / "out" / "model.json").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "{" and lines[-1] == "}"
    assert [line.split(":", 1)[0] for line in lines if line.startswith(' "')] == [
        ' "schema"', ' "site"', ' "notes"', ' "nav"', ' "assets"', ' "skipped"']
    notes = lines.index(' "notes": [')
    each = lines[notes + 1:notes + 1 + len(data["notes"])]
    assert [json.loads(line.strip().removesuffix(",")) for line in each] == data["notes"]
    assert lines[notes + 1 + len(data["notes"])] == " ],"

    def depths(node, depth=1):
        yield node["note"], depth
        for child in node["children"]:
            yield from depths(child, depth + 1)

    nav = next(n for n, line in enumerate(lines) if line.startswith(' "nav": '))
    shown = [(json.loads(NAV_NOTE.search(line).group(1)), len(line) - len(line.lstrip()))
             for line in lines[nav:] if NAV_NOTE.search(line)]
    assert shown == list(depths(data["nav"]))


NAV_NOTE = re.compile(r'"note": ("[^"]*"|null), "kind"')

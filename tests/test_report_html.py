"""build/report.html: parsed back, its figures must be the model's."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from lxml import html

from xtdpublish.build import build
from xtdpublish.config import load_config
from xtdpublish.model import LinkStatus, Severity


def built(vault: Path, out: Path):
    result = build(vault, load_config(vault), out, ["model"])
    page = out / "report.html"
    return result, html.fromstring(page.read_bytes()), page.read_text(encoding="utf-8")


def count(doc, name: str) -> int:
    return int(doc.xpath(f'//*[@data-count="{name}"]')[0].text)


def test_the_page_counts_what_the_model_holds(sample_vault, tmp_path):
    result, doc, _ = built(sample_vault, tmp_path / "out")
    model, report = result.model, result.report
    assert count(doc, "published") == len(model.notes) > 50
    assert count(doc, "skipped") == len(model.skipped)
    assert count(doc, "errors") == report.count(Severity.ERROR)
    assert count(doc, "warnings") == report.count(Severity.WARNING)

    links = [link for note in model.notes for link in note.links]
    by_status = Counter(str(link.status) for link in links)
    shown = {el.get("data-link-status"): int(el.text)
             for el in doc.xpath("//*[@data-link-status]")}
    assert shown == dict(by_status)
    rows = doc.xpath('//tr[@class="link-to-fix"]')
    dangling = [link for link in links if link.status == LinkStatus.DANGLING]
    assert len([r for r in rows if r.get("data-status") == "dangling"]) == len(dangling) > 0
    assert count(doc, "links-to-fix") == len(rows)

    dates = {el.get("data-date-source"): int(el.text)
             for el in doc.xpath("//*[@data-date-source]")}
    assert dates == dict(Counter(note.date_source for note in model.notes))

    unlisted = next(n for n in model.nav.children if n.kind == "unlisted")
    outside = [model.note(n.note).path for n in unlisted.walk() if n.note]
    assert [li.xpath("code")[0].text for li in doc.xpath('//li[@class="outside"]')] == outside
    assert count(doc, "outside-navigation") == len(outside)

    # the navigation tree: every published note once, in the model's order
    tree = doc.xpath('//section[@id="navigation"]//li/code/text()')
    assert tree == [model.note(n.note).path for n in model.nav.walk() if n.note]
    assert len(tree) == len(set(tree)) == len(model.notes)

    diagnostics = doc.xpath('//details[@id="all-diagnostics"]/pre')[0].text_content()
    assert diagnostics.splitlines() == [str(d) for d in report.sorted()
                                        if d.severity != Severity.INFO] + \
        [str(d) for d in report.sorted() if d.severity == Severity.INFO]


def test_a_dangling_link_shows_the_suggested_fix(make_vault, tmp_path):
    vault = make_vault({
        "Diagnostics de maturité numérique.md": "# Diagnostics de maturité numérique\n",
        "Guide.md": "# Guide\n\nVoir [[Diagnostic de maturité numérique]] et [[Rien du tout]].\n",
    })
    _, doc, _ = built(vault, tmp_path / "out")
    rows = doc.xpath('//tr[@class="link-to-fix"]')
    cells = [[td.text_content().strip() for td in row.xpath("td")] for row in rows]
    assert cells == [
        ["3", "[[Diagnostic de maturité numérique]]", "dangling",
         "link to “Diagnostics de maturité numérique”"],
        ["3", "[[Rien du tout]]", "dangling", "no close title"],
    ]
    assert rows[0].get("data-path") == "Guide.md"


def test_the_page_is_self_contained_and_escapes_the_vault(make_vault, tmp_path):
    hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    vault = make_vault({
        "a.md": f"---\ntitle: '{hostile}'\ntags: x\n---\nSee [[{hostile}]] and ![](https://example.org/i.png)\n",
        "xtdpublish.toml": '[site]\ntitle = "<b>Site</b>"\n',
    })
    _, doc, text = built(vault, tmp_path / "out")
    assert not doc.xpath("//script | //img | //link | //iframe | //b | //@src")
    assert not [a for a in doc.xpath("//a/@href")]  # no link anywhere, so nothing to fetch
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert doc.xpath("//h1")[0].text_content() == "Build report: <b>Site</b>"
    assert "http" not in "".join(doc.xpath("//style/text()"))


def test_every_build_writes_it_even_when_a_format_is_refused(make_vault, tmp_path):
    vault = make_vault({"a.md": "# A\n"})  # no base_url: the feeds refuse to build
    result = build(vault, load_config(vault), tmp_path / "out", ["model", "json"])
    assert result.config_errors
    doc = html.fromstring((tmp_path / "out" / "report.html").read_bytes())
    refused = doc.xpath('//section[@id="outputs"]//p[contains(@class, "sev-error")]/text()')
    assert len(refused) == 1 and "base_url" in refused[0]
    assert doc.xpath('//section[@id="outputs"]//code/text()') == ["model.json"]
    # never "0 errors" above an output asked for and not written
    assert doc.xpath('//span[@data-count="errors"]/text()') == ["1"]


def test_a_feed_left_out_of_all_for_want_of_base_url_is_a_warning_on_the_page(make_vault, tmp_path):
    vault = make_vault({"a.md": "# A\n"})
    result = build(vault, load_config(vault), tmp_path / "out", ["model", "json", "rss"],
                   named=())  # as `xtdpublish build` with the default --format all
    assert not result.config_errors and result.exit_code() == 0 and result.exit_code(True) == 1
    assert result.not_written == {"json": "site.base_url is not set",
                                  "rss": "site.base_url is not set"}
    doc = html.fromstring((tmp_path / "out" / "report.html").read_bytes())
    said = doc.xpath('//section[@id="outputs"]//p[contains(@class, "not-written")]/text()')
    assert said == ["Not written: json (site.base_url is not set; see the warnings)",
                    "Not written: rss (site.base_url is not set; see the warnings)"]
    assert doc.xpath('//span[@data-count="errors"]/text()') == ["0"]
    assert doc.xpath('//span[@data-count="warnings"]/text()') == ["1"]


def test_the_seed_vault_report_lists_the_other_problems_of_report_json(seed_vault, tmp_path):
    import json

    result, doc, _ = built(seed_vault, tmp_path / "out")
    data = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    shown = [tr.xpath("td")[2].text_content() for tr in doc.xpath('//tr[@class="diagnostic"]')]
    expected = [d["message"] for d in data["diagnostics"] if d["severity"] != "info"
                and d["code"] not in {"link.dangling", "link.missing-asset", "link.ambiguous",
                                      "link.unpublished"} and not d["code"].startswith("a11y.")]
    assert shown == expected


def test_each_ambiguous_link_says_which_note_it_went_to(make_vault, tmp_path):
    vault = make_vault({
        "Publish/Intro.md": "[[Security]]\n",
        "Publish/Security.md": "p\n",
        "Sync/Security.md": "s\n",
        "Other/Linker.md": "[[Security]]\n",
    })
    _, doc, _ = built(vault, tmp_path / "out")
    rows = {row.get("data-path"): row.xpath('.//code[@class="went-to"]')[0].text
            for row in doc.xpath('//tr[@class="link-to-fix"][@data-status="ambiguous"]')}
    assert rows == {"Publish/Intro.md": "Publish/Security.md",
                    "Other/Linker.md": "Sync/Security.md"}


def test_the_accessibility_list_names_each_problem_with_its_note_and_line(make_vault, tmp_path):
    vault = make_vault({
        "xtdpublish.toml": '[site]\ntitle = "T"\nlanguage = "fr"\n',
        "Salles.md": "# Salles\n\n![[plan.png]]\n\nLe plan est [ici](https://x.org).\n\n|  |  |\n|--|--|\n| a | b |\n",
        "Vide.md": "# Vide\n\n![Une salle](plan.png)\n",
        "plan.png": b"\x89PNG\r\n\x1a\n",
    })
    result = build(vault, load_config(vault), tmp_path / "out", ["model", "epub"])
    doc = html.fromstring((tmp_path / "out" / "report.html").read_bytes())
    rows = doc.xpath('//section[@id="accessibility"]//tr[@class="a11y-problem"]')
    shown = [(row.get("data-kind"), row.get("data-path"), row.xpath("td")[0].text_content()) for row in rows]
    assert shown == [("image-alt", "Salles.md", "3"), ("table-header", "Salles.md", "7"),
                     ("link-text", "Salles.md", "5")]
    assert "![[plan.png|what it shows]]" in rows[0].text_content()
    assert count(doc, "accessibility") == 3
    assert {el.get("data-a11y"): el.text for el in doc.xpath("//*[@data-a11y]")} == {
        "image-alt": "1", "table-header": "1", "link-text": "1"}
    # what it costs the EPUB, said once, here and not among the other problems
    [claim] = doc.xpath('//section[@id="accessibility"]//p[contains(@class, "conformance")]')
    assert "does not claim EPUB Accessibility 1.1" in claim.text_content()
    others = " ".join(doc.xpath('//tr[@class="diagnostic"]//text()'))
    assert "a11y." not in others and "epub.conformance" not in others
    assert [d.code for d in result.report.sorted() if d.code.startswith("a11y")] == [
        "a11y.image-alt", "a11y.link-text", "a11y.table-header"]


def test_a_vault_with_nothing_to_fix_says_so(make_vault, tmp_path):
    vault = make_vault({"a.md": "# A\n\n![Le plan du musée](plan.png)\n", "plan.png": b"\x89PNG\r\n\x1a\n"})
    _, doc, _ = built(vault, tmp_path / "out")
    assert count(doc, "accessibility") == 0
    assert "Nothing to fix" in doc.xpath('//section[@id="accessibility"]')[0].text_content()

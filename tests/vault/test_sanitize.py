"""Raw HTML enters the model without scripts, handlers, script URLs or page styles."""

import pytest
from lxml import html

from xtdpublish.report import Report
from xtdpublish.vault.markdown import parse_markdown


def parse(body: str):
    report = Report()
    return parse_markdown(body, 10, False, "n.md", report), report


@pytest.mark.parametrize("snippet", [
    "<script>alert(1)</script>",
    "<SCRIPT src=x></SCRIPT>",
    '<img src="i.png" onerror="alert(1)">',
    '<p onclick="alert(1)">t</p>',
    '<a href="javascript:alert(1)">t</a>',
    '<a href="JaVaScRiPt:alert(1)">t</a>',
    '<a href="&#106;avascript:alert(1)">t</a>',
    '<a href="java&#x09;script:alert(1)">t</a>',
    '<a href="jav&Tab;ascript:alert(1)">t</a>',
    '<iframe src="data:text/html,<script>alert(1)</script>"></iframe>',
    '<form action="javascript:alert(1)"><button formaction="vbscript:x">b</button></form>',
    '<style>body { display: none }</style>',
    '<link rel="stylesheet" href="http://127.0.0.1/x.css">',
    '<meta http-equiv="refresh" content="0;url=http://example.com">',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<div style="background: url(http://127.0.0.1/x.png)">t</div>',
    # found by tests/test_fuzz_vaults.py: the quick check before parsing knew only on[a-z]+
    '<p on\xffclick="alert(1)">t</p>', '<p data-x="1" ON-CLICK="alert(1)">t</p>',
])
def test_nothing_that_runs_or_restyles_reaches_the_model(snippet):
    body, report = parse(f"Avant\n\n{snippet}\n\nAprès\n")
    tree = html.fragment_fromstring(body.html, create_parent="div")
    for element in tree.iter():
        assert element.tag not in {"script", "style", "link", "meta"}
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on")
            compact = "".join(value.split()).lower()
            assert "javascript:" not in compact and "vbscript:" not in compact
            assert not (name == "style" and "url(" in compact)
            assert "data:text/html" not in compact
    assert "Avant" in body.html and "Après" in body.html
    codes = [d.code for d in report.diagnostics if d.code != "a11y.image-alt"]
    assert codes in (["html.unsafe"], ["link.unsafe"], ["html.unsafe", "link.unsafe"])
    assert all(d.line == 12 for d in report.diagnostics if d.code == "html.unsafe")


def test_safe_html_passes_untouched_and_silently():
    snippet = ('<picture><source srcset="https://cdn.example.org/a.png 2x">'
               '<img alt="Logo" src="https://cdn.example.org/a.png"></picture>\n'
               '<iframe src="https://www.youtube.com/embed/x" title="Vidéo"></iframe>\n'
               'Texte &amp; prix: 5 € — <span style="color: red">rouge</span>\n')
    body, report = parse(snippet)
    assert report.diagnostics == []
    assert '<iframe src="https://www.youtube.com/embed/x"' in body.html
    assert 'style="color: red"' in body.html


def test_javascript_spelled_in_plain_text_is_only_text():
    body, report = parse("Never type `javascript:` in a browser bar, nor javascript: either.\n")
    assert "javascript:" in body.html  # text, not a URL
    assert report.diagnostics == []

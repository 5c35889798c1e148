"""The theme's reference documents: the committed ones are what the script makes; a theme's own is used."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from office_files import defined_styles

REPO = Path(__file__).resolve().parents[2]
DEFAULT = REPO / "themes" / "default"


def test_the_committed_reference_documents_are_the_scripts(tmp_path):
    from xtdpublish.render.office.reference import write_references

    for made in write_references(tmp_path):
        assert made.read_bytes() == (DEFAULT / made.name).read_bytes(), (
            f"{made.name} differs from what `python -m xtdpublish.render.office.reference "
            "themes/default` makes: run it and commit the result")


def test_they_define_the_styles_the_renderer_names():
    from xtdpublish.render.office import blocks, document

    names = {blocks.CALLOUT, blocks.CALLOUT_TITLE, blocks.EMBED, blocks.VIDEO, document.NOTE_META,
             document.BACKLINKS, document.PART_NUMBER, document.FAILED, document.INTRO,
             document.INDEX_TAG, document.INDEX_ENTRIES}
    assert names <= defined_styles(DEFAULT / "reference.docx")
    assert names | {"PageBreak", "Contents_20_1", "Contents_20_2"} <= defined_styles(DEFAULT / "reference.odt")
    assert {"TOC1", "TOC2"} <= defined_styles(DEFAULT / "reference.docx")


def test_a_themes_own_reference_document_is_used(make_vault, tmp_path):
    source = DEFAULT / "reference.docx"
    with zipfile.ZipFile(source) as original:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as copy:
            for item in original.infolist():
                data = original.read(item)
                if item.filename == "word/styles.xml":
                    data = data.replace(b"</w:styles>", b'<w:style w:type="paragraph" w:styleId="ThemeMarker">'
                                        b'<w:name w:val="ThemeMarker"/></w:style></w:styles>')
                copy.writestr(item, data)
    vault = make_vault({
        "xtdpublish.toml": '[guide]\ntheme = "theme"\n',
        "theme/reference.docx": buffer.getvalue(),
        "a.md": "# A\n\nText.\n",
    })
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "xtdpublish", "build", "--vault", str(vault), "--out", str(out),
                           "--format", "docx,odt", "-q"], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    assert done.returncode == 0, done.stderr
    assert "ThemeMarker" in defined_styles(out / "guide.docx")
    assert "Callout" in defined_styles(out / "guide.odt")  # the theme has no reference.odt: the default's

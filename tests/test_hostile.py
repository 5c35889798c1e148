"""Hostile and broken vaults: every build finishes, reads nothing outside the vault,
reaches no network, writes no script, and loses no note (issue 6)."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import unicodedata
import zipfile
from pathlib import Path

import pytest
from lxml import etree, html

from hostile import CANARY, make_hostile_vault

XTD = [sys.executable, "-m", "xtdpublish"]
OUTPUTS = ("model.json", "guide.pdf", "guide.epub", "feed.json", "rss.xml", "atom.xml")


@pytest.fixture(scope="module")
def listener():
    """A loopback port that the build must never connect to."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.setblocking(False)
    yield server
    server.close()


def connections(server: socket.socket) -> int:
    count = 0
    while True:
        try:
            conn, _ = server.accept()
        except BlockingIOError:
            return count
        conn.close()
        count += 1


def build(vault: Path, out: Path, *extra: str, env: dict | None = None):
    return subprocess.run(
        [*XTD, "build", "--vault", str(vault), "--out", str(out), *extra],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000", **(env or {})},
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory, listener):
    root = tmp_path_factory.mktemp("hostile")
    vault = make_hostile_vault(root, listener.getsockname()[1])
    out = root / "out"
    result = build(vault, out)
    return vault, out, result, connections(listener)


def test_the_build_finishes_without_a_traceback(built):
    _, out, result, _ = built
    assert result.returncode in (0, 1), result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    for name in OUTPUTS:
        assert (out / name).is_file(), f"{name} not written: {result.stderr[-2000:]}"


def test_no_connection_is_attempted(built):
    assert built[3] == 0


def test_every_note_is_published_or_listed_with_a_reason(built):
    vault, out, _, _ = built
    model = json.loads((out / "model.json").read_text(encoding="utf-8"))
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    published = {n["path"] for n in model["notes"]}
    skipped = {s["path"]: s["reason"] for s in report["skipped"]}
    for path in vault.rglob("*.md"):
        name = unicodedata.normalize("NFC", path.relative_to(vault).as_posix())
        assert name in published or name in skipped, f"{name} is neither published nor skipped"
        assert name not in skipped or skipped[name].strip()
    assert "Normale.md" in published
    assert "Injection.md" in published  # one bad construct does not cost the note


def test_a_note_with_bad_constructs_keeps_the_rest_of_its_content(built):
    _, out, _, _ = built
    model = json.loads((out / "model.json").read_text(encoding="utf-8"))
    injection = next(n for n in model["notes"] if n["path"] == "Injection.md")
    assert "clic" in injection["body_html"]


def all_output_bytes(out: Path) -> dict[str, bytes]:
    """Every output file's content, with the EPUB unzipped and the PDF's streams decoded."""
    from pypdf import PdfReader

    found: dict[str, bytes] = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts):
        data = path.read_bytes()
        found[path.name] = data
        if path.suffix == ".epub":
            with zipfile.ZipFile(path) as book:
                for entry in book.namelist():
                    found[f"{path.name}!{entry}"] = book.read(entry)
        if path.suffix == ".pdf":
            reader = PdfReader(path)
            for number in range(1, int(reader.trailer["/Size"])):
                try:
                    obj = reader.get_object(number)
                except Exception:
                    continue
                if obj is None:
                    continue
                if hasattr(obj, "get_data"):
                    try:
                        found[f"{path.name}!{number}"] = obj.get_data()
                    except Exception:
                        pass
                else:
                    found[f"{path.name}!{number}"] = repr(obj).encode()
    return found


def test_nothing_from_outside_the_vault_is_in_any_output(built):
    _, out, _, _ = built
    for name, data in all_output_bytes(out).items():
        assert CANARY.encode() not in data, f"the canary from outside the vault is in {name}"
        assert b"root:x:0:0" not in data, f"/etc/passwd is in {name}"


def html_fragments(name: str, data: bytes):
    """Every piece of HTML an output carries: whole pages, and HTML inside JSON or XML fields."""
    if name.endswith((".xhtml", ".html")) or ("!EPUB/" in name and name.endswith(".xhtml")):
        yield data.decode("utf-8")
    elif name.endswith(".json"):
        stack = [json.loads(data)]
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                for key, item in value.items():
                    if key in ("content_html", "body_html") and isinstance(item, str):
                        yield item
                    else:
                        stack.append(item)
            elif isinstance(value, list):
                stack.extend(value)
    elif name.endswith(".xml"):
        for element in etree.fromstring(data).iter():
            local = etree.QName(element).localname if isinstance(element.tag, str) else ""
            if local in ("content", "encoded", "summary", "description") and element.text:
                yield element.text


def assert_safe(fragment: str, where: str) -> None:
    if not fragment.strip():
        return
    tree = html.fromstring(f"<div>{fragment}</div>")
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        assert element.tag.lower() != "script", f"<script> in {where}"
        # The model keeps frames for the renderers to replace; no output a reader opens has one.
        if where != "model.json":
            assert element.tag.lower() not in {"iframe", "object", "embed"}, f"<{element.tag}> in {where}"
        for attribute, value in element.attrib.items():
            assert not attribute.lower().startswith("on"), f"{attribute}= in {where}"
            compact = re.sub(r"[\x00-\x20]", "", value).lower()
            assert not compact.startswith(("javascript:", "vbscript:", "data:text")), f"{value!r} in {where}"


def test_no_script_event_handler_or_javascript_url_in_any_output(built):
    _, out, _, _ = built
    checked = 0
    for name, data in all_output_bytes(out).items():
        for fragment in html_fragments(name, data):
            assert_safe(fragment, name)
            checked += 1
    assert checked > 20  # the pages and fields above were really found and read


def test_pdf_links_are_only_web_links_or_internal(built):
    from pypdf import PdfReader

    _, out, _, _ = built
    for page in PdfReader(out / "guide.pdf").pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action and "/URI" in action:
                uri = str(action["/URI"])
                assert uri.startswith(("https://", "http://", "mailto:")), uri


def test_builds_are_reproducible_byte_for_byte(built, tmp_path):
    vault, out, _, _ = built
    again = tmp_path / "again"
    result = build(vault, again)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (again / name).read_bytes(), f"{name} differs"


def test_a_killed_build_leaves_the_previous_outputs_whole(built, tmp_path):
    vault, out, _, _ = built
    target = tmp_path / "killed"
    first = build(vault, target)
    assert first.returncode in (0, 1)
    before = {name: (target / name).read_bytes() for name in OUTPUTS}
    for delay in (0.3, 1.0, 2.0, 3.5):
        process = subprocess.Popen(
            [*XTD, "build", "--vault", str(vault), "--out", str(target), "--force"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"},
        )
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        for name in OUTPUTS:
            assert (target / name).read_bytes() == before[name], f"{name} damaged after SIGKILL at {delay}s"


def test_two_builds_at_once_into_one_folder_do_not_corrupt_each_other(built, tmp_path):
    vault, out, _, _ = built
    target = tmp_path / "concurrent"
    processes = [
        subprocess.Popen(
            [*XTD, "build", "--vault", str(vault), "--out", str(target), "--force"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"},
        )
        for _ in range(2)
    ]
    for process in processes:
        _, err = process.communicate(timeout=600)
        assert process.returncode in (0, 1), err[-2000:]
    for name in OUTPUTS:
        assert (target / name).read_bytes() == (out / name).read_bytes(), f"{name} corrupted"
    json.loads((target / "report.json").read_text(encoding="utf-8"))


def test_every_output_is_valid_by_its_own_validator(built):
    import feedparser
    import jsonschema

    from epubcheck import problems, run_epubcheck
    from jsonfeed_spec import check_feed
    from test_model_json import SCHEMA

    _, out, _, _ = built
    jsonschema.validate(json.loads((out / "model.json").read_text(encoding="utf-8")), SCHEMA)
    assert check_feed(json.loads((out / "feed.json").read_text(encoding="utf-8"))) == []
    for name in ("rss.xml", "atom.xml"):
        parsed = feedparser.parse((out / name).read_bytes())
        assert not parsed.bozo, f"{name}: {parsed.get('bozo_exception')}"
        assert parsed.entries
    from pypdf import PdfReader

    assert len(PdfReader(out / "guide.pdf").pages) > 3
    assert problems(run_epubcheck(out / "guide.epub")) == []

"""The outputs of content/ and of the MuseumXTD sample are the bytes recorded in tests/golden/.

A change meant to leave what users get as it is (moving code, splitting a module) must keep
every output byte-identical; this test says so. A change meant to alter an output records
the new bytes knowingly:

    XTD_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_same_outputs.py

The bytes depend on the libraries that write them (WeasyPrint, pydyf, fontTools, lxml...),
so they are recorded with those versions, and the test skips, saying which, where another
version is installed. Each vault is built from one fixed place with fixed file times:
WeasyPrint names a PDF's images after their path, and notes without a date take their file's.
"""

from __future__ import annotations

import ctypes.util
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import pytest

from conftest import CONTENT, SAMPLE_CONFIG, SAMPLE_VAULT

GOLDEN = Path(__file__).parent / "golden" / "outputs.json"
EPOCH = 1700000000
LIBRARIES = ("weasyprint", "pydyf", "fonttools", "tinycss2", "lxml", "feedgen", "nh3", "segno",
             "markdown-it-py", "mdit-py-plugins", "PyYAML", "Jinja2", "pypandoc_binary", "resvg-py",
             "Pillow")
UPDATE = os.environ.get("XTD_UPDATE_GOLDEN") == "1"


def versions() -> dict[str, str]:
    found = {"python": ".".join(map(str, sys.version_info[:2])),
             "harfbuzz-subset": str(bool(ctypes.util.find_library("harfbuzz-subset")))}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


def built_digests(vault: Path, config: str | None, place: Path) -> dict[str, str]:
    """Every file a build of ``vault`` writes, by its sha256, built from ``place``.

    ``place`` is one folder for every checkout on the machine: a lock beside it keeps two
    test runs from building into it at once (one would delete or add the other's files)."""
    import fcntl

    with open(place.with_name(place.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _built_digests(vault, config, place)


def _built_digests(vault: Path, config: str | None, place: Path) -> dict[str, str]:
    shutil.rmtree(place, ignore_errors=True)
    shutil.copytree(vault, place / "vault", symlinks=True)
    if config is not None:
        (place / "vault" / "xtdpublish.toml").write_text(config, encoding="utf-8")
    for path in [*(place / "vault").rglob("*"), place / "vault"]:
        os.utime(path, (EPOCH, EPOCH), follow_symlinks=False)
    out = place / "out"
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH), "PYTHONHASHSEED": "0"}
    subprocess.run([sys.executable, "-m", "xtdpublish", "build", "--vault", str(place / "vault"),
                    "--out", str(out), "--format", "all", "-q"],
                   env=env, check=False, capture_output=True, timeout=900)
    digests = {
        path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(out.rglob("*")) if path.is_file() and ".cache" not in path.parts
    }
    shutil.rmtree(place, ignore_errors=True)
    return digests


def check_against_golden(name: str, digests: dict[str, str]) -> None:
    recorded = json.loads(GOLDEN.read_text(encoding="utf-8")) if GOLDEN.exists() else {}
    if UPDATE:
        if recorded.get("versions") != versions():
            recorded = {"versions": versions()}
        recorded[name] = digests
        GOLDEN.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return
    if name not in recorded:
        pytest.fail(f"no recorded outputs for {name}: run with XTD_UPDATE_GOLDEN=1 once")
    if recorded["versions"] != versions():
        changed = {k: (recorded["versions"].get(k), v) for k, v in versions().items()
                   if recorded["versions"].get(k) != v}
        pytest.skip(f"outputs were recorded with other versions (recorded, here): {changed}")
    assert digests == recorded[name]


@pytest.fixture
def place():
    return Path(tempfile.gettempdir()) / "xtdpublish-same-outputs"


def test_content_outputs_are_the_recorded_bytes(place):
    check_against_golden("content", built_digests(CONTENT, None, place))


@pytest.mark.slow
def test_sample_outputs_are_the_recorded_bytes(place):
    if not SAMPLE_VAULT.is_dir():
        pytest.skip(f"the MuseumXTD sample vault is not here ({SAMPLE_VAULT})")
    check_against_golden("museumxtd-sample", built_digests(SAMPLE_VAULT, SAMPLE_CONFIG, place))

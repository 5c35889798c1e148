"""Which outputs are stale: each output's inputs hashed and compared with the last build's.

``OutputRecords`` is the build's memory of its outputs (``OUT/.cache/outputs.json``, by way
of fingerprint.py): for each format, the hash of what it was made of, its files and the
diagnostics it gave. An output whose inputs hash the same and whose files are all there is
current: it is kept, and its diagnostics are told again, so none is lost on a rebuild.
An output that failed is not recorded, so the next build tries it again.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import fingerprint
from .config import Config, ConfigError
from .model import Diagnostic, Model, Severity
from .outputs import output
from .render.model_json import model_to_dict

# Formats that lay out or embed the theme and the vault's images.
THEMED = {"pdf", "epub", "docx", "odt"}


class OutputRecords:
    def __init__(self, out: Path, model: Model, config: Config, formats: list[str],
                 forget: bool = False) -> None:
        self.out = out
        self.known = {} if forget else fingerprint.load(out)
        self.model_json = json.dumps(model_to_dict(model), sort_keys=True).encode("utf-8")
        self.digests = _digests(self.model_json, model, config, formats)

    def is_current(self, name: str) -> bool:
        return fingerprint.is_current(self.known, self.out, name, self.digests[name])

    def files(self, name: str) -> list[Path]:
        return [self.out / f for f in self.known[name]["files"]]

    def diagnostics(self, name: str) -> list[Diagnostic]:
        """What an unchanged output reported when it was made."""
        found = []
        for d in self.known[name].get("diagnostics", []):
            try:
                found.append(Diagnostic(d["path"], d["line"], Severity(d["severity"]), d["code"],
                                        d["message"]))
            except (KeyError, TypeError, ValueError):
                continue
        return found

    def record(self, name: str, paths: list[Path], diagnostics: list[Diagnostic]) -> None:
        self.known[name] = {
            "hash": self.digests[name],
            "files": [str(p.relative_to(self.out)) for p in paths],
            "diagnostics": [diagnostic_to_dict(d) for d in diagnostics],
        }

    def forget(self, name: str) -> None:
        self.known.pop(name, None)

    def page_is_current(self, name: str, shown: dict) -> bool:
        """Whether a page made of the model and ``shown`` (report.html) would be as it is;
        if not, it is recorded as made now."""
        digest = fingerprint.fingerprint(name, self.model_json, json.dumps(shown), [])
        if fingerprint.is_current(self.known, self.out, name, digest):
            return True
        self.known[name] = {"hash": digest, "files": [name]}
        return False

    def save(self) -> None:
        fingerprint.save(self.out, self.known)


def diagnostic_to_dict(d: Diagnostic) -> dict:
    return {"path": d.path, "line": d.line, "severity": str(d.severity), "code": d.code,
            "message": d.message}


def _digests(model_json: bytes, model: Model, config: Config, formats: list[str]) -> dict[str, str]:
    config_text = repr(config)
    themed: list[Path] = []
    if THEMED & set(formats):
        from .render.guide import find_theme, vault_file

        try:
            themed = [p for p in find_theme(model.root, config).rglob("*") if p.is_file()]
        except ConfigError:
            pass  # the renderers say so and build nothing from it
        themed += [model.asset_file(asset.path) or model.root / asset.path for asset in model.assets]
        logo = vault_file(model.root, model.site.logo) if model.site.logo else None
        if logo is not None:  # a logo outside the vault, or a device, is never read
            themed.append(logo)
    return {
        name: fingerprint.fingerprint(name, _model_data(name, model_json, model, config),
                                      config_text + _tool_versions(name),
                                      themed if name in THEMED else [], config.limits.asset_bytes)
        for name in formats
    }


def _tool_versions(name: str) -> str:
    try:
        return output(name).tool_versions()
    except Exception as error:  # the output's own renderer will meet it and say so
        return f"unknown: {error!r}"


def _model_data(name: str, model_json: bytes, model: Model, config: Config) -> bytes:
    """What the output ``name`` reads of the model, as JSON: its ``inputs`` (outputs.py), else all.

    An output whose inputs cannot be had (no base URL for a feed, a bug) gets the whole model:
    its renderer meets the same problem and reports it, and the whole model covers any output.
    """
    try:
        data = output(name).inputs_of(model, config)
    except Exception:
        return model_json
    return model_json if data is None else json.dumps(data, sort_keys=True).encode("utf-8")

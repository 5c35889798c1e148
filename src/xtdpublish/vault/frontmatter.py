"""Splitting a note into its metadata and its body, the way its author meant it.

Handles YAML frontmatter between ``---`` lines and what real vaults hold instead:
YAML that PyYAML refuses (``alias: [Question?]``, tabs), values YAML reads as
comments (``tags: #question``), duplicate keys, frontmatter that is not a mapping,
an unclosed ``---``, and a pseudo-header of ``key : value`` lines ended by a line
of dashes. Every recovery is reported with the file and line; metadata is never
dropped silently and the body is never lost. The readings of what YAML refuses or
misreads are in yaml_recovery.py; values are made JSON-safe by jsonsafe.py.

The body is the text after the metadata exactly as written (not stripped), and
``body_line`` is the file line where it starts, so later line numbers are file
line numbers. python-frontmatter is not used: it strips the body (lines shift)
and ignores frontmatter that is not a mapping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..config import LimitsConfig
from ..report import Report
from .jsonsafe import json_safe
from .yaml_recovery import (
    KEY_LINE,
    check_flow_questions,
    recover_comment_values,
    recover_value,
    untab,
)


def _loader_class(base: type) -> type:
    """``base`` without the timestamp resolver: dates stay text, so an impossible
    date (``2022-13-45``) is one bad value for dates.py, not a YAML error."""
    resolvers = {
        first: [(tag, regex) for tag, regex in pairs if tag != "tag:yaml.org,2002:timestamp"]
        for first, pairs in base.yaml_implicit_resolvers.items()
    }
    return type(f"Note{base.__name__}", (base,), {"yaml_implicit_resolvers": resolvers})


PURE_LOADER = _loader_class(yaml.SafeLoader)
# libyaml is faster and accepts `[Question?]`; the pure loader refuses it, and
# the recovery (yaml_recovery.py) makes both give the same result (tests run both).
LOADER = _loader_class(yaml.CSafeLoader) if getattr(yaml, "__with_libyaml__", False) else PURE_LOADER

OPEN = re.compile(r"---[ \t]*")
CLOSE = re.compile(r"-{3,}[ \t]*")
# "key:: value" is a Dataview field of the body (tags_fields.py), never a header line
PSEUDO_LINE = re.compile(r"(?P<key>[^\W\d][\w-]{0,39})[ \t]*:(?!:)[ \t]*(?P<value>.*)")
PSEUDO_MAX_LINES = 20


@dataclass(frozen=True)
class Frontmatter:
    meta: dict[str, Any]  # JSON-safe: dates as ISO text, keys as text
    body: str
    body_line: int  # 1-based file line where the body starts
    kind: str = "none"  # "yaml", "pseudo" (key : value lines ended by dashes) or "none"
    lines: dict[str, int] = field(default_factory=dict)  # "key" / "key.sub" → file line


class NotAMapping(Exception):
    """The block parses, but as something other than key: value pairs."""


def split_frontmatter(text: str, path: str, report: Report,
                      limit: int = LimitsConfig.frontmatter_bytes) -> Frontmatter:
    """``limit``: a YAML block of more bytes is not parsed (limits.frontmatter_bytes)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is not None and OPEN.fullmatch(lines[start]):
        if start > 0:
            report.warning(path, start + 1, "frontmatter.not-first-line",
                           "the frontmatter should start on line 1; blank lines before it are ignored")
        return _fenced(lines, start, path, report, limit)
    pseudo = _pseudo_header(lines, path, report)
    if pseudo is not None:
        return pseudo
    return Frontmatter({}, text, 1)


# -- the fenced block ---------------------------------------------------------

def _fenced(lines: list[str], start: int, path: str, report: Report, limit: int) -> Frontmatter:
    close = next((j for j in range(start + 1, len(lines)) if CLOSE.fullmatch(lines[j])), None)
    if close is None:
        return _unclosed(lines, start, path, report, limit)
    block = lines[start + 1:close]
    try:
        meta, key_lines = parse_block(block, start + 2, path, report, limit)
    except NotAMapping as error:
        report.warning(path, start + 1, "frontmatter.not-mapping",
                       f"the block between the --- lines {start + 1} and {close + 1} is not "
                       f"key: value metadata ({error}); it is kept as text of the note")
        # the closing line becomes blank so that body lines stay file lines
        body = "\n".join([*block, "", *lines[close + 1:]])
        return Frontmatter({}, body, start + 2)
    return Frontmatter(meta, "\n".join(lines[close + 1:]), close + 2, "yaml", key_lines)


def _unclosed(lines: list[str], start: int, path: str, report: Report, limit: int) -> Frontmatter:
    """``---`` on line 1 and no closing line: the metadata is the run of YAML-looking
    lines that follows, up to the first blank or other line; the rest is the body."""
    end = start + 1
    while end < len(lines) and lines[end].strip() and _yamlish(lines, start + 1, end):
        end += 1
    block = lines[start + 1:end]
    if block and KEY_LINE.match(block[0]):
        try:
            meta, key_lines = parse_block(block, start + 2, path, report, limit)
        except NotAMapping:
            pass
        else:
            report.warning(path, start + 1, "frontmatter.unclosed",
                           f"the frontmatter opened here is never closed by a --- line; "
                           f"lines {start + 2}-{end} are read as metadata and the rest as the note")
            return Frontmatter(meta, "\n".join(lines[end:]), end + 1, "yaml", key_lines)
    report.warning(path, start + 1, "frontmatter.unclosed",
                   "this --- line opens no frontmatter (no closing --- and no key: value lines "
                   "after it); the whole file is read as the note")
    return Frontmatter({}, "\n".join(lines), 1)


def _yamlish(lines: list[str], first: int, index: int) -> bool:
    line = lines[index]
    if KEY_LINE.match(line):
        return True
    if index == first:
        return False
    # a "#" line ends the block: after metadata that was never closed, it is a heading
    return line[:1] in (" ", "\t") or line.startswith("- ")


# -- parsing a block ------------------------------------------------------------

def parse_block(block: list[str], first_line: int, path: str, report: Report,
                limit: int | None = None) -> tuple[dict[str, Any], dict[str, int]]:
    """YAML lines → (JSON-safe mapping, key → file line); raises NotAMapping. A block of
    more than ``limit`` bytes is not parsed: its time and memory are the YAML's to choose."""
    source = "\n".join(block)
    if not source.strip():
        return {}, {}
    if limit is not None and len(source) * 4 > limit and len(source.encode("utf-8", "surrogatepass")) > limit:
        report.warning(path, first_line - 1, "frontmatter.too-large",
                       f"the frontmatter holds more than limits.frontmatter_bytes ({limit:,} bytes): "
                       "it is not read (no title, tags or dates from it); the body is")
        return {}, {}
    try:
        return _load_mapping(source, first_line, path, report, block)
    except yaml.YAMLError as error:
        first_error: Exception = error
    except (RecursionError, ValueError, TypeError, OverflowError) as error:
        first_error = error
    if "\t" in source:
        try:
            data, key_lines = _load_mapping(untab(source), first_line, path, report, block)
        except Exception:
            pass
        else:
            line = first_line + next(i for i, text in enumerate(block) if "\t" in text)
            report.warning(path, line, "frontmatter.tabs",
                           "YAML does not allow tabs for indentation; read them as spaces")
            return data, key_lines
    if not any(KEY_LINE.match(line) for line in block):
        raise NotAMapping(_yaml_problem(first_error))
    return _recover_entries(block, first_line, path, report, first_error)


def _load_mapping(source: str, first_line: int, path: str, report: Report, block: list[str]
                  ) -> tuple[dict[str, Any], dict[str, int]]:
    """One attempt at reading the block; its warnings count only if it succeeds."""
    attempt = Report()
    result = _load_mapping_once(source, first_line, path, attempt, block)
    report.diagnostics.extend(attempt.diagnostics)
    return result


def _load_mapping_once(source: str, first_line: int, path: str, report: Report,
                       block: list[str]) -> tuple[dict[str, Any], dict[str, int]]:
    loader = LOADER(source)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        key_lines = _key_lines(node, first_line, path, report)
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    if data is None:
        return {}, {}
    if isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        report.warning(path, first_line, "frontmatter.list-of-mappings",
                       "the frontmatter is a list of key: value groups; read as one group "
                       "(remove the leading '- ')")
        merged: dict = {}
        for item in data:
            merged.update(item)
        data = merged
    if not isinstance(data, dict):
        raise NotAMapping(f"it reads as {_kind(data)}")
    meta = json_safe(data, path, report, first_line)
    if isinstance(node, yaml.MappingNode):
        recover_comment_values(node, block, meta, key_lines, first_line, path, report)
        if "?" in source:
            check_flow_questions(node, source, first_line, meta, path, report)
    return meta, key_lines


def _key_lines(node: yaml.Node, first_line: int, path: str, report: Report) -> dict[str, int]:
    lines: dict[str, int] = {}
    if not isinstance(node, yaml.MappingNode):
        return lines
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        key = key_node.value
        line = first_line + key_node.start_mark.line
        if key in lines and key != "<<":
            report.warning(path, line, "frontmatter.duplicate-key",
                           f"{key!r} is given twice (lines {lines[key]} and {line}); "
                           f"the last one is used")
        lines[key] = line
        if isinstance(value_node, yaml.MappingNode):
            for sub_key, _ in value_node.value:
                if isinstance(sub_key, yaml.ScalarNode):
                    lines[f"{key}.{sub_key.value}"] = first_line + sub_key.start_mark.line
    return lines


def _recover_entries(block: list[str], first_line: int, path: str, report: Report,
                     error: Exception) -> tuple[dict[str, Any], dict[str, int]]:
    """YAML refused the block: read it key by key, recovering each key's value."""
    entries: list[tuple[int, list[str]]] = []
    for index, line in enumerate(block):
        if KEY_LINE.match(line):
            entries.append((index, [line]))
        elif entries:
            entries[-1][1].append(line)
        elif line.strip() and not line.lstrip().startswith("#"):
            report.warning(path, first_line + index, "frontmatter.ignored-line",
                           f"this frontmatter line is not key: value and is ignored: {line.strip()!r}")
    meta: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    for index, entry in entries:
        line = first_line + index
        try:
            data, lines = _load_mapping(untab("\n".join(entry)), line, path, report, entry)
        except Exception:
            data, lines = recover_value(entry, line, path, report), {}
        for key, value in data.items():
            if key in key_lines:
                report.warning(path, line, "frontmatter.duplicate-key",
                               f"{key!r} is given twice (lines {key_lines[key]} and {line}); "
                               f"the last one is used")
            meta[key] = value
            key_lines[key] = line
        key_lines.update((k, v) for k, v in lines.items() if "." in k)
    return meta, key_lines


def _yaml_problem(error: Exception) -> str:
    problem = getattr(error, "problem", None) or str(error).split("\n")[0]
    return f"YAML: {problem}"


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    return f"a single value ({type(value).__name__})"


# -- the pseudo-header --------------------------------------------------------

def _pseudo_header(lines: list[str], path: str, report: Report) -> Frontmatter | None:
    """``date : 2022mai12`` / ``tags : #question`` / blank / ``-------``: metadata, not text."""
    keys: list[tuple[int, re.Match[str]]] = []
    for index, line in enumerate(lines[:PSEUDO_MAX_LINES]):
        if not line.strip():
            continue
        if keys and CLOSE.fullmatch(line):
            return _pseudo_meta(lines, keys, index, path, report)
        match = PSEUDO_LINE.fullmatch(line.strip())
        if match is None:
            return None
        keys.append((index, match))
    return None


def _pseudo_meta(lines: list[str], keys: list[tuple[int, re.Match[str]]], close: int,
                 path: str, report: Report) -> Frontmatter:
    meta: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    for index, match in keys:
        key, raw = match.group("key"), match.group("value").strip()
        meta[key] = _pseudo_value(raw)
        key_lines[key] = index + 1
    report.warning(path, 1, "frontmatter.pseudo-header",
                   f"lines 1-{close + 1} are a metadata header without --- lines "
                   f"({', '.join(meta)}); read as metadata. Write it as frontmatter between --- lines")
    meta = json_safe(meta, path, report, 1)
    return Frontmatter(meta, "\n".join(lines[close + 1:]), close + 2, "pseudo", key_lines)


def _pseudo_value(raw: str) -> Any:
    if not raw:
        return None
    if raw.startswith("#"):
        return raw
    try:
        value = yaml.load(raw, Loader=LOADER)
    except Exception:
        return raw
    return value if isinstance(value, (str, list, int, float, bool)) else raw

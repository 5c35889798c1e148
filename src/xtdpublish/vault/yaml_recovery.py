"""Reading frontmatter YAML the way its author meant where PyYAML refuses or misreads it.

``tags: #question`` is a comment to YAML (no value); ``alias: [Question?]`` is refused
by PyYAML and read by libyaml (the same warning either way); tabs are not indentation
to YAML. When YAML refuses a whole block, frontmatter.py reads it again key by key (the
lines ``KEY_LINE`` finds), and a value that YAML still refuses is read here by hand
(``recover_value``). Every recovery is reported. frontmatter.py decides when to
recover and keeps the YAML loader (tests swap it for the pure-Python one).
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from ..report import Report

# "key:" at the start of a line, as YAML would read it (plain or quoted key)
KEY_LINE = re.compile(
    r"""(?P<key>"[^"\n]*"|'[^'\n]*'|[^\s#\-\[\]{},:'"&*!|>%@`?][^:\n]*?|-[^\s:][^:\n]*?)[ \t]*:(?:[ \t]|$)"""
)


def _warn_flow_question(path: str, line: int, key: str, raw: str, value: list, report: Report
                        ) -> None:
    items = value if isinstance(value, list) else [value]
    written = ", ".join(json.dumps(str(item), ensure_ascii=False) for item in items)
    report.warning(path, line, "frontmatter.recovered",
                   f"{key}: {raw} was read as {written}; a text with \"?\" in a list needs "
                   f"quotes: write {key}: [{written}]")


def check_flow_questions(node: yaml.MappingNode, source: str, first_line: int, meta: dict,
                         path: str, report: Report) -> None:
    """libyaml reads ``[Question?]``, PyYAML refuses it: warn the same either way."""
    for key_node, value_node in node.value:
        if not (isinstance(key_node, yaml.ScalarNode) and isinstance(value_node, yaml.SequenceNode)
                and value_node.flow_style):
            continue
        if any(isinstance(item, yaml.ScalarNode) and not item.style and "?" in item.value
               for item in value_node.value):
            raw = " ".join(source[value_node.start_mark.index:value_node.end_mark.index].split())
            _warn_flow_question(path, first_line + key_node.start_mark.line, key_node.value, raw,
                                meta.get(key_node.value), report)


def recover_comment_values(node: yaml.MappingNode, block: list[str], meta: dict[str, Any],
                           key_lines: dict[str, int], first_line: int, path: str,
                           report: Report) -> None:
    """``tags: #question`` is a YAML comment, so YAML reads no value; the author meant text."""
    for key_node, value_node in node.value:
        if not (isinstance(key_node, yaml.ScalarNode) and isinstance(value_node, yaml.ScalarNode)):
            continue
        if value_node.value != "" or value_node.tag != "tag:yaml.org,2002:null":
            continue
        index = key_node.end_mark.line
        if index >= len(block) or key_node.start_mark.line != index:
            continue
        rest = block[index][key_node.end_mark.column:].lstrip()
        rest = rest[1:].strip() if rest.startswith(":") else ""
        if not rest.startswith("#") or rest.strip("#").strip() == "":
            continue
        key = key_node.value
        if key in meta and meta[key] is None:
            meta[key] = rest
            shown = json.dumps(rest, ensure_ascii=False)
            report.warning(path, first_line + index, "frontmatter.comment-value",
                           f"{key}: {rest} is a comment to YAML, not a value; it was read as "
                           f"the text {shown}. Write it in quotes: {key}: {shown}")


def recover_value(entry: list[str], line: int, path: str, report: Report) -> dict[str, Any]:
    match = KEY_LINE.match(entry[0])
    assert match is not None
    key = match.group("key")
    if key[:1] in "'\"" and key[-1:] == key[:1] and len(key) > 1:
        key = key[1:-1]
    rest = entry[0][match.end():].strip()
    more = [text.strip() for text in entry[1:] if text.strip()]
    raw = " ".join([rest, *more]).strip()
    if raw.startswith("[") and raw.endswith("]"):
        value: Any = [_unquote(item) for item in _split_flow(raw[1:-1])]
        _warn_flow_question(path, line, key, raw, value, report)
    else:
        value = _unquote(raw) if raw else None
        shown = json.dumps(value if value is not None else "", ensure_ascii=False)
        report.warning(path, line, "frontmatter.recovered",
                       f"{key}: this value is not valid YAML and was read as the text {shown}; "
                       f"write it in quotes: {key}: {shown}")
    return {key: value}


def _split_flow(text: str) -> list[str]:
    items, current, quote, depth = [], [], "", 0
    for char in text:
        if quote:
            current.append(char)
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
            current.append(char)
        elif char in "[{":
            depth += 1
            current.append(char)
        elif char in "]}":
            depth -= 1
            current.append(char)
        elif char == "," and depth <= 0:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def _unquote(text: str) -> str:
    if len(text) > 1 and text[0] == text[-1] and text[0] in "'\"":
        inner = text[1:-1]
        return inner.replace("''", "'") if text[0] == "'" else inner.replace('\\"', '"')
    return text


def untab(source: str) -> str:
    out = []
    for line in source.split("\n"):
        stripped = line.lstrip(" \t")
        indent = line[:len(line) - len(stripped)].replace("\t", "  ")
        out.append(indent + stripped.replace(":\t", ": "))
    return "\n".join(out)

"""The command line: ``xtdpublish build`` and ``xtdpublish check``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .config import Config, ConfigError, load_config
from .model import Severity
from .outputs import parse_formats


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    vault = Path(args.vault)
    if not vault.is_dir():
        print(f"xtdpublish: error: no vault folder at {vault}", file=sys.stderr)
        return 2
    try:
        config = load_config(vault, Path(args.config) if args.config else None)
    except ConfigError as error:
        print(f"xtdpublish: error: {error}", file=sys.stderr)
        return 2
    return args.run(args, vault, config)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xtdpublish",
        description="Publish a vault of markdown notes as a PDF guide, an EPUB and feeds.",
    )
    commands = parser.add_subparsers(dest="command")
    build = commands.add_parser("build", help="read the vault and write the outputs")
    _vault_options(build)
    build.add_argument("--out", default="build", help="output folder (default: build)")
    build.add_argument(
        "--format", default="all",
        help="comma-separated: model, pdf, epub, json, rss, atom, or all (default)",
    )
    build.set_defaults(run=_build)
    check = commands.add_parser("check", help="read the vault and report on its health")
    _vault_options(check)
    check.add_argument("--json", action="store_true", help="print the summary as JSON")
    check.set_defaults(run=_check)
    return parser


def _vault_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vault", default="content", help="the vault folder (default: content)")
    parser.add_argument("--config", help="config file (default: VAULT/xtdpublish.toml)")
    parser.add_argument("--strict", action="store_true", help="fail (exit 1) on any warning")


def _build(args, vault: Path, config: Config) -> int:
    from .build import build

    try:
        formats = parse_formats(args.format)
    except ValueError as error:
        print(f"xtdpublish: error: {error}", file=sys.stderr)
        return 2
    result = build(vault, config, Path(args.out), formats)
    _print_diagnostics(result.report)
    for error in result.config_errors:
        print(f"xtdpublish: error: {error}", file=sys.stderr)
    for name, paths in result.written.items():
        for path in paths:
            print(f"wrote {path}")
    return result.exit_code(args.strict)


def _check(args, vault: Path, config: Config) -> int:
    from .build import check
    from .health import format_health, health

    result = check(vault, config)
    data = health(result.model, result.report)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_diagnostics(result.report)
        print(format_health(data))
    return result.exit_code(args.strict)


def _print_diagnostics(report) -> None:
    for diagnostic in report.sorted():
        if diagnostic.severity != Severity.INFO:
            print(diagnostic, file=sys.stderr)

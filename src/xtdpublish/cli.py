"""The command line: ``xtdpublish build``, ``check``, ``watch`` and ``init``.

Exit codes: 0 built (warnings allowed); 1 errors, or any warning under ``--strict`` (and for
``init``, a configuration file already there); 2 bad usage or bad config.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import __version__
from .config import Config, ConfigError, load_config
from .outputs import installed, parse_formats
from .progress import NORMAL, QUIET, VERBOSE, Progress


def main(argv: list[str] | None = None) -> int:
    code = _main(argv)
    if argv is None:
        # The program itself (not a caller in this process): every output is written and
        # closed, so end without the interpreter's teardown, which frees a big build's
        # objects one by one for nothing (measured: 11-15% of a PDF build's time).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _main(argv: list[str] | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    vault = Path(args.vault)
    if not vault.is_dir():
        print(f"xtdpublish: error: no vault folder at {vault}", file=sys.stderr)
        return 2
    if args.command == "init":
        return _init(args, vault)
    try:
        config = load_config(vault, Path(args.config) if args.config else None)
    except ConfigError as error:
        print(f"xtdpublish: error: {error}", file=sys.stderr)
        return 2
    if hasattr(args, "format"):  # build and watch
        for problem in installed()[1]:  # a format another package adds and we cannot take
            print(f"xtdpublish: warning: {problem}", file=sys.stderr)
        try:
            args.formats = parse_formats(args.format)
            # asked for by name, a format must be made; "all" means all that can be
            args.named = [name.strip() for name in args.format.split(",") if name.strip() != "all"]
        except ValueError as error:
            print(f"xtdpublish: error: {error}", file=sys.stderr)
            return 2
    try:
        return args.run(args, vault, config)
    except ConfigError as error:  # a value that only the vault shows wrong (vault.include)
        print(f"xtdpublish: error: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xtdpublish",
        description="Publish a vault of markdown notes as a PDF guide, an EPUB and feeds.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command")
    build = commands.add_parser("build", help="read the vault and write the outputs")
    _vault_options(build)
    _output_options(build)
    build.add_argument("--force", action="store_true",
                       help="write every output, even those whose inputs have not changed")
    build.set_defaults(run=_build)
    check = commands.add_parser("check", help="read the vault and report on its health")
    _vault_options(check)
    check.add_argument("--json", action="store_true", help="print the summary as JSON")
    check.set_defaults(run=_check)
    watch = commands.add_parser("watch", help="build, then build again on every saved change")
    _vault_options(watch)
    _output_options(watch)
    watch.set_defaults(run=_watch)
    init = commands.add_parser("init",
                               help="write a commented xtdpublish.toml guessed from the vault")
    init.add_argument("--vault", default="content", help="the vault folder (default: content)")
    return parser


def _vault_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vault", default="content", help="the vault folder (default: content)")
    parser.add_argument("--config", help="config file (default: VAULT/xtdpublish.toml)")
    parser.add_argument("--strict", action="store_true", help="fail (exit 1) on any warning")
    loudness = parser.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", action="store_true",
                          help="print only errors and the final line")
    loudness.add_argument("-v", "--verbose", action="store_true",
                          help="print every diagnostic, information included")


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="build", help="output folder (default: build)")
    parser.add_argument(
        "--format", default="all",
        help="comma-separated: model, pdf, epub, docx, odt, json, rss, atom, or all (default)",
    )


def _verbosity(args) -> int:
    return QUIET if args.quiet else VERBOSE if args.verbose else NORMAL


def _build(args, vault: Path, config: Config) -> int:
    from .build import run_build

    progress = Progress(_verbosity(args))
    try:
        result = run_build(vault, config, Path(args.out), args.formats, progress, force=args.force,
                           named=args.named)
    finally:
        progress.close()
    return result.exit_code(args.strict)


def _check(args, vault: Path, config: Config) -> int:
    from .build import check
    from .health import format_health, health

    result = check(vault, config)
    data = health(result.model, result.report)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        progress = Progress(_verbosity(args))
        progress.diagnostics(result.report.sorted(), " (-v prints every one)")
        if not args.quiet:
            print(format_health(data))
        else:  # the final line alone
            print(format_health(data).splitlines()[-1])
    return result.exit_code(args.strict)


def _watch(args, vault: Path, config: Config) -> int:
    from .watch import watch

    return watch(vault, Path(args.config) if args.config else None, Path(args.out), args.formats,
                 _verbosity(args), named=args.named)


def _init(args, vault: Path) -> int:
    from .init import guess_config, write_config
    from .init_file import summary

    if (vault / "xtdpublish.toml").exists() or (vault / "xtdpublish.toml").is_symlink():
        print(f"xtdpublish: error: {vault / 'xtdpublish.toml'} already exists; init never "
              "replaces it (move it away to start again)", file=sys.stderr)
        return 1
    guess = guess_config(vault)
    try:
        path = write_config(vault, guess)
    except FileExistsError:  # written meanwhile
        print(f"xtdpublish: error: {vault / 'xtdpublish.toml'} already exists", file=sys.stderr)
        return 1
    print(f"wrote {path} from {guess.notes} note{'s' * (guess.notes != 1)}:")
    print("\n".join(summary(guess)))
    print(f"Read it and correct what it guessed wrong (each guess says where it came from), "
          f"then run `xtdpublish build --vault {vault}`.")
    return 0

"""The command line: ``xtdpublish build``, ``check``, ``watch`` and ``init``.

Exit codes: 0 built (warnings allowed); 1 errors, or any warning under ``--strict`` (and for
``init``, a configuration file already there); 2 bad usage or bad config (``--out`` included);
130 stopped by Ctrl-C, 143 by SIGTERM (``watch`` stopped while waiting for changes: 0).
No traceback reaches a person: an unexpected error is one line, its details under --verbose.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import traceback
from pathlib import Path

from . import __version__, workers
from .config import Config, ConfigError, load_config
from .atomic import TEMPORARY
from .outputs import OUTPUTS, installed, parse_formats
from .progress import NORMAL, QUIET, VERBOSE, Progress

DEFAULT_VAULT = "content"  # the seed vault of this repository, where make pdf reads
BUILD_FOLDERS = ("feeds", ".cache")  # what a build writes in the output folder besides files


def main(argv: list[str] | None = None) -> int:
    program = argv is None  # the program itself, not a caller in this process
    previous = workers.handle_signals() if program else {}
    try:
        code = _guarded(argv)
    finally:
        workers.stop_all()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if program:
        # Every output is written and closed, so end without the interpreter's teardown,
        # which frees a big build's objects one by one for nothing (measured: 11-15% of a
        # PDF build's time).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _guarded(argv: list[str] | None) -> int:
    """``_main``, with what escapes it told in one line."""
    verbose = any(arg in ("-v", "--verbose") for arg in (sys.argv[1:] if argv is None else argv))
    try:
        return _main(argv)
    except KeyboardInterrupt as stop:
        signum = workers.signal_of(stop)
        workers.stop_all()
        print(f"xtdpublish: stopped ({workers.signal_name(signum)}): every output is whole, "
              "as this build wrote it or as the last build left it", file=sys.stderr)
        return 128 + signum
    except OSError as error:  # a full disk, a folder that vanished: the system's words
        print(f"xtdpublish: error: {_os_error(error)}", file=sys.stderr)
        if verbose:
            traceback.print_exc()
        return 1
    except Exception as error:  # a bug of ours: one line, the details under --verbose
        print(f"xtdpublish: error: internal error ({type(error).__name__}: {error}); "
              + ("the details follow" if verbose else "run again with --verbose for the details"),
              file=sys.stderr)
        if verbose:
            traceback.print_exc()
        return 1


def _os_error(error: OSError) -> str:
    what = error.strerror or str(error)
    return f"{what}: {error.filename}" if error.filename else what


def _main(argv: list[str] | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    vault = Path(args.vault)
    if not vault.is_dir():
        hint = (" (the default): name yours with --vault, for example --vault . for this folder"
                if args.vault == DEFAULT_VAULT else "")
        print(f"xtdpublish: error: no vault folder at {vault}{hint}", file=sys.stderr)
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
        problem = out_folder_problem(vault, Path(args.out))
        if problem:
            print(f"xtdpublish: error: {problem}", file=sys.stderr)
            return 2
    try:
        return args.run(args, vault, config)
    except ConfigError as error:  # a value that only the vault shows wrong (vault.include)
        print(f"xtdpublish: error: {error}", file=sys.stderr)
        return 2


def out_folder_problem(vault: Path, out: Path) -> str | None:
    """Why the outputs cannot go to ``out``, or None: made if missing, and written into.

    The vault's own files are never overwritten nor mixed with outputs: ``out`` is not the
    vault, and a folder inside the vault holds only what builds write there; nor is the vault
    inside a folder a build prunes (``feeds/``, ``.cache/``).
    """
    vault_real, out_real = vault.resolve(), out.resolve()
    if out_real == vault_real:
        return (f"--out {out} is the vault itself: the outputs would overwrite the vault's own "
                "files (report.html, feed.json...); choose another folder, such as build")
    if any(vault_real.is_relative_to(out_real / name) for name in BUILD_FOLDERS):
        return f"--out {out}: a build prunes {out}/feeds and {out}/.cache, and the vault is there"
    if out.exists() and not out.is_dir():
        return f"--out {out} is a file, not a folder"
    if out_real.is_relative_to(vault_real) and out_real.is_dir():
        written = {*BUILD_FOLDERS, "report.html", "report.json",
                   *(f for o in [*OUTPUTS.values(), *installed()[0].values()] for f in o.files)}
        stranger = next((p.name for p in sorted(out_real.iterdir())
                         if p.name not in written and not TEMPORARY.match(p.name)), None)
        if stranger is not None:
            return (f"--out {out} is a folder of the vault (it holds {stranger!r}): the outputs "
                    "would overwrite or mix with the vault's files; choose a folder of its own, "
                    "such as build")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as error:
        return f"--out {out}: the outputs cannot be written there ({error.strerror or error})"
    return None


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
    init.add_argument("--vault", default=DEFAULT_VAULT, help="the vault folder (default: content)")
    return parser


def _vault_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vault", default=DEFAULT_VAULT, help="the vault folder (default: content)")
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

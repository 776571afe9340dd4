"""The `desktop-cls` parser (each command group adds its own sub-command) and main(): parse, run the
command, turn a UserError into one line on stderr and an exit code. No sub-command but `gui` opens the app.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from desktop_cls import __version__
from desktop_cls.cli import evaluate, export, info, predict, runs, scan, serve, start, train, weights
from desktop_cls.cli.output import CACHE_COMMANDS, EXIT_INTERRUPTED, EXIT_USER_ERROR, warn_when_no_cache
from desktop_cls.cli.terminal_text import ArgumentParser, translate_argparse
from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _, set_language
from desktop_cls.core.names import for_terminal
from desktop_cls.core.storage import ignore_file_size_signal, is_write_failure, write_problem


def build_parser() -> argparse.ArgumentParser:
    """Every sub-command, in the order --help lists them."""
    return _parser_and_commands()[0]


def _parser_and_commands() -> tuple[argparse.ArgumentParser, frozenset[str]]:
    """The parser and its sub-commands' names (a bare folder argument must not shadow one)."""
    translate_argparse()
    p = ArgumentParser(prog="desktop-cls",
                       description=_("Train, evaluate and use image classifiers offline."))
    # argparse before 3.12 gives --version its help in English, without looking it up
    p.add_argument("--version", action="version", version=f"desktop-cls {__version__}",
                   help=_("show program's version number and exit"))
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for add in (scan.add_parser, train.add_train_parser, evaluate.add_parser, predict.add_predict_parser,
                export.add_parser, serve.add_parser, train.add_lr_find_parser, predict.add_explain_parser,
                start.add_demo_data_parser, info.add_models_parser, info.add_devices_parser, runs.add_parser,
                weights.add_parser, start.add_gui_parser):
        add(sub)
    return p, frozenset(sub.choices)


def _folder_opens_the_window(commands: frozenset[str], argv: list[str]) -> list[str]:
    """`desktop-cls FOLDER` (what a file manager's "Open with" runs) opens the folder in the window; a
    command's name wins over a folder of that name."""
    if len(argv) == 1 and not argv[0].startswith("-") and argv[0] not in commands and Path(argv[0]).is_dir():
        return ["gui", argv[0]]
    return argv


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command line; the exit code (0, 1 for findings or failed predictions, 2 for a user error,
    130 when interrupted). Messages follow the system language (LANG and friends)."""
    set_language()
    ignore_file_size_signal()
    parser, commands = _parser_and_commands()
    args = parser.parse_args(_folder_opens_the_window(commands, list(sys.argv[1:] if argv is None else argv)))
    if args.command is None:
        args.func = start.cmd_gui
    try:
        if args.command in CACHE_COMMANDS:
            warn_when_no_cache()
        return int(args.func(args))
    except UserError as e:
        sys.stderr.write(_("desktop-cls: error: {message}").format(message=for_terminal(e.for_cli())) + "\n")
        return EXIT_USER_ERROR
    except BrokenPipeError:  # output piped into head & co. (before OSError, which it is one of)
        _quiet_stdout()
        return 0
    except OSError as e:
        if not is_write_failure(e):
            raise
        sys.stderr.write(_("desktop-cls: error: {message}").format(message=for_terminal(write_problem(e))) + "\n")
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        sys.stderr.write(_("desktop-cls: interrupted") + "\n")
        return EXIT_INTERRUPTED


def _quiet_stdout() -> None:
    """The reader of stdout has gone: what is still buffered goes nowhere, instead of a second BrokenPipeError
    when Python flushes stdout on its way out."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)

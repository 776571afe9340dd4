"""What `eval` and `export` keep in the run folder: the same file the window keeps (saved_evaluation, saved_exports),
so results made headless are there when the run is opened in the app. Only a run folder's model keeps them; a
result that could not be kept is a warning, never a failure of the command whose results were printed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop_cls.cli.output import say
from desktop_cls.core.i18n import _
from desktop_cls.core.names import for_terminal


def add_keep_arg(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--no-keep", dest="keep", action="store_false", help=_(
        "do not keep the result in the run folder (by default a run folder's model keeps its last result there, "
        "as the app does, and the app finds it there when the run is opened)"))


def run_to_keep_in(args: argparse.Namespace) -> Path | None:
    """The run folder that keeps this command's result: the model's, unless --no-keep or the model is no run's."""
    from desktop_cls.core.run_dir import run_of_model

    return run_of_model(args.model) if args.keep else None


def was_link(path: Path) -> bool:
    """Whether a link stands where the result is kept (keeping replaces it, never writes through it)."""
    return path.is_symlink()


def say_kept(path: Path, why: str, *, replaced_link: bool, json_output: bool) -> None:
    """Where the result was kept, or why it was not (on stderr, as a warning: the results printed are whole)."""
    if why:
        message = _("the result was not kept in the run folder ({why}); what is printed is complete, but the app "
                    "will not show it when the run is opened").format(why=why)
        _stderr(_("desktop-cls: warning: {message}").format(message=message))
        return
    line = _("kept in {path}, where the app finds it when the run is opened").format(path=path)
    if replaced_link:
        line += " " + _("(a link stood there: it was replaced, and the file it pointed to was left as it was)")
    if json_output:  # stdout carries the JSON alone
        _stderr(line)
    else:
        say(line)


def _stderr(text: str) -> None:
    sys.stderr.write(for_terminal(text) + "\n")

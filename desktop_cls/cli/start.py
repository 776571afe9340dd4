"""Getting started: `desktop-cls gui` (the default: open the desktop app) and `demo-data`."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from desktop_cls.cli.output import say
from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _


def cmd_gui(args: argparse.Namespace) -> int:
    if (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))):
        raise UserError(_("no display found, so the window cannot open here; the command line works "
                          "(desktop-cls --help), and `python -m desktop_cls.demo` shows the whole flow"))
    try:
        from desktop_cls.gui.shell.app import run_app
    except ImportError as e:
        raise UserError(_("the desktop app cannot start here ({reason}); the command line works: "
                          "desktop-cls --help").format(reason=e)) from None
    return run_app(getattr(args, "path", None), getattr(args, "first_start", None))


def cmd_demo_data(args: argparse.Namespace) -> int:
    from desktop_cls.core.data.demo_data import make_demo_dataset

    out = make_demo_dataset(args.dir)
    say(_("demo dataset written to {folder}").format(folder=out))
    return 0


def add_demo_data_parser(sub: Any) -> None:
    d = sub.add_parser("demo-data", help=_("write the built-in demo dataset into a new folder"))
    d.add_argument("dir", help=_("the new folder to write the images into"))
    d.set_defaults(func=cmd_demo_data)


def add_gui_parser(sub: Any) -> None:
    g = sub.add_parser("gui", help=_("open the desktop app (the default)"))
    g.add_argument("path", nargs="?", help=_("dataset folder to open"))
    g.add_argument("--first-start", metavar="FOLDER",
                   help=_("dataset folder to open when there is no last dataset to reopen"))
    g.set_defaults(func=cmd_gui)

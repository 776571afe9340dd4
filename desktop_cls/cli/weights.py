"""`desktop-cls weights`: the official ImageNet weights of the torchvision backbones — which are on this
computer, downloading them (only on request) and importing a file the user already has."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_cls.cli.output import print_json, say
from desktop_cls.cli.progress import Progress
from desktop_cls.cli.terminal_text import pad
from desktop_cls.core.i18n import _


def cmd_weights(args: argparse.Namespace) -> int:
    from desktop_cls.core.models import weight_download as wd

    action = getattr(args, "weights_command", None)
    if action == "download":
        progress = Progress(quiet=args.json)
        path = wd.download_weights(args.model, progress=progress.progress)
        progress.line(_("{model}: official weights in {path} (SHA-256 checked)").format(model=args.model,
                                                                                         path=path))
        return _done(args, args.model, path)
    if action == "import":
        progress = Progress(quiet=args.json)
        path = wd.import_weights(args.model, args.file, progress=progress.progress)
        progress.line(_("{model}: imported into {path} (SHA-256 checked)").format(model=args.model, path=path))
        return _done(args, args.model, path)
    rows = wd.weights_status()
    if getattr(args, "json", False):
        print_json([r.__dict__ for r in rows])
        return 0
    for r in rows:
        state = _("present") if r.present else _("not downloaded")
        say(f"{pad(r.model, 20)} {pad(state, 15)} {r.path}")
    if not all(r.present for r in rows):
        say(_("get one with: desktop-cls weights download MODEL (or weights import FILE --model MODEL)"))
    return 0


def _done(args: argparse.Namespace, model: str, path: Any) -> int:
    if args.json:
        print_json({"model": model, "path": str(path)})
    return 0


def add_parser(sub: Any) -> None:
    from desktop_cls.core.models.catalog import MODELS

    names = [n for n, info in MODELS.items() if info.torchvision]
    w = sub.add_parser("weights", help=_("official ImageNet weights of the torchvision backbones: list, "
                                         "download (only when you ask), import a file"))
    ws = w.add_subparsers(dest="weights_command", metavar="ACTION")
    ls = ws.add_parser("list", help=_("which backbones' weights are on this computer"))
    ls.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    dl = ws.add_parser("download", help=_("download a backbone's official weights into torch's cache"))
    dl.add_argument("model", choices=names, help=_("the backbone whose weights to download"))
    dl.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    im = ws.add_parser("import", help=_("copy a weights file you already have into torch's cache (its "
                                        "SHA-256 is checked)"))
    im.add_argument("file", help=_("the weights file (.pth) you have"))
    im.add_argument("--model", required=True, choices=names, help=_("the backbone the file is for"))
    im.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    w.set_defaults(func=cmd_weights)

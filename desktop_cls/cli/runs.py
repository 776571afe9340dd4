"""`desktop-cls runs`: the training runs on this computer, newest first, and how to resume interrupted ones."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop_cls.cli.output import print_json, say
from desktop_cls.cli.terminal_text import pad
from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _
from desktop_cls.core.names import for_shell
from desktop_cls.core.names import for_terminal as shown


def run_rows(base: Path | None = None) -> list[dict[str, Any]]:
    from desktop_cls.core.run_list import run_summaries

    return [{"run": s.path, "status": s.status.value, "stopped_by": s.stopped_by, "model": s.model,
             "dataset": s.dataset, "quick": s.quick,
             "epochs_done": None if s.quick else s.epochs_done, "epochs": s.epochs,
             "best_val_accuracy": s.best_val_accuracy,
             "resume": f"desktop-cls train --resume {for_shell(s.path)}" if s.resumable else None,
             **({"problem": s.problem} if s.problem else {})}
            for s in run_summaries(base)]


def cmd_runs(args: argparse.Namespace) -> int:
    from desktop_cls.core.run_status import RunStatus, status_text

    base = Path(args.dir).expanduser() if args.dir else None
    if base is not None and not base.is_dir():
        raise UserError(_("folder not found: {folder}").format(folder=base))
    rows = run_rows(base)
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        say(_("no training runs yet (desktop-cls train FOLDER starts one)"))
    for r in rows:
        acc = f"{r['best_val_accuracy']:.1%}" if r["best_val_accuracy"] is not None else "—"
        status = RunStatus(r["status"])
        epochs = _("quick fit") if r["quick"] else _("epochs {n}").format(n=r["epochs_done"])
        say(_("{name} {status} {model} {epochs} accuracy {accuracy} {run}").format(
            name=pad(shown(Path(r["run"]).name), 36), status=pad(status_text(status, r["stopped_by"]), 12),
            model=pad(shown(r["model"] or "?"), 18), epochs=pad(epochs, 11), accuracy=pad(acc, 7), run=shown(r["run"])))
        if r.get("problem"):
            say("    " + _("damaged: {problem}").format(problem=shown(r["problem"])))
        if status is RunStatus.INTERRUPTED:
            then = (_("Continue it with: {command}").format(command=r["resume"]) if r["resume"]
                    else _("It stopped before its first epoch finished; there is nothing to resume."))
            say("    " + _("{sentence} {next}").format(  # as the language joins sentences (no space after "。")
                sentence=_("interrupted: its process is gone (a crash or power cut)."), next=then))
        elif r["resume"]:
            say("    " + _("Continue it with: {command}").format(command=r["resume"]))
    return 0


def add_parser(sub: Any) -> None:
    r = sub.add_parser("runs", help=_("list training runs, newest first, and how to resume interrupted ones"))
    r.add_argument("--dir", help=_("folder holding the runs (default: the app's runs folder)"))
    r.add_argument("--json", action="store_true", help=_("print the runs as JSON"))
    r.set_defaults(func=cmd_runs)

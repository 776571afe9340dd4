"""`desktop-cls runs`: the training runs on this computer, newest first, and how to resume interrupted ones."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from desktop_cls.cli.output import print_json
from desktop_cls.core.i18n import _
from desktop_cls.core.names import for_terminal as shown


def run_rows(base: Path | None = None) -> list[dict[str, Any]]:
    """One row per run; a run whose files cannot be read is listed as damaged, with the reason."""
    from desktop_cls.core import run_dir as rd
    from desktop_cls.core.errors import UserError

    rows = []
    for run in rd.list_runs(base):
        try:
            rows.append(_row(run))
        except (UserError, OSError) as e:
            rows.append({"run": str(run), "status": rd.DAMAGED, "model": None, "epochs_done": 0,
                         "best_val_accuracy": None, "resume": None, "problem": str(e)})
    return rows


def _row(run: Path) -> dict[str, Any]:
    from desktop_cls.core import run_dir as rd

    info = rd.read_run_info(run)
    acc = info.get("best_val_accuracy")
    status = rd.run_status(run, info)
    model = info.get("model")
    return {"run": str(run), "status": status, "model": model if isinstance(model, str) else None,
            "epochs_done": max((r["epoch"] for r in rd.read_metrics(run)), default=0),
            "best_val_accuracy": acc if isinstance(acc, float) and math.isfinite(acc) else None,
            "resume": (f"desktop-cls train --resume {run}"
                       if status == rd.INTERRUPTED and (run / rd.LAST).is_file() else None)}


def cmd_runs(args: argparse.Namespace) -> int:
    rows = run_rows(Path(args.dir).expanduser() if args.dir else None)
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print(_("no training runs yet (desktop-cls train FOLDER starts one)"))
    for r in rows:
        acc = f"{r['best_val_accuracy']:.1%}" if r["best_val_accuracy"] is not None else "—"
        print(_("{name:<36} {status:<12} {model:<18} epochs {epochs:<4} accuracy {accuracy:<7} {run}").format(
            name=shown(Path(r["run"]).name), status=r["status"], model=shown(r["model"] or "?"),
            epochs=r["epochs_done"], accuracy=acc, run=shown(r["run"])))
        if r.get("problem"):
            print("    " + _("damaged: {problem}").format(problem=shown(r["problem"])))
        if r["status"] == "interrupted":
            then = (_("Continue it with: {command}").format(command=r["resume"]) if r["resume"]
                    else _("It stopped before its first epoch finished; there is nothing to resume."))
            print("    " + _("interrupted: its process is gone (a crash or power cut).") + " " + then)
    return 0


def add_parser(sub: Any) -> None:
    r = sub.add_parser("runs", help=_("list training runs, newest first, and how to resume interrupted ones"))
    r.add_argument("--dir", help=_("folder holding the runs (default: the app's runs folder)"))
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_runs)

"""`desktop-cls scan`: an image folder's classes, counts, split and problems; --fail-on for CI."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from desktop_cls.cli.output import EXIT_FINDINGS, print_json, say
from desktop_cls.cli.progress import Progress
from desktop_cls.cli.terminal_text import pad
from desktop_cls.core.data.problems import kinds_counted, problem_name
from desktop_cls.core.data.validation_words import cross_validation_line
from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _, join_list, ngettext

HEALTH_ONLY_KINDS = frozenset({"duplicate", "near_duplicate", "label_conflict", "leak", "imbalance", "too_small"})


def fail_on_kinds(text: str | None) -> set[str]:
    """--fail-on's comma-separated kinds ('any' for all of them); an unknown kind is an error, not ignored."""
    from desktop_cls.core.data.health import PROBLEM_KINDS

    if not text:
        return set()
    kinds = {k.strip() for k in text.split(",") if k.strip()}
    if "any" in kinds:
        return set(PROBLEM_KINDS)
    unknown = sorted(kinds - set(PROBLEM_KINDS))
    if unknown:
        raise UserError(ngettext("--fail-on: unknown kind {kinds}; choose from {choices}",
                                  "--fail-on: unknown kinds {kinds}; choose from {choices}", len(unknown)).format(
            kinds=join_list(unknown), choices=join_list(("any", *PROBLEM_KINDS))))
    return kinds


def _exit_code(idx: Any, fail_on: set[str]) -> int:
    tripped = [p.kind for p in idx.problems if p.kind in fail_on]
    if not tripped:
        return 0
    found = kinds_counted(tripped)
    sys.stderr.write(_("desktop-cls: scan found {findings} (--fail-on)").format(findings=found) + "\n")
    return EXIT_FINDINGS


def cmd_scan(args: argparse.Namespace) -> int:
    from desktop_cls.core.data.dataset import scan

    fail_on = fail_on_kinds(args.fail_on)
    if args.quick and fail_on & HEALTH_ONLY_KINDS:
        raise UserError(_("--fail-on {kinds} needs the full scan: drop --quick").format(
            kinds=join_list(sorted(fail_on & HEALTH_ONLY_KINDS))))
    pr = Progress()
    idx = scan(args.dir, val_fraction=args.val_split, seed=args.seed, verify="header" if args.quick else "full",
               progress=pr.progress)
    folds = _default_run_folds(idx, args.val_split)
    if not args.quick:
        from desktop_cls.core.data.health import with_health

        idx = _worded_for_run(with_health(idx, progress=pr.progress), folds)
    pr.end()
    s = idx.summary()
    if args.json:
        print_json({"classes": s["classes"], "counts": s["counts"], "num_images": s["num_images"],
                    "problems": s["problems"], "layout": s["layout"], "splits": s["splits"],
                    "unlabeled": s["unlabeled"], "fingerprint": idx.fingerprint["sha256"],
                    "typical_image_size": s["typical_image_size"], "cross_validation_folds": folds})
    else:
        _print_report(idx, s, folds)
    return _exit_code(idx, fail_on)


def _default_run_folds(idx: Any, val_fraction: float) -> int:
    """The folds `desktop-cls train` with its defaults (and this --val-split) cross-validates with: the quick
    method on few images per class holds nothing out (0: the run keeps the training/validation split)."""
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.planner import DataFacts, Wishes, plan_training

    if not idx.classes:
        return 0
    return plan_training(TrainConfig(val_fraction=val_fraction), Wishes(), DataFacts.of(idx)).cv_folds


def _worded_for_run(idx: Any, folds: int) -> Any:
    """The findings as that default run would meet them: when it cross-validates, a leak between training and
    validation says so."""
    from dataclasses import replace

    from desktop_cls.core.data.leak_words import worded_for_run

    splits = {s.path: s.split for s in idx.samples}
    return replace(idx, problems=tuple(worded_for_run(idx.problems, splits, folds)))


def _print_report(idx: Any, s: dict[str, Any], folds: int) -> None:
    layout = _("split folders") if idx.layout == "split_folders" else _("class folders")
    line = _("{root}: {images} in {classes} ({layout})").format(
        root=idx.root, images=ngettext("{n} image", "{n} images", s["num_images"]).format(n=s["num_images"]),
        classes=ngettext("{n} class", "{n} classes", len(idx.classes)).format(n=len(idx.classes)), layout=layout)
    if idx.typical_size:
        line += _(", typically {width}×{height} px").format(width=idx.typical_size[0], height=idx.typical_size[1])
    say(line)
    biggest = max(s["counts"].values())
    for name, n in s["counts"].items():
        bar = "#" * max(1, round(30 * n / biggest)) if biggest else ""
        say(f"  {pad(name, 24)} {n:>7}  {bar}")
    splits = s["splits"]
    if folds:  # the Data page's words: no split line for a run that holds nothing out
        say(cross_validation_line(folds, splits["train"] + splits["val"], splits["test"]))
    else:
        say(_("split: {train} train, {val} validation, {test} test").format(**splits) + _split_source(idx))
    if s["unlabeled"]:
        say(ngettext("{n} unlabeled image directly in the folder (not used for training)",
                     "{n} unlabeled images directly in the folder (not used for training)", s["unlabeled"]).format(
            n=s["unlabeled"]))
    if idx.problems:
        say(ngettext("{n} problem:", "{n} problems:", len(idx.problems)).format(n=len(idx.problems)))
        for p in idx.problems:
            say("  " + _("[{kind}] {path}: {message}").format(kind=problem_name(p.kind), path=p.path,
                                                               message=p.message))


def _split_source(idx: Any) -> str:
    """Where the validation (and test) images come from, as the end of the split line."""
    if idx.layout != "split_folders":
        return _(" (random {fraction:.0%} of each class held out)").format(fraction=idx.val_fraction)
    test = _("; test/ is kept for evaluation") if idx.split("test") else ""
    if idx.val_fraction > 0:
        return _(" (no val/ folder: {fraction:.0%} of train/ per class held out for validation{test})").format(
            fraction=idx.val_fraction, test=test)
    return _(" (from the train/ and val/ folders{test})").format(test=test)


def add_parser(sub: Any) -> None:
    s = sub.add_parser("scan", help=_("list classes, counts and problems of an image folder"))
    s.add_argument("dir", help=_("the image folder: one subfolder per class, or train/, val/ and test/ folders"))
    s.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    s.add_argument("--val-split", type=float, default=0.2,
                   help=_("share of each class set aside for validation, as training would (default 0.2)"))
    s.add_argument("--seed", type=int, default=0,
                   help=_("which images the validation share draws, as training's --seed (default 0)"))
    s.add_argument("--quick", action="store_true",
                   help=_("check file headers only: no decoding, no duplicate or health checks"))
    s.add_argument("--fail-on", metavar="KINDS",
                   help=_("exit 1 when a finding of these kinds is present (comma-separated, e.g. "
                          "corrupt,duplicate,near_duplicate,leak,label_conflict; 'any' for all kinds)"))
    s.set_defaults(func=cmd_scan)

"""`desktop-cls eval`: accuracy, per-class scores, confusion matrix and the most confident mistakes
of a trained model on a labeled folder."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_cls.cli.kept import add_keep_arg, run_to_keep_in, say_kept, was_link
from desktop_cls.cli.output import number_in, print_json, say
from desktop_cls.cli.predict import MODEL_HELP, add_open_args, load_predictor
from desktop_cls.cli.progress import Progress
from desktop_cls.cli.terminal_text import pad
from desktop_cls.core.i18n import _


def cmd_eval(args: argparse.Namespace) -> int:
    from desktop_cls.core.inference import saved_evaluation as se
    from desktop_cls.core.inference.evaluation import evaluate

    pr = Progress()
    run = run_to_keep_in(args)
    before = se.folder_state(args.dir) if run is not None else None  # taken before scoring, as the window does
    ev = evaluate(load_predictor(args), args.dir, top_k=args.top_k, progress=pr.progress)
    pr.end()
    d = ev.to_dict()
    if args.json:
        print_json(d)
    else:
        _print_report(ev, d)
    if run is not None:
        link = was_link(run / se.EVALUATION)
        why = se.keep_evaluation(str(run), args.dir, before, se.shown_result(ev, str(run), args.dir)) \
            if before is not None else _("its images' folder {folder} cannot be read").format(folder=args.dir)
        say_kept(run / se.EVALUATION, why, replaced_link=link, json_output=args.json)
    return 0


def _print_report(ev: Any, d: dict[str, Any]) -> None:
    """The evaluation in words: the accuracy on what, the per-class table, the matrix and the worst mistakes."""
    if "cross_validation_folds" in d:
        say(_("accuracy {accuracy:.2%} by {folds}-fold cross-validation on {n} images: the model learned from all "
              "of them, so each is scored as predicted by a model that had not learned it").format(
              accuracy=d["accuracy"], folds=d["cross_validation_folds"], n=d["num_images"]))
    else:
        say(_summary(ev.split).format(accuracy=d["accuracy"], n=d["num_images"]))
    if ev.note:  # the pictures it learned that were left out, or that the score may include them
        say(ev.note)
    _print_scores(d)
    say(_("confusion matrix (rows = true, columns = predicted):"))
    for name, row in zip(d["classes"], d["confusion_matrix"], strict=True):
        say(f"  {pad(name, 20)} " + " ".join(f"{v:>5}" for v in row))
    if d["misclassified"]:
        say(_("{n} misclassified, most confident first:").format(n=len(d["misclassified"])))
        for m in d["misclassified"][:10]:
            say("  " + _("{path}: {true} -> {predicted} ({confidence:.0%})").format(
                path=m["path"], true=m["true"], predicted=m["predicted"], confidence=m["confidence"]))


def _summary(split: str) -> str:
    """The accuracy sentence for the images scored, whole per case so that each translates as a sentence."""
    if split in ("validation", "val"):
        return _("accuracy {accuracy:.2%} on {n} validation images")
    if split == "test":
        return _("accuracy {accuracy:.2%} on {n} test images")
    return _("accuracy {accuracy:.2%} on {n} images of the folder")


def _print_scores(d: dict[str, Any]) -> None:
    """The per-class table, then its averages ('macro avg', 'weighted avg')."""
    name, precision, recall, f1, support = _("class"), _("precision"), _("recall"), _("f1"), _("support")
    say(pad(name, 24) + "".join(pad(h, w, right=True) for h, w in ((precision, 10), (recall, 10), (f1, 10),
                                                                    (support, 9))))
    rows = [*d["per_class"].items(), *((_average_name(a), r) for a, r in d["averages"].items())]
    for name, r in rows:
        say(f"{pad(name, 24)}{_score(r['precision'])}{_score(r['recall'])}{_score(r['f1'])}{r['support']:>9}")
    if any(r["support"] == 0 for r in d["per_class"].values()):
        say(_("— : no images of that class among these images, so no recall; such a class is left out of "
              "the macro average"))


def _average_name(average: str) -> str:
    """'macro avg' and 'weighted avg' translated whole (a translated "avg" after the English word read "macro 平均")."""
    names = {"macro": _("macro avg"), "weighted": _("weighted avg")}
    return names.get(average, average)


def _score(value: float | None) -> str:
    """A score in its column; a dash where it is undefined (a class without images has no recall)."""
    return f"{'—':>10}" if value is None else f"{value:>10.3f}"


def add_parser(sub: Any) -> None:
    e = sub.add_parser("eval", help=_("accuracy, per-class scores and confusion matrix on a labeled folder"))
    e.add_argument("model", help=_(MODEL_HELP))
    e.add_argument("dir", help=_("labeled folder: the run's own dataset (its validation images are scored), a "
                                 "folder with test/ or val/, or any folder with one subfolder per class"))
    e.add_argument("--top-k", type=number_in(int, 1, 1000), default=5,
                   help=_("also report how often the true class is among the K likeliest (default 5)"))
    e.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    add_keep_arg(e)
    add_open_args(e)
    e.set_defaults(func=cmd_eval)

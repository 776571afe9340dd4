"""`desktop-cls train` and `lr-find`: a folder (or a stopped run) to a trained run, Ctrl+C stopping
after the batch; the learning-rate range test on the same options."""

from __future__ import annotations

import argparse
import signal
from pathlib import Path
from typing import Any

from desktop_cls.cli.output import EXIT_INTERRUPTED, number_in, print_json, say
from desktop_cls.cli.progress import Progress
from desktop_cls.cli.train_options import (
    LR_FIND_OPTIONS,
    add_option_flags,
    plan_from_args,
    say_plan,
    say_unused_by_quick,
    train_config,
)
from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _, ngettext
from desktop_cls.core.names import for_shell


def cmd_train(args: argparse.Namespace) -> int:
    from desktop_cls.core.events import CancelToken
    from desktop_cls.core.training.distributed import DistContext, launched_by_torchrun
    from desktop_cls.core.training.run import fit, resume

    pr = Progress()
    cancel = CancelToken()

    def on_sigint(signum: int, frame: Any) -> None:
        if cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()
        pr.line(stop_words(pr))

    ctx = None
    if launched_by_torchrun():
        ctx = DistContext.from_env(args.device or "auto")
        if ctx.rank != 0:
            pr.quiet = True
    callbacks = [] if pr.quiet else [pr]
    old = signal.signal(signal.SIGINT, on_sigint)
    finished = False
    try:
        if args.resume:
            result = resume(args.resume, callbacks=callbacks, cancel=cancel, epochs=args.epochs, distributed=ctx)
        else:
            cfg, idx = _config_and_data(args, pr, distributed=ctx is not None)
            result = fit(cfg, idx, out=args.out, callbacks=callbacks, cancel=cancel, distributed=ctx)
        finished = True
    finally:
        signal.signal(signal.SIGINT, old)
        if ctx is not None:
            ctx.close(wait_for_peers=finished)
    if ctx is not None and ctx.rank != 0:
        return EXIT_INTERRUPTED if result.cancelled else 0
    return _report(args, result, pr)


def stop_words(pr: Progress) -> str:
    """What the first Ctrl+C does at the run's stage, as the Train page's Stop says it: a run saving its model
    finishes it (short, written whole or not at all); a quick run stops at its next step and saves no model; a run
    of epochs stops after the batch, keeping its last finished epoch."""
    if pr.stage_key in ("calibrating", "saving"):
        return _("finishing the model: training ends once it is saved (Ctrl+C again to abort)...")
    if pr.quick:
        return _("stopping the quick run; it saves no model (Ctrl+C again to abort)...")
    return _("stopping after this batch (Ctrl+C again to abort)...")


def _config_and_data(args: argparse.Namespace, pr: Progress, distributed: bool) -> tuple[Any, Any]:
    """The options (flags, then the recipe and the data's choices) and the scanned folder, said aloud."""
    if not args.dir:
        raise UserError(_("train needs a dataset folder (or --resume RUN)"))
    from desktop_cls.core.data.dataset import scan
    from desktop_cls.core.devices import resolve_device
    from desktop_cls.core.run_dir import is_run_dir, refuse_used_out

    if is_run_dir(Path(args.dir).expanduser()):
        raise UserError(_("{run} is a training run, not an image folder; continue it with: "
                          "desktop-cls train --resume {run}").format(run=for_shell(args.dir)))
    if args.out is not None:
        refuse_used_out(args.out)
    cfg = train_config(args)
    if not distributed:  # an absent GPU is said before the plan is, not after it (torchrun checks its own)
        resolve_device(cfg.device)
    # no header check here: decoding for training reports every unreadable file anyway
    idx = scan(args.dir, val_fraction=cfg.val_fraction, seed=cfg.seed, verify="none", progress=pr.progress)
    _refuse_one_class(idx, args.dir)
    if not distributed:  # every process of a torchrun run would check (and cache) the same files at once
        idx = _health_checked(idx, args.dir, pr)
    plan = plan_from_args(cfg, args, idx, distributed)
    say_plan(plan, pr)
    say_unused_by_quick(plan, args, pr)
    pr.line(_describe_plan(plan, idx))
    return plan.config, idx


def _refuse_one_class(idx: Any, folder: str) -> None:
    """One class trains a useless model: refused in the app's words (core holds them)."""
    from desktop_cls.core.data.problems import one_class_refusal

    if (refusal := one_class_refusal(idx.classes, for_shell(folder))) is not None:
        raise UserError(refusal)


CHECK_BEFORE_TRAINING = 10_000  # images; over it `train` leaves the check to `scan`


def _health_checked(idx: Any, folder: str, pr: Progress) -> Any:
    """The index with what `scan` finds (copies across classes, leaks, tiny images, imbalance) added, so the
    run's problems.json records them; said in one warning line. Training goes on: these are for the user to
    judge. The check's hashes are cached, so a second run on the same folder checks in moments. A folder over
    CHECK_BEFORE_TRAINING images is not checked first (the check decodes every image: minutes at 100,000, before
    training even starts); one line says how to check it."""
    from desktop_cls.core.data.health import with_health
    from desktop_cls.core.data.problems import kinds_counted

    if len(idx.samples) > CHECK_BEFORE_TRAINING:
        pr.line(_("{n:,} images: not checked for problems before training (copies across classes, tiny images); "
                  "check them with: desktop-cls scan {folder}").format(n=len(idx.samples), folder=for_shell(folder)))
        return idx
    idx = with_health(idx, progress=pr.progress, loose=False)  # images not in a class are not trained on
    if idx.problems:
        kinds = kinds_counted(p.kind for p in idx.problems)
        pr.line(ngettext("warning: the dataset has {n} problem ({kinds}); see it with: desktop-cls scan {folder}",
                         "warning: the dataset has {n} problems ({kinds}); see them with: desktop-cls scan {folder}",
                         len(idx.problems)).format(n=len(idx.problems), kinds=kinds, folder=for_shell(folder)))
    return idx


def _describe_plan(plan: Any, idx: Any) -> str:
    cfg, folds = plan.config, plan.cv_folds  # few images in the quick method: no split, cross-validation
    test = len(idx.split("test"))
    labelled = len(idx.split("train")) + len(idx.split("val"))
    if folds:
        text = _("{images} images in {classes} classes, each validated by {folds}-fold cross-validation").format(
            images=labelled, classes=len(idx.classes), folds=folds)
    else:
        text = _("{images} images in {classes} classes: {train} train, {val} validation").format(
            images=len(idx.samples), classes=len(idx.classes), train=len(idx.split("train")),
            val=len(idx.split("val")))
    if test:
        text += _(", {n} test (not used for training)").format(n=test)
    text += _("; model {model}").format(model=cfg.model)
    if cfg.method == "quick":
        text += _(" (quick mode)")
    elif cfg.pretrained:
        text += _(" (fine-tune)")
    return text


def _report(args: argparse.Namespace, result: Any, pr: Progress) -> int:
    """The outcome, on stdout as `eval` and `export` print theirs (the run folder and its accuracy, or how to go on
    with a stopped run), so a script reads it there; what led to it went to stderr. A stopped quick run saved
    nothing to read: that is said on stderr."""
    summary = result.summary()
    summary["world_size"] = result.world_size
    pr.end()
    if args.json:
        print_json({k: summary[k] for k in ("run_dir", "classes", "epochs", "best_val_accuracy", "train_seconds",
                                            "cancelled", "world_size")})
    elif not (result.cancelled and pr.quick):  # a stopped quick run saved nothing: said below
        acc = summary["best_val_accuracy"]
        text = _("run saved in {run}").format(run=result.run_dir)
        if acc is not None:
            text += _("; best validation accuracy {accuracy:.1%}").format(accuracy=acc)
        say(text)
    if result.cancelled and pr.quick:  # one step, no epochs: nothing to resume
        pr.line(_("stopped before its model was saved; a quick run has no epochs to continue: train it again (the "
                  "image features computed so far are cached)"))
        return EXIT_INTERRUPTED
    if result.cancelled:
        text = _("stopped; continue with: desktop-cls train --resume {run}").format(run=for_shell(result.run_dir))
        (pr.line if args.json else say)(text)  # with --json, stdout is the JSON alone
        return EXIT_INTERRUPTED
    return 0


def cmd_lr_find(args: argparse.Namespace) -> int:
    from desktop_cls.core.data.dataset import scan
    from desktop_cls.core.training.lr_finder import find_lr

    pr = Progress()
    cfg = train_config(args)
    idx = scan(args.dir, val_fraction=cfg.val_fraction, seed=cfg.seed, progress=pr.progress)
    plan = plan_from_args(cfg, args, idx, method="custom")  # the model as set; size and flips from the data
    say_plan(plan, pr, left_out=("epochs",))
    cfg = plan.config
    res = find_lr(cfg, idx, steps=args.steps, progress=pr.progress)
    pr.end()
    if args.json:
        print_json(res.to_dict())
    else:
        say(_("recommended learning rate: {lr:.2e} (tried {lo:.0e} to {hi:.0e}, {steps} steps); "
              "use it with: desktop-cls train {folder} --lr {short:.2g}").format(
            lr=res.recommended_lr, lo=res.lrs[0], hi=res.lrs[-1], steps=len(res.lrs), folder=for_shell(args.dir),
            short=res.recommended_lr))
    return 0


def add_train_parser(sub: Any) -> None:
    t = sub.add_parser("train", help=_("train a model on a folder (one sub-folder per class)"))
    t.add_argument("dir", nargs="?", help=_("the image folder: one subfolder per class, or train/, val/ and test/ "
                                            "folders (not needed with --resume)"))
    t.add_argument("--out", help=_("run folder to create (default: under the user data folder)"))
    t.add_argument("--resume", metavar="RUN", help=_("continue a stopped run"))
    t.add_argument("--config", metavar="FILE", help=_("training options saved as JSON (from the app)"))
    add_option_flags(t)
    from desktop_cls.core.training.methods import AUTO, FINE_TUNE, QUICK, SCRATCH
    from desktop_cls.core.training.planner import explain_methods

    methods = [AUTO, QUICK, FINE_TUNE, SCRATCH]
    t.add_argument("--method", dest="method", choices=methods, default=None,
                   help=explain_methods().replace("%", "%%"))
    # the earlier name of --method (and its fine_tune spelling), kept so existing scripts still run
    t.add_argument("--mode", dest="method", choices=[*methods, "fine_tune"], default=None, help=argparse.SUPPRESS)
    t.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    t.set_defaults(func=cmd_train)


def add_lr_find_parser(sub: Any) -> None:
    lf = sub.add_parser("lr-find", help=_("find a good learning rate with a short range test"))
    lf.add_argument("dir", help=_("the image folder, as for train"))
    lf.add_argument("--config", metavar="FILE", help=_("training options saved as JSON (from the app)"))
    lf.add_argument("--steps", type=number_in(int, 2, 100_000), default=100,
                    help=_("training steps the test takes, from a tiny learning rate to a large one (default 100)"))
    add_option_flags(lf, only=LR_FIND_OPTIONS)
    lf.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    lf.set_defaults(func=cmd_lr_find)

"""The Train page's sentences about a run: the status line per batch, the log line per epoch, the outcome.

Plain functions of the engine's events (frozen dataclasses of numbers), in the user's language.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject

from desktop_cls.core.data.problems import one_class_refusal
from desktop_cls.core.events import BatchEnd, StageChanged
from desktop_cls.core.i18n import isolated
from desktop_cls.gui.pages.train.train_model import Readiness

if TYPE_CHECKING:
    from desktop_cls.core.data.dataset import DatasetIndex
    from desktop_cls.core.training.planner import Plan
    from desktop_cls.gui.state import AppState


class RunCounts(QObject):
    """The sentences that count something, in the plural form the number needs ("1 epoch", "3 epochs"; one form
    in Chinese). lupdate marks a plural form (%n) only in a class's tr(), so they are methods here."""

    def finished(self, epochs: int, seconds: float, summary: str) -> str:
        return self.tr("Finished %n epoch(s) in {0:.1f} s; {1}.", "", epochs).format(seconds, summary)

    def stopped(self, done: int, epochs: int, summary: str) -> str:
        return self.tr("Stopped after {0} of %n epoch(s); {1}. Resume it from “Resume a run…”.", "",
                       epochs).format(done, summary)

    def left_out(self, images: int) -> str:
        return self.tr("%n image(s) that cannot be read are left out (see Data → Problems).", "", images)


def fmt_seconds(s: float) -> str:
    """1:05 or 1:02:03; a dash while the estimate is unknown."""
    if not math.isfinite(s):
        return "—"
    s = round(s)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def stage_status(e: StageChanged, scale: int = 1000, paused: bool = False) -> tuple[str, int | None]:
    """The status line of a stage ("Computing image features 96/200…") and, when it counts its work, how far
    the bar stands out of scale (short of full: the run is not over when the stage is); None otherwise.
    Paused, it says so instead of the stage's words, whose time left is not running down."""
    if paused:
        text = (QCoreApplication.translate("TrainMessages", "Paused at {done}/{total}").format(
                done=f"{e.done:,}", total=f"{e.total:,}") if e.total > 0
                else QCoreApplication.translate("TrainMessages", "Paused"))
        return text, (min(round(scale * e.done / e.total), scale - 1) if e.total > 0 else None)
    text = e.stage[:1].upper() + e.stage[1:]
    if e.total <= 0:
        return text + "…", None
    return f"{text} {e.done:,}/{e.total:,}…", min(round(scale * e.done / e.total), scale - 1)


def batch_status(e: BatchEnd, epochs: int, paused: bool) -> str:
    """The progress line; paused, it says so instead of an ETA that is not running down."""
    if paused:
        return QCoreApplication.translate("TrainMessages", "Epoch {epoch}/{epochs} · step {step}/{steps} · paused"
                                          ).format(epoch=e.epoch, epochs=epochs, step=e.step, steps=e.steps_per_epoch)
    text = QCoreApplication.translate(
        "TrainMessages", "Epoch {epoch}/{epochs} · step {step}/{steps} · {speed:,.0f} images/s · ETA {eta}").format(
        epoch=e.epoch, epochs=epochs, step=e.step, steps=e.steps_per_epoch, speed=e.images_per_s,
        eta=fmt_seconds(e.eta_s))
    if e.gpu_memory_mb:
        text += QCoreApplication.translate("TrainMessages", " · GPU {0:,.0f} MB").format(e.gpu_memory_mb)
    return text


def window_progress(e: BatchEnd, epochs: int, paused: bool = False) -> str:
    """The short form for the window's status bar."""
    if paused:
        return QCoreApplication.translate("TrainMessages", "Training paused: epoch {0}/{1}").format(e.epoch, epochs)
    return QCoreApplication.translate("TrainMessages", "Training: epoch {0}/{1}, ETA {2}").format(
        e.epoch, epochs, fmt_seconds(e.eta_s))


def epoch_line(epoch: int, epochs: int, train_loss: float, train_acc: float, val_loss: float, val_acc: float,
               seconds: float, is_best: bool) -> str:
    val = QCoreApplication.translate("TrainMessages", "n/a") if math.isnan(val_acc) else f"{val_acc:.1%}"
    line = QCoreApplication.translate(
        "TrainMessages", "Epoch {epoch}/{epochs}: train loss {train_loss:.3f}, accuracy {train_acc:.1%} · "
        "validation loss {val_loss:.3f}, accuracy {val_acc} · {seconds:.1f} s").format(
        epoch=epoch, epochs=epochs, train_loss=train_loss, train_acc=train_acc, val_loss=val_loss, val_acc=val,
        seconds=seconds)
    return line + (QCoreApplication.translate("TrainMessages", " · best so far") if is_best else "")


def quick_fit_line(train_loss: float, train_acc: float, val_loss: float, val_acc: float, seconds: float) -> str:
    """The quick run's one step in the log: there is no epoch 1 of 1 to speak of."""
    val = QCoreApplication.translate("TrainMessages", "n/a") if math.isnan(val_acc) else f"{val_acc:.1%}"
    return QCoreApplication.translate(
        "TrainMessages", "Last layer fitted in one step: train loss {train_loss:.3f}, accuracy {train_acc:.1%} · "
        "validation loss {val_loss:.3f}, accuracy {val_acc} · {seconds:.1f} s").format(
        train_loss=train_loss, train_acc=train_acc, val_loss=val_loss, val_acc=val, seconds=seconds)


def outcome(result: Any, n_val: int, quick: bool = False) -> tuple[str, str]:
    """(log line, status line) for a finished or stopped run (core FitResult); quick: the run was a quick one."""
    if result.cancelled and quick:
        return stopped_quick()
    acc = result.best_val_accuracy
    folds = result.extra.get("cv_folds", 0)
    # the epoch says which model was kept: the last epoch's log line can show a different accuracy
    summary = (QCoreApplication.translate(
        "TrainMessages", "accuracy {acc:.1%} by {folds}-fold cross-validation on all {n} labeled images (the "
        "model learns from all of them)").format(acc=acc, folds=folds, n=result.extra.get("val_images", n_val))
        if acc is not None and folds else QCoreApplication.translate(
        "TrainMessages", "best validation accuracy {acc:.1%} on {n} validation images (epoch {epoch}, the model "
        "kept)").format(acc=acc, n=n_val, epoch=result.best_epoch) if acc is not None
        else QCoreApplication.translate("TrainMessages", "no validation images"))
    if result.cancelled:
        log = RunCounts().stopped(result.epochs_done, result.epochs, summary)
        head = QCoreApplication.translate("TrainMessages", "Stopped at epoch {0} of {1}").format(
            result.epochs_done, result.epochs)
    elif result.extra.get("method") == "quick":  # one fit of the head: no epochs to count
        log = QCoreApplication.translate("TrainMessages", "Finished in {0:.1f} s; {1}.").format(
            result.train_seconds, summary)
        head = QCoreApplication.translate("TrainMessages", "Done")
    else:
        log = RunCounts().finished(result.epochs_done, result.train_seconds, summary)
        head = QCoreApplication.translate("TrainMessages", "Done")
    status = QCoreApplication.translate("TrainMessages", "{outcome} — {summary}. Run saved in {run}").format(
        outcome=head, summary=summary, run=isolated(str(result.run_dir)))
    return log, status


def stopped_quick() -> tuple[str, str]:
    """A quick run stopped before its end saved no model and has no epochs to resume (Stopped at epoch 0 of 15,
    "Resume it", "Run saved in" said otherwise)."""
    log = QCoreApplication.translate("TrainMessages", "Stopped before its last layer was fitted: no model was saved. "
                                     "Train again to finish it (the image features computed so far are cached).")
    return log, QCoreApplication.translate("TrainMessages", "Stopped — no model saved; train again to finish it")


def ready_text(dataset: DatasetIndex, plan: Plan | None) -> str:
    """The line before a run: what pressing Train would do with the open dataset, as core's plan has it (a quick
    run on few images learns from every labeled image and cross-validates; any other holds validation out)."""
    train, val, classes = dataset.split_size("train"), dataset.split_size("val"), len(dataset.classes)
    if plan is not None and plan.cv_folds:
        return QCoreApplication.translate(
            "TrainPage", "Ready to train on all {0:,} labeled images in {1} classes, accuracy by {2}-fold "
            "cross-validation — press Train (Ctrl+T).").format(train + val, classes, plan.cv_folds)
    return QCoreApplication.translate(
        "TrainPage", "Ready to train on {0:,} images in {1} classes ({2:,} for validation) — press Train "
        "(Ctrl+T).").format(train, classes, val)


def idle_text(dataset: DatasetIndex | None, plan: Plan | None, opening: str | None, left_out: int = 0) -> str:
    """The line before any run: what pressing Train would do, or what it waits for. `left_out`: the images of the
    folder the Data page's check found unreadable, which the run leaves out (`dataset` is without them)."""
    if opening is not None:
        return QCoreApplication.translate("TrainPage", "Reading {0}… Train waits until it is open.").format(
            isolated(opening))
    if dataset is None:
        return QCoreApplication.translate("TrainPage", "No training yet — choose a dataset on the Data page, then "
                                          "press Train (about 15 s on the demo data).")
    if (refusal := one_class_refusal(dataset.classes, dataset.root)) is not None:
        return refusal
    if not dataset.classes:
        return no_classes_text()
    return ready_text(dataset, plan) + (" " + RunCounts().left_out(left_out) if left_out else "")


def readiness_tip(ready: Readiness, state: AppState, start_tip: str) -> str:
    """The Train button's tooltip: what pressing it does (`start_tip`), or what stands in its way."""
    opening = state.opening
    if ready == Readiness.ONE_CLASS and state.dataset is not None:
        return one_class_refusal(state.dataset.classes, state.dataset.root) or start_tip
    return {Readiness.LOADING: QCoreApplication.translate("TrainPage", "PyTorch is still loading…"),
            Readiness.OPENING: QCoreApplication.translate("TrainPage", "Reading {0}… Train waits until it is open.")
            .format(isolated(opening or "")),
            Readiness.NO_DATASET: QCoreApplication.translate("TrainPage", "Open a dataset on the Data page first"),
            Readiness.NO_CLASSES: QCoreApplication.translate("TrainPage", "Label some images on the Label page first"),
            }.get(ready, start_tip)


def not_ready(ready: Readiness, state: AppState) -> tuple[str, str] | None:
    """(title, message) when Train is pressed before it can start; None when it can (or a run is going)."""
    opening, ds = state.opening, state.dataset
    if ready == Readiness.LOADING:
        return (QCoreApplication.translate("TrainPage", "Not ready yet"),
                QCoreApplication.translate("TrainPage", "PyTorch is still loading; try again in a few seconds."))
    if ready == Readiness.OPENING:
        return (QCoreApplication.translate("TrainPage", "Not ready yet"), QCoreApplication.translate(
            "TrainPage", "{0} is still being read; press Train again once it is open.").format(
                isolated(opening or "")))
    if ready == Readiness.NO_DATASET:
        return (QCoreApplication.translate("TrainPage", "No dataset"),
                QCoreApplication.translate("TrainPage", "Open a dataset folder on the Data page first."))
    if ready == Readiness.NO_CLASSES:
        return (QCoreApplication.translate("TrainPage", "No classes yet"), no_classes_text())
    if ready == Readiness.ONE_CLASS and ds is not None:
        return (QCoreApplication.translate("TrainPage", "Only one class"),
                one_class_refusal(ds.classes, ds.root) or "")
    return None


def no_classes_text() -> str:
    """What a pile of unlabeled images needs before it can train."""
    return QCoreApplication.translate(
        "TrainPage", "No classes yet: the images lie directly in the folder. On the Label page (Ctrl+2) press "
        "“New class…” for each class, then label a few images per class; then press Train.")

"""The Evaluate page's sentences that depend on what is open: what the Images field scores when left empty, what
the page says with no result, and the line above a result read back from the run's folder. In the page's
translation context."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from desktop_cls.core.i18n import isolated
from desktop_cls.gui.state import RunInfo
from desktop_cls.gui.widgets.literal_text import literal

if TYPE_CHECKING:  # only the type: the page is made before the engine is imported
    from desktop_cls.core.data.dataset import DatasetIndex

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


def images_hint(ds: DatasetIndex | None, folder: str, info: RunInfo | None) -> tuple[str, str] | None:
    """(placeholder, tooltip) for the Images field left empty, naming the folder (as written in the tooltip: it may
    hold markup), or None for no folder."""
    words = _images_words(ds, folder, info)
    name = isolated(Path(folder).name)
    return None if words is None else (words[0].format(name), literal(words[1].format(name)))


def _images_words(ds: DatasetIndex | None, folder: str, info: RunInfo | None) -> tuple[str, str] | None:
    """(short, full) words for the Images field left empty ({0}: the folder's name), or None for no folder."""
    if ds is not None and folder == ds.root:
        if ds.held_out_split() == "test":
            return (translate("EvaluatePage", "Default: test images of {0}"),
                    translate("EvaluatePage", "Labeled folder (default: test images of {0})"))
        if info is not None and info.cross_validated:
            return (translate("EvaluatePage", "Default: all of {0}, cross-validated"),
                    translate("EvaluatePage", "Labeled folder (default: every image of {0}, as cross-validation "
                              "predicted it)"))
        return (translate("EvaluatePage", "Default: validation images of {0}"),
                translate("EvaluatePage", "Labeled folder (default: validation images of {0})"))
    if folder:
        return (translate("EvaluatePage", "Default: the model's training images"),
                translate("EvaluatePage", "Labeled folder (default: the images the model was trained on, in {0})"))
    return None


def waiting_text(run: str | None) -> str:
    """The empty state before any result: what to press, or (no model yet) what to do first."""
    if run:  # a model is there (reopened, or just trained): no need to train one
        return translate("EvaluatePage", "No evaluation yet — press Evaluate (Ctrl+E) to score {run}: accuracy, the "
                         "confusion matrix and the misclassified images.").format(run=isolated(Path(run).name))
    return translate("EvaluatePage", "No evaluation yet — train a model on the Train page, then press Evaluate to "
                     "see accuracy, the confusion matrix and the misclassified images.")


def kept_text(stale: bool) -> str:
    """The line above an evaluation read back from the run's folder (the reasons follow when it is stale)."""
    if stale:
        return translate("EvaluatePage", "The last evaluation of this model, kept in its run folder, no longer "
                         "matches:")
    return translate("EvaluatePage", "The last evaluation of this model, kept in its run folder; the model and "
                     "the images are as they were then.")


def not_kept_text(why: str) -> str:
    return translate("EvaluatePage", "This evaluation could not be kept in the run folder for the next start: "
                     "{0}").format(why)


def elsewhere_text(folder: str) -> str:
    """The run keeps an evaluation of images the user has not chosen in the app: named, not shown (not walked)."""
    return translate("EvaluatePage", "The last evaluation kept in this run's folder was made on the images of {0}. "
                     "To see it, choose that folder (Folder…).").format(isolated(folder))


def empty_text(why: str, run: str | None, folder: str, gone_run: str | None) -> str:
    """What the page says with no result (EvaluateModel.why_empty): why the last one went (another model, other
    images), or what to do."""
    if why == "model":
        return translate("EvaluatePage", "The model is now {new}: the results of the previous model, {old}, were "
                         "cleared. Press Evaluate (Ctrl+E) to score {new}.").format(
            new=isolated(Path(run or "").name), old=isolated(Path(gone_run or "").name))
    if why == "images":
        return translate("EvaluatePage", "The results of {run} were on other images and were cleared. Press Evaluate "
                         "(Ctrl+E) to score it on {folder}.").format(run=isolated(Path(run or "").name),
                                                                          folder=isolated(Path(folder).name))
    return waiting_text(run)

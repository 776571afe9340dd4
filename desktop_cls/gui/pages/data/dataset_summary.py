"""The Data page's summary above the class list: how many images and classes, the split and where it comes from,
and what deserves a look (imbalance, a small validation set, unlabeled images, problems)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject

from desktop_cls.core.data.validation_words import cross_validation_line
from desktop_cls.gui.pages.data.data_model import DataPageModel

if TYPE_CHECKING:
    from desktop_cls.core.data.dataset import DatasetIndex
    from desktop_cls.core.training.planner import Plan


class SummaryCounts(QObject):
    """The summary's counts in the plural form each number needs ("1 class", "3 classes"; one form in Chinese).
    lupdate marks a plural form (%n) only in a class's tr(), so they are methods here."""

    def images_in_classes(self, images: int, classes: int) -> str:
        return self.tr("{images} in {classes}").format(images=self.tr("<b>%Ln</b> image(s)", "", images),
                                                       classes=self.tr("<b>%n</b> class(es)", "", classes))

    def few_validation(self, n: int) -> str:
        return self.tr("⚠ Only %n validation image(s): accuracy will be a rough estimate.", "", n)

    def unlabeled(self, n: int) -> str:
        return self.tr("%Ln unlabeled image(s) lie directly in the folder.", "", n)

    def problems(self, n: int) -> str:
        return self.tr("<a href='#problems'>%n problem(s)</a>", "", n)


def summary_text(model: DataPageModel, plan: Plan | None = None) -> str:
    """Rich text, one fact per line; empty when no dataset is shown. `plan`: core's plan of the Train page's
    method for this dataset, which says whether a run holds validation images out or cross-validates on all of
    them. (Translated under the page's context.)"""
    index = model.index
    if index is None:
        return ""
    if not index.classes:  # a pile of unlabeled images: what it needs before anything else
        return SummaryCounts().unlabeled(len(index.unlabeled)) + "<br>" + QCoreApplication.translate(
            "DatasetPage", "No classes yet: create them on the Label page (Ctrl+2) and label a few images per "
            "class there.")
    trained = model.checked or index  # a run leaves out the images the check found unreadable
    splits = {s: trained.split_size(s) for s in ("train", "val", "test")}
    typical = index.typical_size
    size = QCoreApplication.translate("DatasetPage", ", typically {0}×{1} px").format(*typical) if typical else ""
    folds = plan.cv_folds if plan is not None else 0
    lines = [SummaryCounts().images_in_classes(len(index.samples), len(index.classes)) + size,
             cross_validation(splits, folds) if folds else split_line(splits) + split_source(index)]
    ratio = model.imbalance()
    if ratio is not None:
        lines.append(QCoreApplication.translate(
            "DatasetPage", "⚠ Imbalanced: the largest class has {0:.1f}× the images of the smallest. Class "
            "weighting (Train → Advanced) compensates.").format(ratio))
    if splits["test"]:
        lines.append(QCoreApplication.translate(
            "DatasetPage", "The test images are kept for the final evaluation: training never sees them."))
    if splits["val"] and splits["val"] < 50 and not folds:
        lines.append(SummaryCounts().few_validation(splits["val"]))
    if index.unlabeled:
        lines.append(SummaryCounts().unlabeled(len(index.unlabeled)))
    if model.problems:
        lines.append(QCoreApplication.translate(
            "DatasetPage", "{0} — see the Problems tab.").format(SummaryCounts().problems(len(model.problems))))
    return "<br>".join(lines)


def split_line(splits: dict[str, int]) -> str:
    split = (QCoreApplication.translate("DatasetPage", "Split: {0:,} training, {1:,} validation, {2:,} test")
             if splits["test"] else
             QCoreApplication.translate("DatasetPage", "Split: {0:,} training, {1:,} validation"))
    return split.format(splits["train"], splits["val"], splits["test"])


def cross_validation(splits: dict[str, int], folds: int) -> str:
    """The split line when the planned run (the quick method, few images per class) holds nothing out: core's
    words, so `desktop-cls scan` says the same."""
    return html.escape(cross_validation_line(folds, splits["train"] + splits["val"], splits["test"]))


def split_source(index: DatasetIndex) -> str:
    """Where the validation images come from, so a train/ + test/ folder reads as what it is."""
    if index.layout != "split_folders":
        return QCoreApplication.translate("DatasetPage", " (random {0:.0%} held out per class)").format(
            index.val_fraction)
    if index.val_fraction > 0:
        return QCoreApplication.translate(
            "DatasetPage", " (no val/ folder: a random {0:.0%} of train/ per class is held out for "
            "validation)").format(index.val_fraction)
    return QCoreApplication.translate("DatasetPage", " (from the train/ and val/ folders)")

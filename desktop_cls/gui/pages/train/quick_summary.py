"""What a quick run did, in place of the training curves: it fits the last layer in one step, so its curves would
be single points. The panel says how accurate the model is and how that was measured, which classes it gets wrong
most (where more pictures help), and where the time went."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QProgressBar, QScrollArea, QVBoxLayout, QWidget

from desktop_cls.core.i18n import isolated
from desktop_cls.gui.widgets.common import sentences
from desktop_cls.gui.widgets.plot_theme import BLUE, GREY, ORANGE

CLASSES_SHOWN = 8  # the hardest ones; the Evaluate page has them all


@dataclass(frozen=True)
class QuickSummaryView:
    """The panel's words and numbers, from a finished quick run's result (plain data, tested without a window)."""

    headline: str
    measured: str
    classes: list[tuple[str, float]]  # (class, accuracy), hardest first
    more_classes: int
    parts: list[tuple[str, float, tuple[int, int, int]]]  # (label, seconds, colour) of the time bar
    time_line: str


def summary_view(result: Any) -> QuickSummaryView:
    """result: the run's FitResult (its extra holds the quick fit's figures)."""
    extra = result.extra
    acc = result.best_val_accuracy
    headline = (QCoreApplication.translate("QuickSummary", "No accuracy: no image was left to validate")
                if acc is None else QCoreApplication.translate("QuickSummary", "Accuracy {0:.1%}").format(acc))
    accs = extra.get("class_accuracy") or []  # absent from a run of an older version
    scored = sorted(((name, a) for name, a in zip(result.classes, accs, strict=False) if a is not None),
                    key=lambda pair: pair[1])
    return QuickSummaryView(headline, _how_measured(extra), scored[:CLASSES_SHOWN],
                            max(len(scored) - CLASSES_SHOWN, 0), _time_parts(result), _time_line(result))


def _how_measured(extra: dict[str, Any]) -> str:
    folds, n = int(extra.get("cv_folds") or 0), int(extra.get("val_images") or 0)
    if folds:
        return QCoreApplication.translate(
            "QuickSummary", "Measured by {folds}-fold cross-validation on all {n} labeled images: each is "
            "predicted by a model that did not learn it. The saved model learns from all of them.").format(
            folds=folds, n=n)
    return QCoreApplication.translate(
        "QuickSummary", "Measured on {n} validation images the model did not learn from.").format(n=n)


def _time_parts(result: Any) -> list[tuple[str, float, tuple[int, int, int]]]:
    """The bar's parts; what is left besides features and head is loading the network and saving the model."""
    features, head = float(result.extra.get("feature_seconds", 0.0)), float(result.extra.get("head_seconds", 0.0))
    parts = [(QCoreApplication.translate("QuickSummary", "image features"), features, BLUE),
             (QCoreApplication.translate("QuickSummary", "fitting the last layer"), head, ORANGE),
             (QCoreApplication.translate("QuickSummary", "loading and saving"),
              max(result.train_seconds - features - head, 0.0), GREY)]
    return [p for p in parts if p[1] > 0]


def _time_line(result: Any) -> str:
    """The seconds in plain words; how reading the pictures and the network shared the time only when pictures were
    read (a re-fit from the cache reads none), and where the features read from the cache came from."""
    extra = result.extra
    computed, cached = _count(extra.get("features_computed")), _count(extra.get("features_cached"))
    total, source = result.train_seconds, _cache_source(extra, cached)
    if not computed:
        line = (QCoreApplication.translate(
            "QuickSummary", "{total:.1f} s in all: the features of all {cached} images came from the cache "
            "({source}), so no image was read again.") if source else QCoreApplication.translate(
            "QuickSummary", "{total:.1f} s in all: the features of all {cached} images came from the cache, so no "
            "image was read again.")).format(total=total, cached=cached, source=source)
    else:
        line = QCoreApplication.translate(
            "QuickSummary", "{total:.1f} s in all: the network computed the features of {computed} images in "
            "{network:.1f} s (reading the images, {decode:.1f} s, ran at the same time){from_cache}.").format(
            total=total, computed=computed, network=float(extra.get("network_seconds", 0.0)),
            decode=float(extra.get("decode_seconds", 0.0)), from_cache=_more_from_cache(cached, source))
    if extra.get("head_c") is not None:
        line = sentences(line, QCoreApplication.translate(
            "QuickSummary", "The last layer's strength, C = {0:g}, was chosen by cross-validation.").format(
            extra["head_c"]))
    return line


def _more_from_cache(cached: int, source: str) -> str:
    """The clause that counts the features read from the cache beside those computed, with where they came from."""
    if not cached:
        return ""
    if source:
        return QCoreApplication.translate("QuickSummary", "; {0} more came from the cache ({1})").format(cached, source)
    return QCoreApplication.translate("QuickSummary", "; {0} more came from the cache").format(cached)


def _cache_source(extra: dict[str, Any], cached: int) -> str:
    """Who computed the features the run read from the cache, as the user saw them made: the Label page's live
    suggestions, an earlier run, or both; "" where some entries do not say (kept before entries said). The first
    training after labeling with suggestions said "kept from an earlier run" of features no run had computed."""
    runs = _count(extra.get("features_cached_from_runs"))
    suggestions = _count(extra.get("features_cached_for_suggestions"))
    if not cached or runs + suggestions != cached:
        return ""
    if suggestions == cached:
        return QCoreApplication.translate("QuickSummary", "computed earlier for the Label page's suggestions")
    if runs == cached:
        return QCoreApplication.translate("QuickSummary", "kept from an earlier run")
    return QCoreApplication.translate("QuickSummary", "computed earlier, for the Label page's suggestions and by "
                                      "earlier runs")


def _count(value: object) -> int:
    """A count the run recorded; 0 for anything else (run.json may come from someone else)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


class TimeSplitBar(QWidget):
    """One bar cut in proportion to where the seconds went; the legend underneath names each part."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[tuple[str, float, tuple[int, int, int]]] = []
        self.setMinimumHeight(self.fontMetrics().height())

    def sizeHint(self) -> QSize:
        return QSize(300, self.fontMetrics().height())

    def set_parts(self, parts: list[tuple[str, float, tuple[int, int, int]]]) -> None:
        self.parts = parts
        self.setAccessibleDescription(", ".join(f"{label} {seconds:.1f} s" for label, seconds, _c in parts))
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        total = sum(seconds for _l, seconds, _c in self.parts)
        if total <= 0 or not math.isfinite(total):
            return
        painter = QPainter(self)
        x = 0.0
        for _label, seconds, colour in self.parts:
            width = self.width() * seconds / total
            painter.fillRect(QRectF(x, 0, width, self.height()), QColor(*colour))
            x += width
        painter.end()


class QuickFitSummary(QScrollArea):
    """Shown instead of the curves for a quick run: a note while it runs, the summary when it is done. It scrolls
    when the window is short (a small screen at a large text size) rather than pressing its lines onto each other."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("quickSummary")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWidgetResizable(True)  # as wide as the pane; as tall as its wrapped lines need at that width
        self.headline = QLabel()
        self.headline.setObjectName("quickHeadline")
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.headline.setFont(font)
        self.measured, self.time_line, self.legend = QLabel(), QLabel(), QLabel()
        for label in (self.measured, self.time_line, self.legend):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.classes_title = QLabel(self.tr("Each class, hardest first (more images of the hardest help most):"))
        self.classes_title.setWordWrap(True)
        self.class_grid = QGridLayout()
        self.bar = TimeSplitBar()
        self._lay_out()
        self.show_running()

    def _lay_out(self) -> None:
        inner = QWidget()
        column = QVBoxLayout(inner)
        for label in (self.headline, self.measured, self.classes_title):
            column.addWidget(label)
        column.addLayout(self.class_grid)
        column.addWidget(self.bar)
        column.addWidget(self.legend)
        column.addWidget(self.time_line)
        column.addStretch(1)
        self.setWidget(inner)

    def show_running(self) -> None:
        """While the quick run computes its features: what it does, and why no curves are drawn."""
        self.headline.setText(self.tr("Quick mode"))
        self.measured.setText(self.tr("The pretrained network computes each image's features once, then the last "
                                      "layer is fitted to them in one step. There are no epochs to plot: the "
                                      "result appears here when it is done."))
        self._show_classes([], 0)
        self.bar.set_parts([])
        for w in (self.classes_title, self.bar, self.legend, self.time_line):
            w.hide()

    def show_stopped(self, why: str) -> None:
        """The quick run was stopped: `why` says what that left (no model), in place of "the result appears here"."""
        self.show_running()
        self.headline.setText(self.tr("Quick mode: stopped"))
        self.measured.setText(why)

    def show_result(self, result: Any) -> None:
        view = summary_view(result)
        self.headline.setText(view.headline)
        self.measured.setText(view.measured)
        self._show_classes(view.classes, view.more_classes)
        self.bar.set_parts(view.parts)
        self.legend.setText("   ".join(
            f"<span style='color: rgb{colour}'>■</span> {label} {seconds:.1f} s" for label, seconds, colour
            in view.parts))
        self.time_line.setText(view.time_line)
        self.classes_title.setVisible(bool(view.classes))
        for w in (self.bar, self.legend, self.time_line):
            w.show()

    def _show_classes(self, classes: list[tuple[str, float]], more: int) -> None:
        while self.class_grid.count():
            item = self.class_grid.takeAt(0)
            old = item.widget() if item is not None else None
            if old is not None:
                old.deleteLater()
        for row, (name, accuracy) in enumerate(classes):
            label = QLabel(name)
            label.setTextFormat(Qt.TextFormat.PlainText)  # a class name is the user's, never markup
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setValue(round(1000 * accuracy))
            bar.setTextVisible(False)  # the words beside it, in the window's text colour: drawn on the bar they
            bar.setFormat(f"{accuracy:.0%}")  # straddled its fill and its background (read out by screen readers)
            bar.setAccessibleName(self.tr("{0}: {1:.0%} right").format(isolated(name), accuracy))
            percent = QLabel(f"{accuracy:.0%}")
            percent.setObjectName("classAccuracyPercent")
            percent.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            percent.setMinimumWidth(percent.fontMetrics().horizontalAdvance("100%"))
            self.class_grid.addWidget(label, row, 0)
            self.class_grid.addWidget(bar, row, 1)
            self.class_grid.addWidget(percent, row, 2)
        if more:
            self.class_grid.addWidget(QLabel(self.tr("… and {0} more on the Evaluate page").format(more)),
                                      len(classes), 0, 1, 3)

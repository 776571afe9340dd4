"""Views that explain a model: the learning-rate finder dialog, reliability diagram, PR/ROC curves."""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_cls.core.i18n import isolated
from desktop_cls.gui.widgets.plot_theme import BLUE, GREY, ORANGE, SERIES, themed_plot

translate = QCoreApplication.translate  # lupdate reads translate("InsightViews", "text") calls
PALETTE = list(SERIES)  # readable on the light and the dark theme


class LrFinderDialog(QDialog):
    """Loss against learning rate (log axis), the suggestion marked, accepted in one click."""

    def __init__(self, result: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lrFinderDialog")
        self.setWindowTitle(self.tr("Learning-rate finder"))
        self.suggested = float(result["suggested_lr"])
        self.plot = themed_plot(pg.PlotWidget(title=self.tr("Loss while the learning rate grows")))
        self.plot.setObjectName("lrFinderPlot")
        self.plot.setLogMode(x=True, y=False)
        self.plot.setLabel("bottom", self.tr("learning rate"))
        self.plot.setLabel("left", self.tr("loss (smoothed)"))
        self.plot.plot(result["lrs"], result["losses"], pen=pg.mkPen(BLUE, width=2))
        line = pg.InfiniteLine(pos=math.log10(self.suggested), angle=90,
                               pen=pg.mkPen(ORANGE, width=2, style=Qt.PenStyle.DashLine))
        self.plot.addItem(line)
        text = QLabel(self.tr("Suggested learning rate: <b>{0:.2g}</b> — where the loss falls fastest. "
                              "A value a little lower is also safe.").format(self.suggested))
        text.setWordWrap(True)
        use = QPushButton(self.tr("Use {0:.2g}").format(self.suggested))
        use.setObjectName("useSuggestedLrButton")
        use.setDefault(True)
        use.clicked.connect(self.accept)
        cancel = QPushButton(self.tr("Keep mine"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(use)
        lay = QVBoxLayout(self)
        lay.addWidget(self.plot, 1)
        lay.addWidget(text)
        lay.addLayout(buttons)
        self.resize(self.fontMetrics().horizontalAdvance("M") * 50, self.fontMetrics().height() * 28)


class PlotLegend(QLabel):
    """The legend of a plot as a line of text under it: pyqtgraph's legend sits inside the plot and covers
    the curves (accuracy rises into its corner, ten PR curves fill it)."""

    def __init__(self, plot: pg.PlotWidget, name: str) -> None:
        super().__init__()
        self.plot = plot
        self.setObjectName(name)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def entries(self) -> list[tuple[str, str, bool]]:
        """(name, colour, dashed) of every named curve, in drawing order."""
        out = []
        for item in self.plot.getPlotItem().listDataItems():
            name = item.name()
            if name:
                pen = pg.mkPen(item.opts.get("pen"))
                out.append((str(name), pen.color().name(), pen.style() != Qt.PenStyle.SolidLine))
        return out

    def sync(self) -> None:
        parts = [f"<span style='color:{colour}; font-weight:bold'>{'┅┅' if dashed else '━━'}</span>&nbsp;"
                 f"{html.escape(name)}" for name, colour, dashed in self.entries()]
        self.setText(" &nbsp; ".join(parts))
        self.setVisible(bool(parts))


def with_legend(plot: pg.PlotWidget, legend: PlotLegend) -> QWidget:
    """The plot with its legend underneath, as one widget for a layout."""
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(0)
    lay.addWidget(plot, 1)
    lay.addWidget(legend)
    return box


def _unit_plot(name: str, title: str, accessible: str, x_label: str, y_label: str, y_top: float = 1) -> pg.PlotWidget:
    """A themed plot of two shares, both axes from 0 to 1 (y a little above when the top line must show)."""
    p = themed_plot(pg.PlotWidget(title=title))
    p.setObjectName(name)
    p.setAccessibleName(accessible)
    p.setLabel("bottom", x_label)
    p.setLabel("left", y_label)
    p.setXRange(0, 1)
    p.setYRange(0, y_top)
    p.showGrid(x=True, y=True, alpha=0.2)
    return p


def reliability_plot() -> pg.PlotWidget:
    return _unit_plot("reliabilityPlot", translate("InsightViews", "Reliability: confidence vs accuracy"),
                      translate("InsightViews", "Reliability diagram"), translate("InsightViews", "confidence"),
                      translate("InsightViews", "accuracy"))


def draw_reliability(p: pg.PlotWidget, bins: dict[str, list[float]]) -> None:
    p.clear()
    p.plot([0, 1], [0, 1], pen=pg.mkPen(GREY, style=Qt.PenStyle.DashLine))
    lower = np.asarray(bins["lower"])
    upper = np.asarray(bins["upper"])
    acc = np.nan_to_num(np.asarray(bins["accuracy"]))
    share = np.asarray(bins["share"])
    centres = (lower + upper) / 2
    p.addItem(pg.BarGraphItem(x=centres, height=acc, width=(upper - lower) * 0.9,
                              brush=pg.mkBrush(*BLUE, 200)))
    p.addItem(pg.BarGraphItem(x=centres, height=share, width=(upper - lower) * 0.3,
                              brush=pg.mkBrush(*ORANGE, 200)))


def curves_plot() -> pg.PlotWidget:
    return _unit_plot("prPlot", translate("InsightViews", "Precision-recall per class"),
                      translate("InsightViews", "Precision-recall curves"), translate("InsightViews", "recall"),
                      translate("InsightViews", "precision"), y_top=1.02)


def draw_curves(p: pg.PlotWidget, curves: dict[str, Any]) -> None:
    p.clear()
    if "roc" in curves:
        roc = curves["roc"]
        p.setTitle(translate("InsightViews", "ROC for '{0}' (area {1:.3f})").format(
            html.escape(isolated(roc["positive"])), roc["auc"]))  # (a plot's title is rich text)
        p.setLabel("bottom", translate("InsightViews", "false positive rate"))
        p.setLabel("left", translate("InsightViews", "true positive rate"))
        p.plot([0, 1], [0, 1], pen=pg.mkPen(GREY, style=Qt.PenStyle.DashLine))
        p.plot(roc["fpr"], roc["tpr"], pen=pg.mkPen(PALETTE[0], width=2), name="ROC")
        return
    p.setTitle(translate("InsightViews", "Precision-recall per class"))
    p.setLabel("bottom", translate("InsightViews", "recall"))
    p.setLabel("left", translate("InsightViews", "precision"))
    for i, (name, c) in enumerate(curves["pr"].items()):
        p.plot(c["recall"], c["precision"], pen=pg.mkPen(PALETTE[i % len(PALETTE)], width=2),
               name=translate("InsightViews", "{0} (AP {1:.2f})").format(isolated(name), c["average_precision"]))


class CurvesOnShow:
    """Curves drawn when their tab is shown rather than when a result comes in: ten classes' precision-recall
    curves kept the UI thread about 100 ms, for a tab many never open. `legend` follows what is drawn."""

    def __init__(self, plot: pg.PlotWidget, legend: Any, tabs: Any, tab: QWidget) -> None:
        self.plot, self.legend, self.tabs, self.tab = plot, legend, tabs, tab
        self.pending: dict[str, Any] | None = None
        tabs.currentChanged.connect(lambda _i: self._draw_if_shown())

    def show(self, curves: dict[str, Any]) -> None:
        self.plot.clear()
        self.pending = curves
        self._draw_if_shown()

    def clear(self) -> None:
        self.pending = None
        self.plot.clear()

    def _draw_if_shown(self) -> None:
        if self.pending is not None and self.tabs.currentWidget() is self.tab:
            curves, self.pending = self.pending, None
            draw_curves(self.plot, curves)
            self.legend.sync()

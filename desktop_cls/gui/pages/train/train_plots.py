"""Live training curves: smoothed batch loss, per-epoch loss and accuracy, learning rate, past runs.

Events only append to lists; a timer on the page calls redraw() about ten times a second.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QWidget

from desktop_cls.core.i18n import isolated
from desktop_cls.gui.pages.train.train_messages import epoch_line
from desktop_cls.gui.widgets.insight_views import PlotLegend, with_legend
from desktop_cls.gui.widgets.plot_theme import BLUE, GREEN, ORANGE, SERIES, TEAL, themed_plot
from desktop_cls.gui.widgets.rate_axis import RateAxis

SMOOTHING = 0.9
FEW_POINTS = 12  # a batch curve with no more points than this marks each one: a lone point has no line to draw


def _finite(values: list[float]) -> np.ndarray:
    a = np.asarray(values, dtype=float)
    return np.where(np.isfinite(a), a, np.nan)


class TrainingPlots(QWidget):
    def __init__(self) -> None:
        super().__init__()
        pg.setConfigOptions(antialias=True)
        self._batches_dirty = self._epochs_dirty = False
        self.reset()
        self.loss_plot = self._plot("lossPlot", self.tr("Loss"), self.tr("Loss plot"))
        self.acc_plot = self._plot("accuracyPlot", self.tr("Accuracy"), self.tr("Accuracy plot"))
        self.acc_plot.setYRange(0, 1)
        self.lr_axis = RateAxis()  # few labels in its short strip, written as rates
        self.lr_plot = self._plot("lrPlot", self.tr("Learning rate"), self.tr("Learning-rate plot"),
                                  axes={"left": self.lr_axis})
        self._add_curves()
        self.compare_curves: list[Any] = []
        self.loss_legend = PlotLegend(self.loss_plot, "lossLegend")
        self.acc_legend = PlotLegend(self.acc_plot, "accuracyLegend")
        self.loss_legend.sync()
        self.acc_legend.sync()
        self._lay_out()

    def _plot(self, name: str, title: str, accessible: str, axes: dict[str, pg.AxisItem] | None = None
              ) -> pg.PlotWidget:
        """A plot over epochs: no "(x0.001)" scaling during the first one, and none before 0."""
        plot = themed_plot(pg.PlotWidget(title=title, axisItems=axes))
        plot.setObjectName(name)
        plot.setAccessibleName(accessible)
        plot.setLabel("bottom", self.tr("epoch"))
        plot.getAxis("bottom").enableAutoSIPrefix(False)
        plot.getViewBox().setLimits(xMin=0)
        plot.showGrid(x=True, y=True, alpha=0.2)
        plot.getPlotItem().setClipToView(True)
        plot.getPlotItem().setDownsampling(auto=True, mode="peak")
        return plot

    def _lay_out(self) -> None:
        """Loss and accuracy side by side with their legends, the learning rate in a strip below."""
        pl = QGridLayout(self)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addWidget(with_legend(self.loss_plot, self.loss_legend), 0, 0)
        pl.addWidget(with_legend(self.acc_plot, self.acc_legend), 0, 1)
        pl.addWidget(self.lr_plot, 1, 0, 1, 2)
        pl.setRowStretch(0, 3)
        pl.setRowStretch(1, 1)
        # room for its title, the epoch axis and two rate labels a line apart (at 8 lines it had room for one: a lone
        # "2e-3" with nothing to read the scale against)
        self.lr_plot.setMinimumHeight(self.fontMetrics().height() * 11)

    def _add_curves(self) -> None:
        """Loss and accuracy per epoch (train and validation), the smoothed batch loss, the learning rate."""
        train, validation = self.tr("train"), self.tr("validation")
        self.curve_batch = self.loss_plot.plot(name=self.tr("train (smoothed)"), pen=pg.mkPen(TEAL, width=1))
        self.curve_train_loss = self.loss_plot.plot(name=train, pen=pg.mkPen(BLUE, width=2), symbol="o",
                                                    symbolSize=6)
        self.curve_val_loss = self.loss_plot.plot(name=validation, pen=pg.mkPen(ORANGE, width=2),
                                                  symbol="s", symbolSize=6)
        self.curve_train_acc = self.acc_plot.plot(name=train, pen=pg.mkPen(BLUE, width=2), symbol="o",
                                                  symbolSize=6)
        self.curve_val_acc = self.acc_plot.plot(name=validation, pen=pg.mkPen(ORANGE, width=2),
                                                symbol="s", symbolSize=6)
        self.curve_lr = self.lr_plot.plot(pen=pg.mkPen(GREEN, width=2))
        for curve, colour in ((self.curve_train_loss, BLUE), (self.curve_val_loss, ORANGE),
                              (self.curve_train_acc, BLUE), (self.curve_val_acc, ORANGE)):
            curve.setSymbolBrush(colour)  # pyqtgraph's navy-on-white symbols vanish on one theme or the other
            curve.setSymbolPen(colour)
        self._marked: dict[int, bool] = {}  # id(curve) -> whether its points carry symbols now

    def _mark_few(self, curve: Any, colour: Any, points: int) -> None:
        """Symbols on a batch curve while it has few points (a one-batch run's single rate is otherwise invisible:
        a line needs two points); off again once it is a curve, where thousands of symbols would cost frames."""
        few = 0 < points <= FEW_POINTS
        if self._marked.get(id(curve)) == few:
            return
        self._marked[id(curve)] = few
        curve.setSymbol("o" if few else None)
        if few:
            curve.setSymbolSize(5)
            curve.setSymbolBrush(colour)
            curve.setSymbolPen(colour)

    def reset(self) -> None:
        self.batch_x: list[float] = []
        self.batch_loss: list[float] = []
        self.batch_lr: list[float] = []
        self.epochs: list[int] = []
        self.train_loss: list[float] = []
        self.val_loss: list[float] = []
        self.train_acc: list[float] = []
        self.val_acc: list[float] = []
        self._ema: float | None = None
        self._batches_dirty = self._epochs_dirty = True
        self._first_epoch_range: bool | None = None  # whether the x axis was last set to the first epoch
        self._lr_top: float | None = None  # the largest rate plotted, which tops the rate axis

    def mark_dirty(self) -> None:
        self._batches_dirty = self._epochs_dirty = True

    def redraw(self) -> None:
        """Ten times a second while training: only the curves that changed, since an epoch curve with
        symbols costs more to set than the batch curves together and changes once an epoch."""
        self._fit_first_epoch()
        if self._batches_dirty:
            self._batches_dirty = False
            self.curve_batch.setData(np.asarray(self.batch_x), np.asarray(self.batch_loss))
            rates = np.asarray(self.batch_lr, dtype=float)
            self.curve_lr.setData(np.asarray(self.batch_x), rates)
            self._mark_few(self.curve_batch, TEAL, len(self.batch_x))
            self._mark_few(self.curve_lr, GREEN, len(self.batch_x))
            self._fit_rates(rates)
        if not self._epochs_dirty:
            return
        self._epochs_dirty = False
        ep = np.asarray(self.epochs, dtype=float)
        self.curve_train_loss.setData(ep, np.asarray(self.train_loss))
        self.curve_val_loss.setData(ep, _finite(self.val_loss))
        self.curve_train_acc.setData(ep, np.asarray(self.train_acc))
        self.curve_val_acc.setData(ep, _finite(self.val_acc))

    def _fit_rates(self, rates: np.ndarray) -> None:
        """The rate axis from 0 to the largest rate. A flat schedule (a constant rate, a single batch) has no span
        of its own, and pyqtgraph kept its default one around it: a rate of 3e-3 was labeled "2e-1"."""
        finite = rates[np.isfinite(rates)]
        top = float(finite.max()) if len(finite) else 0.0
        if top == self._lr_top:
            return
        self._lr_top = top
        if top > 0:
            self.lr_plot.setYRange(0, top, padding=0.08)
        else:  # cleared for another run: no rate to label
            self.lr_plot.enableAutoRange(axis="y")
            self.lr_axis.refresh()

    def _fit_first_epoch(self) -> None:
        """Until the curves pass epoch 1 the x axis shows 0 to 1 (the part of the first epoch done, and a
        one-epoch run's single point, in place); after that it follows the curves."""
        compared = [max(c.xData) for c in self.compare_curves if c.xData is not None and len(c.xData)]
        last = max([*self.batch_x[-1:], *map(float, self.epochs[-1:]), *compared, 0.0])
        first = last <= 1.0
        if first == self._first_epoch_range:
            return
        self._first_epoch_range = first
        for p in (self.loss_plot, self.acc_plot, self.lr_plot):
            if first:
                p.getViewBox().setXRange(0, 1, padding=0.02)
            else:
                p.getViewBox().enableAutoRange(axis="x")

    def set_comparisons(self, runs: list[tuple[str, list[float], list[float]]]) -> None:
        """Dashed validation-accuracy curves of past runs: (label, epochs, accuracies)."""
        for c in self.compare_curves:
            self.acc_plot.removeItem(c)
        self.compare_curves = []
        colours = SERIES[4:9]  # purple, brown, pink, grey, olive: apart from the live curves
        for label, xs, ys in runs:
            pen = pg.mkPen(colours[len(self.compare_curves) % len(colours)], width=1.5, style=Qt.PenStyle.DashLine)
            name = self.tr("{0} (val)").format(isolated(label))
            self.compare_curves.append(self.acc_plot.plot(xs, ys, pen=pen, name=name))
        self.acc_legend.sync()
        self._fit_first_epoch()

    def add_batch(self, x: float, loss: float, lr: float) -> None:
        self._ema = loss if self._ema is None else SMOOTHING * self._ema + (1 - SMOOTHING) * loss
        self.batch_x.append(x)
        self.batch_loss.append(self._ema)
        self.batch_lr.append(lr)
        self._batches_dirty = True

    def add_history(self, epoch: int, train_loss: float, val_loss: float, train_acc: float, val_acc: float,
                    lr: float) -> None:
        """An epoch finished before a resume: its mean loss and last learning rate stand in for the
        batch curves, which a run does not keep."""
        self.batch_x.append(float(epoch))
        self.batch_loss.append(train_loss)
        self.batch_lr.append(lr)
        self._ema = train_loss
        self.add_epoch(epoch, train_loss, val_loss, train_acc, val_acc)

    def replay(self, rows: list[dict[str, Any]], epochs: int) -> list[str]:
        """The epochs of a run's metrics file (one being resumed) back on the curves; their log lines."""
        lines = []
        best = -math.inf
        for r in rows:
            val_acc = r.get("val_accuracy")
            va = math.nan if val_acc is None else float(val_acc)
            vl = math.nan if r.get("val_loss") is None else float(r["val_loss"])
            is_best = not math.isnan(va) and va > best
            best = max(best, va) if not math.isnan(va) else best
            self.add_history(int(r["epoch"]), float(r["train_loss"]), vl, float(r["train_accuracy"]), va,
                             float(r.get("lr", math.nan)))
            lines.append(epoch_line(int(r["epoch"]), epochs, float(r["train_loss"]), float(r["train_accuracy"]),
                                    vl, va, float(r.get("seconds", 0.0)), is_best))
        return lines

    def add_epoch(self, epoch: int, train_loss: float, val_loss: float, train_acc: float, val_acc: float) -> None:
        while self.epochs and self.epochs[-1] >= epoch:  # an epoch redone after a resume replaces its old point
            for series in (self.epochs, self.train_loss, self.val_loss, self.train_acc, self.val_acc):
                series.pop()
        self.epochs.append(epoch)
        self.train_loss.append(train_loss)
        self.val_loss.append(val_loss)
        self.train_acc.append(train_acc)
        self.val_acc.append(val_acc)
        self._epochs_dirty = True

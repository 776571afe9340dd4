"""The training curves' x axis counts epochs: no SI scaling in the first one, nothing below 0."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_cls.gui.pages.train.train_plots import TrainingPlots


def _plots(qtbot: QtBot) -> TrainingPlots:
    plots = TrainingPlots()
    qtbot.addWidget(plots)
    plots.resize(800, 500)
    plots.show()
    return plots


def _x_range(plot: Any) -> list[float]:  # a pyqtgraph PlotItem (untyped)
    QApplication.processEvents()
    return list(plot.getViewBox().viewRange()[0])


def test_the_first_epoch_reads_in_epochs_not_thousandths(qtbot: QtBot) -> None:
    plots = _plots(qtbot)
    for i in range(1, 5):  # the first 4 batches of an epoch of 10 000
        plots.add_batch(i / 10_000, 1.0 / i, 0.01)
    plots.redraw()
    for plot in (plots.loss_plot, plots.lr_plot):
        axis = plot.getAxis("bottom")
        assert axis.autoSIPrefixScale == 1.0 and "x0.001" not in axis.labelString()
        low, high = _x_range(plot)
        assert low >= 0 and 0.98 <= high <= 1.1  # the whole first epoch, the part done drawn in place


def test_a_one_epoch_run_shows_no_negative_epochs(qtbot: QtBot) -> None:
    plots = _plots(qtbot)
    plots.add_batch(0.0, 0.5, 0.01)
    plots.add_batch(1.0, 0.5, 0.01)
    plots.add_epoch(1, 0.5, 0.6, 0.8, 0.7)
    plots.redraw()
    for plot in (plots.loss_plot, plots.acc_plot, plots.lr_plot):
        low, high = _x_range(plot)
        assert low >= 0 and high >= 1, (low, high)


def test_after_the_first_epoch_the_axis_follows_the_curves(qtbot: QtBot) -> None:
    plots = _plots(qtbot)
    for e in range(1, 11):
        plots.add_batch(float(e), 1.0 / e, 0.01)
        plots.add_epoch(e, 1.0 / e, 1.0 / e, 0.5, 0.5)
    plots.redraw()
    low, high = _x_range(plots.loss_plot)
    assert low >= 0 and high >= 10


def test_the_learning_rate_axis_labels_fit_its_short_strip_and_read_as_rates(qtbot: QtBot) -> None:
    """The empty strip showed 0.2, 0.4, 0.6 and 0.8 on top of each other: only labels with a line of room between
    them are kept, none at an edge, and rates read as rates."""
    from desktop_cls.gui.widgets.rate_axis import RateAxis, rate_text

    plots = TrainingPlots()
    qtbot.addWidget(plots)
    axis = plots.lr_plot.getAxis("left")
    assert isinstance(axis, RateAxis)
    plots.add_batch(0.1, 1.0, 1e-3)
    plots.redraw()
    line = axis._line_height()
    for size, low, high in ((4 * line, 0.0, 1.0), (4 * line, 0.0, 1e-3), (12 * line, 0.0, 1e-3)):
        values = [v for _spacing, level in axis.tickValues(low, high, size) for v in level]
        assert 1 <= len(values) <= size / (2.5 * line), (size, values)
        assert all(low < v < high for v in values)  # a label on an edge is cut in half
    assert [rate_text(v) for v in (0.0005, 0.00025, 0.001, 0.0)] == ["5e-4", "2.5e-4", "1e-3", "0"]


def test_an_empty_learning_rate_plot_shows_no_made_up_rate(qtbot: QtBot) -> None:
    """Before any training pyqtgraph's default range 0-1 read as a rate of "8e-1": no labels until a rate is
    plotted, and none again once the plots are cleared for another run."""
    plots = _plots(qtbot)
    axis = plots.lr_plot.getAxis("left")
    line = axis._line_height()

    def labels() -> list[float]:
        QApplication.processEvents()
        low, high = plots.lr_plot.getViewBox().viewRange()[1]
        return [v for _spacing, level in axis.tickValues(low, high, 8 * line) for v in level]

    assert labels() == []
    for i in range(1, 4):
        plots.add_batch(i / 10, 1.0, 0.01 * i)
    plots.redraw()
    assert labels() and all(0 < v < 0.035 for v in labels())
    plots.reset()
    plots.redraw()
    assert labels() == []


def test_a_constant_learning_rate_is_labelled_at_its_own_scale(qtbot: QtBot) -> None:
    """A flat rate (a constant schedule, or a run of one batch) has no span of its own: pyqtgraph kept a span of 1
    around it, and 3e-3 was labeled "2e-1". The axis runs from 0 to just above the largest rate."""
    plots = _plots(qtbot)
    axis = plots.lr_plot.getAxis("left")
    for i in range(1, 6):
        plots.add_batch(i / 10, 1.0, 3e-3)
    plots.redraw()
    QApplication.processEvents()
    low, high = plots.lr_plot.getViewBox().viewRange()[1]
    assert low <= 0 and 3e-3 < high < 4e-3
    values = [v for _spacing, level in axis.tickValues(low, high, 8 * axis._line_height()) for v in level]
    assert values and all(0 <= v <= 3.5e-3 for v in values)


def test_a_one_batch_run_shows_its_single_rate_and_loss(qtbot: QtBot) -> None:
    """A line needs two points: a run of one batch drew nothing on the rate strip. A few points carry symbols; a
    long curve goes back to a plain line (thousands of symbols would cost frames)."""
    plots = _plots(qtbot)
    plots.add_batch(1.0, 0.7, 3e-3)
    plots.redraw()
    QApplication.processEvents()
    for curve in (plots.curve_lr, plots.curve_batch):
        assert curve.opts["symbol"] is not None
        xs, ys = curve.scatter.getData()
        assert list(xs) == [1.0] and len(ys) == 1
    assert plots.curve_lr.scatter.getData()[1][0] == 3e-3
    for i in range(2, 200):
        plots.add_batch(i / 100, 0.5, 3e-3)
    plots.redraw()
    assert plots.curve_lr.opts["symbol"] is None and plots.curve_batch.opts["symbol"] is None
    plots.reset()
    plots.add_batch(0.5, 0.5, 1e-3)  # the next run starts with a single point again
    plots.redraw()
    assert plots.curve_lr.opts["symbol"] is not None


def test_the_rate_strip_at_its_smallest_labels_two_round_rates(qtbot: QtBot) -> None:
    """A warm-up rising to 2.4e-3 (the fine-tune the tester paused): the strip had room for one label, a lone "2e-3"
    with nothing to read the scale against; with two, the finer tick level alone gave "5e-4, 1.5e-3" (pyqtgraph's
    finer levels leave out the coarser ones' ticks). Now: 1e-3 and 2e-3."""
    plots = TrainingPlots()
    qtbot.addWidget(plots)
    plots.resize(820, 300)  # smaller than the window ever makes it: the strip keeps its minimum height
    plots.show()
    for i in range(1, 8):
        plots.add_batch(i / 3, 1.4, 3e-3 * i / 9)
    plots.redraw()
    QApplication.processEvents()
    axis = plots.lr_plot.getAxis("left")
    low, high = plots.lr_plot.getViewBox().viewRange()[1]
    values = [v for _spacing, level in axis.tickValues(low, high, axis.geometry().height()) for v in level]
    assert values == [1e-3, 2e-3]

"""The Train page before any run says what will appear instead of showing bare axes, an empty list and an empty
frame."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow


def test_before_any_run_the_curves_and_past_runs_say_what_will_appear(window: MainWindow) -> None:
    page = window.train_page
    monitor, past = page.monitor, page.past_runs
    assert monitor.view.currentWidget() is monitor.empty
    assert "Loss and accuracy appear here when training starts" in monitor.empty.text()
    assert past.runs_list.count() == 0 and past.runs_list.isHidden() and not past.empty.isHidden()
    assert "No runs yet" in past.empty.text()


def test_checking_a_past_run_shows_the_plots_and_the_list(qtbot: QtBot, window: MainWindow,
                                                          trained_run: tuple[Path, Path]) -> None:
    from desktop_cls.core.storage import default_runs_dir

    run, _data = trained_run
    shutil.copytree(run, default_runs_dir() / run.name)
    page = window.train_page
    page.refresh_runs()
    past = page.past_runs
    assert past.empty.isHidden() and not past.runs_list.isHidden()
    monitor = page.monitor
    monitor.compare([("run", [1, 2], [0.5, 0.75])])  # as Past runs sends a checked run's curve
    assert monitor.view.currentWidget() is monitor.plots


def test_closed_advanced_options_draw_no_empty_frame(window: MainWindow) -> None:
    group = window.train_page.form.advanced
    assert not group.isChecked()
    image: QImage = group.grab().toImage()
    background = image.pixel(image.width() - 1, 0)
    bottom = {image.pixel(x, image.height() - 1) for x in range(image.width())}
    assert bottom == {background}, "a frame is drawn under the closed Advanced title"
    group.setChecked(True)
    image = group.grab().toImage()
    assert {image.pixel(x, image.height() - 1) for x in range(image.width())} != {background}  # open: framed

"""Resuming a run trains to the run's own epochs: the Train form shows that count while it trains (it showed the
form's own, e.g. Automatic's, with the bar and ETA counting another), and gets its own back afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import choose_method, run_stopped_after_one_epoch


def test_a_resumed_run_shows_its_own_epochs_in_the_form_while_it_trains(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tp = window.train_page
    form = tp.form
    run = run_stopped_after_one_epoch(qtbot, window, tiny_folder, monkeypatch)
    form.epochs_spin.setValue(9)  # the next run's epochs, as the user set them
    tp.resume(run)
    assert tp.training.task is not None  # resuming: the run trains to its own 4 epochs
    assert form.epochs_spin.value() == 4 and tp.monitor.epochs_total == 4
    tp.remember_options()  # a settings write meanwhile keeps the user's own epochs
    assert window.state.settings.last_train_config["epochs"] == 9
    qtbot.waitUntil(lambda: tp.training.task is None, timeout=60_000)
    assert "Epoch 4/4" in tp.monitor.log.toPlainText()
    assert form.epochs_spin.value() == 9 and form.method_choice.epochs_chosen  # the form's own, as it was


def test_the_method_choosing_epochs_meanwhile_does_not_replace_the_runs(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Epochs that follow the method: a new plan while the resumed run goes (another folder opened, say) is
    the form's own for after the run; the run's epochs stay in sight until it ends."""
    tp = window.train_page
    choice = tp.form.method_choice
    run = run_stopped_after_one_epoch(qtbot, window, tiny_folder, monkeypatch)
    choose_method(tp.form, "scratch")  # a method that plans its own epochs on this data
    choice.epochs_chosen = False  # as a method leaves them until the user sets them
    choice.apply()
    planned = tp.form.epochs_spin.value()
    assert planned != 4
    tp.resume(run)
    choice.apply()
    assert tp.form.epochs_spin.value() == 4
    qtbot.waitUntil(lambda: tp.training.task is None, timeout=60_000)
    assert tp.form.epochs_spin.value() == planned and not choice.epochs_chosen

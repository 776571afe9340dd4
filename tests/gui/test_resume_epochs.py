"""Resuming a run trains to the run's own epochs: the Train form shows that count while it trains (it showed the
form's own, e.g. Automatic's, with the bar and ETA counting another), and gets its own back afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import open_and_wait, set_fast_training


def test_a_resumed_run_shows_its_own_epochs_in_the_form_while_it_trains(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.core.events import EpochEnd
    from desktop_cls.gui.pages.train import training_task

    tp = window.train_page
    form = tp.form
    open_and_wait(qtbot, window, tiny_folder)
    set_fast_training(window, epochs=4)
    passed_on = training_task._Events.on_epoch_end

    def stop_after_first(self: training_task._Events, e: EpochEnd) -> None:  # on the training's thread
        passed_on(self, e)
        if e.epoch == 1 and tp.training.task is not None:
            tp.training.task.cancel()

    monkeypatch.setattr(training_task._Events, "on_epoch_end", stop_after_first)
    tp.start()
    qtbot.waitUntil(lambda: tp.training.task is None, timeout=60_000)
    monkeypatch.setattr(training_task._Events, "on_epoch_end", passed_on)
    run = window.state.run
    assert run is not None
    form.epochs_spin.setValue(9)  # the next run's epochs, as the user set them
    tp.resume(run)
    assert tp.training.task is not None  # resuming: the run trains to its own 4 epochs
    assert form.epochs_spin.value() == 4 and tp.monitor.epochs_total == 4
    tp.remember_options()  # a settings write meanwhile keeps the user's own epochs
    assert window.state.settings.last_train_config["epochs"] == 9
    qtbot.waitUntil(lambda: tp.training.task is None, timeout=60_000)
    assert "Epoch 4/4" in tp.monitor.log.toPlainText()
    assert form.epochs_spin.value() == 9 and form.method_choice.epochs_chosen  # the form's own, as it was

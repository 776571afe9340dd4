"""A resumed run trains with its own options, whatever the form says: the greyed-out Train form shows them (its
method, model, image size, batch size, learning rate...) while it trains — it showed the form's own, e.g. Automatic's
network at 192 px for a from-scratch run at 16 px — and gets the user's own back when the run ends, even when another
folder was opened meanwhile. The settings remember the user's, never the run's. A folder opened while any run trains
(new or resumed) is planned for in the form when the run ends; the Data page says what that plan does at once."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop_cls.gui.pages.train.train_form import TrainForm
from desktop_cls.gui.shell.main_window import MainWindow
from tests.conftest import make_tiny_folder
from tests.gui.conftest import choose_method, open_and_wait, opened, run_stopped_after_one_epoch, set_fast_training


def _shown(form: TrainForm) -> dict[str, Any]:
    return {"method": form.method_choice.key(), "model": form.model_combo.currentData(),
            "image_size": form.image_size_spin.value(), "epochs": form.epochs_spin.value(),
            "batch_size": form.batch_spin.value(), "lr": form.lr_spin.value(),
            "hflip": form.hflip_check.isChecked()}


def _users_own_choices(form: TrainForm) -> dict[str, Any]:
    """After the stopped run: the user goes back to Automatic and sets other options for the next run (each
    unlike the run's)."""
    runs = _shown(form)
    assert {k: runs[k] for k in RUNS} == RUNS
    choose_method(form, "auto")
    form.size_follower.follow()  # the image size follows the data again (Use)
    form.epochs_spin.setValue(9)
    form.batch_spin.setValue(16)
    form.lr_spin.setValue(runs["lr"] * 2)
    form.hflip_check.setChecked(not runs["hflip"])
    own = _shown(form)
    assert all(own[k] != runs[k] for k in own), (own, runs)
    return own


RUNS = {"method": "custom", "model": "simple_cnn", "image_size": 16, "epochs": 4, "batch_size": 4}


def test_a_resumed_run_shows_its_own_options_and_gives_the_users_back(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tp, form = window.train_page, window.train_page.form
    run = run_stopped_after_one_epoch(qtbot, window, tiny_folder, monkeypatch)
    runs = _shown(form)
    own = _users_own_choices(form)
    tp.remember_options()
    saved = dict(window.state.settings.last_train_config)
    tp.resume(run)
    assert tp.training.task is not None
    assert _shown(form) == runs
    tp.remember_options()  # a settings write meanwhile keeps the user's own options
    assert window.state.settings.last_train_config == saved
    assert window.state.settings.train_method == "auto"
    qtbot.waitUntil(lambda: tp.training.task is None, timeout=60_000)
    assert "Epoch 4/4" in tp.monitor.log.toPlainText()
    assert _shown(form) == own
    tp.remember_options()
    assert window.state.settings.last_train_config == saved


def test_a_folder_opened_while_a_resumed_run_trains_waits_for_its_end(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The form goes on showing the run's options; the user's come back planned for the folder open then."""
    from desktop_cls.core.events import EpochEnd
    from desktop_cls.gui.pages.train import training_task

    tp, form = window.train_page, window.train_page.form
    run = run_stopped_after_one_epoch(qtbot, window, tiny_folder, monkeypatch)
    runs, own = _shown(form), _users_own_choices(form)
    other = make_tiny_folder(tmp_path / "other", classes=("red", "green"), per_class=12, size=24)
    go_on, passed_on = threading.Event(), training_task._Events.on_epoch_end

    def wait_after_second(self: training_task._Events, e: EpochEnd) -> None:  # on the training's thread
        passed_on(self, e)
        if e.epoch == 2:
            go_on.wait(30)

    monkeypatch.setattr(training_task._Events, "on_epoch_end", wait_after_second)
    tp.resume(run)
    try:
        open_and_wait(qtbot, window, other)
        assert tp.training.task is not None
        assert _shown(form) == runs
        root, facts = opened(window).root, window.dataset_page.summary.text()
        early = window.state.plan_for(root)  # (none was made for the folder until the run ended)
    finally:
        go_on.set()
    qtbot.waitUntil(lambda: tp.training.task is None, timeout=60_000)
    back = _shown(form)
    assert back["method"] == "auto" and back["model"] != "simple_cnn"  # Automatic's plan, for the folder open now
    assert (back["batch_size"], back["lr"], back["hflip"]) == (16, own["lr"], own["hflip"])
    assert form.method_choice.folder == str(other) or Path(form.method_choice.folder) == other
    assert early is not None and window.state.plan_for(root) == early  # the plan the form made, known at once
    assert window.dataset_page.summary.text() == facts and ("cross-validation" in facts) == bool(early.cv_folds)


def test_a_folder_opened_while_a_new_run_trains_waits_for_its_end(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The greyed-out form showed the run's options re-planned for the folder opened (Automatic's network, its
    image size), which the run does not use; it waits for the run's end, as for a resumed run."""
    from desktop_cls.core.events import EpochEnd
    from desktop_cls.gui.pages.train import training_task

    tp, form = window.train_page, window.train_page.form
    open_and_wait(qtbot, window, tiny_folder)
    set_fast_training(window, epochs=3)
    runs = _shown(form)
    assert runs["method"] == "custom"
    other = make_tiny_folder(tmp_path / "other", classes=("red", "green"), per_class=12, size=24)
    go_on, passed_on = threading.Event(), training_task._Events.on_epoch_end

    def wait_after_first(self: training_task._Events, e: EpochEnd) -> None:  # on the training's thread
        passed_on(self, e)
        if e.epoch == 1:
            go_on.wait(30)

    monkeypatch.setattr(training_task._Events, "on_epoch_end", wait_after_first)
    tp.start()
    try:
        assert tp.training.task is not None
        open_and_wait(qtbot, window, other)
        assert tp.training.task is not None
        assert _shown(form) == runs and Path(form.method_choice.folder) == tiny_folder
        root, facts = opened(window).root, window.dataset_page.summary.text()
        early = window.state.plan_for(root)
    finally:
        go_on.set()
    qtbot.waitUntil(lambda: tp.training.task is None, timeout=60_000)
    back = _shown(form)
    assert back["method"] == "auto" and back["model"] != "simple_cnn"  # planned for the folder open now
    assert (back["batch_size"], back["lr"]) == (runs["batch_size"], runs["lr"])
    assert Path(form.method_choice.folder) == other
    assert early is not None and window.state.plan_for(root) == early
    assert window.dataset_page.summary.text() == facts


@pytest.mark.parametrize("end", ["stopped", "failed"])
def test_the_users_options_come_back_when_the_resumed_run_is_stopped_or_fails(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, monkeypatch: pytest.MonkeyPatch, end: str) -> None:
    from desktop_cls.core.events import EpochEnd
    from desktop_cls.gui.pages.train import training_run, training_task

    tp, form = window.train_page, window.train_page.form
    run = run_stopped_after_one_epoch(qtbot, window, tiny_folder, monkeypatch)
    own = _users_own_choices(form)
    errors: list[str] = []
    monkeypatch.setattr(training_run, "show_error", lambda _parent, title, *_a: errors.append(title))
    passed_on = training_task._Events.on_epoch_end

    def end_after_second(self: training_task._Events, e: EpochEnd) -> None:  # on the training's thread
        passed_on(self, e)
        if e.epoch == 2 and end == "failed":
            raise RuntimeError("the disk went away")
        if e.epoch == 2 and tp.training.task is not None:
            tp.training.task.cancel()

    monkeypatch.setattr(training_task._Events, "on_epoch_end", end_after_second)
    tp.resume(run)
    assert form.model_combo.currentData() == "simple_cnn"  # the run's, while it trains
    qtbot.waitUntil(lambda: tp.training.task is None, timeout=60_000)
    assert errors == (["Training failed"] if end == "failed" else [])
    assert _shown(form) == own

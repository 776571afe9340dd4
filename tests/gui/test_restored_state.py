"""Picking up where the user left off: the reopened run is shown on the Train page and in the sidebar's badges,
and the Train form's method and epochs carry over to the same dataset only."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop_cls.gui.settings import Settings, save_settings
from desktop_cls.gui.shell.main_window import MainWindow
from desktop_cls.gui.state import Badge, PageKey
from tests.conftest import make_tiny_folder


def reopened(qtbot: QtBot, settings: Settings) -> MainWindow:
    """A window started on these settings, its last dataset (and model) reopened and read."""
    save_settings(settings)
    w = MainWindow(load_core=False)
    qtbot.addWidget(w, before_close_func=lambda win: win.shutdown())
    w.wait_until_core_loaded()
    w.reopen_last()
    qtbot.waitUntil(lambda: w.state.dataset is not None, timeout=60_000)
    return w


def test_the_reopened_run_is_shown_with_its_curves_outcome_and_badges(
        qtbot: QtBot, isolated_user_dirs: Path, trained_run: tuple[Path, Path]) -> None:
    run, data = trained_run
    w = reopened(qtbot, Settings(recent_folders=[str(data)], recent_runs=[str(run)],
                                 run_steps={str(run): ["evaluate"]}))
    monitor = w.train_page.monitor
    assert monitor.plots.epochs == [1, 2, 3, 4]  # the curves of its four epochs, read from its folder
    assert monitor.view.currentWidget() is monitor.plots
    status = monitor.progress_label.text()
    assert status.startswith("Done") and str(run) in status and "Ready to train" not in status
    assert "Finished 4 epochs" in monitor.log.toPlainText()
    badges = w.sidebar_icons.status
    assert badges[PageKey.TRAIN] == "done" and badges[PageKey.EVALUATE] == "done"
    assert badges[PageKey.EXPORT] == "none" and badges[PageKey.CLASSIFY] == "none"
    w.shutdown()


def test_steps_done_are_remembered_with_their_run(qtbot: QtBot, window: MainWindow,
                                                   trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, _data = trained_run
    other = tmp_path / "other.dcls"
    other.write_bytes(b"a model file")
    state, badges = window.state, window.sidebar_icons.status
    state.set_run(str(run))
    state.set_status(PageKey.EXPORT, Badge.DONE)
    state.set_run(str(other))
    assert badges[PageKey.EXPORT] == "none" and badges[PageKey.TRAIN] == "done"  # a model file is a model
    state.set_run(str(run))
    assert badges[PageKey.EXPORT] == "done"
    assert state.settings.run_steps == {str(run): ["export"]}


def test_the_method_carries_over_to_the_same_dataset_only(qtbot: QtBot, isolated_user_dirs: Path,
                                                          tmp_path: Path) -> None:
    first = make_tiny_folder(tmp_path / "first")
    other = make_tiny_folder(tmp_path / "other")
    chosen = Settings(last_train_config={"epochs": 40}, train_method="scratch", epochs_follow_method=False)
    for folder, kept in ((first, True), (other, False)):
        chosen.recent_folders = [str(folder)]
        chosen.train_choice_folder = str(first.resolve())
        w = reopened(qtbot, chosen)
        form = w.train_page.form
        method = form.method_choice.combo.currentData()
        assert (method, form.epochs_spin.value() == 40) == (("scratch", True) if kept else ("auto", False))
        w.shutdown()


def test_a_reopened_quick_run_shows_its_summary_not_empty_curves(qtbot: QtBot) -> None:
    from desktop_cls.core.training.fit_result import FitResult
    from desktop_cls.gui.pages.train.run_monitor import RunMonitor

    monitor = RunMonitor()
    saved = FitResult(run_dir="/runs/quick-1", classes=("cat", "dog"), epochs=1, epochs_done=1,
                      best_val_accuracy=0.75, best_epoch=1, train_seconds=3.0,
                      extra={"method": "quick", "class_accuracy": [0.5, 1.0], "val_images": 8, "cv_folds": 0})
    monitor.show_saved(saved, 8)
    assert monitor.view.currentWidget() is monitor.quick_summary
    assert monitor.quick_summary.headline.text() == "Accuracy 75.0%"
    assert monitor.progress_label.text().startswith("Done") and monitor.progress.value() == monitor.progress.maximum()


def test_a_run_of_another_dataset_is_not_shown_under_the_open_one(qtbot: QtBot, window: MainWindow,
                                                                   trained_run: tuple[Path, Path],
                                                                   tiny_folder: Path) -> None:
    from tests.gui.conftest import open_and_wait

    run, data = trained_run
    open_and_wait(qtbot, window, tiny_folder)
    monitor = window.train_page.monitor
    window.state.set_run(str(run))
    assert monitor.plots.epochs == [] and "Ready to train" in monitor.progress_label.text()
    open_and_wait(qtbot, window, data)  # its own dataset: choosing it again shows it
    window.state.set_run(str(run))
    assert monitor.plots.epochs == [1, 2, 3, 4]


def test_the_train_badge_is_done_only_for_a_model_of_the_open_folder(qtbot: QtBot, window: MainWindow,
                                                                       trained_run: tuple[Path, Path],
                                                                       tiny_folder: Path, tmp_path: Path) -> None:
    """With a run of another folder chosen, Train showed done for an open folder that has no model of its own."""
    from tests.gui.conftest import open_and_wait

    run, data = trained_run
    badges = window.sidebar_icons.status
    open_and_wait(qtbot, window, tiny_folder)
    window.state.set_run(str(run))  # trained on `data`, not on the open folder
    assert badges[PageKey.TRAIN] == "none"
    open_and_wait(qtbot, window, data)  # its own folder: now it is that folder's model
    assert window.state.run == str(run) and badges[PageKey.TRAIN] == "done"
    model_file = tmp_path / "picked.dcls"
    model_file.write_bytes(b"a model file")
    window.state.set_run(str(model_file))  # a model file knows no folder: the user's choice is a model
    assert badges[PageKey.TRAIN] == "done"

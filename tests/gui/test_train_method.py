"""The Train page's method: automatic (with its reason), the bundled pretrained backbone quick or fine-tuned,
from scratch, or custom."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_cls.core.training.config import TrainConfig
from desktop_cls.gui.pages.train.train_form import TrainForm
from desktop_cls.gui.shell.main_window import MainWindow
from tests.conftest import make_tiny_folder
from tests.gui.conftest import open_and_wait, opened


def pick(form: TrainForm, key: str) -> None:
    combo = form.method_choice.combo
    combo.setCurrentIndex(combo.findData(key))


def test_automatic_picks_the_pretrained_quick_mode_for_few_images_and_says_why(qtbot: QtBot, window: MainWindow,
                                                                               tiny_folder: Path) -> None:
    open_and_wait(qtbot, window, tiny_folder)
    form = window.train_page.form
    assert form.method_choice.combo.currentData() == "auto"
    assert form.model_combo.currentData() == "efficientnet_lite0" and form.pretrained_check.isChecked()
    assert "labeled images per class are few" in form.method_choice.hint.text()  # all learn: cross-validated
    assert "only a new last layer" in form.method_choice.hint.text()
    assert not form.epochs_spin.isEnabled()  # the quick mode has no epochs
    cfg = TrainConfig.from_dict(form.current_config_dict())
    assert (cfg.method, cfg.model, cfg.pretrained, cfg.image_size) == ("quick", "efficientnet_lite0", True, 224)


def test_the_quick_mode_greys_out_every_option_it_does_not_read(qtbot: QtBot, window: MainWindow,
                                                                tiny_folder: Path) -> None:
    """Warm-up epochs, early stopping, the optimizer and the schedule stayed open in the quick mode, which reads none
    of them (core's QUICK_UNUSED, which the command line warns about too)."""
    open_and_wait(qtbot, window, tiny_folder)
    form = window.train_page.form
    form.advanced.setChecked(True)  # collapsed, a checkable group box disables everything inside
    c = form.fields.controls
    for key in ("epochs", "warmup_epochs", "early_stopping_patience", "step_size", "optimizer", "schedule", "lr"):
        assert not c[key].isEnabled() and "Not used by the quick mode" in c[key].toolTip(), key
    for key in ("device", "val_fraction", "seed", "image_size"):
        assert c[key].isEnabled(), key
    pick(form, "fine-tune")
    assert c["early_stopping_patience"].isEnabled() and c["optimizer"].isEnabled()


def test_each_method_sets_the_model_and_a_hand_picked_model_is_custom(qtbot: QtBot, window: MainWindow,
                                                                      tiny_folder: Path) -> None:
    open_and_wait(qtbot, window, tiny_folder)
    form = window.train_page.form
    pick(form, "fine-tune")
    cfg = TrainConfig.from_dict(form.current_config_dict())
    assert (cfg.method, cfg.model, cfg.pretrained) == ("fine-tune", "efficientnet_lite0", True)
    assert form.epochs_spin.isEnabled() and "whole bundled network adapts" in form.method_choice.hint.text()
    pick(form, "scratch")
    cfg = TrainConfig.from_dict(form.current_config_dict())
    assert (cfg.method, cfg.model, cfg.pretrained) == ("scratch", "quicknet", False)
    pick(form, "quick")
    form.model_combo.setCurrentIndex(form.model_combo.findData("simple_cnn"))
    assert form.method_choice.combo.currentData() == "custom"
    assert TrainConfig.from_dict(form.current_config_dict()).method == "scratch"


def test_the_quick_method_says_it_uses_no_flips_and_greys_them_out(qtbot: QtBot, window: MainWindow,
                                                                   tiny_folder: Path) -> None:
    """The quick method computes features of each image as it is: a flips hint saying "Horizontal flip on"
    there contradicted it. Switching to a method that trains the network brings the data's reason back."""
    open_and_wait(qtbot, window, tiny_folder)
    form = window.train_page.form
    form.advanced.setChecked(True)  # a collapsed Advanced group greys out everything in it
    pick(form, "quick")
    hint = form.flips_follower.hint.text()
    assert hint.startswith("no flips: the quick method") and not form.flips_follower.use_button.isVisibleTo(form)
    assert not form.hflip_check.isEnabled() and not form.vflip_check.isEnabled()
    pick(form, "scratch")
    assert not form.flips_follower.hint.text().startswith("no flips") and form.hflip_check.isEnabled()


def test_a_saved_quick_config_reopens_as_the_quick_method(qtbot: QtBot, window: MainWindow) -> None:
    form = window.train_page.form
    form.apply_config(TrainConfig(model="efficientnet_lite0", pretrained=True, method="quick", image_size=224))
    assert form.method_choice.combo.currentData() == "quick"
    assert TrainConfig.from_dict(form.current_config_dict()).method == "quick"


def test_training_in_the_quick_mode_from_the_page(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    data = make_tiny_folder(tmp_path / "data", per_class=5)
    open_and_wait(qtbot, window, data)
    tp = window.train_page
    pick(tp.form, "quick")
    tp.form.image_size_spin.setValue(64)  # small: this is about the plumbing
    tp.form.device_combo.setCurrentIndex(tp.form.device_combo.findData("cpu"))
    bar: list[int] = []  # every value the bar takes (set on this thread by the page)
    tp.monitor.progress.valueChanged.connect(bar.append)
    qtbot.mouseClick(tp.buttons["trainButton"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tp.training.task is None and window.state.run is not None, timeout=180_000)
    assert window.state.run is not None
    run = Path(window.state.run)
    assert TrainConfig.load(run / "config.json").method == "quick"
    # "Computing image features 10/15…" moves the bar (it stayed at 0 % and jumped to full at the end)
    assert any(0 < v < 1000 for v in bar) and bar[-1] == 1000, bar
    # 5 per class are validated by cross-validation on all 15 images, not by the 5 of the validation split
    assert "5-fold cross-validation on all 15 labeled images" in tp.monitor.progress_label.text()
    assert (run / "model.safetensors").is_file()
    # one step, no epochs: the summary stands where the curves would be single points
    summary = tp.monitor.quick_summary
    assert tp.monitor.view.currentWidget() is summary
    assert summary.headline.text().startswith("Accuracy ") and "5-fold cross-validation" in summary.measured.text()
    assert summary.class_grid.rowCount() >= 1 and summary.bar.parts  # the classes and where the time went
    pick(tp.form, "scratch")
    tp.form.epochs_spin.setValue(1)
    qtbot.mouseClick(tp.buttons["trainButton"], Qt.MouseButton.LeftButton)
    assert tp.monitor.view.currentWidget() is tp.monitor.plots  # back for a run that has epochs
    qtbot.waitUntil(lambda: tp.training.task is None, timeout=180_000)


def test_fine_tune_takes_the_command_lines_epochs_rule_until_the_user_sets_them(qtbot: QtBot, window: MainWindow,
                                                                              tiny_folder: Path) -> None:
    from desktop_cls.core.training.methods import fine_tune_epochs

    open_and_wait(qtbot, window, tiny_folder)
    form = window.train_page.form
    n_train = sum(opened(window).counts("train").values())
    pick(form, "fine-tune")
    assert form.epochs_spin.value() == fine_tune_epochs(n_train) == 10  # few images: the longest fine-tune
    pick(form, "scratch")
    assert form.epochs_spin.value() == 15  # back to the form's own start
    form.epochs_spin.setValue(7)  # the user's number stays, whatever method comes next
    pick(form, "fine-tune")
    assert form.epochs_spin.value() == 7


def test_find_learning_rate_is_greyed_out_with_the_reason_in_the_quick_mode(qtbot: QtBot, window: MainWindow,
                                                                           tiny_folder: Path) -> None:
    open_and_wait(qtbot, window, tiny_folder)
    form = window.train_page.form
    pick(form, "quick")
    assert not form.find_lr_button.isEnabled() and "quick mode" in form.find_lr_button.toolTip()
    pick(form, "scratch")
    assert form.find_lr_button.isEnabled() and "range test" in form.find_lr_button.toolTip()
    form.set_lr_search_running(True)
    assert not form.find_lr_button.isEnabled()


def test_the_method_and_whether_the_epochs_follow_it_survive_a_restart(qtbot: QtBot, window: MainWindow,
                                                                        tiny_folder: Path) -> None:
    """Automatic stays Automatic: the settings keep the combo's choice, not the method it resolved to."""
    from desktop_cls.gui.shell.main_window import MainWindow

    open_and_wait(qtbot, window, tiny_folder)
    form = window.train_page.form
    assert form.method_choice.combo.currentData() == "auto"
    window.state.settings.last_train_config = form.current_config_dict()  # what starting a training saves
    window.save_settings()
    for method, epochs_set in (("auto", False), ("fine-tune", True)):
        pick(form, method)
        if epochs_set:
            form.epochs_spin.setValue(7)
        window.save_settings()
        again = MainWindow(load_core=False)
        qtbot.addWidget(again, before_close_func=lambda win: win.shutdown())
        again_form = again.train_page.form
        assert again_form.method_choice.combo.currentData() == method
        assert again_form.epochs_follow_method is not epochs_set
        if epochs_set:
            assert again_form.epochs_spin.value() == 7
        again.shutdown()


def test_a_counted_stage_moves_the_bar_until_the_batches_take_over(qtbot: QtBot) -> None:
    """The run monitor alone, without a window: it follows the training's events."""
    from desktop_cls.core.events import BatchEnd, StageChanged
    from desktop_cls.gui.pages.train.run_monitor import RunMonitor

    m = RunMonitor()
    m.begin(1, None, quick=True)  # a quick run: its features are most of the run, and move the bar
    m.event(StageChanged("computing image features", 96, 200))
    assert m.progress.value() == 480 and m.progress_label.text() == "Computing image features 96/200…"
    m.event(StageChanged("saving"))  # no count: the bar stays
    assert m.progress.value() == 480
    m.begin(4, None, quick=False)  # a loop run: loading comes before the epochs the bar counts, so it runs busy
    m.event(StageChanged("loading images", 200, 200))
    assert m.progress.maximum() == 0 and m.progress_label.text() == "Loading images 200/200…"
    m.event(BatchEnd(epoch=2, step=5, steps_per_epoch=10, global_step=15, loss=1.0, lr=0.1, images_per_s=50.0,
                 eta_s=10.0, gpu_memory_mb=0.0))
    assert m.progress.value() == 375  # 1.5 of 4 epochs: the per-batch progress as before
    m.event(StageChanged("loading images", 3, 10))
    assert m.progress.value() == 375  # once batches run, a stage does not move the bar back


def test_a_method_this_version_does_not_know_is_ignored_not_a_reset_of_the_settings(qtbot: QtBot,
                                                                                     isolated_user_dirs: Path) -> None:
    from desktop_cls.gui.settings import Settings, load_settings, save_settings
    from desktop_cls.gui.shell.main_window import MainWindow

    save_settings(Settings(recent_folders=["/kept"], train_method="a_future_method",
                           last_train_config=TrainConfig(epochs=9).to_dict()))
    settings, notice = load_settings()
    assert notice is None and settings.recent_folders == ["/kept"]  # the file is not set aside for it
    w = MainWindow(load_core=False)
    qtbot.addWidget(w, before_close_func=lambda win: win.shutdown())
    assert w.train_page.form.epochs_spin.value() == 9  # the saved options still apply
    w.shutdown()

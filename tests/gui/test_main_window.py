"""The app's whole flow, driven offscreen with pytest-qt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDoubleSpinBox, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from tests.conftest import make_tiny_folder
from tests.gui.conftest import (
    cell,
    child,
    choose_method,
    dataset_line,
    open_and_wait,
    set_fast_training,
    train_and_stop_after,
)

REPO = Path(__file__).resolve().parents[2]


def test_window_appears_before_torch_is_imported(tmp_path: Path) -> None:
    code = (
        "import sys, os\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from desktop_cls.gui.shell.main_window import MainWindow\n"
        "w = MainWindow(load_core=False); w.show(); app.processEvents()\n"
        "print('torch' in sys.modules, w.isVisible())\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO),
               DESKTOP_CLS_CONFIG_DIR=str(tmp_path / "c"), DESKTOP_CLS_DATA_DIR=str(tmp_path / "d"))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert r.stdout.split() == ["False", "True"], r.stderr


def test_required_controls_have_object_and_accessible_names(window: MainWindow) -> None:
    from PySide6.QtWidgets import QWidget

    names = ["datasetPathEdit", "openDatasetButton", "modelCombo", "epochsSpin", "batchSizeSpin",
             "learningRateSpin", "deviceCombo", "trainButton", "pauseButton", "stopButton", "trainProgress",
             "lossPlot", "accuracyPlot", "confusionView", "classifyFilesButton", "webcamButton", "exportButton"]
    for n in names:
        w = child(window, QWidget, n)
        assert w is not None, n
        assert w.accessibleName(), n


def test_welcome_state_then_open_dataset(qtbot: QtBot, window: MainWindow, tiny_folder: Path) -> None:
    w = window
    assert w.dataset_page.content.currentIndex() == 0  # empty state teaches what to do
    assert "demo" in w.dataset_page.empty.label.text()
    open_and_wait(qtbot, w, tiny_folder)
    dp = w.dataset_page
    assert dp.class_table.rowCount() == 3
    assert dp.thumb_model.rowCount() == 24
    assert "24" in dataset_line(w)
    assert w.windowTitle() == f"{tiny_folder.name} — desktop_cls"  # the window switcher names the dataset
    dp.class_filter.setCurrentIndex(2)
    assert dp.thumb_model.rowCount() == 8


def test_problems_are_listed(qtbot: QtBot, window: MainWindow, tiny_folder: Path) -> None:
    (tiny_folder / "dog" / "broken.png").write_bytes(b"not a png")
    open_and_wait(qtbot, window, tiny_folder)
    table = window.dataset_page.problems.table
    assert table.rowCount() == 1
    assert cell(table, 0, 0) == "broken.png"


def test_full_flow_train_evaluate_classify_export(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    w = window
    data = make_tiny_folder(tmp_path / "data", per_class=10)
    open_and_wait(qtbot, w, data)
    set_fast_training(w, epochs=2)
    tp = w.train_page
    qtbot.mouseClick(tp.buttons["trainButton"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tp.training.task is None and w.state.run is not None, timeout=120_000)
    assert tp.monitor.progress.value() == tp.monitor.progress.maximum()
    tp.monitor.plots.redraw()
    xs, _ = tp.monitor.plots.curve_train_loss.getData()
    assert len(xs) == 2 and len(tp.monitor.plots.curve_val_acc.getData()[0]) == 2
    assert len(tp.monitor.plots.curve_batch.getData()[0]) >= 2
    assert tp.past_runs.runs_list.count() == 1

    ev = w.evaluate_page
    assert ev.model_edit.text() == w.state.run
    qtbot.mouseClick(ev.buttons["evaluateButton"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ev.model.result is not None, timeout=60_000)
    assert ev.confusion.rowCount() == 3 and ev.confusion.columnCount() == 3
    assert ev.model.result is not None
    cm = ev.model.result["confusion_matrix"]
    ev.confusion.setCurrentCell(0, 0)
    assert ev.mistakes.model.rowCount() == cm[0][0]
    ev.confusion.setCurrentCell(1, 0)
    assert ev.mistakes.model.rowCount() == cm[1][0]

    cp = w.classify_page
    qtbot.waitUntil(lambda: cp.model.loaded, timeout=60_000)
    cp.classify_paths([str(data / "cat" / "cat_00.png")])
    qtbot.waitUntil(lambda: len(cp.results.predictions) == 1 and cp.buttons["classifyFolderButton"].isEnabled(),
                    timeout=60_000)  # rows stream in; the request has ended when the buttons come back
    assert cp.preview.caption.text().split(" — ")[0] in ("cat", "dog", "fish")
    cp.classify_paths([str(data / "dog")])
    qtbot.waitUntil(lambda: len(cp.results.predictions) == 10 and cp.buttons["classifyFolderButton"].isEnabled(),
                    timeout=60_000)  # rows stream in; the request has ended when the buttons come back
    assert cp.results.model.rowCount() == 10

    xp = w.export_page
    xp.dest_edit.setText(str(tmp_path / "exports"))
    for fmt, c in xp.checks.items():
        c.setChecked(fmt in ("safetensors", "torchscript", "onnx"))
    qtbot.mouseClick(xp.buttons["exportButton"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: xp.results.table.rowCount() == 4, timeout=120_000)  # the trained model + 3 exports
    assert [cell(xp.results.table, r, 3) for r in range(1, 4)] == ["100.0%"] * 3
    meta = json.loads(xp.results.meta_view.toPlainText())
    assert meta["classes"] == ["cat", "dog", "fish"]


def test_pause_resume_and_stop(qtbot: QtBot, window: MainWindow, tiny_folder: Path) -> None:
    w = window
    open_and_wait(qtbot, w, tiny_folder)
    set_fast_training(w, epochs=200)
    tp = w.train_page
    tp.form.batch_spin.setValue(1)
    with qtbot.waitSignal(tp.monitor.progress_text, timeout=60_000):
        tp.start()
    assert tp.training.task is not None and tp.training.task.pause is not None
    pause = tp.training.task.pause
    qtbot.mouseClick(tp.buttons["pauseButton"], Qt.MouseButton.LeftButton)
    assert pause.is_paused() and tp.buttons["pauseButton"].text() == "Resume"
    qtbot.mouseClick(tp.buttons["pauseButton"], Qt.MouseButton.LeftButton)
    assert not pause.is_paused()
    qtbot.mouseClick(tp.buttons["pauseButton"], Qt.MouseButton.LeftButton)  # stop while paused must still end
    qtbot.mouseClick(tp.buttons["stopButton"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tp.training.task is None, timeout=60_000)
    assert tp.buttons["trainButton"].isEnabled() and not tp.buttons["stopButton"].isEnabled()
    assert "Stopp" in tp.monitor.log.toPlainText()


def test_close_while_training_stops_cleanly(qtbot: QtBot, tiny_folder: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.gui.shell.main_window import MainWindow

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    w = MainWindow(load_core=False)
    w.show()
    w.wait_until_core_loaded()
    open_and_wait(qtbot, w, tiny_folder)
    set_fast_training(w, epochs=500)
    with qtbot.waitSignal(w.train_page.monitor.progress_text, timeout=60_000):
        w.train_page.start()
    task = w.train_page.training.task
    assert task is not None and w.close()
    assert not task.is_running()
    assert not w.tasks.running()


def test_worker_exception_reaches_the_user(qtbot: QtBot, window: MainWindow, tiny_folder: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.core.training import run

    def boom(*a: object, **k: object) -> None:
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(run, "fit", boom)
    open_and_wait(qtbot, window, tiny_folder)
    window.train_page.start()
    qtbot.waitUntil(lambda: window.train_page.training.task is None, timeout=30_000)

    def error_box() -> QMessageBox | None:
        for wd in QApplication.topLevelWidgets():
            if isinstance(wd, QMessageBox) and wd.objectName() == "errorDialog" and wd.isVisible():
                return wd
        return None

    qtbot.waitUntil(lambda: error_box() is not None)
    box = error_box()
    assert box is not None
    assert "simulated failure" in box.text() and "Traceback" in box.detailedText()
    box.close()


def test_webcam_without_camera_shows_a_message(qtbot: QtBot, window: MainWindow) -> None:
    cp = window.classify_page
    window.show_page("classify")
    qtbot.mouseClick(cp.buttons["webcamButton"], Qt.MouseButton.LeftButton)
    assert not cp.live.webcam.running  # no camera on a test machine (Qt Multimedia itself must load)
    assert cp.live.webcam.message.isVisible()
    assert cp.live.webcam.message.text().startswith("No camera found")
    assert not cp.buttons["webcamButton"].isChecked()


def test_webcam_frames_are_dropped_while_the_model_is_busy(qtbot: QtBot, window: MainWindow,
                                                           trained_run: tuple[Path, Path]) -> None:
    from PySide6.QtGui import QImage

    cp = window.classify_page
    window.state.set_run(str(trained_run[0]))
    qtbot.waitUntil(lambda: cp.model.loaded, timeout=60_000)
    img = QImage(64, 48, QImage.Format.Format_RGB888)
    img.fill(Qt.GlobalColor.red)
    for _ in range(20):
        cp.live.show(img)
    assert cp.model.frames_shown == 20
    qtbot.waitUntil(lambda: cp.model.frames_classified >= 1 and not cp.model.frame_busy, timeout=30_000)
    assert cp.model.frames_classified < 20  # newest frame only: no backlog of queued frames
    assert cp.model.last_frame_pred.label in ("cat", "dog", "fish")


def test_keyboard_navigation(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtTest import QTest

    for i, key in enumerate(["data", "label", "train", "evaluate", "classify", "export"]):
        QTest.keyClick(window, Qt.Key(Qt.Key.Key_1 + i), Qt.KeyboardModifier.ControlModifier)
        assert window.stack.currentIndex() == i, key


def test_ctrl_t_trains_from_the_keyboard(qtbot: QtBot, window: MainWindow, tiny_folder: Path) -> None:
    from PySide6.QtTest import QTest

    open_and_wait(qtbot, window, tiny_folder)
    set_fast_training(window, epochs=1)
    QTest.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.current_page() is window.train_page
    qtbot.waitUntil(lambda: window.train_page.training.task is None and window.state.run is not None, timeout=60_000)


def test_settings_persist_and_corrupt_file_falls_back(qtbot: QtBot, tiny_folder: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.gui.settings import load_settings, settings_path
    from desktop_cls.gui.shell.main_window import MainWindow

    w = MainWindow(load_core=False)
    w.wait_until_core_loaded()
    open_and_wait(qtbot, w, tiny_folder)
    w.train_page.form.epochs_spin.setValue(7)
    qtbot.waitUntil(lambda: not w.tasks.running(), timeout=30_000)
    assert w.close()
    s, notice = load_settings()
    assert notice is None and s.recent_folders[0] == str(tiny_folder.resolve())
    assert s.last_train_config["epochs"] == 7
    w2 = MainWindow(load_core=False)
    assert w2.train_page.form.epochs_spin.value() == 7
    w2.shutdown()

    settings_path().write_text("{ not json")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    w3 = MainWindow(load_core=False)
    qtbot.waitUntil(lambda: bool(shown))
    assert "could not be read" in shown[0]
    assert settings_path().with_name("settings.json.bad").exists()
    w3.shutdown()


def test_every_training_option_is_in_the_form(window: MainWindow) -> None:
    from desktop_cls.core.training.config import Augmentation, TrainConfig

    cfg = TrainConfig(model="resnet18", image_size=64, epochs=9, batch_size=12, optimizer="sgd", lr=0.02,
                      momentum=0.8, nesterov=False, weight_decay=0.001, schedule="step", warmup_epochs=1.5,
                      step_size=3, step_gamma=0.5, label_smoothing=0.05, grad_clip=2.0,
                      augmentation=Augmentation(hflip=False, vflip=True, rotation_degrees=15,
                                                random_resized_crop=False, color_jitter=0.2),
                      class_weighting=True, early_stopping_patience=4, device="cpu", precision="fp32",
                      channels_last=False, compile=True, seed=5, val_fraction=0.3, pretrained=True,
                      weights_file="/some/weights.pth", download_weights=True, num_workers=3, cache_images="disk")
    tp = window.train_page
    tp.form.apply_config(cfg)
    tp.form.device_combo.setCurrentIndex(tp.form.device_combo.findData("cpu"))
    assert TrainConfig.from_dict(tp.form.current_config_dict()) == cfg


def test_paused_webcam_ignores_new_frames(window: MainWindow) -> None:
    from PySide6.QtGui import QImage

    from desktop_cls.gui.pages.classify.webcam import FrameSource

    cp = window.classify_page
    source = FrameSource()
    cp.live.webcam.set_source(source)
    img = QImage(8, 8, QImage.Format.Format_RGB888)
    img.fill(Qt.GlobalColor.blue)
    source.frame_arrived.emit(img)
    assert cp.model.frames_shown == 1
    cp.live.webcam.pause_button.setChecked(True)
    source.frame_arrived.emit(img)
    assert cp.model.frames_shown == 1


def test_save_configuration_as_run_file(window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    from desktop_cls.core.training.config import TrainConfig

    target = tmp_path / "my-run.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.train_page.form.epochs_spin.setValue(42)
    window.train_page.save_config_file()
    assert TrainConfig.load(target).epochs == 42


def test_image_size_follows_the_data_until_the_user_picks_one(qtbot: QtBot, window: MainWindow,
                                                              tmp_path: Path) -> None:
    from desktop_cls.gui.settings import load_settings
    from tests.conftest import make_tiny_folder
    from tests.gui.conftest import choose_method

    form = window.train_page.form
    choose_method(form, "scratch")  # QuickNet's sizes; the pretrained backbone always starts at 224 px
    assert form.batch_spin.value() == 0 and form.batch_spin.text() == "auto"
    open_and_wait(qtbot, window, make_tiny_folder(tmp_path / "a", size=60, per_class=3))
    assert form.image_size_spin.value() == 64
    assert "typically 60×60" in form.size_follower.hint.text() and form.size_follower.use_button.isHidden()
    form.image_size_spin.setValue(40)  # the user's own choice is kept...
    open_and_wait(qtbot, window, make_tiny_folder(tmp_path / "b", size=20, per_class=3))
    assert form.method_choice.combo.currentData() == "auto"  # another dataset: the method is chosen for it again
    choose_method(form, "scratch")
    assert form.image_size_spin.value() == 40
    assert form.size_follower.hint.text().startswith("Suggested 32 px") and not form.size_follower.use_button.isHidden()
    window.save_settings()  # what closing the window does
    assert load_settings()[0].image_size_follows_data is False  # ...across restarts too
    form.size_follower.use_button.click()  # ...until the suggestion is taken
    assert form.image_size_spin.value() == 32 and form.size_follower.use_button.isHidden()
    form.model_combo.setCurrentIndex(form.model_combo.findData("resnet18"))
    # the automatic method's ImageNet tick (before "From scratch" was chosen) was never the user's: it stays off
    assert not form.pretrained_check.isChecked()
    assert form.image_size_spin.value() == 64  # 20 px images: no point in 224 px from scratch
    form.pretrained_check.setChecked(True)
    assert form.image_size_spin.value() == 224 and "pretrained" in form.size_follower.hint.text()


def test_class_names_are_not_cut_off_at_1280x800(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    from tests.conftest import make_tiny_folder

    window.resize(1280, 800)
    open_and_wait(qtbot, window, make_tiny_folder(tmp_path / "d", classes=("horizontal_stripes", "b"),
                                                  per_class=2))
    table = window.dataset_page.class_table
    qtbot.waitUntil(lambda: table.rowCount() == 2)
    needed = table.fontMetrics().horizontalAdvance("horizontal_stripes")
    assert table.columnWidth(0) >= needed
    assert "typically 16×16 px" in window.dataset_page.summary.text()


def test_train_options_are_not_hidden_behind_a_horizontal_scrollbar(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(1280, 800)
    window.show_page("train")
    tp = window.train_page
    tp.form.advanced.setChecked(True)  # the widest state of the form
    bar = tp.form_scroll.horizontalScrollBar()

    def everything_fits() -> bool:
        return tp.form_scroll.viewport().width() >= tp.form.minimumSizeHint().width() and not bar.isVisible()

    qtbot.waitUntil(everything_fits, timeout=30_000)


def test_stop_resume_continue_the_same_curves_and_log(qtbot: QtBot, window: MainWindow, tiny_folder: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Stop at epoch 3 of 6: the bar shows half, not 100 %; Resume keeps epochs 1-3 on the curves and
    in the log, which is about this run only."""
    w = window
    tp = w.train_page
    open_and_wait(qtbot, w, tiny_folder)
    assert "No training yet" not in tp.monitor.progress_label.text()
    assert "Ready to train on" in tp.monitor.progress_label.text()
    set_fast_training(w, epochs=6)
    tp.monitor.line("a line from before this run")
    run = train_and_stop_after(qtbot, w, monkeypatch, epoch=3)
    assert tp.monitor.progress.value() == tp.monitor.progress.maximum() // 2
    assert "a line from before this run" not in tp.monitor.log.toPlainText()
    assert "Stopped at epoch 3 of 6" in tp.monitor.progress_label.text()

    tp.resume(run)
    qtbot.waitUntil(lambda: tp.training.task is None, timeout=60_000)
    tp.monitor.plots.redraw()
    xs, _ = tp.monitor.plots.curve_train_loss.getData()
    assert list(xs) == [1, 2, 3, 4, 5, 6]
    assert list(tp.monitor.plots.curve_val_acc.getData()[0]) == [1, 2, 3, 4, 5, 6]
    log = tp.monitor.log.toPlainText()
    assert [f"Epoch {i}/6" in log for i in range(1, 7)] == [True] * 6
    assert log.count("Epoch 1/6") == 1 and "Training started" not in log
    assert tp.monitor.progress.value() == tp.monitor.progress.maximum()


def test_flips_follow_the_data_until_set_and_say_why(qtbot: QtBot, window: MainWindow, tmp_path: Path,
                                                     tiny_folder: Path) -> None:
    from tests.conftest import make_digits_folder
    from tests.gui.conftest import choose_method

    form = window.train_page.form
    form.advanced.setChecked(True)
    digits = make_digits_folder(tmp_path / "scans", per_class=3)
    open_and_wait(qtbot, window, digits)
    assert "quick method" in form.flips_follower.hint.text()  # the automatic choice here: no flips at all

    def open_to_train_whole_network(folder: Path) -> None:
        """Flips matter when the whole network trains; each newly opened dataset gets the automatic method back."""
        open_and_wait(qtbot, window, folder)
        choose_method(form, "scratch")

    open_to_train_whole_network(digits)
    assert not form.hflip_check.isChecked() and not form.vflip_check.isChecked()
    assert "digits or letters" in form.flips_follower.hint.text()
    assert not form.flips_follower.use_button.isVisibleTo(form)
    assert form.current_config_dict()["augmentation"]["hflip"] is False
    open_to_train_whole_network(tiny_folder)
    assert form.hflip_check.isChecked() and "mirrored photo" in form.flips_follower.hint.text()
    form.hflip_check.setChecked(False)  # the user's choice now wins over the data
    open_to_train_whole_network(digits)
    open_to_train_whole_network(tiny_folder)
    assert not form.hflip_check.isChecked() and form.flips_follower.hint.text().startswith("Suggested")
    form.flips_follower.use_button.click()
    assert form.hflip_check.isChecked()


def test_options_that_do_not_apply_are_greyed_out(window: MainWindow) -> None:
    from tests.gui.conftest import choose_method

    form = window.train_page.form
    choose_method(form, "scratch")  # the quick method has no optimizer or epochs at all
    c = form.fields.controls
    form.advanced.setChecked(True)  # collapsed, a checkable group box disables everything inside

    def choose(key: str, value: str) -> None:
        combo = c[key]
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(combo.findData(value))

    choose("optimizer", "adamw")
    choose("schedule", "one_cycle")
    assert not c["momentum"].isEnabled() and not c["nesterov"].isEnabled()
    assert not c["step_size"].isEnabled() and not c["step_gamma"].isEnabled()
    assert not c["warmup_epochs"].isEnabled() and "Only used by the SGD optimizer" in c["momentum"].toolTip()
    form.advanced.setChecked(False)
    form.advanced.setChecked(True)  # re-enabling the group keeps what does not apply greyed
    assert not c["momentum"].isEnabled() and form.epochs_spin.isEnabled()
    choose("optimizer", "sgd")
    choose("schedule", "step")
    assert c["momentum"].isEnabled() and c["step_size"].isEnabled() and c["warmup_epochs"].isEnabled()
    assert "Only used" not in c["momentum"].toolTip()
    fraction = c["val_fraction"]
    assert isinstance(fraction, QDoubleSpinBox)
    fraction.setValue(0)
    assert not c["calibrate"].isEnabled()

    choose("model", "resnet18")
    form.pretrained_check.setChecked(True)
    assert c["download_weights"].isEnabled()
    choose("model", "quicknet")
    assert not form.pretrained_check.isEnabled() and not form.pretrained_check.isChecked()  # never ticked-but-off
    assert "ImageNet" in form.pretrained_check.toolTip() and not c["download_weights"].isEnabled()
    assert form.current_config_dict()["pretrained"] is False
    choose("model", "resnet18")
    assert form.pretrained_check.isChecked() and c["download_weights"].isEnabled()  # the choice comes back


def test_train_and_test_folders_read_as_splits_in_the_app(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    from tests.conftest import make_digits_folder

    root = tmp_path / "kaggle"
    make_digits_folder(root / "train", per_class=5)
    make_digits_folder(root / "test", per_class=2, start=5)
    open_and_wait(qtbot, window, root)
    index = window.state.dataset
    assert index is not None
    assert index.classes == tuple(str(i) for i in range(10))  # not two classes "test" and "train"
    assert len(index.split("test")) == 20 and len(index.split("val")) == 10
    text = window.dataset_page.summary.text()
    assert "kept for the final evaluation" in text
    choose_method(window.train_page.form, "quick")  # 5 per class: cross-validated on all 50 labelled
    assert "on all 50 labeled images (20 test images kept apart)" in window.dataset_page.summary.text()
    choose_method(window.train_page.form, "fine-tune")  # holds a share of train/ out
    assert "no val/ folder" in window.dataset_page.summary.text()


def test_a_task_is_quiet_when_its_window_was_deleted_while_it_ran(qtbot: QtBot,
                                                                  capfd: pytest.CaptureFixture[str]) -> None:
    """Closing the window while torch still loads deletes the runner under the task: its last reports go
    nowhere instead of raising "Signal source has been deleted" on the task's thread."""
    import threading

    import shiboken6

    from desktop_cls.gui.work.tasks import TaskRunner

    go = threading.Event()
    runner = TaskRunner()
    task = runner.start("engine", lambda progress, cancel: go.wait(10))
    for relay in runner.findChildren(QObject):  # the relay and its signals, as the window's destruction does
        if shiboken6.isValid(relay) and type(relay).__name__ == "_Relay":
            shiboken6.delete(relay)
    go.set()
    assert task.wait(10_000)
    runner.stop_all()
    assert "Traceback" not in capfd.readouterr().err

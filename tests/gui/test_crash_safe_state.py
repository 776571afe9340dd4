"""Pick up where you left off: settings are written as they change (a hard abort loses at most the last
change), an interrupted training is offered for resume, and the last dataset and model reopen."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from tests.conftest import make_tiny_folder
from tests.gui.conftest import open_and_wait, opened

REPO = Path(__file__).resolve().parents[2]

ABORT_AFTER_EDITS = """
import os, sys, time
from PySide6.QtWidgets import QApplication
app = QApplication([])
from desktop_cls.gui.shell.main_window import MainWindow
w = MainWindow(load_core=False)
w.show()
w.wait_until_core_loaded()
w.open_dataset(sys.argv[1])
end = time.monotonic() + 60
while w.state.dataset is None and time.monotonic() < end:
    app.processEvents()
    time.sleep(0.01)
w.train_page.form.epochs_spin.setValue(7)
assert w.autosave.pending()
end = time.monotonic() + 60  # until the autosave has written the edit (however slow the machine)
while w.autosave.pending() and time.monotonic() < end:
    app.processEvents()
    time.sleep(0.01)
print("aborting", flush=True)
os.abort()  # what "Fatal Python error" does: no close event, no atexit
"""


def test_settings_survive_a_hard_abort(tmp_path: Path) -> None:
    from desktop_cls.gui.settings import load_settings

    data = make_tiny_folder(tmp_path / "data")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    r = subprocess.run([sys.executable, "-c", ABORT_AFTER_EDITS, str(data)], capture_output=True, text=True,
                       env=env, timeout=300)
    assert r.returncode == -signal.SIGABRT and "aborting" in r.stdout, r.stderr[-2000:]
    settings, notice = load_settings()
    assert notice is None
    assert settings.recent_folders[0] == str(data.resolve())
    assert settings.last_train_config["epochs"] == 7


def test_a_change_is_on_disk_before_the_window_closes(qtbot: QtBot, window: MainWindow, tiny_folder: Path) -> None:
    from desktop_cls.gui.settings import settings_path

    open_and_wait(qtbot, window, tiny_folder)
    assert window.autosave.wait_written()  # handed to the settings lane at once (no burst timer to wait for)
    on_disk = json.loads(settings_path().read_text(encoding="utf-8"))
    assert on_disk["recent_folders"][0] == str(tiny_folder.resolve())  # written at once, not at close
    window.train_page.form.epochs_spin.setValue(11)
    assert window.autosave.pending()  # a burst of edits is written once
    qtbot.waitUntil(lambda: json.loads(settings_path().read_text(encoding="utf-8"))
                    ["last_train_config"]["epochs"] == 11, timeout=5000)


def interrupted_run(tmp_path: Path) -> Path:
    """A real one-epoch run, then left as a dead process leaves it: 'running', owner gone, 2 epochs asked."""
    from desktop_cls.core import run_dir as rd
    from desktop_cls.core.storage import write_json
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.run import fit

    data = make_tiny_folder(tmp_path / "data", per_class=6)
    run = Path(fit(TrainConfig(model="simple_cnn", epochs=1, batch_size=4, image_size=16, device="cpu"),
                   data).run_dir)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    rd.update_run_info(run, status="running", pid=gone.pid, host=socket.gethostname(), pid_started=None)
    cfg = json.loads((run / rd.CONFIG).read_text(encoding="utf-8"))
    write_json(run / rd.CONFIG, {**cfg, "epochs": 2})
    return run


def test_an_interrupted_run_is_offered_and_resumed(qtbot: QtBot, tmp_path: Path) -> None:
    from desktop_cls.core import run_dir as rd
    from desktop_cls.core.run_status import RunStatus
    from desktop_cls.gui.shell.main_window import MainWindow

    run = interrupted_run(tmp_path)
    w = MainWindow(load_core=False)
    qtbot.addWidget(w, before_close_func=lambda win: win.shutdown())
    w.show()
    banner = w.interrupted_banner
    assert banner.isVisible() and run.name in banner.label.text() and "after epoch 1" in banner.label.text()
    assert not banner.resume_button.isEnabled()  # until the engine has loaded
    w.wait_until_core_loaded()
    listed = [w.train_page.past_runs.runs_list.item(i).text() for i in range(w.train_page.past_runs.runs_list.count())]
    assert any(t.startswith(run.name) for t in listed)
    qtbot.mouseClick(banner.resume_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible() and w.stack.current_page() is w.train_page
    qtbot.waitUntil(lambda: w.train_page.training.task is None and rd.read_run_info(run)["status"] != "running",
                    timeout=120_000)
    assert [r["epoch"] for r in rd.read_metrics(run)] == [1, 2]
    assert rd.run_status(run) != RunStatus.INTERRUPTED
    w.shutdown()


def test_a_dismissed_run_is_not_offered_again(qtbot: QtBot, tmp_path: Path) -> None:
    from desktop_cls.core import run_dir as rd
    from desktop_cls.core.run_status import RunStatus
    from desktop_cls.gui.shell.main_window import MainWindow

    run = interrupted_run(tmp_path)
    w = MainWindow(load_core=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.mouseClick(w.interrupted_banner.dismiss_button, Qt.MouseButton.LeftButton)
    assert not w.interrupted_banner.isVisible()
    w.shutdown()
    w2 = MainWindow(load_core=False)
    qtbot.addWidget(w2)
    w2.show()
    assert not w2.interrupted_banner.isVisible()
    assert rd.run_status(run) == RunStatus.INTERRUPTED  # still resumable from the Train page's menu and the CLI
    w2.shutdown()


def test_the_last_dataset_and_model_reopen(qtbot: QtBot, tiny_folder: Path, trained_run: tuple[Path, Path]) -> None:
    from desktop_cls.gui.settings import Settings, save_settings
    from desktop_cls.gui.shell.main_window import MainWindow

    save_settings(Settings(recent_folders=[str(tiny_folder), str(tiny_folder / "gone")],
                           recent_runs=[str(trained_run[0])]))
    w = MainWindow(load_core=False)
    qtbot.addWidget(w, before_close_func=lambda win: win.shutdown())
    w.show()
    w.wait_until_core_loaded()
    w.reopen_last()
    qtbot.waitUntil(lambda: w.state.dataset is not None and w.classify_page.model.loaded,
                    timeout=60_000)
    assert Path(opened(w).root) == tiny_folder.resolve()
    assert w.classify_page.controls.model_edit.text() == str(trained_run[0])
    assert w.classify_page.content.currentIndex() == 1  # Classify is ready, not the empty state
    w.shutdown()


def test_started_on_a_folder_the_last_model_comes_back_only_if_it_was_trained_on_it(
        qtbot: QtBot, tiny_folder: Path, trained_run: tuple[Path, Path]) -> None:
    from desktop_cls.gui.settings import Settings, save_settings
    from desktop_cls.gui.shell.main_window import MainWindow

    run, its_data = trained_run
    for folder, model_expected in ((its_data, True), (tiny_folder, False)):
        save_settings(Settings(recent_folders=[str(tiny_folder)], recent_runs=[str(run)]))
        w = MainWindow(load_core=False)
        qtbot.addWidget(w, before_close_func=lambda win: win.shutdown())
        w.wait_until_core_loaded()
        w.reopen_last(str(folder))
        qtbot.waitUntil(lambda win=w: win.state.dataset is not None, timeout=60_000)  # type: ignore[misc]
        assert Path(opened(w).root) == Path(folder).resolve()
        assert (w.state.run == str(run)) is model_expected
        w.shutdown()


def test_reopen_skips_what_no_longer_exists(qtbot: QtBot, tmp_path: Path) -> None:
    from desktop_cls.gui.settings import Settings, save_settings
    from desktop_cls.gui.shell.main_window import MainWindow

    save_settings(Settings(recent_folders=[str(tmp_path / "moved")], recent_runs=[str(tmp_path / "deleted")]))
    w = MainWindow(load_core=False)
    qtbot.addWidget(w)
    w.reopen_last()
    assert w.state.dataset is None and w.state.run is None
    w.shutdown()

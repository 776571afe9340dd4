"""The app under stress: hostile model files, worker crashes, and closing in the middle of work."""

from __future__ import annotations

import pickle
import shutil
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import open_and_wait, set_fast_training


class _Plant:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (open, (self.marker, "w"))


def _error_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "errorDialog" and w.isVisible()]


def test_gui_refuses_a_pickled_model(qtbot: QtBot, window: MainWindow, trained_run: tuple[Path, Path],
                                     tmp_path: Path) -> None:
    marker = tmp_path / "code_ran"
    model = tmp_path / "evil.pt"
    with open(model, "wb") as f:
        pickle.dump({"model": {"w": _Plant(str(marker))}}, f)
    shutil.copy(trained_run[0] / "model.json", tmp_path / "evil.json")
    window.classify_page.load_model(str(model))
    qtbot.waitUntil(lambda: bool(_error_boxes()), timeout=30_000)
    assert "refused" in _error_boxes()[0].text()
    assert not marker.exists() and not window.classify_page.model.loaded
    for b in _error_boxes():
        b.close()


def test_torchscript_asks_before_opening(qtbot: QtBot, window: MainWindow, trained_run: tuple[Path, Path],
                                         tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.core.inference.export import export_model

    res = export_model(trained_run[0], "torchscript", tmp_path / "m")
    asked: list[str] = []

    def decline(*a: object, **k: object) -> QMessageBox.StandardButton:
        asked.append(str(a[2]))
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", decline)
    window.classify_page.load_model(res.path)
    assert asked and "code" in asked[0]
    assert not window.classify_page.model.loaded


def test_uncaught_errors_are_logged(tmp_path: Path, isolated_user_dirs: Path) -> None:
    from desktop_cls.core.storage import user_log_dir
    from desktop_cls.gui.shell.app import install_exception_hooks, setup_logging

    old_sys, old_thread = sys.excepthook, threading.excepthook
    try:
        setup_logging()
        install_exception_hooks()
        assert sys.excepthook is not old_sys and threading.excepthook is not old_thread

        def fail() -> None:
            raise ValueError("boom in a thread")

        t = threading.Thread(target=fail)
        t.start()
        t.join()
        for h in __import__("logging").getLogger("desktop_cls").handlers:
            h.flush()
        assert "boom in a thread" in (user_log_dir() / "desktop_cls.log").read_text()
    finally:
        sys.excepthook, threading.excepthook = old_sys, old_thread


@pytest.mark.parametrize("work", ["training", "scanning", "exporting"])
def test_closing_during_work_exits_cleanly_20_times(qtbot: QtBot, tiny_folder: Path, work: str,
                                                    trained_run: tuple[Path, Path], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.gui.shell.main_window import MainWindow

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    for i in range(20):
        w = MainWindow(load_core=False)
        w.show()
        w.wait_until_core_loaded()
        if work == "training":
            open_and_wait(qtbot, w, tiny_folder)
            set_fast_training(w, epochs=500)
            w.train_page.start()
        elif work == "scanning":
            w.open_dataset(tiny_folder)
        else:
            w.export_page.model_edit.setText(str(trained_run[0]))
            w.export_page.dest_edit.setText(str(tmp_path / f"exports{i}"))
            w.export_page.export()
        assert w.close()
        assert not w.tasks.running()
        assert w.train_page.training.task is None or not w.train_page.training.task.is_running()
        assert not any(t.is_running() for t in w.tasks.tasks)  # every lane joined: nothing queued or running
        w.deleteLater()


def test_closing_during_a_scan_does_not_ask(qtbot: QtBot, tiny_folder: Path, isolated_user_dirs: Path) -> None:
    """Reading a folder is redone next time: nothing to lose, so no question (any dialog fails this test)."""
    from desktop_cls.gui.shell.main_window import MainWindow

    w = MainWindow(load_core=False)
    w.show()
    w.wait_until_core_loaded()
    w.open_dataset(tiny_folder)
    assert w.close()
    assert not w.tasks.running()
    w.deleteLater()

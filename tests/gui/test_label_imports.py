"""Copying images in (Import images…, drops on a class button) runs off the UI thread behind the Label page's
status line, with progress and a Cancel that keeps what was copied as one step; Ctrl+Z puts the copies into the
dataset's trash and Redo brings them back; files that could not be copied are named with the reason."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_cls.core.data import importing
from desktop_cls.core.data.labeling import STATE_DIR, TRASH
from desktop_cls.core.events import CancelToken
from desktop_cls.gui.shell.main_window import MainWindow
from tests.conftest import write_image
from tests.gui.conftest import child, open_and_wait


def _photos(folder: Path, n: int) -> list[str]:
    return [str(write_image(folder / f"p{i}.png", np.full((8, 8, 3), 20 * i, np.uint8))) for i in range(n)]


def _boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def test_import_runs_in_the_background_and_cancel_keeps_what_was_copied(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    srcs = _photos(tmp_path / "camera", 5)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: (srcs, ""))
    on_ui_thread: list[bool] = []
    third, release = threading.Event(), threading.Event()
    real = importing.copy_one

    def slow_disk(src: str, root: Path, rel: str, cancel: CancelToken | None) -> None:
        on_ui_thread.append(threading.current_thread() is threading.main_thread())
        if src.endswith("p2.png") and not on_ui_thread[-1]:  # (on the UI thread, waiting would freeze the test)
            third.set()
            release.wait(30)
        real(src, root, rel, cancel)

    monkeypatch.setattr(importing, "copy_one", slow_disk)
    open_and_wait(qtbot, window, tiny_folder)
    window.show_page("label")
    lp = window.label_page
    lp.classes.import_images()  # returns at once: the copying is a request on the status line
    qtbot.waitUntil(third.is_set, timeout=30_000)
    assert on_ui_thread and not any(on_ui_thread)
    assert lp.status_line.isVisible() and lp.status_line.cancel_button.isVisible()
    qtbot.waitUntil(lambda: lp.status_line.label.text().startswith("Copying p"), timeout=30_000)  # what, how far
    assert lp.status_line.bar.maximum() == 5
    qtbot.mouseClick(lp.status_line.cancel_button, Qt.MouseButton.LeftButton)
    release.set()
    qtbot.waitUntil(lambda: not lp.model.moving and not lp.status_line.isVisible(), timeout=30_000)
    assert sorted(lp.model.queue) == ["p0.png", "p1.png"]  # copied before Cancel: kept, waiting for a class
    assert not (tiny_folder / "p2.png").exists() and all(Path(s).exists() for s in srcs)
    told = _boxes()
    assert told and "2 images imported" in told[0].text() and "Ctrl+Z" in told[0].text()
    undo = child(window, QAction, "undoAction")
    assert undo.text() == "&Undo import of 2 images"
    undo.trigger()
    assert not (tiny_folder / "p0.png").exists()
    trashed = sorted(p.name for p in (tiny_folder / STATE_DIR / TRASH).rglob("*.png"))
    assert trashed == ["p0.png", "p1.png"]  # the app's own copies, in the dataset's trash (Empty trash: the OS one)
    child(window, QAction, "redoAction").trigger()
    assert (tiny_folder / "p0.png").exists() and (tiny_folder / "p1.png").exists()


def test_images_dropped_on_a_class_from_elsewhere_come_in_the_background(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, tmp_path: Path) -> None:
    srcs = _photos(tmp_path / "camera", 3)
    doc = tmp_path / "camera" / "notes.txt"
    doc.write_text("not a picture")
    open_and_wait(qtbot, window, tiny_folder)
    window.show_page("label")
    lp = window.label_page
    inside = str(sorted((tiny_folder / "cat").iterdir())[0])
    lp.classes.assign_files("fish", [inside, *srcs, str(doc)])
    assert lp.model.moving  # not done on the UI thread
    qtbot.waitUntil(lambda: not lp.model.moving, timeout=30_000)
    assert all((tiny_folder / "fish" / f"p{i}.png").exists() for i in range(3))
    assert (tiny_folder / "fish" / Path(inside).name).exists()
    told = _boxes()
    assert told and "notes.txt" in told[0].text() and "not an image file" in told[0].text()
    undo = child(window, QAction, "undoAction")
    assert undo.text() == "&Undo import of 4 images into '\u2068fish\u2069'"  # one step: the copies and the move
    undo.trigger()
    assert Path(inside).exists() and not (tiny_folder / "fish" / "p0.png").exists()


def test_an_import_asked_while_another_step_runs_is_said_not_dropped(qtbot: QtBot, window: MainWindow,
                                                                      tiny_folder: Path, tmp_path: Path) -> None:
    srcs = _photos(tmp_path / "camera", 1)
    open_and_wait(qtbot, window, tiny_folder)
    lp = window.label_page
    window.state.moving_files = True  # a large move or another import (of any page) runs in the background
    lp.classes.assign_files("fish", srcs)
    told = _boxes()
    assert told and "Nothing was copied" in told[0].text() and not (tiny_folder / "fish" / "p0.png").exists()
    window.state.moving_files = False


@pytest.mark.skipif(not hasattr(__import__("os"), "symlink"), reason="needs symbolic links")
def test_a_dropped_folder_holding_a_link_names_it_where_it_names_other_refused_files(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, tmp_path: Path) -> None:
    """A folder from someone else with `photo.png -> ~/secret.txt`: the link is not copied (its bytes would end up
    in a dataset that may be shared), and the box that names a text file left out names it too, with its target."""
    secret = tmp_path / "home" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("my secret")
    trip = tmp_path / "trip"
    _photos(trip, 2)
    (trip / "photo.png").symlink_to(secret)
    open_and_wait(qtbot, window, tiny_folder)
    window.show_page("label")
    lp = window.label_page
    lp.classes.assign_files("fish", [str(trip)])
    qtbot.waitUntil(lambda: not lp.model.moving, timeout=30_000)
    assert (tiny_folder / "fish" / "p1.png").is_file() and not (tiny_folder / "fish" / "photo.png").exists()
    told = _boxes()
    assert told and "2 images imported" in told[0].text()
    assert f"photo.png: a link to {secret}" in told[0].text()

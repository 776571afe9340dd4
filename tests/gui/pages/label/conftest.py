"""Counting the Label page's work at scale: the dataset folder listed on the UI thread, beside thousands of loose
images (hard links of one small picture). A slow drive under the queued key presses (`held`) is filed_steps'."""

from __future__ import annotations

import os
import shutil
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from desktop_cls.gui.pages.label.label_page import LabelPage
from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import open_and_wait

LOOSE = 2_000


class Listings:
    """The dataset folder listed on the UI thread (os.scandir, os.listdir; a listing by descriptor counts too unless
    the system names its folder), with where it was asked for. (Another folder, such as a class folder made a
    moment ago, may be listed.)"""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.root = ""

    def told(self) -> str:
        return f"{len(self.seen)} listings:\n" + "\n".join(self.seen)


@pytest.fixture
def listings(monkeypatch: pytest.MonkeyPatch) -> Iterator[Listings]:
    found = Listings()

    def counted(real: Any) -> Any:
        def listing(path: Any = ".", *args: Any) -> Any:
            if threading.current_thread() is threading.main_thread() and _folder(path) in (found.root, None):
                found.seen.append(f"{path}\n" + "".join(traceback.format_stack(limit=8)[:-1]))
            return real(path, *args)
        return listing

    monkeypatch.setattr(os, "scandir", counted(os.scandir))
    monkeypatch.setattr(os, "listdir", counted(os.listdir))
    yield found


@pytest.fixture
def crowded(tiny_folder: Path, listings: Listings) -> Path:
    listings.root = os.path.realpath(tiny_folder)
    picture = tiny_folder / "dog" / "dog_00.png"
    for i in range(LOOSE):
        os.link(picture, tiny_folder / f"loose_{i:05d}.png")
    return tiny_folder


def _folder(path: Any) -> str | None:
    """The folder listed (one listed by descriptor, where the system names it), or None when it cannot be told."""
    if isinstance(path, str | Path):
        return os.path.realpath(path)
    try:
        return os.readlink(f"/proc/self/fd/{path}")
    except (OSError, TypeError):
        return None


@pytest.fixture
def loose(tiny_folder: Path) -> Path:
    """Twelve loose images, new_00.png to new_11.png."""
    for i in range(12):
        shutil.copy(tiny_folder / "dog" / f"dog_0{i % 8}.png", tiny_folder / f"new_{i:02d}.png")
    return tiny_folder


KEYS = {"cat": Qt.Key.Key_1, "dog": Qt.Key.Key_2, "fish": Qt.Key.Key_3}


def label_page(qtbot: QtBot, window: MainWindow, folder: Path) -> LabelPage:
    """The window's Label page on `folder`, with the keyboard focus (as a person labeling)."""
    open_and_wait(qtbot, window, folder)
    window.show_page("label")
    window.activateWindow()
    lp = window.label_page
    qtbot.waitUntil(lp.hasFocus)
    return lp


def press(lp: LabelPage, *classes: str) -> None:
    for cls in classes:
        QTest.keyClick(lp, KEYS[cls])


def shut_down_letting_go(window: MainWindow, held: threading.Event) -> None:
    """Close the window while the labeling worker is held; the disk answers only once the closing began."""

    def let_go_once_closing() -> None:
        while not window._closing:
            threading.Event().wait(0.005)
        held.set()

    releaser = threading.Thread(target=let_go_once_closing)
    releaser.start()
    window.shutdown()
    releaser.join(30)


@pytest.fixture
def quick_quit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that fails with the worker still held must not wait out the quitting bound: pytest-qt closes the
    window before the fixtures let the worker go."""
    from desktop_cls.gui.pages.label import label_steps

    monkeypatch.setattr(label_steps, "QUIT_WAIT_S", 0.01)


def filing_status(window: MainWindow) -> str:
    return window.status_bar.task_status.text()


def filed(qtbot: QtBot, window: MainWindow) -> None:
    """Every queued key and held step carried out."""
    qtbot.waitUntil(lambda: not window.label_page.steps.busy() and not window.state.filing.count, timeout=30_000)


def shown_boxes() -> list[Any]:
    """The message boxes on screen."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def refuse_moving(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Moving the loose image `name` fails as a read-only folder makes it fail."""
    from desktop_cls.core import contained

    real = contained.rename

    def refused(root: Any, src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if str(src) == name:
            raise PermissionError(13, "Permission denied", str(Path(root) / dst))
        real(root, src, dst, *args, **kwargs)

    monkeypatch.setattr(contained, "rename", refused)

"""One app per settings folder: a second start hands its folder over and leaves; a crashed app's lock never blocks."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell import app
from desktop_cls.gui.shell.main_window import MainWindow
from desktop_cls.gui.shell.single_instance import LOCK_NAME, InstanceGuard, release_held


@pytest.fixture
def first(tmp_path: Path) -> Iterator[InstanceGuard]:
    guard = InstanceGuard(tmp_path / "settings")
    assert guard.acquire()
    yield guard
    guard.release()


def test_a_second_start_hands_its_folder_to_the_first(qtbot: QtBot, first: InstanceGuard, tmp_path: Path) -> None:
    """Two windows on one settings folder overwrote each other's settings, recent lists and journals."""
    second = InstanceGuard(tmp_path / "settings")
    assert not second.acquire()
    dataset = tmp_path / "photos"
    dataset.mkdir()
    with qtbot.waitSignal(first.requested) as handed:
        assert second.forward(str(dataset))
    assert handed.args == [str(dataset.resolve())]
    with qtbot.waitSignal(first.requested) as handed:  # started without a folder: the window only comes forward
        assert second.forward(None)
    assert handed.args == [""]


def test_another_settings_folder_is_another_app(first: InstanceGuard, tmp_path: Path) -> None:
    other = InstanceGuard(tmp_path / "other-settings")
    assert other.acquire()
    other.release()


def test_a_lock_left_by_a_crashed_app_never_blocks_the_start(tmp_path: Path) -> None:
    folder = tmp_path / "settings"
    folder.mkdir()
    crash = ("import os, sys; from PySide6.QtCore import QLockFile; lock = QLockFile(sys.argv[1]); "
             "assert lock.tryLock(0); os._exit(0)")  # the app dies holding its lock
    subprocess.run([sys.executable, "-c", crash, str(folder / LOCK_NAME)], check=True, timeout=120)
    assert (folder / LOCK_NAME).exists()
    guard = InstanceGuard(folder)
    assert guard.acquire()
    guard.release()


def test_quitting_or_restarting_lets_the_next_start_be_the_app(first: InstanceGuard, tmp_path: Path) -> None:
    """A restart starts the next process before this one has ended: it must not hand over to this one."""
    release_held()
    again = InstanceGuard(tmp_path / "settings")
    assert again.acquire()
    again.release()


def test_the_window_comes_forward_with_the_folder_handed_over(window: MainWindow, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(window, "open_recent", opened.append)
    window.showMinimized()
    app.come_forward(window, str(tmp_path))
    assert not window.isMinimized() and window.isVisible()
    assert opened == [str(tmp_path)]
    app.come_forward(window, "")
    assert opened == [str(tmp_path)]


def test_a_first_app_that_does_not_answer_is_named_not_doubled(first: InstanceGuard, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: said.append(text))
    second = InstanceGuard(tmp_path / "settings")
    assert not second.acquire()
    monkeypatch.setattr(second, "forward", lambda folder: False)  # the first app is busy or hung
    assert app.hand_over(second, None) == 1
    assert said and "already open" in said[0]

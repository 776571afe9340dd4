"""The settings file is written on the settings lane, never on the UI thread (a synced write waited up to
0.5 s on a busy disk), in the order the changes came, and whatever is still pending at quit is written."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_cls.gui.autosave import OrderedWrites, SettingsAutosave
from desktop_cls.gui.shell.main_window import MainWindow
from desktop_cls.gui.work.tasks import Lane, Task, TaskRunner


def test_an_older_snapshot_never_overwrites_a_newer_one() -> None:
    written: list[str] = []
    order: OrderedWrites[str] = OrderedWrites(written.append)
    first, second = order.ask(), order.ask()
    assert not order.write(first, "old")  # a newer one was asked for since: it carries the newer settings
    assert order.write(second, "new")
    assert not order.write(first, "old")  # late, after the newer one landed
    third = order.ask()
    assert order.write(third, "newest")
    assert written == ["new", "newest"] and order.skipped == 2


def test_the_ui_thread_hands_the_write_over_and_never_waits_for_it(qtbot: QtBot) -> None:
    release = threading.Event()
    writers: list[tuple[str, int]] = []  # (snapshot, writing thread)

    def slow_write(data: str) -> None:
        assert release.wait(30), "the test never released the write"
        writers.append((data, threading.get_ident()))

    state = {"value": "a"}
    runner = TaskRunner()

    def on_a_worker(write: Callable[[], object], ended: Callable[[], object]) -> Task:
        return runner.start("settings", lambda progress, cancel: write(), lane=Lane.SETTINGS, on_ended=ended)

    autosave = SettingsAutosave(lambda: state["value"], slow_write, on_a_worker, runner)
    autosave.changed(now=True)  # the write blocks on its lane: the UI thread goes on
    state["value"] = "b"
    autosave.changed(now=True)
    assert autosave.pending() and writers == []
    release.set()
    assert autosave.wait_written()
    qtbot.waitUntil(lambda: not autosave.pending())
    assert writers[-1][0] == "b"  # the last change is the one on disk
    assert all(thread != threading.get_ident() for _, thread in writers)
    qtbot.waitUntil(lambda: not runner.tasks)  # every request's end reached the UI thread
    runner.stop_all()


def test_the_window_writes_settings_on_a_worker_and_the_file_is_complete(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.gui.settings import settings_path
    from desktop_cls.gui.shell import main_window

    threads: list[int] = []
    real = main_window.write_settings_snapshot

    def recording(snapshot: tuple[Path, dict[str, object]]) -> None:
        threads.append(threading.get_ident())
        real(snapshot)

    monkeypatch.setattr(main_window, "write_settings_snapshot", recording)
    window.open_dataset(str(tiny_folder))  # a recent folder is written at once...
    qtbot.waitUntil(lambda: window.state.dataset is not None, timeout=60_000)
    assert window.autosave.wait_written()
    assert threads and threading.get_ident() not in threads  # ...but not by the UI thread
    on_disk = json.loads(settings_path().read_text(encoding="utf-8"))
    assert on_disk["recent_folders"][0] == str(tiny_folder.resolve())


def test_a_change_pending_at_quit_is_written(qtbot: QtBot, tiny_folder: Path) -> None:
    from desktop_cls.gui.settings import load_settings

    w = MainWindow(load_core=False)
    w.show()
    w.train_page.form.epochs_spin.setValue(5)
    w.autosave.changed(now=True)  # on the lane, maybe not written yet...
    w.train_page.form.epochs_spin.setValue(9)  # ...and a burst still waiting for its pause
    assert w.autosave.pending()
    w.shutdown()
    assert not w.autosave.pending()
    settings, notice = load_settings()
    assert notice is None and settings.last_train_config["epochs"] == 9
    w.close()



def test_settings_that_cannot_be_written_are_said_once_and_cleared_when_they_can(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file where the settings folder belongs (or a full, read-only disk): the window goes on, says which file
    it cannot write and the fix, once, and the word in the status bar goes once a write works again."""
    import shutil

    from PySide6.QtWidgets import QMessageBox

    from desktop_cls.gui.settings import settings_path

    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warnings.append(text))
    folder = settings_path().parent
    shutil.rmtree(folder, ignore_errors=True)
    folder.write_text("not a folder", encoding="utf-8")
    window.open_dataset(str(tiny_folder))
    qtbot.waitUntil(lambda: window.state.dataset is not None, timeout=60_000)
    qtbot.waitUntil(lambda: window.status_bar.settings_status.text() != "", timeout=30_000)
    assert window.status_bar.settings_status.text() == "Settings not saved"
    tip = window.status_bar.settings_status.toolTip()
    assert str(settings_path()) in tip and "move that file away or choose another folder" in tip
    window.autosave.changed(now=True)  # the same problem again: no second message
    assert window.autosave.wait_written()
    qtbot.wait(50)
    assert len(warnings) == 1 and warnings[0] == tip
    assert folder.read_text(encoding="utf-8") == "not a folder"  # the file in the way is left alone
    folder.unlink()
    window.autosave.changed(now=True)
    qtbot.waitUntil(lambda: window.status_bar.settings_status.text() == "", timeout=30_000)
    assert json.loads(settings_path().read_text(encoding="utf-8"))["recent_folders"][0] == str(tiny_folder.resolve())


def test_a_cache_folder_that_cannot_be_written_is_said_once_with_the_folder_and_the_fix(
        qtbot: QtBot, isolated_user_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """XDG_CACHE_HOME on a file (or a read-only disk): thumbnails and features were silently never kept."""
    from desktop_cls.core.storage import user_cache_dir

    blocker = isolated_user_dirs / "not-a-folder"
    blocker.write_text("a file", encoding="utf-8")
    monkeypatch.setenv("DESKTOP_CLS_CACHE_DIR", str(blocker / "desktop_cls"))
    window = MainWindow(load_core=False)
    qtbot.addWidget(window, before_close_func=lambda win: win.shutdown())
    qtbot.waitUntil(lambda: window.status_bar.cache_status.text() != "", timeout=30_000)
    assert window.status_bar.cache_status.text() == "No cache"
    tip = window.status_bar.cache_status.toolTip()
    assert str(user_cache_dir()) in tip and "choose another data folder in Preferences" in tip
    assert blocker.read_text(encoding="utf-8") == "a file"


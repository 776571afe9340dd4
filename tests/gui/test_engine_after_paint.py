"""The engine task (torch's import, seconds of CPU and the interpreter lock) starts once the window has been
painted, not while the UI thread lays out and paints the window's first frame."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot


def test_start_waits_for_the_first_paint_and_comes_once(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.gui.shell import engine

    monkeypatch.setattr(engine, "UNPAINTED_START_MS", 10_000_000)  # only the paint starts it here
    widget = QWidget()
    qtbot.addWidget(widget)
    started: list[str] = []
    engine.AfterFirstPaint(widget, lambda: started.append("engine"))
    QApplication.processEvents()
    assert started == []
    widget.show()
    qtbot.waitUntil(lambda: started == ["engine"])
    widget.repaint()
    widget.hide()
    widget.show()
    QApplication.processEvents()
    assert started == ["engine"]


def test_a_window_never_painted_still_starts(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.gui.shell import engine

    monkeypatch.setattr(engine, "UNPAINTED_START_MS", 0)
    widget = QWidget()
    qtbot.addWidget(widget)
    started: list[str] = []
    engine.AfterFirstPaint(widget, lambda: started.append("engine"))
    qtbot.waitUntil(lambda: started == ["engine"])


def test_the_window_starts_the_engine_task_after_it_is_painted(qtbot: QtBot,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.gui.shell import engine
    from desktop_cls.gui.shell.main_window import MainWindow
    from desktop_cls.gui.work.tasks import TaskRunner

    monkeypatch.setattr(engine, "UNPAINTED_START_MS", 10_000_000)
    started: list[str] = []
    monkeypatch.setattr(TaskRunner, "start", lambda self, name, *args, **kwargs: started.append(name))
    w = MainWindow()
    qtbot.addWidget(w, before_close_func=lambda win: win.shutdown())
    QApplication.processEvents()
    assert "engine" not in started
    w.show()
    qtbot.waitUntil(lambda: "engine" in started)

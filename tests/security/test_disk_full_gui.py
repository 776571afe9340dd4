"""In the window, a read-only or full disk while labeling is one plain message (the Label page said
"Unexpected error"), and a background task's dialog says the same."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

pytest.importorskip("PySide6")


def _read_only() -> OSError:
    return OSError(errno.EROFS, "Read-only file system", "/data/cats/a.png")


def test_the_label_page_says_what_is_wrong(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from desktop_cls.core.data.labeling import Workspace
    from desktop_cls.gui.pages.label import label_page, label_steps
    from desktop_cls.gui.settings import Settings
    from desktop_cls.gui.state import AppState

    shown: list[tuple[str, str, str]] = []
    monkeypatch.setattr(label_steps, "show_error", lambda _w, title, text, details="": shown.append((title, text,
                                                                                                    details)))
    state = AppState(Settings())
    state.workspace = Workspace(tmp_path)
    page = label_page.LabelPage(state)
    qtbot.addWidget(page)

    def assign() -> None:
        raise _read_only()

    page.do(assign)
    assert shown and "read-only" in shown[0][1] and "/data/cats/a.png" in shown[0][1] and not shown[0][2]
    page.do(lambda: 1 / 0)  # a bug is said as one, with its traceback folded away (and logged)
    assert "a bug" in shown[1][1] and "ZeroDivisionError" in shown[1][2]


def test_task_dialogs_say_it_too() -> None:
    from desktop_cls.gui.work.tasks import describe_failure

    message, details = describe_failure(_read_only())
    assert "read-only" in message and details == ""
    full, _ = describe_failure(OSError(errno.ENOSPC, "No space left on device", "/out/m.onnx"))
    assert "the disk is full" in full and "/out/m.onnx" in full

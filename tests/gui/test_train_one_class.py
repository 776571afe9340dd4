"""A folder of one class is refused by the Train page as by `desktop-cls train`: a model of one class calls
everything that class, so Train stays off and says why, in the command line's words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from tests.conftest import make_tiny_folder
from tests.gui.conftest import open_and_wait


def test_a_folder_of_one_class_does_not_train_and_train_says_why(qtbot: QtBot, window: MainWindow, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import desktop_cls.gui.pages.train.train_request as train_request

    shown: list[tuple[Any, ...]] = []
    monkeypatch.setattr(train_request, "show_error", lambda parent, *text: shown.append(text))
    folder = make_tiny_folder(tmp_path / "one", classes=("cat",))
    open_and_wait(qtbot, window, folder)
    tp = window.train_page
    button = tp.buttons["trainButton"]
    assert not button.isEnabled()
    assert "only one class ('cat')" in button.toolTip() and "at least two" in button.toolTip()
    assert "only one class" in tp.monitor.progress_label.text()  # not "Ready to train … in 1 classes"
    tp.start()  # as Ctrl+T does, whatever the button shows
    assert tp.training.task is None
    assert shown and "only one class ('cat')" in shown[0][1]

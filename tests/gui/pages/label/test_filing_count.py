"""What the status bar says while the Label page's steps wait for a slow drive (the labeling worker held back here):
the images left to label as each key is pressed."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop_cls.core import contained
from desktop_cls.gui.pages.label import label_steps
from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import dataset_line
from tests.gui.pages.label.conftest import label_page, press


@pytest.fixture(autouse=True)
def quick_quit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that fails with the worker still held must not wait out the quitting bound."""
    monkeypatch.setattr(label_steps, "QUIT_WAIT_S", 0.01)


def _filed(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.label_page.steps.busy() and not window.state.filing.count, timeout=30_000)


def test_the_images_left_to_label_follow_each_key(qtbot: QtBot, window: MainWindow, loose: Path,
                                                  held: threading.Event) -> None:
    lp = label_page(qtbot, window, loose)
    left = len(lp.model.queue)
    assert f"{left} to label" in dataset_line(window)
    press(lp, "cat", "dog")  # not on disk yet: the slow drive is still filing them
    assert f"{left - 2} to label" in dataset_line(window)
    held.set()
    _filed(qtbot, window)
    assert f"{left - 2} to label" in dataset_line(window)


def test_a_failed_key_puts_its_image_back_in_the_count(qtbot: QtBot, window: MainWindow, loose: Path,
                                                       held: threading.Event, monkeypatch: pytest.MonkeyPatch) -> None:
    real = contained.rename

    def refused(root: Any, src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if str(src) == "new_00.png":
            raise PermissionError(13, "Permission denied", str(Path(root) / dst))
        real(root, src, dst, *args, **kwargs)

    monkeypatch.setattr(contained, "rename", refused)
    lp = label_page(qtbot, window, loose)
    left = len(lp.model.queue)
    press(lp, "cat")
    assert f"{left - 1} to label" in dataset_line(window)
    held.set()
    _filed(qtbot, window)
    assert (loose / "new_00.png").exists() and f"{left} to label" in dataset_line(window)  # back on the list

"""A dataset arriving in the window costs its UI thread no pass over all its samples: at 100,000 images each
pass is 20-100 ms, and the pages that follow the open dataset made seven of them, and the thumbnail grid a
map of every path (a 200 ms stall when a 100,000-image folder opened)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.gui.pages.data.watched import watched

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop_cls.gui.shell.main_window import MainWindow

COPIES = 200  # the tiny folder's 24 images listed this many times: far more rows than a screen shows


def test_a_new_dataset_costs_the_ui_thread_no_pass_over_its_samples(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.core.data.dataset import scan

    index = scan(tiny_folder, verify="none")
    samples = watched(index.samples * COPIES)
    arrived = replace(index, samples=samples)
    arrived.counts()  # as the scanning thread does
    samples.passes.clear()
    monkeypatch.setattr(window.dataset_page.check, "tasks", None)  # the check has its own thread: not this test's
    window.state.set_dataset(arrived)
    grid = window.dataset_page.thumb_model
    qtbot.wait(50)  # the grid paints the rows in sight
    assert grid.rowCount() == len(samples)
    assert grid.data(grid.index(len(samples) - 1)) == index.classes[index.samples[-1].label]
    assert samples.passes == [], samples.told()
    assert samples.read < len(samples) // 4

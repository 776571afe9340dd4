"""With few cores the window paints on its UI thread alone: Qt's raster engine handed parts of large fills to a
pool thread and waited for it, and with the cores busy the UI thread waited there while scrolling."""

from __future__ import annotations

import os

import pytest

from desktop_cls.gui.shell.app import PAINT_THREADS_FROM_CORES, paint_on_the_ui_thread


def test_few_cores_paint_on_the_ui_thread_many_keep_qts_painting_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "environ", {})
    paint_on_the_ui_thread(cores=2)
    assert os.environ == {"QT_NO_GUI_THREADPOOL": "1"}
    monkeypatch.setattr(os, "environ", {})
    paint_on_the_ui_thread(cores=PAINT_THREADS_FROM_CORES)
    assert "QT_NO_GUI_THREADPOOL" not in os.environ

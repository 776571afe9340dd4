"""Classify page → video file: the top class over time as a plot, a summary of segments, a CSV; bad files
get a message, and the work can be cancelled."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_cls.gui.pages.classify.classify_page import ClassifyPage
from desktop_cls.gui.shell.main_window import MainWindow
from tests.videos import BLUE, RED, write_video

pytest.importorskip("av")


def ready(qtbot: QtBot, window: MainWindow, run: Path) -> ClassifyPage:
    cp = window.classify_page
    window.state.set_run(str(run))
    qtbot.waitUntil(lambda: cp.model.loaded, timeout=60_000)
    return cp


def test_a_video_is_plotted_over_time_and_saved_as_csv(qtbot: QtBot, window: MainWindow, tmp_path: Path,
                                                       trained_run: tuple[Path, Path],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    cp = ready(qtbot, window, trained_run[0])
    video = write_video(tmp_path / "walk.mp4", [RED, BLUE], frames_each=10, fps=10)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(video), ""))
    qtbot.mouseClick(cp.buttons["classifyVideoButton"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cp.results.stack.currentIndex() == 1, timeout=60_000)
    panel = cp.results.video_results
    x, y = panel.class_curve.getData()
    assert len(x) == 20 and x[10] == pytest.approx(1.0)
    assert np.array_equal(y, [0.0] * 10 + [2.0] * 10)  # cat (class 0), then fish (class 2)
    _, cy = panel.confidence_curve.getData()
    assert len(cy) == 20 and ((cy > 0) & (cy <= 1)).all()
    ticks = dict(panel.class_plot.getAxis("left")._tickLevels[0])
    assert ticks[0] == "cat" and ticks[2] == "fish"
    assert "\u2068walk.mp4\u2069: 20 frames" in panel.title.text()
    assert panel.summary.text().splitlines()[0].startswith("0.0–0.9 s: \u2068cat\u2069")
    assert "fish" in panel.summary.text().splitlines()[1]
    out = tmp_path / "walk.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    qtbot.mouseClick(panel.csv_button, Qt.MouseButton.LeftButton)
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert [r["label"] for r in rows] == ["cat"] * 10 + ["fish"] * 10 and rows[10]["time_s"] == "1.000"
    # classifying images again brings the table back
    cp.classify_paths([str(trained_run[1] / "cat")])
    assert cp.results.stack.currentIndex() == 0


def test_an_unreadable_video_says_which_and_why(qtbot: QtBot, window: MainWindow, tmp_path: Path,
                                                trained_run: tuple[Path, Path]) -> None:
    cp = ready(qtbot, window, trained_run[0])
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\0not a video" * 50)
    cp.live.webcam.show_problem("No camera found. Connect a camera and press Webcam again.")  # tried before
    cp.classify_video(str(bad))
    qtbot.waitUntil(lambda: cp.results.video_task is None, timeout=30_000)
    box = next(b for b in window.findChildren(QMessageBox) if b.objectName() == "errorDialog")
    assert "broken.mp4" in box.text() and "video" in box.text()
    assert cp.buttons["classifyVideoButton"].isEnabled() and cp.results.stack.currentIndex() == 0
    # only what is true now: no line naming the failed file, no older camera message
    assert cp.preview.caption.text() == "" and cp.live.webcam.message.isHidden()


def test_classifying_a_video_can_be_cancelled(qtbot: QtBot, window: MainWindow, tmp_path: Path,
                                              trained_run: tuple[Path, Path]) -> None:
    cp = ready(qtbot, window, trained_run[0])
    video = write_video(tmp_path / "long.mp4", [RED, BLUE] * 20, frames_each=30, fps=30)
    cp.classify_video(str(video))
    qtbot.mouseClick(cp.results.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cp.results.video_task is None, timeout=60_000)
    assert cp.results.stack.currentIndex() == 0 and cp.buttons["classifyVideoButton"].isEnabled()
    assert cp.preview.caption.text() == ""  # no plot of long.mp4 comes


def test_a_video_stopped_by_a_change_of_model_says_so_and_is_classified_again_in_one_click(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, trained_run: tuple[Path, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Another run chosen while a video was classified stopped it without a word, as it did a folder."""
    import shutil
    import threading

    from desktop_cls.core.events import CancelToken
    from desktop_cls.core.inference import video_predict

    run, _data = trained_run
    cp = ready(qtbot, window, run)
    real, started = video_predict.predict_video, threading.Event()

    def held(_predictor: object, _path: str, *, cancel: CancelToken, **_options: object) -> None:
        started.set()  # it waits for a Cancel, as a long video would still be going
        while not threading.Event().wait(0.01):
            cancel.raise_if_set()

    monkeypatch.setattr(video_predict, "predict_video", held)
    video = write_video(tmp_path / "walk.mp4", [RED, BLUE], frames_each=5, fps=10)
    cp.classify_video(str(video))
    qtbot.waitUntil(started.is_set, timeout=60_000)
    other = tmp_path / "other_run"
    shutil.copytree(run, other)
    window.state.set_run(str(other))
    assert cp.results.notice.isVisibleTo(cp.results)
    assert cp.results.notice_text.text() == ("Classifying \u2068walk.mp4\u2069 stopped: the model changed to "
                                             "\u2068other_run\u2069.")
    qtbot.waitUntil(lambda: cp.model.loaded and cp.results.video_task is None, timeout=60_000)
    monkeypatch.setattr(video_predict, "predict_video", real)
    qtbot.mouseClick(cp.results.again_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cp.results.stack.currentIndex() == 1, timeout=60_000)
    assert "\u2068walk.mp4\u2069: 10 frames" in cp.results.video_results.title.text()
    assert not cp.results.notice.isVisibleTo(cp.results)

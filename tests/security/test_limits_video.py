"""A truncated video is said to be one: frames decoded versus announced, a warning and exit code 1
(a cut .mkv classified 20 of 50 frames with rc 0 and no word)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.videos import BLUE, RED, write_video

pytest.importorskip("av")


def _truncated(tmp_path: Path) -> Path:
    video = write_video(tmp_path / "clip.mkv", [RED, BLUE], frames_each=25)
    data = video.read_bytes()
    video.write_bytes(data[: len(data) * 2 // 5])
    return video


def test_a_truncated_video_is_reported(tmp_path: Path, trained_run: tuple[Path, Path],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    from desktop_cls.cli import main
    from desktop_cls.core.inference.predictor import Predictor
    from desktop_cls.core.inference.video_predict import predict_video

    run, _ = trained_run
    whole = predict_video(Predictor.load(run, device="cpu"), write_video(tmp_path / "whole.mkv", [RED, BLUE],
                                                                          frames_each=25))
    assert not whole.incomplete and len(whole.frames) == 50
    video = _truncated(tmp_path)
    vp = predict_video(Predictor.load(run, device="cpu"), video)
    assert vp.expected == 50 and len(vp.frames) < 50 and vp.incomplete
    assert main(["predict", str(run), str(video)]) == 1
    err = capsys.readouterr().err
    assert f"only {len(vp.frames)} of the 50 frames" in err and "truncated" in err
    assert main(["predict", str(run), str(video), "--json"]) == 1
    assert '"incomplete": true' in capsys.readouterr().out


def test_the_window_says_so_under_the_plot(qtbot: QtBot) -> None:
    pytest.importorskip("PySide6")
    import numpy as np

    from desktop_cls.core.inference.video_predict import VideoPrediction
    from desktop_cls.gui.pages.classify.video_results import VideoResultsPanel

    n = 20
    vp = VideoPrediction("clip.mkv", 20.0, ("cat", "fish"), np.arange(n), np.arange(n) / 20.0,
                         np.zeros(n, dtype=np.int64), np.full(n, 0.9), expected=50)
    panel = VideoResultsPanel()
    qtbot.addWidget(panel)
    panel.show_result(vp)
    assert "Only 20 of the 50 frames" in panel.title.text()

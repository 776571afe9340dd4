"""The weights dialog: Download runs on a task thread with a progress bar, Cancel stops it, offline is
said once with Import offered, and an imported file makes the weights ready."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop_cls.core.errors import UserError
from desktop_cls.core.models import weight_download as wd


@pytest.fixture
def dialog(qtbot: QtBot) -> Iterator[Any]:
    from desktop_cls.gui.pages.train.weights_dialog import WeightsDialog
    from desktop_cls.gui.work.tasks import TaskRunner

    runner = TaskRunner()
    d = WeightsDialog("mobilenet_v3_small", runner)
    qtbot.addWidget(d)
    d.show()
    yield d
    runner.stop_all(10_000)


def test_download_shows_progress_and_reports_the_weights_ready(qtbot: QtBot, dialog: Any,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def fake(model: str, progress: Any, cancel: Any) -> Path:
        for i in range(1, 5):
            progress(i, 4, "downloading mobilenet_v3_small-aaaa.pth")
        return Path("/cache/mobilenet_v3_small-aaaa.pth")

    monkeypatch.setattr(wd, "download_weights", fake)
    with qtbot.waitSignal(dialog.weights_ready, timeout=10_000) as ready:
        dialog.download_button.click()
    assert ready.args[0].endswith("mobilenet_v3_small-aaaa.pth")
    assert dialog.result() == dialog.DialogCode.Accepted


def test_cancel_stops_a_running_download(qtbot: QtBot, dialog: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    started = threading.Event()

    def slow(model: str, progress: Any, cancel: Any) -> Path:
        started.set()
        while True:  # until the token is set, as the real loop checks it between chunks
            cancel.raise_if_set()
            progress(1, 100, "downloading")
            threading.Event().wait(0.01)

    monkeypatch.setattr(wd, "download_weights", slow)
    dialog.download_button.click()
    assert started.wait(10)
    assert not dialog.download_button.isEnabled() and dialog.progress.isVisible()
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: "nothing was saved" in dialog.status.text(), timeout=10_000)
    assert dialog.download_button.isEnabled() and dialog.isVisible()  # still open: try again or import


def test_offline_is_said_once_and_import_stays_offered(qtbot: QtBot, dialog: Any,
                                                       monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def offline(model: str, progress: Any, cancel: Any) -> Path:
        raise wd.WeightsOfflineError("cannot download the mobilenet_v3_small weights: no connection")

    monkeypatch.setattr(wd, "download_weights", offline)
    dialog.download_button.click()
    qtbot.waitUntil(lambda: "no connection" in dialog.status.text(), timeout=10_000)
    assert dialog.status.text().count("cannot download") == 1
    assert dialog.import_button.isEnabled()
    imported: list[str] = []

    def fake_import(model: str, path: str, progress: Any) -> Path:
        imported.append(path)
        return Path("/cache/mobilenet_v3_small-aaaa.pth")

    monkeypatch.setattr(wd, "import_weights", fake_import)
    with qtbot.waitSignal(dialog.weights_ready, timeout=10_000):
        dialog.import_file(str(tmp_path / "mine.pth"))
    assert imported == [str(tmp_path / "mine.pth")]


def test_a_bad_file_keeps_the_dialog_open_with_the_reason(qtbot: QtBot, dialog: Any,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def bad(model: str, path: str, progress: Any) -> Path:
        raise UserError("mine.pth is not the official mobilenet_v3_small weights file")

    monkeypatch.setattr(wd, "import_weights", bad)
    dialog.import_file("mine.pth")
    qtbot.waitUntil(lambda: "not the official" in dialog.status.text(), timeout=10_000)
    assert dialog.isVisible() and dialog.import_button.isEnabled()


def test_training_options_that_need_missing_weights_open_the_dialog(qtbot: QtBot, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.gui.pages.train.weights_dialog import missing_weights_model, offer_missing_weights
    from desktop_cls.gui.work.tasks import TaskRunner

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    cfg = TrainConfig(model="mobilenet_v3_small", pretrained=True)
    assert missing_weights_model(cfg) == "mobilenet_v3_small"
    assert missing_weights_model(TrainConfig(model="mobilenet_v3_small", pretrained=True,
                                             download_weights=True)) is None  # the user allowed the download
    assert missing_weights_model(TrainConfig(model="efficientnet_lite0", pretrained=True)) is None  # bundled
    assert missing_weights_model(TrainConfig(model="mobilenet_v3_small", pretrained=False)) is None
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    retried: list[int] = []
    d = offer_missing_weights(parent, TaskRunner(), cfg, lambda: retried.append(1))
    assert d is not None and d.isVisible()
    d.weights_ready.emit("/cache/x.pth")
    assert retried == [1]

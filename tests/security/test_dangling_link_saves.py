"""The window's "Save as" dialogs relied on the file dialog's own question before replacing a file, and the dialog
sees no file at a link whose target is gone (a link to a drive not plugged in, or one planted in a folder from
someone else): the link was replaced without a word. Each save path of the window now asks, as the CLI counts such
a link as taken; No saves nothing, Yes replaces the link itself, never writing through it. A name the dialog never
saw (a snapshot typed without .png) is asked about the same way."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import keep_palette, no_unexpected_dialogs, window  # noqa: F401 - fixtures
from tests.security.conftest import needs_symlinks

Save = Callable[[MainWindow, QtBot], None]


def _snapshot(w: MainWindow, qtbot: QtBot) -> None:
    from desktop_cls.gui.pages.classify.webcam import FrameSource, LiveVideoPanel

    panel = LiveVideoPanel()
    qtbot.addWidget(panel)
    source = FrameSource()
    panel.set_source(source)
    img = QImage(12, 10, QImage.Format.Format_RGB888)
    img.fill(0xFF0000)
    source.frame_arrived.emit(img)
    panel.save_snapshot()


SAVES: dict[str, tuple[str, Save]] = {
    "run configuration": ("run.json", lambda w, _q: w.train_page.save_config_file()),
    "predictions CSV": ("predictions.csv", lambda w, _q: w.classify_page.results.save_csv()),
    "chart as PNG": ("matrix.png", lambda w, _q: w.evaluate_page._save_png(w.evaluate_page, "matrix.png")),
    "webcam snapshot": ("snap.png", _snapshot),
}


def _answering(monkeypatch: pytest.MonkeyPatch, answer: QMessageBox.StandardButton) -> list[str]:
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_a: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


@needs_symlinks
@pytest.mark.parametrize("what", SAVES, ids=list(SAVES))
def test_a_save_onto_a_dangling_link_asks_and_replaces_the_link_itself(
        qtbot: QtBot, window: MainWindow, tmp_path: Path,  # noqa: F811 - the fixture imported above
        monkeypatch: pytest.MonkeyPatch, what: str) -> None:
    name, save = SAVES[what]
    gone = tmp_path / "usb" / name  # the drive is not plugged in
    link = tmp_path / name
    os.symlink(gone, link)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(link), ""))
    asked = _answering(monkeypatch, QMessageBox.StandardButton.No)
    save(window, qtbot)
    assert len(asked) == 1 and name in asked[0] and str(gone) in asked[0], asked
    assert os.readlink(link) == str(gone) and not gone.parent.exists()  # No: nothing saved
    asked = _answering(monkeypatch, QMessageBox.StandardButton.Yes)
    save(window, qtbot)
    assert len(asked) == 1 and not link.is_symlink() and link.stat().st_size > 0  # the link itself replaced
    assert not gone.parent.exists()  # never written through


def test_a_snapshot_named_without_its_suffix_asks_before_replacing_the_png(
        qtbot: QtBot, window: MainWindow, tmp_path: Path,  # noqa: F811 - the fixture imported above
        monkeypatch: pytest.MonkeyPatch) -> None:
    """"snap" typed in the dialog is saved as snap.png, a name the dialog never asked about."""
    (tmp_path / "snap.png").write_bytes(b"the user's own picture")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "snap"), ""))
    asked = _answering(monkeypatch, QMessageBox.StandardButton.No)
    _snapshot(window, qtbot)
    assert len(asked) == 1 and "snap.png" in asked[0] and "already exists" in asked[0]
    assert (tmp_path / "snap.png").read_bytes() == b"the user's own picture"

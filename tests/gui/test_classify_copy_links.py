"""Copy into folders by class: a link among the classified images is not copied, and the message names it."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from pytestqt.qtbot import QtBot

from desktop_cls.gui.pages.classify import classify_results
from desktop_cls.gui.shell.main_window import MainWindow


@pytest.mark.skipif(os.name == "nt", reason="needs POSIX symlinks")
def test_a_link_among_the_images_is_named_as_not_copied_and_the_others_are_copied(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    theirs, home, out = tmp_path / "theirs", tmp_path / "home", tmp_path / "out"
    theirs.mkdir()
    home.mkdir()
    (home / "private.jpg").write_bytes(b"my private photo")
    (theirs / "a.png").write_bytes(b"png")
    os.symlink(home / "private.jpg", theirs / "x.jpg")
    results = window.classify_page.results
    results.predictions = [SimpleNamespace(path=str(theirs / "a.png"), label="cat"),
                           SimpleNamespace(path=str(theirs / "x.jpg"), label="cat")]
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(classify_results, "show_error",
                        lambda _w, title, message, _d="": shown.append((title, message)))
    monkeypatch.setattr(QMessageBox, "information",
                        lambda _w, title, message: shown.append((title, message)))  # (before: all "copied")
    results.copy_into_folders()
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    title, message = shown[0]
    assert "not copied" in title
    assert "x.jpg" in message and str(home / "private.jpg") in message and "1 image" in message
    assert sorted(p.name for p in (out / "cat").iterdir()) == ["a.png"]

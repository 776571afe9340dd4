"""Message boxes show their text as plain text: QMessageBox's static functions let Qt guess (Qt.AutoText), and a
file or class name holding markup (`<b>`, `<a href=…>`) was drawn as markup, or opened as a link."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_cls.gui.widgets import dialogs

GUI = Path(__file__).resolve().parents[2] / "desktop_cls" / "gui"
STATICS = {"information", "warning", "question", "critical", "about"}


def test_no_message_box_lets_qt_guess_the_text_format() -> None:
    """Every box goes through dialogs.message (or sets plain text itself where it is built)."""
    guessed = []
    for path in GUI.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            if isinstance(f, ast.Attribute) and f.attr in STATICS and getattr(f.value, "id", "") == "QMessageBox":
                guessed.append(f"{path.relative_to(GUI)}:{node.lineno} QMessageBox.{f.attr}")
            if isinstance(f, ast.Name) and f.id == "QMessageBox" and "Qt.TextFormat.PlainText" not in source:
                guessed.append(f"{path.relative_to(GUI)}:{node.lineno} QMessageBox() without plain text")
    assert not guessed, guessed


@pytest.mark.parametrize("kind", ["information", "warning", "question"])
def test_a_name_with_markup_is_shown_literally(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    name = "<b>cat</b> <a href='x-scheme:run'>here</a>"
    seen: list[QMessageBox] = []

    def answer(box: QMessageBox, _kind: str) -> QMessageBox.StandardButton:
        qtbot.addWidget(box)
        box.show()
        seen.append(box)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(dialogs, "answer", answer)
    said = dialogs.message(None, "Copied", f"Copied 3 images into {name}", kind)
    assert said == QMessageBox.StandardButton.Yes
    (box,) = seen
    assert box.textFormat() == Qt.TextFormat.PlainText and box.text() == f"Copied 3 images into {name}"
    label = box.findChild(QLabel, "qt_msgbox_label")
    assert label is not None and label.textFormat() == Qt.TextFormat.PlainText and name in label.text()


def test_ask_is_yes_or_no_with_the_default_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[QMessageBox.StandardButton, QMessageBox.StandardButton]] = []

    def answer(box: QMessageBox, _kind: str) -> QMessageBox.StandardButton:
        seen.append((box.standardButtons(), box.standardButton(box.defaultButton())))
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(dialogs, "answer", answer)
    assert dialogs.ask(None, "Move many files?", "<i>x</i>", default=QMessageBox.StandardButton.No) is False
    yes_no = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    assert seen == [(yes_no, QMessageBox.StandardButton.No)]

"""Text built from names the user's files gave (class folders, file paths), made safe for Qt to show as written.

Qt shows a tooltip as rich text when it guesses so (`Qt.mightBeRichText`): a class folder named `<b>x</b>` or
`<img src=...>` would be drawn bold, or as a picture, instead of its name."""

from __future__ import annotations

import html
import re

from PySide6.QtGui import Qt
from PySide6.QtWidgets import QLabel


def literal(text: str) -> str:
    """TEXT as a tooltip shows it literally: unchanged where Qt takes it for plain text, else escaped rich text
    that keeps the plain text's lines (no word wrap)."""
    if not Qt.mightBeRichText(text):
        return text
    return f"<p style='white-space:pre'>{html.escape(text, quote=False)}</p>"


def plain_label(text: str = "") -> QLabel:
    """A label whose text is shown as written: a QLabel guesses rich text (Qt.AutoText), and a class, file or
    run name with `<img src=…>` or `<a href=…>` in it was drawn as a picture or a link, or hid the rest."""
    label = QLabel(text)
    show_plainly(label)
    return label


def show_plainly(*labels: QLabel) -> None:
    """These labels show their text as written (for labels a layout or a base class made)."""
    for label in labels:
        label.setTextFormat(Qt.TextFormat.PlainText)


def action_text(text: str) -> str:
    """TEXT for a menu action, button or check box, shown as written: a single '&' marks the next letter as the
    shortcut key and is hidden (a class "R&D" was shown "RD"); '&&' shows one '&'."""
    return text.replace("&", "&&")


_UNBROKEN = re.compile(r"[^\s/\\]{41,}")  # a run of more than 40 characters where a line cannot break


def breakable(text: str, every: int = 40) -> str:
    """TEXT with a zero-width space (a place to wrap, drawn as nothing) every EVERY characters of a run that has
    none: a word-wrapped label is as wide as its longest word, and a 200-character folder name in "Reading …"
    widened the page and the window by that much."""
    def cut(run: re.Match[str]) -> str:
        word = run.group()
        return "\u200b".join(word[i:i + every] for i in range(0, len(word), every))

    return _UNBROKEN.sub(cut, text)

"""Text built from names the user's files gave (class folders, file paths), made safe for Qt to show as written.

Qt shows a tooltip as rich text when it guesses so (`Qt.mightBeRichText`): a class folder named `<b>x</b>` or
`<img src=...>` would be drawn bold, or as a picture, instead of its name."""

from __future__ import annotations

import html

from PySide6.QtGui import Qt


def literal(text: str) -> str:
    """TEXT as a tooltip shows it literally: unchanged where Qt takes it for plain text, else escaped rich text
    that keeps the plain text's lines (no word wrap)."""
    if not Qt.mightBeRichText(text):
        return text
    return f"<p style='white-space:pre'>{html.escape(text, quote=False)}</p>"

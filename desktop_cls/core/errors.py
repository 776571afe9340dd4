"""Errors the user can act on. The CLI prints them as one line; the GUI shows them in a dialog."""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input (folder, model file, option), not a bug in desktop_cls."""


class ImageLoadError(UserError):
    """An image file that cannot be decoded; carries a problem kind for the scan report."""

    def __init__(self, path: str, kind: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.kind = kind
        self.message = message


class ModelFileError(UserError):
    """A model file that is missing, malformed, unsafe or does not match its metadata."""

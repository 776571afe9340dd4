"""Errors the user can act on. The CLI prints them as one line; the GUI shows them in a dialog."""

from __future__ import annotations

from desktop_cls.core.i18n import _


class UserError(Exception):
    """A problem with the user's input (folder, model file, option), not a bug in desktop_cls.

    When the fix is an option, the core says it in both vocabularies (cli_fix: "add --overwrite";
    gui_fix: "tick “Replace existing files”"): the CLI prints for_cli(), the app shows for_gui(), and
    str() is the neutral statement, so an app dialog never asks for a command-line flag.
    """

    def __init__(self, message: str = "", *, cli_fix: str = "", gui_fix: str = "") -> None:
        super().__init__(message)
        self.cli_fix = cli_fix
        self.gui_fix = gui_fix

    def _with(self, fix: str) -> str:
        text = Exception.__str__(self)
        return _("{message}; {fix}").format(message=text, fix=fix) if fix else text

    def for_cli(self) -> str:
        return self._with(self.cli_fix)

    def for_gui(self) -> str:
        return self._with(self.gui_fix)


class ImageLoadError(UserError):
    """An image file that cannot be decoded; carries a problem kind for the scan report."""

    def __init__(self, path: str, kind: str, message: str) -> None:
        super().__init__(_("{path}: {problem}").format(path=path, problem=message))
        self.path = path
        self.kind = kind
        self.message = message

    def __reduce__(self) -> tuple[type[ImageLoadError], tuple[str, str, str]]:
        """Rebuilt from its three fields when it comes back from a worker process (the health check's readers)."""
        return type(self), (self.path, self.kind, self.message)


class ModelFileError(UserError):
    """A model file that is missing, malformed, unsafe or does not match its metadata."""

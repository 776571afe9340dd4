"""File dialogs open in the dataset's folder (else home), never in the folder the app was started from."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import open_and_wait

GUI = Path(__file__).resolve().parents[2] / "desktop_cls" / "gui"
DIALOGS = ("getOpenFileName", "getOpenFileNames", "getSaveFileName", "getExistingDirectory")


def test_every_file_dialog_is_given_a_folder_to_start_in() -> None:
    """A dialog given no folder, or a bare file name, opens in the working directory: the source checkout
    or the demo folder when started from dev.py."""
    bare = []
    for path in GUI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in DIALOGS:
                start = node.args[2] if len(node.args) > 2 else next(
                    (k.value for k in node.keywords if k.arg in ("dir", "directory")), None)
                if start is None or isinstance(start, ast.Constant):
                    bare.append(f"{path.relative_to(GUI)}:{node.lineno}")
    assert not bare, bare


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The folder (or file path) each file dialog was opened at; every dialog is cancelled."""
    starts: list[str] = []

    def opened(result: Any) -> Any:
        def fake(*args: Any, **kwargs: Any) -> Any:
            starts.append(str(args[2]))
            return result
        return staticmethod(fake)

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", opened(([], "")))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", opened(("", "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", opened(""))
    return starts


def test_save_csv_and_import_images_start_in_the_open_dataset(qtbot: QtBot, window: MainWindow, tiny_folder: Path,
                                                              asked: list[str], monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # as when started from the source checkout
    open_and_wait(qtbot, window, tiny_folder)
    root = tiny_folder.resolve()
    window.classify_page.results.save_csv()
    window.show_page("label")
    qtbot.waitUntil(lambda: window.state.workspace is not None, timeout=30_000)
    window.label_page.classes.import_images()
    window.evaluate_page._save_png(window.evaluate_page, "matrix.png")
    assert len(asked) == 3 and all(Path(a).resolve() == root or Path(a).resolve().parent == root for a in asked), asked


def test_the_data_folder_dialog_opens_at_the_nearest_existing_folder(qtbot: QtBot, window: MainWindow,
                                                                     asked: list[str], tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Preferences → Choose…: the default data folder is made only when first written, so on a first start it
    does not exist; the dialog opens at its nearest existing parent (else home), not in the working directory."""
    from desktop_cls.core import storage
    from desktop_cls.gui.shell.preferences import PreferencesDialog

    (tmp_path / "checkout").mkdir()
    monkeypatch.chdir(tmp_path / "checkout")  # as when started from the source checkout
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    (tmp_path / "share").mkdir()
    monkeypatch.setattr(storage, "default_data_dir", lambda: tmp_path / "share" / "desktop_cls" / "data")
    dialog = PreferencesDialog(window, window.menus)
    window.state.settings.data_folder = ""
    dialog.browse_data_folder()
    window.state.settings.data_folder = str(tmp_path / "gone" / "deeper")  # chosen once, deleted since
    dialog.browse_data_folder()
    window.state.settings.data_folder = "relative/data"
    dialog.browse_data_folder()
    assert asked == [str(tmp_path / "share"), str(tmp_path), str(home)]

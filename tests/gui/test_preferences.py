"""Edit → Preferences: language, theme, default device and data folder, saved as they change."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_cls.core import storage
from desktop_cls.gui.settings import Settings
from desktop_cls.gui.shell.main_window import MainWindow
from desktop_cls.gui.shell.preferences import PreferencesDialog
from tests.gui.conftest import child, saved_settings


@pytest.fixture(autouse=True)
def default_data_folder() -> Iterator[None]:
    yield
    storage.set_data_folder(None)




def _open(window: MainWindow) -> PreferencesDialog:
    child(window, QAction, "preferencesAction").trigger()
    dialog = window.menus.preferences_dialog
    assert dialog is not None and dialog.isVisible() and dialog.objectName() == "preferencesDialog"
    return dialog


def test_preferences_round_trip(qtbot: QtBot, window: MainWindow, isolated_user_dirs: Path, keep_palette: None,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.gui.shell import restart
    from desktop_cls.gui.shell.main_window import MainWindow
    from desktop_cls.gui.widgets.theme import is_dark

    monkeypatch.setattr(restart, "offer_restart", lambda *_a: False)
    dialog = _open(window)
    assert dialog.device_combo.currentData() == "auto"
    assert dialog.folder_edit.text() == str(isolated_user_dirs / "data")  # the default, shown as a folder
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))
    assert is_dark() and child(window, QAction, "themeDark").isChecked()
    offered: list[str] = []
    def offer(*_a: object) -> bool:
        offered.append("restart?")
        return False

    monkeypatch.setattr(restart, "offer_restart", offer)
    for code in ("en", "zh_CN", "system", "zh_CN"):  # arrowing through the list asks nothing yet
        dialog.language_combo.setCurrentIndex(dialog.language_combo.findData(code))
    assert not offered and not child(window, QAction, "languageZh").isChecked()
    dialog.device_combo.setCurrentIndex(dialog.device_combo.findData("cpu"))
    assert window.train_page.form.device_combo.currentData() == "cpu"  # the Train form follows at once
    chosen = isolated_user_dirs / "elsewhere"
    assert dialog.set_data_folder(str(chosen))
    assert storage.default_runs_dir() == chosen / "runs" and dialog.folder_edit.text() == str(chosen)
    saved = saved_settings(window)  # written as each one changed, not only on a clean exit
    assert (saved.theme, saved.default_device, saved.data_folder) == ("dark", "cpu", str(chosen))
    dialog.close()  # the language is applied, and the restart offered, once, on closing
    assert offered == ["restart?"] and child(window, QAction, "languageZh").isChecked()
    assert saved_settings(window).language == "zh_CN"
    window.shutdown()

    storage.set_data_folder(None)
    again = MainWindow(load_core=False)
    qtbot.addWidget(again, before_close_func=lambda w: w.shutdown())
    assert again.train_page.form.device_combo.currentData() == "cpu"
    assert storage.default_runs_dir() == chosen / "runs"
    dialog = _open(again)
    assert dialog.theme_combo.currentData() == "dark" and dialog.language_combo.currentData() == "zh_CN"
    assert dialog.device_combo.currentData() == "cpu" and dialog.folder_edit.text() == str(chosen)
    child(again, QAction, "themeLight").trigger()  # the View menu and the dialog agree
    dialog.refresh()
    assert dialog.theme_combo.currentData() == "light"
    dialog.default_button.click()
    assert storage.default_runs_dir() == isolated_user_dirs / "data" / "runs"
    assert saved_settings(again).data_folder == ""
    dialog.close()
    again.shutdown()


def test_a_gpu_default_waits_for_the_engine_to_report_it(window: MainWindow) -> None:
    from desktop_cls.core.devices import DeviceInfo

    window.state.settings.default_device = "cuda:1"  # as at a start on a machine whose GPUs are not listed yet
    window.use_default_device()
    dialog = _open(window)
    assert dialog.device_combo.currentData() == "cuda:1"
    assert "not found on this computer" in dialog.device_combo.currentText()  # no such GPU in the test
    window.state.devices = [DeviceInfo("cpu", "CPU"), DeviceInfo("cuda:0", "GPU A", 8192),
                            DeviceInfo("cuda:1", "GPU B", 24576)]
    window.train_page.form.add_devices(window.state.devices)
    window.state.core_ready.emit()
    assert window.train_page.form.device_combo.currentData() == "cuda:1"
    window.train_page.form.device_combo.setCurrentIndex(0)  # the user picks another for this run
    window.state.core_ready.emit()
    assert window.train_page.form.device_combo.currentData() == "auto"  # and it stays picked
    assert [dialog.device_combo.itemData(i) for i in range(dialog.device_combo.count())] == [
        "auto", "cpu", "cuda:0", "cuda:1"]
    assert dialog.device_combo.currentText() == "cuda:1 — GPU B (24 GB)"
    dialog.close()


def test_unwritable_data_folder_is_refused_with_a_message(window: MainWindow, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _title, text, *a: shown.append(text))
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    before = storage.default_runs_dir()
    dialog = _open(window)
    assert not dialog.set_data_folder(str(a_file))
    assert len(shown) == 1 and str(a_file) in shown[0] and "it is a file, not a folder" in shown[0]
    assert "Choose a folder you can write to" in shown[0]
    assert window.state.settings.data_folder == "" and storage.default_runs_dir() == before
    dialog.close()


def test_a_data_folder_gone_since_last_time_falls_back_with_a_notice(qtbot: QtBot, isolated_user_dirs: Path,
                                                                     tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.gui.settings import save_settings
    from desktop_cls.gui.shell.main_window import MainWindow

    blocked = tmp_path / "a file"
    blocked.write_text("x")
    save_settings(Settings(data_folder=str(blocked / "runs")))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    w = MainWindow(load_core=False)
    qtbot.addWidget(w, before_close_func=lambda win: win.shutdown())
    qtbot.waitUntil(lambda: bool(shown))
    assert str(blocked / "runs") in shown[0] and "Preferences" in shown[0]
    assert storage.default_runs_dir() == isolated_user_dirs / "data" / "runs"
    assert w.state.settings.data_folder == str(blocked / "runs")  # kept for when the disk is back
    w.shutdown()


@pytest.mark.parametrize("field, value", [("default_device", "gpu0"), ("default_device", 3),
                                          ("data_folder", ["a"]), ("data_folder", "a\x00b")])
def test_settings_file_with_a_bad_preference_falls_back(isolated_user_dirs: Path, field: str, value: object) -> None:
    from desktop_cls.gui.settings import SCHEMA_VERSION, load_settings, settings_path

    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"schema_version": SCHEMA_VERSION, field: value}), encoding="utf-8")
    settings, notice = load_settings()
    assert settings == Settings() and notice is not None and field in notice


def test_good_preferences_load(isolated_user_dirs: Path) -> None:
    from desktop_cls.gui.settings import load_settings, save_settings

    save_settings(Settings(default_device="cuda:2", data_folder=str(isolated_user_dirs / "runs here")))
    settings, notice = load_settings()
    assert notice is None and settings.default_device == "cuda:2"
    assert settings.data_folder == str(isolated_user_dirs / "runs here")


def test_a_data_folder_whose_cache_cannot_be_written_says_no_cache_as_it_is_chosen(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    """The caches move with the data folder: one whose "cache" is taken by a file was found out only at the next
    start, the thumbnails and features meanwhile quietly never kept."""
    chosen = tmp_path / "shared"
    chosen.mkdir()
    (chosen / "cache").write_text("a file", encoding="utf-8")
    dialog = _open(window)
    assert dialog.set_data_folder(str(chosen))  # the data folder itself can be written
    qtbot.waitUntil(lambda: window.status_bar.cache_status.text() != "", timeout=30_000)
    assert window.status_bar.cache_status.text() == "No cache"
    tip = window.status_bar.cache_status.toolTip()
    assert str(chosen / "cache") in tip and "choose another data folder in Preferences" in tip
    dialog.default_button.click()  # a folder that works: the word goes
    qtbot.waitUntil(lambda: window.status_bar.cache_status.text() == "", timeout=30_000)
    assert (chosen / "cache").read_text(encoding="utf-8") == "a file"
    dialog.close()

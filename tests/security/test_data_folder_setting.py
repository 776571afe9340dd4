"""A settings file from someone else (or a synced one) names the data folder, where the app makes run folders,
caches and the demo dataset: a folder that does not exist is never made from it, and a system folder, the home
itself, a hidden folder of the home, a link, or a folder whose `runs`, `cache` or `demo-dataset` is a link is
refused with the reason; the window starts on the default folder and says why."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop_cls.core import storage
from desktop_cls.core.data import data_folder
from tests.security.conftest import needs_symlinks, tree_snapshot

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


@pytest.fixture(autouse=True)
def default_data_folder() -> Iterator[None]:
    yield
    storage.set_data_folder(None)



def test_a_folder_named_only_in_the_settings_is_never_made(tmp_path: Path, home: Path) -> None:
    wanted = home / ".config" / "autostart" / "x"
    reason = data_folder.problem(wanted) or ""
    assert "does not exist" in reason and not (home / ".config").exists()
    assert data_folder.problem(tmp_path / "chosen", create=True) is None and (tmp_path / "chosen").is_dir()


@pytest.mark.parametrize("where", ["/", "/etc", "/usr/share", "relative/path"])
def test_a_system_folder_or_a_relative_path_is_refused(where: str) -> None:
    assert data_folder.problem(where) is not None


def test_the_home_itself_and_its_hidden_folders_are_refused_but_the_apps_own_are_not(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (home / ".ssh").mkdir()
    (home / ".local" / "share" / "desktop_cls").mkdir(parents=True)
    monkeypatch.setenv("DESKTOP_CLS_DATA_DIR", str(home / ".local" / "share" / "desktop_cls"))
    assert "home folder itself" in (data_folder.problem(home) or "")
    assert "hidden folder" in (data_folder.problem(home / ".ssh") or "")
    assert data_folder.problem(home / ".local" / "share" / "desktop_cls") is None


@needs_symlinks
@pytest.mark.parametrize("name", ["runs", "cache", "demo-dataset", "cache/thumbnails"])
def test_a_data_folder_holding_a_link_where_the_app_writes_is_refused(tmp_path: Path, victim: Path,
                                                                       name: str) -> None:
    shared = tmp_path / "shared data"
    (shared / name).parent.mkdir(parents=True)
    os.symlink(victim, shared / name)
    reason = data_folder.problem(shared) or ""
    assert str(shared / name) in reason and str(victim) in reason


@needs_symlinks
def test_a_data_folder_that_is_a_link_names_where_it_leads(tmp_path: Path, victim: Path) -> None:
    os.symlink(victim, tmp_path / "data")
    assert f"a link to {victim}" in (data_folder.problem(tmp_path / "data") or "")


@needs_symlinks
def test_the_window_starts_on_the_default_folder_when_the_settings_name_a_hostile_one(
        qtbot: QtBot, isolated_user_dirs: Path, tmp_path: Path, victim: Path, monkeypatch: pytest.MonkeyPatch
        ) -> None:
    from desktop_cls.gui.settings import Settings, save_settings
    from desktop_cls.gui.shell.main_window import MainWindow

    shared = tmp_path / "shared data"
    shared.mkdir()
    os.symlink(victim, shared / "runs")  # new run folders would be made among the user's files
    save_settings(Settings(data_folder=str(shared)))
    before = tree_snapshot(victim)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    w = MainWindow(load_core=False)
    qtbot.addWidget(w, before_close_func=lambda win: win.shutdown())
    qtbot.waitUntil(lambda: bool(shown))
    assert str(shared) in shown[0] and str(victim) in shown[0] and "Preferences" in shown[0]
    assert storage.default_runs_dir() == isolated_user_dirs / "data" / "runs"
    assert tree_snapshot(victim) == before
    w.shutdown()


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
@pytest.mark.parametrize("name", ["", "runs", "cache/features"])
def test_a_data_folder_every_user_can_write_in_is_refused(tmp_path: Path, name: str) -> None:
    """/tmp named in the settings, or a folder whose `runs` another user made ready: between the app's mkdir of a
    run folder and its writes there, another user could put a link in its place."""
    shared = tmp_path / "data"
    (shared / name).mkdir(parents=True)
    os.chmod(shared / name, 0o1777)
    assert "every user can write" in (data_folder.problem(shared) or "")
    os.chmod(shared / name, 0o755)
    assert data_folder.problem(shared) is None


@pytest.mark.skipif(os.name == "nt" or os.geteuid() != 0, reason="making a folder another user's needs root")
def test_a_data_folder_whose_runs_belong_to_another_user_is_refused(tmp_path: Path) -> None:
    shared = tmp_path / "data"
    (shared / "runs").mkdir(parents=True)
    os.chown(shared / "runs", 65534, 65534)
    assert "belongs to another user" in (data_folder.problem(shared) or "")

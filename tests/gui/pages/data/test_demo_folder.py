"""Try the demo dataset: it is made in the user's own data folder, never in the temp folder every account shares
(where another account could have put a folder of its choosing under the demo's name)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_cls.core.storage import user_data_dir
from desktop_cls.gui.shell.main_window import MainWindow


def test_the_demo_is_made_in_the_users_data_folder(qtbot: QtBot, window: MainWindow,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import desktop_cls.core.data.demo_data as demo_data

    made: list[Path] = []
    real = demo_data.make_demo_dataset

    def small(target: Path, *args: object, **kwargs: object) -> Path:
        made.append(Path(target))
        return real(target, images_per_class=3)

    monkeypatch.setattr(demo_data, "make_demo_dataset", small)
    planted = Path(tempfile.gettempdir()) / "desktop_cls_demo"
    window.dataset_page.open_demo()
    qtbot.waitUntil(lambda: window.state.dataset is not None, timeout=30_000)
    opened = window.state.dataset
    assert opened is not None and made and made[0].parent == user_data_dir()
    assert Path(opened.root).resolve() == made[0].resolve()
    assert Path(opened.root).resolve() != planted.resolve()

"""A dataset folder, class or image with a 200-character name: each page elides or wraps it, and the page (so the
window) is no wider than with a short name."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from tests.conftest import make_tiny_folder, write_image
from tests.gui.conftest import open_and_check

LONG = "n" * 200


def _folder(root: Path, long: bool, name: str = LONG) -> Path:
    """Two classes and an image still to label; with `long`, the folder, one class and the image are called NAME."""
    folder = make_tiny_folder(root / (name if long else "short"), classes=("cat", name if long else "dog"),
                              per_class=4)
    write_image(folder / f"{name if long else 'loose'}.png", np.full((16, 16, 3), 128, np.uint8))
    return folder


def _widths(qtbot: QtBot, window: MainWindow, folder: Path) -> dict[str, tuple[int, int]]:
    """Each page's (minimum, preferred) width with FOLDER open, read while it is shown."""
    open_and_check(qtbot, window, folder)
    widths: dict[str, tuple[int, int]] = {}
    for key, page in window.pages.items():
        window.show_page(key)
        QApplication.processEvents()
        widths[key] = page.minimumSizeHint().width(), page.sizeHint().width()
    return widths


def test_a_long_folder_class_and_file_name_do_not_widen_any_page(qtbot: QtBot, window: MainWindow,
                                                                tmp_path: Path) -> None:
    short = _widths(qtbot, window, _folder(tmp_path / "a", long=False))
    long = _widths(qtbot, window, _folder(tmp_path / "b", long=True))
    wider = {key: (short[key], long[key]) for key in short
             if long[key][0] > short[key][0] or long[key][1] > short[key][1]}
    assert wider == {}


def test_the_label_pages_long_class_name_keeps_its_end_in_sight(qtbot: QtBot, window: MainWindow,
                                                               tmp_path: Path) -> None:
    """The class list, as narrow as the page makes it, shows the name cut in the middle and its count, with
    no horizontal scroll bar; the whole name is in its tooltip."""
    open_and_check(qtbot, window, _folder(tmp_path, long=True))
    window.show_page("label")
    listed = window.label_page.classes.class_list
    qtbot.waitUntil(lambda: listed.count() == 2, timeout=30_000)
    item = listed.item(1)
    assert item.text() == f"{LONG} (4)" and item.toolTip() == LONG
    assert listed.visualItemRect(item).width() <= listed.viewport().width()


def test_the_capture_panel_with_long_names_does_not_widen_the_classify_page(qtbot: QtBot, window: MainWindow,
                                                                            tmp_path: Path) -> None:
    """With a camera, the Classify page's capture panel names the folder and a button per class: the page needs
    no more room with a long name than with a short one, and asks for no more with 200 characters than with 40
    (a button asks room for a name of about 24 letters; a longer one is cut in the middle)."""
    from tests.gui.test_capture import fake_camera

    cp = window.classify_page
    widths = []
    for i, name in enumerate(["", "m" * 40, LONG]):
        open_and_check(qtbot, window, _folder(tmp_path / str(i), bool(name), name))
        window.show_page("classify")
        fake_camera(cp)
        assert cp.live.capture.isVisible()
        qtbot.waitUntil(lambda: len(cp.live.capture.class_buttons) == 2, timeout=30_000)
        QApplication.processEvents()
        widths.append((cp.minimumSizeHint().width(), cp.sizeHint().width()))
    (short_min, _), (forty_min, forty), (long_min, long) = widths
    assert short_min == forty_min == long_min and long == forty, widths

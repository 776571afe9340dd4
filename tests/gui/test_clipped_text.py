"""At 1024x640, in English and in Chinese, no page cuts a text off: labels, buttons, combo boxes (every
item), group boxes, tabs, table headers and the names in a table's first column fit the room they get.
Measured with each widget's own font metrics, so the check holds with whatever fonts the machine has."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from tests.conftest import make_tiny_folder
from tests.gui.clipping import clipped_texts
from tests.gui.conftest import open_and_wait

TITLE_BAR = 40


@pytest.fixture
def language_window(qtbot: QtBot, isolated_user_dirs: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    from desktop_cls.gui.shell.language import install_language
    from desktop_cls.gui.shell.main_window import MainWindow

    before = QLocale()
    install_language(request.param)
    w = MainWindow(load_core=False)
    qtbot.addWidget(w, before_close_func=lambda win: win.shutdown())
    w.show()
    w.wait_until_core_loaded()
    try:
        yield w
    finally:
        w.shutdown()
        install_language("en")
        QLocale.setDefault(before)


def _walk(window: MainWindow) -> list[str]:
    found = []
    for key in window.page_keys():
        window.show_page(key)
        for _ in range(3):
            QApplication.processEvents()
        found += [f"{key}: {what}" for what in clipped_texts(window)]
    return found


@pytest.mark.parametrize("language_window", ["en", "zh_CN"], indirect=True)
def test_no_page_cuts_a_text_off_at_1024x640(qtbot: QtBot, language_window: Any, tmp_path: Path) -> None:
    from tests.gui.test_evaluate_page import show_result, synthetic_result
    from tests.gui.test_export_page import fake_results

    w = language_window
    w.resize(1024, 640 - TITLE_BAR)
    data = make_tiny_folder(tmp_path / "data", classes=("cat", "dog", "horizontal_stripes"), per_class=4)
    shutil.copy(sorted((data / "cat").iterdir())[0], data / "cat" / "IMG_20240101_123456 (copy).png")
    (data / "dog" / "holiday notes.png").write_bytes(b"not an image")
    before_data = _walk(w)  # the first start: nothing open yet
    open_and_wait(qtbot, w, data)
    w.show_page("data")
    w.dataset_page.tabs.setCurrentIndex(1)  # the Problems tab, with a duplicate and a file that is no image
    qtbot.waitUntil(lambda: w.dataset_page.model.checked is not None and w.dataset_page.problems.table.rowCount() >= 2,
                    timeout=30_000)
    show_result(w.evaluate_page, synthetic_result())
    w.export_page.results.show_results(fake_results(tmp_path / "exports"), tmp_path / "exports")
    assert w.width() <= 1024
    clipped = before_data + _walk(w)
    assert not clipped, "\n".join(clipped)


@pytest.mark.parametrize("language_window", ["en", "zh_CN"], indirect=True)
def test_the_evaluate_images_placeholder_fits_for_a_cross_validated_run(language_window: Any, tmp_path: Path,
                                                                       trained_run: tuple[Path, Path]) -> None:
    """"…as cross-validation pred…": the longest of the Images field's placeholders was cut off at 1280 px. Each
    fits at 1024 px now; the whole sentence is the field's tooltip."""
    from desktop_cls.core.data.dataset import scan
    from desktop_cls.core.inference.cross_validated import CV_FILE

    w = language_window
    w.resize(1024, 640 - TITLE_BAR)
    run = Path(shutil.copytree(trained_run[0], tmp_path / "run"))
    (run / CV_FILE).write_text("{}")
    w.state.set_dataset(scan(trained_run[1]))
    w.state.set_run(str(run))
    w.show_page("evaluate")
    for _ in range(3):
        QApplication.processEvents()
    field = w.evaluate_page.folder_edit
    clipped = [c for c in clipped_texts(w.evaluate_page) if "placeholder" in c]
    assert not clipped, "\n".join(clipped)
    assert trained_run[1].name in field.placeholderText() and trained_run[1].name in field.toolTip()


@pytest.mark.parametrize("language_window", ["en", "zh_CN"], indirect=True)
def test_accept_suggestions_above_keeps_room_around_its_words(qtbot: QtBot, language_window: Any,
                                                             tmp_path: Path) -> None:
    """"接受高于此值的建议" filled its button edge to edge beside a threshold box wider than its "100 %": the button
    now keeps a margin beyond its bare fit at the smallest window, and the box is only as wide as it needs."""
    w = language_window
    w.resize(1024, 640 - TITLE_BAR)
    open_and_wait(qtbot, w, make_tiny_folder(tmp_path / "data", per_class=2))
    w.show_page("label")
    for _ in range(3):
        QApplication.processEvents()
    panel = w.label_page.suggest_panel
    button, spin = panel.accept_button, panel.accept_spin
    room = button.width() - button.fontMetrics().horizontalAdvance(button.text())
    assert room >= (button.sizeHint().width() - button.fontMetrics().horizontalAdvance(button.text())
                    + 2 * button.fontMetrics().averageCharWidth())
    assert spin.width() <= spin.sizeHint().width()

"""Problems tab: a copy finding shows both pictures and how alike they are; a fix moving many files asks first."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import open_and_check


def test_selecting_a_copy_shows_both_images_and_the_difference(qtbot: QtBot, window: MainWindow,
                                                               tiny_folder: Path) -> None:
    shutil.copy(tiny_folder / "cat" / "cat_00.png", tiny_folder / "dog" / "copy.png")
    checked = open_and_check(qtbot, window, tiny_folder)
    dp = window.dataset_page
    row = next(i for i, p in enumerate(checked.problems) if p.kind == "label_conflict")
    dp.problems.table.selectRow(row)
    preview = dp.problems.preview
    assert not preview.this_image.pixmap().isNull() and not preview.other_image.pixmap().isNull()
    assert preview.other_image.isVisibleTo(preview)
    captions = preview.this_caption.text() + preview.other_caption.text()
    assert "class '\u2068cat\u2069'" in captions and "class '\u2068dog\u2069'" in captions  # names isolated
    assert "Same pixels" in preview.verdict.text() and "labeled" in preview.verdict.text()


def test_trashing_many_files_shows_the_count_and_asks(qtbot: QtBot, window: MainWindow, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    rng = np.random.default_rng(0)
    root = tmp_path / "ds"
    for c in ("a", "b"):
        (root / c).mkdir(parents=True)
        for i in range(40):
            arr = rng.integers(0, 255, (16, 16, 3), dtype=np.uint8)
            Image.fromarray(arr).save(root / c / f"{i}.png")
            Image.fromarray(arr).save(root / c / f"{i}_copy.png")
    checked = open_and_check(qtbot, window, root)
    asked: list[str] = []

    def say_no(parent: object, title: str, text: str, *a: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", say_no)
    # copies in the same split and those across the random train/val split alike: one of each pair stays
    n = sum(p.kind in ("duplicate", "leak") for p in checked.problems)
    assert n == 80
    window.dataset_page.problems.fix_duplicates.click()
    assert len(asked) == 1 and f"Move {n} files" in asked[0] and f"and {n - 8} more" in asked[0]
    assert len(list(root.rglob("*.png"))) == 160  # nothing moved


def test_a_clean_folder_says_no_problems_were_found_and_offers_no_fix(qtbot: QtBot, window: MainWindow,
                                                                       tiny_folder: Path) -> None:
    assert not open_and_check(qtbot, window, tiny_folder).problems
    panel = window.dataset_page.problems
    assert panel.none_found.isVisibleTo(panel) and not panel.table.isVisibleTo(panel)
    assert not panel.preview.isVisibleTo(panel)
    assert not panel.fix_duplicates.isEnabled() and not panel.fix_unreadable.isEnabled()
    assert not panel.undo_fix.isEnabled()  # nothing done yet
    assert not panel.fix_selected.isEnabled() and not panel.move_selected.isEnabled()
    shutil.copy(tiny_folder / "cat" / "cat_00.png", tiny_folder / "cat" / "again.png")
    open_and_check(qtbot, window, tiny_folder)
    assert panel.table.isVisibleTo(panel) and not panel.none_found.isVisibleTo(panel)
    assert panel.fix_duplicates.isEnabled() and not panel.fix_unreadable.isEnabled()
    assert not panel.fix_selected.isEnabled()
    panel.table.selectRow(0)
    assert panel.fix_selected.isEnabled() and panel.move_selected.isEnabled()
    panel.fix_selected.click()  # a single file: trashed without asking
    model = window.dataset_page.model
    qtbot.waitUntil(lambda: model.checked is not None and not model.checked.problems)
    assert panel.undo_fix.isEnabled()  # now there is something to undo
    panel.undo_fix.click()
    qtbot.waitUntil(lambda: model.checked is not None and bool(model.checked.problems))
    assert not panel.undo_fix.isEnabled()


def test_a_long_or_right_to_left_file_name_keeps_its_caption_readable(qtbot: QtBot, window: MainWindow,
                                                                      tiny_folder: Path) -> None:
    """A 200-character file name is cut in its middle to the caption's width (its end was clipped away); an
    Arabic one is isolated, so the line under it still reads "class 'cat'" (it read "'cat' class")."""
    long_name, arabic = "n" * 196 + ".png", "نسخة القطة.png"
    shutil.copy(tiny_folder / "cat" / "cat_00.png", tiny_folder / "cat" / long_name)
    shutil.copy(tiny_folder / "cat" / "cat_01.png", tiny_folder / "cat" / arabic)
    checked = open_and_check(qtbot, window, tiny_folder)
    panel = window.dataset_page.problems
    captions = panel.preview.this_caption, panel.preview.other_caption
    shown = {}
    for row, p in enumerate(checked.problems):
        panel.table.selectRow(row)
        shown.update({Path(p.path).name: captions[0].text(), Path(p.duplicate_of or "").name: captions[1].text()})
    name, where = shown[long_name].split("\n")
    assert "…" in name and name.endswith(".png\u2069") and where == "class '\u2068cat\u2069'"
    assert captions[0].fontMetrics().horizontalAdvance(name) <= captions[0].maximumWidth()
    assert shown[arabic] == f"\u2068{arabic}\u2069\nclass '\u2068cat\u2069'"

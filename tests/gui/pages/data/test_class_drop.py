"""Files and folders dropped from the file manager on a class row of the Data page are imported into that class
the way the Label page imports them: copied on a worker thread (progress and Cancel on the page's status line),
under new names where a name is taken, as one step Ctrl+Z undoes; what is not an image is named with why."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.conftest import write_image
from tests.gui.conftest import open_and_wait, opened, opened_workspace

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop_cls.gui.shell.main_window import MainWindow


def drop_on_row(window: MainWindow, class_name: str, paths: list[Path]) -> bool:
    """What the file manager's drop does: enter, move over the class's row, drop there."""
    table = window.dataset_page.class_table
    row = opened(window).classes.index(class_name)
    at = table.visualRect(table.model().index(row, 0)).center()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    actions, buttons, keys = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(at, actions, mime, buttons, keys)
    QApplication.sendEvent(table.viewport(), enter)
    move = QDragMoveEvent(at, actions, mime, buttons, keys)
    QApplication.sendEvent(table.viewport(), move)
    if not (enter.isAccepted() and move.isAccepted()):
        return False
    drop = QDropEvent(QPointF(at), actions, mime, buttons, keys)
    QApplication.sendEvent(table.viewport(), drop)
    return drop.isAccepted()


def boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A folder in the file manager: a photo, a photo whose name the class has already, a text file, and a folder of
    two more photos."""
    outside = tmp_path / "elsewhere"
    write_image(outside / "new.png", np.full((16, 16, 3), 90, np.uint8))
    write_image(outside / "dog_00.png", np.full((16, 16, 3), 60, np.uint8))
    (outside / "notes.txt").write_text("not a picture")
    for i in range(2):
        write_image(outside / "trip" / f"beach_{i}.png", np.full((16, 16, 3), 20 * i, np.uint8))
    return outside


def test_files_and_a_folder_dropped_on_a_class_row_are_imported_into_it(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, elsewhere: Path) -> None:
    open_and_wait(qtbot, window, tiny_folder)
    window.show_page("data")
    before = opened(window)
    dog = tiny_folder / "dog"
    original = (dog / "dog_00.png").read_bytes()
    assert drop_on_row(window, "dog", [elsewhere / "new.png", elsewhere / "dog_00.png", elsewhere / "notes.txt",
                                       elsewhere / "trip"])
    qtbot.waitUntil(lambda: not window.state.moving_files, timeout=30_000)  # copied in the background
    assert {p.name for p in dog.iterdir()} >= {"new.png", "dog_00 (2).png", "beach_0.png", "beach_1.png"}
    assert (dog / "dog_00.png").read_bytes() == original and (elsewhere / "new.png").is_file()  # nothing overwritten
    assert not (dog / "notes.txt").exists()
    said = [b.text() for b in boxes()]
    assert any("notes.txt" in t and "not an image" in t and "4 images imported" in t for t in said), said
    qtbot.waitUntil(lambda: opened(window) is not before, timeout=30_000)  # the folder is read again
    assert opened(window).counts()["dog"] == 8 + 4
    assert opened_workspace(window).describe_undo() == "4 images imported into 'dog'"
    opened_workspace(window).undo()  # one step: the copies go to the dataset's trash
    assert not (dog / "new.png").exists() and not (dog / "beach_0.png").exists()
    assert (dog / "dog_00.png").read_bytes() == original


def test_a_drop_while_another_step_runs_is_refused_with_a_reason(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, elsewhere: Path) -> None:
    open_and_wait(qtbot, window, tiny_folder)
    window.state.moving_files = True  # (a large labeling step on a worker thread)
    drop_on_row(window, "cat", [elsewhere / "new.png"])
    assert any("still running" in b.text() for b in boxes()) and not (tiny_folder / "cat" / "new.png").exists()
    window.state.moving_files = False


def test_dataset_thumbnails_dropped_on_a_class_row_move_into_it(qtbot: QtBot, window: MainWindow,
                                                                tiny_folder: Path) -> None:
    open_and_wait(qtbot, window, tiny_folder)
    cat = tiny_folder / "cat" / "cat_03.png"
    assert drop_on_row(window, "fish", [cat])
    assert (tiny_folder / "fish" / "cat_03.png").is_file() and not cat.exists()
    opened_workspace(window).undo()
    assert cat.is_file()


def test_a_class_folder_dropped_on_another_class_is_refused_with_the_way_to_merge(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path) -> None:
    """The dataset's own 'cat' folder dropped on the 'dog' row was moved whole into dog/cat (a class nested in a
    class) and said as "1 image to 'dog'"; it is refused, naming the folder and Merge, and nothing moves."""
    open_and_wait(qtbot, window, tiny_folder)
    window.show_page("data")
    cats = sorted(p.name for p in (tiny_folder / "cat").iterdir())
    drop_on_row(window, "dog", [tiny_folder / "cat"])
    qtbot.waitUntil(lambda: bool(boxes()), timeout=30_000)
    said = [b.text() for b in boxes()]
    assert any(str(tiny_folder / "cat") in t and "Merge into…" in t for t in said), said
    assert not (tiny_folder / "dog" / "cat").exists()
    assert sorted(p.name for p in (tiny_folder / "cat").iterdir()) == cats
    assert not opened_workspace(window).can_undo()

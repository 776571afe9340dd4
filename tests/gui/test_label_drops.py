"""With every image labeled, the Label page's class buttons are greyed for clicks yet still take images dropped
on them (Qt hands no drop to a disabled widget): from the dataset they move into the class, from elsewhere
they are copied in, in one step that Ctrl+Z undoes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from desktop_cls.gui.widgets.class_button import ClassDropButton
from tests.conftest import write_image
from tests.gui.conftest import open_and_wait, opened_workspace


def _buttons(window: MainWindow) -> dict[str, ClassDropButton]:
    grid = window.label_page.view.class_buttons
    items = (grid.itemAt(i) for i in range(grid.count()))
    return {w.class_name: w for item in items if item is not None
            and isinstance(w := item.widget(), ClassDropButton)}


def _drop(target: QWidget, paths: list[Path]) -> bool:
    """What the window does with a drop from the file manager: enter, then drop (accepted or not). Shift held: the
    move a file manager proposes then (as X11 does by default), which must be taken as a copy."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    actions, shift = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction, Qt.KeyboardModifier.ShiftModifier
    enter = QDragEnterEvent(QPoint(5, 5), actions, mime, Qt.MouseButton.LeftButton, shift)
    assert enter.proposedAction() == Qt.DropAction.MoveAction
    QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        return False
    assert enter.dropAction() == Qt.DropAction.CopyAction
    drop = QDropEvent(QPointF(5, 5), actions, mime, Qt.MouseButton.LeftButton, shift)
    QApplication.sendEvent(target, drop)
    assert drop.dropAction() == Qt.DropAction.CopyAction  # a "move" would let a file manager delete its file
    return drop.isAccepted()


def test_a_fully_labeled_dataset_still_takes_images_dropped_on_a_class(qtbot: QtBot, window: MainWindow,
                                                                      tiny_folder: Path, tmp_path: Path) -> None:
    open_and_wait(qtbot, window, tiny_folder)  # every image has a class
    window.show_page("label")
    lp = window.label_page
    assert lp.model.queue == []
    buttons = _buttons(window)
    fish = buttons["fish"]
    assert fish.isEnabled() and fish.acceptDrops() and not fish.labeling  # greyed for clicks, open to drops
    assert "Drop images here" in fish.toolTip() and fish.focusPolicy() == Qt.FocusPolicy.NoFocus
    qtbot.mouseClick(fish, Qt.MouseButton.LeftButton)  # a click has nothing to label
    assert not opened_workspace(window).can_undo()

    cat = sorted((tiny_folder / "cat").iterdir())[0]
    outside = write_image(tmp_path / "elsewhere" / "new.png", np.full((16, 16, 3), 90, np.uint8))
    assert _drop(fish, [cat, outside])
    qtbot.waitUntil(lambda: not window.label_page.model.moving, timeout=30_000)  # copied in the background
    assert (tiny_folder / "fish" / cat.name).exists() and not cat.exists()
    assert (tiny_folder / "fish" / "new.png").exists() and outside.exists()  # a copy; the original stays
    opened_workspace(window).undo()  # one step: the move back, the copy out of the class
    assert cat.exists() and not (tiny_folder / "fish" / "new.png").exists()


def test_a_labeling_class_button_reads_as_before(qtbot: QtBot, window: MainWindow, tiny_folder: Path) -> None:
    """An image waiting for a class: the buttons label on click and take the focus as any button."""
    write_image(tiny_folder / "loose.png", np.full((16, 16, 3), 30, np.uint8))
    open_and_wait(qtbot, window, tiny_folder)
    window.show_page("label")
    dog = _buttons(window)["dog"]
    assert dog.labeling and dog.focusPolicy() == Qt.FocusPolicy.StrongFocus and "Drop images here" not in dog.toolTip()
    qtbot.mouseClick(dog, Qt.MouseButton.LeftButton)
    assert (tiny_folder / "dog" / "loose.png").exists()
    assert not _buttons(window)["dog"].labeling  # nothing left: greyed again


def test_a_greyed_class_button_looks_like_a_disabled_one(qtbot: QtBot) -> None:
    """It cannot be disabled (no drop would reach it), so it paints itself as one; while a drag is over it, it
    shows as a button that acts."""
    greyed, disabled, active = (ClassDropButton("2  fish", "fish", f"b{i}") for i in range(3))
    for b in (greyed, disabled, active):
        qtbot.addWidget(b)
        b.resize(160, 32)
    greyed.set_labeling(False, "drop here")
    disabled.setEnabled(False)
    assert greyed.grab().toImage() == disabled.grab().toImage()
    assert greyed.grab().toImage() != active.grab().toImage()
    greyed.dragged_over = True
    assert greyed.grab().toImage() == active.grab().toImage()


def test_a_folder_dropped_on_the_window_or_the_classify_page_is_taken_as_a_copy(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path) -> None:
    """Opening or classifying a dropped folder reads it; the file manager must not be told it was moved."""
    assert _drop(window, [tiny_folder])
    qtbot.waitUntil(lambda: window.state.dataset is not None, timeout=30_000)
    window.show_page("classify")
    assert _drop(window.classify_page, [tiny_folder / "cat"])

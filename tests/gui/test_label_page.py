"""Labeling in the app, driven by the keyboard."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop_cls.core.data.labeling import Workspace
from desktop_cls.gui.pages.label.accept_dialog import AcceptDialog
from desktop_cls.gui.pages.label.label_page import LabelPage
from desktop_cls.gui.shell.main_window import MainWindow
from desktop_cls.gui.widgets.class_button import ClassDropButton
from tests.gui.conftest import open_and_check, open_and_wait, opened, opened_workspace


def workspace(window: MainWindow) -> Workspace:
    ws = window.state.workspace
    assert ws is not None, "no labeling workspace is open"
    return ws


def current(window: MainWindow) -> str:
    name = window.label_page.model.current()
    assert name is not None, "no image to label"
    return name


@pytest.fixture
def with_unlabeled(tiny_folder: Path) -> Path:
    for i in range(4):
        shutil.copy(tiny_folder / "dog" / f"dog_0{i}.png", tiny_folder / f"new_{i}.png")
    return tiny_folder


def test_label_with_number_keys_undo_and_redo(qtbot: QtBot, window: MainWindow, with_unlabeled: Path) -> None:
    open_and_wait(qtbot, window, with_unlabeled)
    window.show_page("label")
    lp = window.label_page
    assert lp.model.queue == [f"new_{i}.png" for i in range(4)]
    window.activateWindow()
    qtbot.waitUntil(lp.hasFocus)
    QTest.keyClick(lp, Qt.Key.Key_2)  # classes: cat, dog, fish -> 2 = dog
    assert (with_unlabeled / "dog" / "new_0.png").exists() and len(lp.model.queue) == 3
    strip = lp.view.strip_model  # the labeled image left the strip too, the rest in the queue's order
    assert [Path(path).name for path, _caption in strip.items] == lp.model.queue and strip.rowCount() == 3
    QTest.keyClick(lp, Qt.Key.Key_Right)
    assert lp.model.current() == "new_2.png"
    QTest.keyClick(lp, Qt.Key.Key_3)
    assert (with_unlabeled / "fish" / "new_2.png").exists()
    QTest.keyClick(lp, Qt.Key.Key_Delete)  # trash (undoable)
    assert len(lp.model.queue) == 1
    for _ in range(3):
        QTest.keyClick(lp, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert lp.model.queue == [f"new_{i}.png" for i in range(4)]
    QTest.keyClick(lp, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert (with_unlabeled / "dog" / "new_0.png").exists()
    qtbot.waitUntil(lambda: window.state.dataset is not None and len(window.state.dataset.samples) == 25,
                    timeout=30_000)  # the Data page rescans shortly after labeling


def test_suggestions_sorted_by_uncertainty_and_accepted(qtbot: QtBot, window: MainWindow, with_unlabeled: Path,
                                                        trained_run: tuple[Path, Path],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    open_and_wait(qtbot, window, with_unlabeled)
    window.state.set_run(str(trained_run[0]))
    lp = window.label_page
    shown = lp.model.current()
    lp.suggest_panel.suggest()
    qtbot.waitUntil(lambda: len(lp.model.suggestions) == 4, timeout=60_000)
    assert lp.model.current() == shown and lp.model.position == 0  # the image on screen stays on screen
    confidences = [lp.model.suggestions[n][1] for n in lp.model.queue[1:]]
    assert confidences == sorted(confidences)  # the others: least confident first
    monkeypatch.setattr(AcceptDialog, "exec", lambda _self: AcceptDialog.DialogCode.Accepted)
    lp.suggest_panel.accept_spin.setValue(50)
    lp.suggest_panel.accept()  # moved in the background, as one step
    qtbot.waitUntil(lambda: lp.model.queue == [] and not lp.model.moving, timeout=30_000)
    assert all((with_unlabeled / "dog" / f"new_{i}.png").exists() for i in range(4))
    lp.undo()  # one undo puts every image back
    assert sorted(lp.model.queue) == [f"new_{i}.png" for i in range(4)]


def test_shortcuts_do_not_fire_on_other_pages(qtbot: QtBot, window: MainWindow, with_unlabeled: Path) -> None:
    open_and_wait(qtbot, window, with_unlabeled)
    window.show_page("train")
    window.train_page.form.epochs_spin.setFocus()
    QTest.keyClick(window.train_page.form.epochs_spin, Qt.Key.Key_2)
    assert window.label_page.model.queue == [f"new_{i}.png" for i in range(4)]


def test_data_page_one_click_fixes_are_undoable(qtbot: QtBot, window: MainWindow, tiny_folder: Path) -> None:
    shutil.copy(tiny_folder / "cat" / "cat_00.png", tiny_folder / "cat" / "again.png")
    (tiny_folder / "dog" / "broken.png").write_bytes(b"not an image")
    kinds = {p.kind for p in open_and_check(qtbot, window, tiny_folder).problems}
    assert "duplicate" in kinds and "not_image" in kinds
    dp = window.dataset_page
    before = window.state.dataset
    dp.problems.fix_duplicates.click()
    qtbot.waitUntil(lambda: window.state.dataset is not before, timeout=30_000)
    assert not (tiny_folder / "cat" / "again.png").exists() or not (tiny_folder / "cat" / "cat_00.png").exists()
    before = window.state.dataset
    dp.problems.fix_unreadable.click()
    qtbot.waitUntil(lambda: window.state.dataset is not before, timeout=30_000)
    assert not (tiny_folder / "dog" / "broken.png").exists()
    assert not any(p.kind in ("duplicate", "not_image") for p in opened(window).problems)
    before = window.state.dataset
    dp.problems.undo_fix.click()
    qtbot.waitUntil(lambda: window.state.dataset is not before, timeout=30_000)
    assert (tiny_folder / "dog" / "broken.png").exists()


def test_evaluate_gallery_fixes_labels_in_place(qtbot: QtBot, window: MainWindow, tiny_folder: Path,
                                                trained_run: tuple[Path, Path]) -> None:
    from PySide6.QtCore import QItemSelectionModel

    open_and_wait(qtbot, window, tiny_folder)
    window.state.set_run(str(trained_run[0]))
    ev = window.evaluate_page
    ev.folder_edit.setText(str(tiny_folder))
    ev.evaluate()
    qtbot.waitUntil(lambda: ev.model.result is not None, timeout=60_000)
    ev.confusion.setCurrentCell(0, 0)
    n = ev.mistakes.model.rowCount()
    first = ev.mistakes.model.items[0][0]
    ev.mistakes.view.selectionModel().select(ev.mistakes.model.index(0), QItemSelectionModel.SelectionFlag.Select)
    ev.mistakes.fix_selected("fish")
    assert (tiny_folder / "fish" / Path(first).name).exists() and ev.mistakes.model.rowCount() == n - 1
    workspace(window).undo()
    assert Path(first).exists()


def test_drag_images_onto_a_class(qtbot: QtBot, window: MainWindow, with_unlabeled: Path) -> None:
    """Thumbnails carry their files; class buttons and the Data page's class rows take them."""
    open_and_wait(qtbot, window, with_unlabeled)
    lp = window.label_page
    mime = lp.view.strip_model.mimeData([lp.view.strip_model.index(0), lp.view.strip_model.index(1)])
    paths = [u.toLocalFile() for u in mime.urls()]
    assert [Path(p).name for p in paths] == ["new_0.png", "new_1.png"]
    lp.classes.assign_files("fish", paths)  # what a drop on the 'fish' button emits
    assert (with_unlabeled / "fish" / "new_0.png").exists() and (with_unlabeled / "fish" / "new_1.png").exists()
    before = window.state.dataset
    window.dataset_page.class_drop.dropped(0, [str(with_unlabeled / "fish" / "new_0.png")])  # row 0 = 'cat'
    assert (with_unlabeled / "cat" / "new_0.png").exists()
    qtbot.waitUntil(lambda: window.state.dataset is not before, timeout=30_000)
    workspace(window).undo()
    workspace(window).undo()
    assert sorted(workspace(window).unlabeled()) == [f"new_{i}.png" for i in range(4)]


def test_empty_trash_button_asks_then_empties(qtbot: QtBot, window: MainWindow, with_unlabeled: Path,
                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import send2trash

    os_trash = tmp_path / "os_trash"
    os_trash.mkdir()
    monkeypatch.setattr(send2trash, "send2trash", lambda p: shutil.move(p, os_trash))
    open_and_wait(qtbot, window, with_unlabeled)
    lp = window.label_page
    lp.trash_current()
    answers = iter([QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: next(answers))
    lp.trash.start()
    assert not list(os_trash.iterdir()) and not window.state.moving_files  # declined: nothing sent, nothing started
    lp.trash.start()
    qtbot.waitUntil(lambda: not window.state.moving_files, timeout=30_000)  # (in the background)
    assert len(list(os_trash.rglob("*.png"))) == 1 and not lp.buttons["undoButton"].isEnabled()


def test_class_keys_match_digit_class_names() -> None:
    from desktop_cls.core.data.class_keys import class_keys

    digits = [str(i) for i in range(10)]
    assert class_keys(digits) == {d: d for d in digits}  # key 1 -> "1", key 0 -> "0", all ten have a key
    assert class_keys(["cat", "dog", "fish"]) == {"1": "cat", "2": "dog", "3": "fish"}
    assert class_keys([f"c{i}" for i in range(11)])["0"] == "c9"  # the tenth class gets 0
    assert class_keys(["2", "cat", "a"]) == {"2": "2", "a": "a", "1": "cat"}


def test_digit_classes_are_labelled_with_their_own_key(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    from tests.conftest import make_tiny_folder

    digits = tuple(str(i) for i in range(10))
    root = make_tiny_folder(tmp_path / "digits", classes=digits, per_class=2)
    for i in range(3):
        shutil.copy(root / "7" / "7_00.png", root / f"new_{i}.png")
    open_and_wait(qtbot, window, root)
    window.show_page("label")
    lp = window.label_page
    window.activateWindow()
    qtbot.waitUntil(lp.hasFocus)
    QTest.keyClick(lp, Qt.Key.Key_1)
    assert (root / "1" / "new_0.png").exists() and not (root / "0" / "new_0.png").exists()
    QTest.keyClick(lp, Qt.Key.Key_0)
    assert (root / "0" / "new_1.png").exists()
    QTest.keyClick(lp, Qt.Key.Key_9)
    assert (root / "9" / "new_2.png").exists() and lp.model.queue == []


def test_after_suggest_keys_label_and_enter_accepts(qtbot: QtBot, window: MainWindow, with_unlabeled: Path,
                                                    trained_run: tuple[Path, Path]) -> None:
    """Focus stays on the image: a class key after Suggest labels files, it does not type a threshold."""
    open_and_wait(qtbot, window, with_unlabeled)
    window.state.set_run(str(trained_run[0]))
    window.show_page("label")
    lp = window.label_page
    window.activateWindow()
    lp.suggest_panel.suggest_button.setFocus()
    qtbot.waitUntil(lp.suggest_panel.suggest_button.hasFocus)
    QTest.mouseClick(lp.suggest_panel.suggest_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(lp.model.suggestions) == 4, timeout=60_000)
    assert not lp.suggest_panel.accept_spin.hasFocus()
    first = current(window)
    QTest.keyClick(window.focusWidget(), Qt.Key.Key_3)
    assert lp.suggest_panel.accept_spin.value() == 90
    assert (with_unlabeled / "fish" / first).exists()
    second = current(window)
    suggested = lp.model.suggestions[second][0]
    QTest.keyClick(window.focusWidget(), Qt.Key.Key_Return)
    assert (with_unlabeled / suggested / second).exists() and second not in lp.model.queue


def test_a_damaged_labeling_journal_opens_with_a_notice(qtbot: QtBot, window: MainWindow, with_unlabeled: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.core.data.labeling import Workspace

    Workspace(with_unlabeled).assign([with_unlabeled / "new_0.png"], "dog")
    journal = with_unlabeled / ".desktop_cls" / "journal.jsonl"
    journal.unlink()
    journal.mkdir()  # a history that cannot be read at all
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a, **k: shown.append(text))
    open_and_wait(qtbot, window, with_unlabeled)
    qtbot.waitUntil(lambda: window.state.workspace is not None)
    assert shown and "kept aside" in shown[0]
    lp = window.label_page
    lp.classes.assign_files("cat", [str(with_unlabeled / "new_1.png")])  # labeling works
    assert (with_unlabeled / "cat" / "new_1.png").exists() and opened_workspace(window).can_undo()


def test_live_suggestions_refresh_after_each_labelled_image(qtbot: QtBot, window: MainWindow, with_unlabeled: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.gui.pages.label import suggestions

    monkeypatch.setattr(suggestions, "LIVE_IMAGE_SIZE", 64)  # small: this is about the plumbing
    open_and_wait(qtbot, window, with_unlabeled)
    window.show_page("label")
    lp = window.label_page
    assert window.state.run is None  # no trained model needed
    lp.suggest_panel.live_check.setChecked(True)
    qtbot.waitUntil(lambda: set(lp.model.suggestions) == {f"new_{i}.png" for i in range(4)}, timeout=120_000)
    assert all(label == "dog" for label, _ in lp.model.suggestions.values())  # copies of dog images
    first = lp.model.current()
    lp.assign_current("dog")
    suggested = lp.model
    qtbot.waitUntil(lambda: first not in suggested.suggestions and len(suggested.suggestions) == 3, timeout=120_000)


def test_rename_merge_and_delete_start_on_the_class_selected_in_the_list(qtbot: QtBot, window: MainWindow,
                                                                         tiny_folder: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Selecting "dog" then Delete must not offer "cat" (the first class) to an Enter press."""
    from PySide6.QtWidgets import QDialog, QInputDialog

    from desktop_cls.gui.widgets.dialogs import title_width

    open_and_wait(qtbot, window, tiny_folder)
    window.show_page("label")
    panel = window.label_page.classes
    asked: list[tuple[str, list[str], int]] = []

    def answer(dialog: QInputDialog) -> int:
        items = dialog.comboBoxItems()
        asked.append((dialog.labelText(), items, items.index(dialog.textValue())))
        # wide enough that a title bar shows "Rename which class?" in full, not "Rena… class?"
        assert dialog.minimumWidth() >= title_width(dialog.windowTitle(), dialog.font())
        return QDialog.DialogCode.Rejected  # cancelled: nothing changes

    monkeypatch.setattr(QInputDialog, "exec", answer)
    rows = {panel.class_list.item(i).data(Qt.ItemDataRole.UserRole): i for i in range(panel.class_list.count())}
    panel.class_list.setCurrentRow(rows["dog"])
    panel.delete_class()
    panel.rename_class()
    panel.merge_class()
    assert [items[current] for _label, items, current in asked] == ["dog", "dog", "dog"]
    assert "Delete which class?" in asked[0][0]  # the question itself, not a bare "Class:"
    assert sorted(p.name for p in tiny_folder.iterdir() if p.is_dir()) == ["cat", "dog", "fish"]


def test_evaluate_gallery_follows_undo_and_redo_of_a_fix(qtbot: QtBot, window: MainWindow, tiny_folder: Path) -> None:
    """A label fixed in the gallery and then undone comes back among the mistakes (and the words about the
    move go); redone, it leaves again."""
    from PySide6.QtCore import QItemSelectionModel

    open_and_wait(qtbot, window, tiny_folder)
    gallery = window.evaluate_page.mistakes
    cats = sorted(str(p) for p in (tiny_folder / "cat").iterdir())
    samples = [(cats[0], 0, 1, 0.9), (cats[1], 0, 2, 0.8), (cats[2], 0, 0, 0.7)]  # two mistakes, one right
    gallery.set_result(["cat", "dog", "fish"], samples, "")
    normal = gallery.label.text()
    assert gallery.model.rowCount() == 2
    gallery.view.selectionModel().select(gallery.model.index(0), QItemSelectionModel.SelectionFlag.Select)
    gallery.fix_selected("dog")
    assert gallery.model.rowCount() == 1 and "moved to '\u2068dog\u2069'" in gallery.label.text()
    workspace(window).undo()
    qtbot.waitUntil(lambda: gallery.model.rowCount() == 2)
    assert gallery.label.text() == normal and gallery.model.items[0][0] == cats[0]
    gallery.show_all_button.click()
    assert gallery.model.rowCount() == 2  # "Show all mistakes" has it too
    workspace(window).redo()
    qtbot.waitUntil(lambda: gallery.model.rowCount() == 1)
    assert "moved to '\u2068dog\u2069'" in gallery.label.text()


def test_the_evaluate_gallery_fixes_no_label_while_a_labeling_step_moves_files(qtbot: QtBot, window: MainWindow,
                                                                              tiny_folder: Path) -> None:
    """One writer per dataset: a fix in the gallery while a large step runs on a worker thread is said and not made
    (two steps at once interleaved their records in the journal)."""
    import threading

    from PySide6.QtCore import QItemSelectionModel

    open_and_wait(qtbot, window, tiny_folder)
    ws, go = workspace(window), threading.Event()
    cats, dogs = sorted((tiny_folder / "cat").iterdir()), sorted((tiny_folder / "dog").iterdir())
    window.label_page.do(lambda: go.wait(30) and ws.assign([str(dogs[0])], "fish"), large=True)
    assert window.state.moving_files
    gallery = window.evaluate_page.mistakes
    gallery.set_result(["cat", "dog", "fish"], [(str(cats[0]), 0, 1, 0.9)], "")
    gallery.view.selectionModel().select(gallery.model.index(0), QItemSelectionModel.SelectionFlag.Select)
    gallery.fix_selected("dog")
    assert cats[0].exists() and gallery.model.rowCount() == 1
    told = [w.text() for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert any("Another labeling step is still running" in t for t in told)
    go.set()
    qtbot.waitUntil(lambda: not window.state.moving_files, timeout=30_000)
    gallery.view.selectionModel().select(gallery.model.index(0), QItemSelectionModel.SelectionFlag.Select)
    gallery.fix_selected("dog")  # once the step is over
    assert (tiny_folder / "dog" / cats[0].name).exists()


def test_the_sidebar_says_label_needs_attention_while_loose_images_wait(qtbot: QtBot, window: MainWindow,
                                                                        with_unlabeled: Path) -> None:
    """The path of steps shows "! Label" while images wait for a class and "✓ Label" once none does; it said
    nothing at all, so twelve loose images in the folder went unnoticed until the Label page was opened."""
    status = window.sidebar_icons.status
    assert status.get("label", "none") == "none"  # no dataset: no badge
    open_and_wait(qtbot, window, with_unlabeled)
    assert status["label"] == "attention"
    workspace(window).assign([f"new_{i}.png" for i in range(4)], "dog")
    window.label_page.changed()
    qtbot.waitUntil(lambda: status["label"] == "done")


def class_buttons(page: LabelPage) -> list[QWidget]:
    """The Label page's class buttons as laid out now (replaced ones may await deletion)."""
    grid = page.view.class_buttons
    items = (grid.itemAt(i) for i in range(grid.count()))
    return [w for item in items if item is not None and (w := item.widget()) is not None]


def test_with_every_image_labeled_what_cannot_act_is_greyed_and_the_next_step_is_said(
        qtbot: QtBot, window: MainWindow, with_unlabeled: Path) -> None:
    open_and_wait(qtbot, window, with_unlabeled)
    window.show_page("label")
    lp, view = window.label_page, window.label_page.view
    assert lp.buttons["skipButton"].isEnabled() and view.strip.isVisibleTo(lp)
    QTest.keyClick(lp, Qt.Key.Key_2)
    assert all(b.isEnabled() for b in class_buttons(lp))
    workspace(window).assign([f"new_{i}.png" for i in range(1, 4)], "dog")
    lp.changed()
    assert lp.model.queue == []
    for name in ("backButton", "skipButton", "trashImageButton", "acceptSuggestionsButton"):
        assert not lp.buttons[name].isEnabled(), name
    buttons = class_buttons(lp)
    assert len(buttons) == 3 and not any(isinstance(b, ClassDropButton) and b.labeling for b in buttons)
    assert not any(sc.isEnabled() for sc in view.key_shortcuts)  # the class keys too
    assert not view.strip.isVisibleTo(lp)
    assert view.caption.text() == "All images are labeled" and "train a model" in view.preview.text()
    assert lp.buttons["retrainButton"].isEnabled()  # what the next step is
    QTest.keyClick(lp, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # an image waits again: all comes back
    assert lp.model.queue and lp.buttons["skipButton"].isEnabled() and view.strip.isVisibleTo(lp)
    assert all(sc.isEnabled() for sc in view.key_shortcuts)


def test_the_training_button_says_train_until_a_model_of_this_dataset_exists(
        qtbot: QtBot, window: MainWindow, with_unlabeled: Path, tmp_path: Path) -> None:
    """Before any model was trained on the folder, the page offered to *Retrain* ("press Retrain" when all images
    were labeled): it says Train, and Retrain once the chosen run is a model of this folder."""
    from tests.core.test_run_list import fake_run

    open_and_wait(qtbot, window, with_unlabeled)
    window.show_page("label")
    lp = window.label_page
    button = lp.buttons["retrainButton"]
    assert button.text() == "Train"
    workspace(window).assign([f"new_{i}.png" for i in range(4)], "dog")
    lp.changed()
    assert "press Train " in lp.view.preview.text() and "Retrain" not in lp.view.preview.text()
    other = fake_run(tmp_path / "runs", "of-another-folder", weights=True, dataset_root=str(tmp_path / "elsewhere"))
    window.state.set_run(str(other))
    assert button.text() == "Train"  # a model of another folder is no model of this one
    here = fake_run(tmp_path / "runs", "of-this-folder", weights=True, dataset_root=str(with_unlabeled))
    window.state.set_run(str(here))
    assert button.text() == "Retrain"
    lp.refresh()
    assert "press Retrain " in lp.view.preview.text()


def test_the_strip_of_one_row_has_no_vertical_scrollbar_and_hides_nothing(qtbot: QtBot, window: MainWindow,
                                                                         tiny_folder: Path) -> None:
    """The strip is one row, scrolled sideways: it showed a vertical scrollbar too (its height left no room for the
    horizontal one), which scrolled the captions out of sight."""
    for i in range(30):
        shutil.copy(tiny_folder / "dog" / "dog_00.png", tiny_folder / f"new_{i:02d}.png")
    open_and_wait(qtbot, window, tiny_folder)
    window.show_page("label")
    strip = window.label_page.view.strip
    qtbot.waitUntil(lambda: strip.horizontalScrollBar().isVisible())
    assert not strip.verticalScrollBar().isVisible() and strip.verticalScrollBar().maximum() == 0
    assert strip.viewport().height() >= strip.gridSize().height()


def test_an_empty_class_shows_its_count_as_the_others_do(qtbot: QtBot, window: MainWindow, tiny_folder: Path) -> None:
    (tiny_folder / "bird").mkdir()  # a class without images yet
    open_and_check(qtbot, window, tiny_folder)
    listed = window.label_page.classes.class_list
    qtbot.waitUntil(lambda: listed.count() == 4, timeout=30_000)
    texts = {listed.item(i).data(Qt.ItemDataRole.UserRole): listed.item(i).text() for i in range(listed.count())}
    assert texts["bird"] == "bird (0)"
    assert all(text.startswith(f"{name} (") and text.endswith(")") for name, text in texts.items()), texts


def test_undo_and_redo_show_the_image_they_act_on(qtbot: QtBot, window: MainWindow, with_unlabeled: Path) -> None:
    """An undo put the image back in the queue but the preview stayed on the image after it, so the next key
    labeled another image than the one just put back."""
    open_and_wait(qtbot, window, with_unlabeled)
    window.show_page("label")
    lp = window.label_page
    window.activateWindow()
    qtbot.waitUntil(lp.hasFocus)
    undo = Qt.KeyboardModifier.ControlModifier
    redo = undo | Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(lp, Qt.Key.Key_1)  # new_0 to cat: new_1 is shown
    QTest.keyClick(lp, Qt.Key.Key_Delete)  # new_1 to the trash: new_2 is shown
    assert current(window) == "new_2.png"
    QTest.keyClick(lp, Qt.Key.Key_Z, undo)
    assert current(window) == "new_1.png" and lp.view.caption.text().startswith("\u2068new_1.png\u2069")
    assert [i.row() for i in lp.view.strip.selectedIndexes()] == [0]  # the strip too: that image only, not another
    QTest.keyClick(lp, Qt.Key.Key_Z, undo)
    assert current(window) == "new_0.png" and lp.view.caption.text().startswith("\u2068new_0.png\u2069")
    QTest.keyClick(lp, Qt.Key.Key_2)  # the key files the image shown: the one put back
    assert (with_unlabeled / "dog" / "new_0.png").exists()
    QTest.keyClick(lp, Qt.Key.Key_Z, undo)
    assert current(window) == "new_0.png"
    for _ in range(2):
        QTest.keyClick(lp, Qt.Key.Key_Right)  # the user looks on: new_2
    QTest.keyClick(lp, Qt.Key.Key_Z, redo)  # new_0 to dog again: shown is where it acted, as the label did
    assert (with_unlabeled / "dog" / "new_0.png").exists()
    assert current(window) == "new_1.png" and lp.view.caption.text().startswith("\u2068new_1.png\u2069")
    assert [i.row() for i in lp.view.strip.selectedIndexes()] == [lp.model.position]  # (Shift held: no range)


def test_an_undo_run_in_the_background_shows_the_image_it_puts_back(
        qtbot: QtBot, window: MainWindow, with_unlabeled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.gui.pages import labeling_step

    monkeypatch.setattr(labeling_step, "LARGE_STEP", 1)  # an undo of two images goes to a worker thread
    open_and_wait(qtbot, window, with_unlabeled)
    window.show_page("label")
    lp = window.label_page
    lp.go_to(1)
    lp.do(workspace(window).trash, ["new_1.png", "new_2.png"])
    assert current(window) == "new_3.png"
    lp.undo()
    qtbot.waitUntil(lambda: not window.state.moving_files and len(lp.model.queue) == 4, timeout=30_000)
    assert current(window) == "new_1.png" and lp.view.caption.text().startswith("\u2068new_1.png\u2069")

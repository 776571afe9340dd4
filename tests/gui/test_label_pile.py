"""A pile of unlabeled images, no class folder yet: it opens, the pages say what to do first, and labeling it works."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from desktop_cls.core.data.dataset import scan
from desktop_cls.core.errors import UserError
from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import dataset_line, open_and_check, open_and_wait, opened, opened_workspace


@pytest.fixture
def pile(tiny_folder: Path, tmp_path: Path) -> Path:
    """Six images lying directly in a folder, as they came off a camera: no sub-folder at all."""
    folder = tmp_path / "pile"
    folder.mkdir()
    for i, path in enumerate(sorted(tiny_folder.glob("*/*_0[01].png"))):
        shutil.copy(path, folder / f"img_{i:04d}.png")
    return folder


def test_the_engine_reads_a_pile_as_a_dataset_without_classes_only_when_asked(pile: Path) -> None:
    with pytest.raises(UserError, match="label them on the Label page"):
        scan(pile)  # training, the command line: nothing to learn from
    index = scan(pile, unlabeled_only=True)
    assert index.classes == () and index.samples == () and len(index.unlabeled) == 6


def test_live_suggestions_wait_quietly_until_a_pile_has_classes(pile: Path) -> None:
    from desktop_cls.core.training.live_suggestions import suggest_labels

    assert suggest_labels(pile, ["img_0000.png"]).suggestions == {}  # no error: the page says nothing yet


def test_a_pile_opens_and_its_first_class_is_made_on_the_label_page(qtbot: QtBot, window: MainWindow,
                                                                      pile: Path) -> None:
    open_and_wait(qtbot, window, pile)
    assert opened(window).classes == ()
    assert "Label page" in window.dataset_page.summary.text()  # the Data page says where to go
    assert not window.train_page.buttons["trainButton"].isEnabled()
    assert "Label page" in window.train_page.buttons["trainButton"].toolTip()
    window.show_page("label")
    lp = window.label_page
    assert len(lp.model.queue) == 6
    hint = lp.findChild(QLabel, "noClassesHint")
    assert hint is not None and "New class" in hint.text()
    lp.do(opened_workspace(window).create_class, "cat")  # as New class… does
    qtbot.waitUntil(lambda: lp.model.classes == ["cat"], timeout=10_000)
    window.activateWindow()
    qtbot.waitUntil(lp.hasFocus)
    QTest.keyClick(lp, Qt.Key.Key_1)
    assert (pile / "cat" / "img_0000.png").exists() and len(lp.model.queue) == 5
    qtbot.waitUntil(lambda: len(opened(window).samples) == 1, timeout=30_000)  # read again: one class now
    assert opened(window).classes == ("cat",)


def test_the_data_page_shows_the_pictures_of_a_pile(qtbot: QtBot, window: MainWindow, pile: Path) -> None:
    open_and_wait(qtbot, window, pile)
    dp = window.dataset_page
    grid = dp.thumb_model
    assert grid.rowCount() == 6 and {Path(path).name for path, _c in grid.items} == {
        f"img_{i:04d}.png" for i in range(6)}  # the pictures the user has, not an empty grid
    assert grid.items[0][1] == "not labeled yet"
    assert [dp.class_filter.itemText(i) for i in range(dp.class_filter.count())] == ["Not labeled yet (6 images)"]
    assert "Label page" in dp.summary.text()  # and where to give them classes
    (pile / "cat").mkdir()  # a dataset with classes: its classes first, the images waiting for one kept apart
    for name in ("img_0000.png", "img_0001.png"):
        (pile / name).rename(pile / "cat" / name)
    open_and_check(qtbot, window, pile)
    texts = [dp.class_filter.itemText(i) for i in range(dp.class_filter.count())]
    assert texts == ["All classes (2 images)", "cat (2)", "Not labeled yet (4 images)"]
    assert grid.rowCount() == 2
    dp.class_filter.setCurrentIndex(2)
    assert grid.rowCount() == 4 and all(Path(path).parent == pile for path, _c in grid.items)


def test_a_file_that_is_not_a_picture_is_said_so_instead_of_showing_the_one_before(qtbot: QtBot, window: MainWindow,
                                                                                   pile: Path) -> None:
    (pile / "img_0001.png").write_bytes((pile / "img_0001.png").read_bytes()[:40])  # cut short, as a failed copy
    open_and_wait(qtbot, window, pile)
    window.show_page("label")
    lp = window.label_page
    preview = lp.view.preview
    assert lp.model.current() == "img_0000.png" and preview.source() is not None
    QTest.keyClick(lp, Qt.Key.Key_Right)
    assert lp.model.current() == "img_0001.png" and preview.pixmap().isNull()  # (its size unknown: read off the UI
    qtbot.waitUntil(lambda: "\u2068img_0001.png\u2069 cannot be read" in preview.text(), timeout=10_000)  # thread)
    assert preview.pixmap().isNull() and "damaged" in preview.text()  # the decoder's reason
    QTest.keyClick(lp, Qt.Key.Key_Right)  # the next picture shows again
    assert not preview.pixmap().isNull() and preview.text() == ""


def test_a_photo_is_opened_off_the_ui_thread_at_the_screens_size(qtbot: QtBot, window: MainWindow,
                                                                  pile: Path) -> None:
    from PIL import Image

    Image.new("RGB", (2400, 1800), (200, 120, 40)).save(pile / "img_0001.png")  # 4.3 MP, a camera's picture
    open_and_wait(qtbot, window, pile)
    window.show_page("label")
    lp = window.label_page
    preview = lp.view.preview
    QTest.keyClick(lp, Qt.Key.Key_Right)
    assert lp.model.current() == "img_0001.png"
    # (not decoded on this thread:)
    assert preview.source() is None and "Opening \u2068img_0001.png\u2069" in preview.text()
    qtbot.waitUntil(lambda: preview.source() is not None, timeout=10_000)
    picture = preview.source()
    assert picture is not None
    screen = preview.screen().availableSize() * preview.devicePixelRatioF()
    assert picture.width() <= screen.width() and picture.height() <= screen.height()
    assert abs(picture.width() / picture.height() - 4 / 3) < 0.01  # shrunk, not cut


def test_a_picture_of_half_a_megapixel_is_opened_off_the_ui_thread(qtbot: QtBot, window: MainWindow,
                                                                   pile: Path) -> None:
    """Not only photos: a 700 x 700 PNG (clip art's size) took up to half a key press's 50 ms to decode on it."""
    from PIL import Image

    Image.new("RGB", (700, 700), (200, 120, 40)).save(pile / "img_0001.png")
    open_and_wait(qtbot, window, pile)
    window.show_page("label")
    lp = window.label_page
    preview = lp.view.preview
    QTest.keyClick(lp, Qt.Key.Key_Right)
    assert preview.source() is None and "Opening \u2068img_0001.png\u2069" in preview.text()
    qtbot.waitUntil(lambda: preview.source() is not None, timeout=10_000)
    source = preview.source()
    assert source is not None and source.width() == source.height() > 0


def test_a_photo_passed_over_before_it_opened_never_replaces_the_next_picture(qtbot: QtBot, window: MainWindow,
                                                                              pile: Path) -> None:
    from PIL import Image

    Image.new("RGB", (2400, 1800), (200, 120, 40)).save(pile / "img_0001.png")
    open_and_wait(qtbot, window, pile)
    window.show_page("label")
    lp = window.label_page
    QTest.keyClick(lp, Qt.Key.Key_Right)
    QTest.keyClick(lp, Qt.Key.Key_Right)  # on to img_0002 before the photo arrived
    assert lp.model.current() == "img_0002.png"
    small = lp.view.preview.source()
    assert small is not None and small.width() < 100
    pictures = lp.view._pictures  # the photo's decoding ended (cancelled, or done and dropped)
    qtbot.waitUntil(lambda: not pictures.pending(), timeout=10_000)
    qtbot.wait(0)  # (and anything it posted to this thread has been handled)
    assert lp.view.preview.source() is small


def test_a_class_made_to_label_into_is_not_a_mistake_while_images_wait(pile: Path) -> None:
    from desktop_cls.gui.pages.data.data_model import DataPageModel

    for name in ("cat", "dog"):
        (pile / name).mkdir()
    (pile / "img_0000.png").rename(pile / "cat" / "img_0000.png")
    model = DataPageModel()
    model.index = scan(pile, unlabeled_only=True)
    (empty,) = model.problems
    assert empty.kind == "empty_class" and "'dog' has no images yet" in empty.message
    assert "Label page" in empty.message and not model.needs_attention()  # no "!" on Data while labeling
    for loose in pile.glob("*.png"):
        loose.rename(pile / "cat" / loose.name)
    model.index = scan(pile, unlabeled_only=True)  # nothing waits any more: an empty class is worth a look
    (empty,) = model.problems
    assert "add images or remove the folder" in empty.message and model.needs_attention()


def test_the_class_counts_follow_each_key_press(qtbot: QtBot, window: MainWindow, pile: Path) -> None:
    open_and_wait(qtbot, window, pile)
    window.show_page("label")
    lp = window.label_page
    for name in ("cat", "dog"):
        lp.do(opened_workspace(window).create_class, name)
    qtbot.waitUntil(lambda: lp.model.classes == ["cat", "dog"], timeout=10_000)
    qtbot.waitUntil(lambda: opened(window).classes == () and lp.classes.class_list.count() == 2, timeout=10_000)
    lp.reread.timer.setInterval(60_000)  # the folder is not read again meanwhile: the counts are the page's own
    window.activateWindow()
    qtbot.waitUntil(lp.hasFocus)
    for key in (Qt.Key.Key_1, Qt.Key.Key_1, Qt.Key.Key_2):
        QTest.keyClick(lp, key)
    shown = [lp.classes.class_list.item(row).text() for row in range(2)]
    assert shown == ["cat (2)", "dog (1)"]
    QTest.keyClick(lp, Qt.Key.Key_Delete)  # the trash is no class
    assert [lp.classes.class_list.item(row).text() for row in range(2)] == shown


def test_the_status_bar_counts_every_class_and_follows_each_key_press(qtbot: QtBot, window: MainWindow,
                                                                      pile: Path) -> None:
    """"pile: 1 image, 1 class" while five classes existed: the summary counted the last scan, which leaves
    empty classes out and is read again only a moment after the last key. It now says what the Label page shows."""
    open_and_wait(qtbot, window, pile)
    window.show_page("label")
    lp = window.label_page
    loose = len(lp.model.queue)
    assert loose > 3
    for name in ("cat", "dog", "fish"):
        lp.do(opened_workspace(window).create_class, name)
    qtbot.waitUntil(lambda: lp.classes.class_list.count() == 3, timeout=10_000)
    qtbot.waitUntil(lambda: "3 classes" in dataset_line(window), timeout=10_000)
    assert f"0 images, 3 classes, {loose} to label" in dataset_line(window)
    lp.reread.timer.setInterval(60_000)  # the folder is not read again meanwhile: the counts are the page's own
    window.activateWindow()
    qtbot.waitUntil(lp.hasFocus)
    QTest.keyClick(lp, Qt.Key.Key_1)
    assert f"1 image, 3 classes, {loose - 1} to label" in dataset_line(window)


def test_rename_merge_and_delete_are_off_with_the_reason_until_there_are_classes_to_act_on(
        qtbot: QtBot, window: MainWindow, pile: Path) -> None:
    from PySide6.QtWidgets import QPushButton

    open_and_wait(qtbot, window, pile)
    window.show_page("label")
    lp = window.label_page

    def button(name: str) -> QPushButton:
        found = lp.classes.findChild(QPushButton, name)
        assert found is not None
        return found

    rename, merge, delete = (button(n) for n in ("renameClassButton", "mergeClassButton", "deleteClassButton"))
    qtbot.waitUntil(lambda: not rename.isEnabled(), timeout=10_000)
    assert not merge.isEnabled() and not delete.isEnabled()
    assert all("New class" in b.toolTip() for b in (rename, merge, delete))
    lp.do(opened_workspace(window).create_class, "cat")
    qtbot.waitUntil(rename.isEnabled, timeout=10_000)
    assert delete.isEnabled() and "trash" in delete.toolTip()
    assert not merge.isEnabled() and "second class" in merge.toolTip()
    lp.do(opened_workspace(window).create_class, "dog")
    qtbot.waitUntil(merge.isEnabled, timeout=10_000)


def test_a_broken_image_waiting_for_a_class_is_listed_on_the_problems_tab_with_its_fix(
        qtbot: QtBot, window: MainWindow, pile: Path) -> None:
    """A loose file that is no picture showed only as a pink thumbnail: the check reads the loose images too and
    lists it like an unreadable file in a class, and "Trash unreadable files" moves it (undoable)."""
    (pile / "img_9999.png").write_bytes(b"\x89PNG\r\n\x1a\n cut short")
    (pile / "notes.jpg").write_bytes(b"not an image")
    checked = open_and_check(qtbot, window, pile)
    unreadable = {Path(p.path).name: p.kind for p in checked.problems if p.kind in ("corrupt", "not_image")}
    assert set(unreadable) == {"img_9999.png", "notes.jpg"}
    panel = window.dataset_page.problems
    assert panel.fix_unreadable.isEnabled()
    before = window.state.dataset
    panel.fix_unreadable.click()
    qtbot.waitUntil(lambda: window.state.dataset is not before, timeout=30_000)
    assert not (pile / "img_9999.png").exists() and not (pile / "notes.jpg").exists()
    assert (pile / "img_0000.png").exists()

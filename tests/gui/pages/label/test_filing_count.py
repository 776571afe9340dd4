"""What the status bar says while the Label page's steps wait for a slow drive (the labeling worker held back here):
the images still being filed, the steps that name no image (a class step, an undo) said apart, and the images left
to label as each key is pressed; and the Data page's changes asked meanwhile wait their turn instead of being
refused."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import dataset_line
from tests.gui.pages.label.conftest import filed, filing_status, label_page, press, refuse_moving, shown_boxes

pytestmark = pytest.mark.usefixtures("quick_quit")


def test_class_steps_and_undos_are_not_counted_as_images(qtbot: QtBot, window: MainWindow, loose: Path,
                                                         held: threading.Event) -> None:
    lp = label_page(qtbot, window, loose)
    ws = window.state.workspace
    assert ws is not None
    lp.do(ws.create_class, "bird")
    assert filing_status(window) == "Filing 1 labeling step…"  # (it names no image)
    press(lp, "cat", "dog")
    assert filing_status(window) == "Filing 2 images and 1 more step…"
    lp.undo()  # queued behind them
    assert filing_status(window) == "Filing 2 images and 2 more steps…"
    held.set()
    filed(qtbot, window)
    qtbot.waitUntil(lambda: filing_status(window) == "", timeout=30_000)
    assert (loose / "bird").is_dir() and (loose / "cat" / "new_00.png").exists()


def test_images_dropped_on_a_class_button_are_counted_as_images(qtbot: QtBot, window: MainWindow, loose: Path,
                                                                held: threading.Event) -> None:
    lp = label_page(qtbot, window, loose)
    press(lp, "cat")
    lp.classes.assign_files("fish", [str(loose / "new_05.png"), str(loose / "new_06.png")])
    assert filing_status(window) == "Filing 3 images…"
    held.set()
    filed(qtbot, window)


def test_the_count_of_steps_reads_in_chinese_too(qtbot: QtBot, window: MainWindow, language: Any) -> None:
    language("zh_CN")
    window.state.filing.set_count(0, 1)  # (as the Label page's steps report it)
    assert filing_status(window) == "正在保存 1 个标注步骤…"
    window.state.filing.set_count(3, 2)
    assert filing_status(window) == "正在保存 3 张图像的标注和另外 2 个步骤…"
    window.state.filing.set_count(0)
    assert filing_status(window) == ""


def test_the_images_left_to_label_follow_each_key(qtbot: QtBot, window: MainWindow, loose: Path,
                                                  held: threading.Event) -> None:
    lp = label_page(qtbot, window, loose)
    left = len(lp.model.queue)
    assert f"{left} to label" in dataset_line(window)
    press(lp, "cat", "dog")  # not on disk yet: the slow drive is still filing them
    assert f"{left - 2} to label" in dataset_line(window)
    held.set()
    filed(qtbot, window)
    assert f"{left - 2} to label" in dataset_line(window)


def test_a_failed_key_puts_its_image_back_in_the_count(qtbot: QtBot, window: MainWindow, loose: Path,
                                                       held: threading.Event, monkeypatch: pytest.MonkeyPatch) -> None:
    refuse_moving(monkeypatch, "new_00.png")
    lp = label_page(qtbot, window, loose)
    left = len(lp.model.queue)
    press(lp, "cat")
    assert f"{left - 1} to label" in dataset_line(window)
    held.set()
    filed(qtbot, window)
    assert (loose / "new_00.png").exists() and f"{left} to label" in dataset_line(window)  # back on the list


def test_a_data_page_change_asked_while_keys_wait_follows_them(qtbot: QtBot, window: MainWindow, loose: Path,
                                                               held: threading.Event) -> None:
    lp = label_page(qtbot, window, loose)
    pressed = lp.model.queue[0]
    press(lp, "dog")
    window.show_page("data")
    steps = window.dataset_page.steps
    ws = window.state.workspace
    assert ws is not None
    steps.change(ws.assign, [str(loose / "new_07.png")], "fish")  # dropped on the Data page's class row
    assert not shown_boxes()  # not refused: it waits behind the key
    assert filing_status(window) == "Filing 1 image… then changing the dataset"
    assert (loose / "new_07.png").exists()
    held.set()
    filed(qtbot, window)
    qtbot.waitUntil(lambda: (loose / "fish" / "new_07.png").exists(), timeout=30_000)
    assert (loose / "dog" / pressed).exists() and not shown_boxes()
    assert ws.describe_undo() == "1 image to 'fish'"  # made after the key, as asked


def test_a_label_fixed_on_the_evaluate_page_while_keys_wait_follows_them(qtbot: QtBot, window: MainWindow,
                                                                         loose: Path, held: threading.Event) -> None:
    from PySide6.QtCore import QItemSelectionModel

    lp = label_page(qtbot, window, loose)
    pressed = lp.model.queue[0]
    press(lp, "dog")
    gallery = window.evaluate_page.mistakes
    gallery.set_result(["cat", "dog", "fish"], [(str(loose / "cat" / "cat_00.png"), 0, 2, 0.9)], "model.safetensors")
    gallery.view.selectionModel().select(gallery.model.index(0), QItemSelectionModel.SelectionFlag.Select)
    gallery.fix_selected("fish")  # a mistake's label fixed, from its menu
    assert not shown_boxes()  # not refused: it waits behind the key
    assert filing_status(window) == "Filing 1 image… then fixing labels"
    assert (loose / "cat" / "cat_00.png").exists()
    held.set()
    filed(qtbot, window)
    assert (loose / "fish" / "cat_00.png").exists() and (loose / "dog" / pressed).exists() and not shown_boxes()

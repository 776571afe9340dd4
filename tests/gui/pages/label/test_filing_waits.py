"""What must see the Label page's key presses on disk waits for them, without freezing the window: while a slow drive
(the labeling worker held back here) files the images, the status bar says how many; opening a folder (the same one
again too), training, evaluating, suggesting, an import and Empty trash start once the last one is filed."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import send2trash
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_cls.gui.pages.evaluate.evaluate_page import EvaluatePage
from desktop_cls.gui.pages.train.train_page import TrainPage
from desktop_cls.gui.shell.main_window import MainWindow
from tests.conftest import make_tiny_folder, write_image
from tests.gui.pages.label.conftest import filed, filing_status, label_page, press, shown_boxes, shut_down_letting_go

pytestmark = pytest.mark.usefixtures("quick_quit")


def test_the_status_bar_counts_the_images_still_being_filed(qtbot: QtBot, window: MainWindow, loose: Path,
                                                           held: threading.Event) -> None:
    lp = label_page(qtbot, window, loose)
    press(lp, "cat")
    assert filing_status(window) == "Filing 1 image…"
    press(lp, "dog", "fish")
    assert filing_status(window) == "Filing 3 images…" and window.status_bar.task_progress.isVisible()
    held.set()
    filed(qtbot, window)
    qtbot.waitUntil(lambda: filing_status(window) == "", timeout=30_000)  # gone once the last is filed


def test_opening_folders_waits_for_the_keys_and_the_same_folder_keeps_one_engine(
        qtbot: QtBot, window: MainWindow, loose: Path, tmp_path: Path, held: threading.Event) -> None:
    lp = label_page(qtbot, window, loose)
    ws = window.state.workspace
    names = lp.model.queue[:3]
    press(lp, "cat", "cat", "cat")
    other = make_tiny_folder(tmp_path / "other", classes=("x", "y"))
    window.open_dataset(other)  # B, while A's keys wait on the slow drive...
    assert window.state.opening is None and window.state.workspace is ws  # ...A stays open (nothing read yet)
    assert filing_status(window) == "Filing 3 images… then opening \u2068other\u2069"
    window.open_dataset(loose)  # A again: no second engine for A beside the one still filing
    assert window.state.opening is None and window.state.workspace is ws
    assert filing_status(window) == f"Filing 3 images… then opening \u2068{loose.name}\u2069"
    held.set()
    filed(qtbot, window)
    qtbot.waitUntil(lambda: window.state.opening is None and not window.dataset_page.busy(), timeout=30_000)
    assert window.state.dataset is not None and window.state.dataset.root == str(loose)
    assert all((loose / "cat" / n).exists() for n in names)
    now = window.state.workspace
    assert now is not None and now.history == sorted(set(now.history))  # no step number twice
    assert now.describe_undo() == "1 image to 'cat'" and len(now.history) == 3


def test_training_and_evaluating_start_once_the_keys_are_filed(qtbot: QtBot, window: MainWindow, loose: Path,
                                                              held: threading.Event,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    lp = label_page(qtbot, window, loose)
    names = lp.model.queue[:2]
    seen: list[tuple[str, bool]] = []

    def on_disk() -> bool:
        return all((loose / "fish" / n).exists() for n in names)

    monkeypatch.setattr(TrainPage, "_ready_config", lambda _self: seen.append(("train", on_disk())))
    monkeypatch.setattr(EvaluatePage, "run_task", lambda _self, *_a, **_k: seen.append(("evaluate", on_disk())))
    press(lp, "fish", "fish")
    lp.buttons["retrainButton"].click()  # Retrain: the window shows the Train page...
    lp.buttons["retrainButton"].click()  # (pressed twice: it trains once)
    window.evaluate_page.model_edit.setText(str(loose / "model.safetensors"))
    window.evaluate()
    assert seen == [] and filing_status(window) == "Filing 2 images… then evaluating"  # ...and waits, the window free
    held.set()
    filed(qtbot, window)
    assert seen == [("train", True), ("evaluate", True)]  # each over every image where its key put it


def test_an_import_asked_while_keys_wait_follows_them(qtbot: QtBot, window: MainWindow, loose: Path,
                                                      tmp_path: Path, held: threading.Event) -> None:
    photo = str(write_image(tmp_path / "camera" / "p0.png", np.full((8, 8, 3), 90, np.uint8)))
    lp = label_page(qtbot, window, loose)
    press(lp, "dog", "dog")
    lp.classes.assign_files("fish", [photo])  # dropped from elsewhere: an import
    assert not shown_boxes()  # not refused: it waits behind the keys
    assert filing_status(window) == "Filing 2 images… then importing images"
    assert not (loose / "fish" / "p0.png").exists()
    held.set()
    filed(qtbot, window)
    qtbot.waitUntil(lambda: not window.state.moving_files and not lp.busy(), timeout=30_000)
    assert (loose / "fish" / "p0.png").exists()  # imported once the keys were filed
    assert not shown_boxes() and window.state.workspace is not None
    assert window.state.workspace.describe_undo() == "1 image imported into 'fish'"


def test_empty_trash_asked_while_keys_wait_follows_them(qtbot: QtBot, window: MainWindow, loose: Path,
                                                        tmp_path: Path, held: threading.Event,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    os_trash = tmp_path / "os_trash"
    os_trash.mkdir()
    monkeypatch.setattr(send2trash, "send2trash", lambda p: shutil.move(p, os_trash))
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    lp = label_page(qtbot, window, loose)
    trashed = lp.model.queue[0]
    lp.trash_current()  # Delete, on the slow drive
    press(lp, "dog")
    lp.trash.start()  # Empty trash…
    assert not shown_boxes()  # not refused: it waits behind the keys
    assert filing_status(window) == "Filing 2 images… then emptying the trash"
    held.set()
    filed(qtbot, window)
    qtbot.waitUntil(lambda: not window.state.moving_files and not lp.busy(), timeout=30_000)
    assert [p.name for p in os_trash.rglob("*.png")] == [trashed]  # the image Delete took, emptied after it
    assert not shown_boxes()


def test_a_reread_after_a_step_never_replaces_an_opening_asked_for(qtbot: QtBot, window: MainWindow, loose: Path,
                                                                   tmp_path: Path, held: threading.Event) -> None:
    lp = label_page(qtbot, window, loose)
    press(lp, "cat")
    other = make_tiny_folder(tmp_path / "other", classes=("x", "y"))
    window.open_dataset(other)
    window.state.reread_dataset()  # the Label page's own reading of A after a step, while B waits
    assert filing_status(window) == "Filing 1 image… then opening \u2068other\u2069"
    held.set()
    filed(qtbot, window)
    qtbot.waitUntil(lambda: window.state.dataset is not None and window.state.dataset.root == str(other),
                    timeout=30_000)



def test_the_count_reads_in_chinese_too(qtbot: QtBot, window: MainWindow, language: Any,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(TrainPage, "_ready_config", lambda _self: None)
    language("zh_CN")
    window.state.filing.set_count(3)  # (as the Label page's steps report it)
    assert filing_status(window) == "正在保存 3 张图像的标注…"
    window.train_page.start()
    assert filing_status(window) == "正在保存 3 张图像的标注…，然后训练"
    window.state.filing.set_count(0)
    assert filing_status(window) == ""


def test_closing_starts_nothing_that_waited_for_the_keys(qtbot: QtBot, window: MainWindow, loose: Path,
                                                         held: threading.Event,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[str] = []
    monkeypatch.setattr(TrainPage, "_ready_config", lambda _self: started.append("train"))
    lp = label_page(qtbot, window, loose)
    press(lp, "cat")
    window.start_training()

    shut_down_letting_go(window, held)
    filed(qtbot, window)
    assert (loose / "cat" / "new_00.png").exists() and started == []  # filed, and no training begun at quit


def test_images_dropped_on_a_data_page_class_while_keys_wait_follow_them(qtbot: QtBot, window: MainWindow,
                                                                         loose: Path, tmp_path: Path,
                                                                         held: threading.Event) -> None:
    photo = str(write_image(tmp_path / "camera" / "p0.png", np.full((8, 8, 3), 90, np.uint8)))
    lp = label_page(qtbot, window, loose)
    press(lp, "dog")
    window.show_page("data")
    window.dataset_page.steps.import_files([photo], "fish", [])  # dropped on the Data page's class row
    assert not shown_boxes() and filing_status(window) == "Filing 1 image… then importing images"
    held.set()
    filed(qtbot, window)
    qtbot.waitUntil(lambda: not window.state.moving_files and not window.dataset_page.steps.running, timeout=30_000)
    assert (loose / "fish" / "p0.png").exists() and (loose / "dog" / "new_00.png").exists() and not shown_boxes()

"""Classify page → webcam → capture into classes: a fake camera source, real dataset files, the journal."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from desktop_cls.gui.pages.classify.classify_page import ClassifyPage
from desktop_cls.gui.pages.classify.webcam import FrameSource
from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import open_and_wait
from tests.gui.pages.label.conftest import label_page, press


class FakeCamera(FrameSource):
    def describe(self) -> str:
        return "fake camera"

    def send(self, rgb: tuple[int, int, int]) -> None:
        img = QImage(64, 48, QImage.Format.Format_RGB888)
        img.fill(QColor(*rgb))
        self.frame_arrived.emit(img)


def fake_camera(cp: ClassifyPage) -> FakeCamera:
    source = FakeCamera()
    cp.live.webcam.set_source(source)
    return source


def images(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_file())


def test_click_key_and_hold_capture_into_classes_undoably(qtbot: QtBot, window: MainWindow, tiny_folder: Path) -> None:
    w = window
    open_and_wait(qtbot, w, tiny_folder)
    w.show_page("classify")
    cp = w.classify_page
    panel = cp.live.capture
    assert not panel.isVisibleTo(cp)  # no camera, no capture buttons
    cam = fake_camera(cp)
    assert panel.isVisibleTo(cp)
    assert [b.text() for b in panel.class_buttons] == ["1  cat (8)", "2  dog (8)", "3  fish (8)"]
    cam.send((40, 230, 40))

    # a click: one frame into 'dog', a new file, one undoable operation
    qtbot.mouseClick(panel.class_buttons[1], Qt.MouseButton.LeftButton)
    new = [n for n in images(tiny_folder / "dog") if n.startswith("capture-")]
    assert len(new) == 1 and len(images(tiny_folder / "dog")) == 9
    ws = w.state.workspace
    assert ws is not None
    assert ws.describe_undo() == "1 image to 'dog'"
    assert panel.class_buttons[1].text() == "2  dog (9)"

    # hold: a burst at the chosen rate, all of it one operation
    panel.rate_spin.setValue(20)
    qtbot.mousePress(panel.class_buttons[0], Qt.MouseButton.LeftButton)
    for _ in range(4):
        cam.send((230, 40, 40))
        qtbot.wait(80)
    assert "Recording into '\u2068cat\u2069'" in panel.status.text()
    qtbot.mouseRelease(panel.class_buttons[0], Qt.MouseButton.LeftButton)
    burst = [n for n in images(tiny_folder / "cat") if n.startswith("capture-")]
    assert len(burst) >= 3 and ws.describe_undo() == f"{len(burst)} images to 'cat'"
    assert not [n for n in images(tiny_folder) if n.startswith("capture-")]  # none left unlabeled

    # undo takes the whole burst back out of the class (nothing deleted: they become unlabeled)
    qtbot.mouseClick(panel.undo_button, Qt.MouseButton.LeftButton)
    assert not [n for n in images(tiny_folder / "cat") if n.startswith("capture-")]
    assert len([n for n in images(tiny_folder) if n.startswith("capture-")]) == len(burst)
    assert panel.class_buttons[0].text() == "1  cat (8)"

    # a number key captures into that class, from anywhere in the window
    w.activateWindow()
    qtbot.waitUntil(lambda: w.isActiveWindow(), timeout=5000)
    cam.send((40, 40, 230))
    qtbot.keyClick(cp.preview.image, Qt.Key.Key_3)
    assert len(images(tiny_folder / "fish")) == 9 and ws.describe_undo() == "1 image to 'fish'"

    # the Data page reads the folder again shortly after
    def count(name: str) -> int:
        return w.state.dataset.counts()[name] if w.state.dataset is not None else -1

    qtbot.waitUntil(lambda: count("fish") == 9, timeout=30_000)
    assert count("dog") == 9


def test_without_a_dataset_the_panel_says_what_to_do(qtbot: QtBot, window: MainWindow) -> None:
    cp = window.classify_page
    fake_camera(cp)
    assert cp.live.capture.class_buttons == [] and "Open a dataset" in cp.live.capture.heading.text()


def test_no_frame_yet_captures_nothing(qtbot: QtBot, window: MainWindow, tiny_folder: Path) -> None:
    open_and_wait(qtbot, window, tiny_folder)
    cp = window.classify_page
    fake_camera(cp)
    cp.live.capture.latest = None
    qtbot.mouseClick(cp.live.capture.class_buttons[0], Qt.MouseButton.LeftButton)
    assert "No image yet" in cp.live.capture.status.text() and len(images(tiny_folder / "cat")) == 8


def test_a_rescan_during_a_burst_does_not_pull_the_button_away(qtbot: QtBot, window: MainWindow,
                                                              tiny_folder: Path) -> None:
    w = window
    open_and_wait(qtbot, w, tiny_folder)
    cp = w.classify_page
    cam = fake_camera(cp)
    cam.send((230, 40, 40))
    panel = cp.live.capture
    held = panel.class_buttons[0]
    qtbot.mousePress(held, Qt.MouseButton.LeftButton)
    (tiny_folder / "bird").mkdir()  # a new class appears while the button is held...
    w.state.dataset_changed.emit(w.state.dataset)  # ...and the Data page rescans
    assert panel.class_buttons[0] is held and panel.recording == "cat"
    qtbot.mouseRelease(held, Qt.MouseButton.LeftButton)
    assert panel.recording is None and not panel.burst_timer.isActive()
    qtbot.waitUntil(lambda: len(panel.class_buttons) == 4, timeout=30_000)  # (the rescan after the capture)
    assert panel.class_buttons[0].text() == "1  bird (0)" and panel.class_buttons[1].text() == "2  cat (9)"


def test_the_buttons_show_a_class_made_outside_the_app_with_the_rescan_that_found_it(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The labeling engine's class list follows its own steps; a folder made outside the app reaches it only when
    the Label page lists the folder again, later, on a worker (and that listing is dropped when a capture was filed
    meanwhile). The buttons read the Data page's scan, which found the folder: a burst's class once went missing."""
    open_and_wait(qtbot, window, tiny_folder)
    panel = window.classify_page.live.capture
    fake_camera(window.classify_page)
    monkeypatch.setattr(window.label_page.reread, "start", lambda: None)  # (its listing later, or dropped)
    (tiny_folder / "bird").mkdir()
    seen: list[list[str]] = []
    window.state.dataset_changed.connect(lambda _index: seen.append([b.text() for b in panel.class_buttons]))
    with qtbot.waitSignal(window.state.dataset_changed, timeout=30_000):
        window.state.reread_dataset()
    assert seen[0] == ["1  bird (0)", "2  cat (8)", "3  dog (8)", "4  fish (8)"]  # as the signal arrived


def test_opening_a_dataset_counts_its_classes_from_the_index_not_the_folders(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Listing every class folder on the UI thread took a second with 100,000 images."""
    from desktop_cls.gui.pages.classify import capture_panel

    def listed(_panel: object, name: str) -> int:
        raise AssertionError(f"class folder {name} listed on the UI thread")

    monkeypatch.setattr(capture_panel.CapturePanel, "_count", listed)
    open_and_wait(qtbot, window, tiny_folder)
    panel = window.classify_page.live.capture
    assert panel.counts == {"cat": 8, "dog": 8, "fish": 8}


def test_a_capture_waits_unlabeled_while_a_labeling_step_moves_files(qtbot: QtBot, window: MainWindow,
                                                                     tiny_folder: Path) -> None:
    """One writer per dataset: while a large step runs on a worker thread, captured frames are kept but not filed
    (two steps at once interleaved their records in the journal), and Undo capture waits too."""
    import threading

    open_and_wait(qtbot, window, tiny_folder)
    cp = window.classify_page
    panel = cp.live.capture
    cam = fake_camera(cp)
    cam.send((40, 230, 40))
    panel.capture_one("dog")  # filed: there is something to undo
    ws, go = window.state.workspace, threading.Event()
    assert ws is not None
    window.label_page.do(lambda: go.wait(30) and ws.trash([str(tiny_folder / "cat" / "cat_00.png")]), large=True)
    assert window.state.moving_files
    panel.capture_one("fish")
    waiting = [n for n in images(tiny_folder) if n.startswith("capture-")]
    assert len(waiting) == 1 and "still running" in panel.status.text()
    assert len(images(tiny_folder / "fish")) == 8
    panel.undo()
    assert len([n for n in images(tiny_folder / "dog") if n.startswith("capture-")]) == 1  # not undone meanwhile
    go.set()
    qtbot.waitUntil(lambda: not window.state.moving_files, timeout=30_000)
    assert ws.describe_undo() == "1 image to the trash"


def test_a_capture_and_its_undo_wait_their_turn_behind_the_label_keys(qtbot: QtBot, window: MainWindow,
                                                                      tiny_folder: Path, held: threading.Event) -> None:
    """Keys pressed on the Label page, then a capture, while a slow drive still files the keys: the capture is not
    refused; its frames go into their class after the keys (one writer, in the order asked), and Undo capture
    after it takes the capture back, not a key."""
    loose = tiny_folder
    shutil.copy(loose / "dog" / "dog_00.png", loose / "new_00.png")
    lp = label_page(qtbot, window, loose)
    pressed = lp.model.queue[0]
    press(lp, "dog")
    window.show_page("classify")
    cp = window.classify_page
    panel = cp.live.capture
    fake_camera(cp).send((40, 230, 40))
    panel.capture_one("fish")
    assert "still running" not in panel.status.text() and "once the Label page's keys are filed" in panel.status.text()
    assert window.status_bar.task_status.text() == "Filing 1 image… then labeling the captured images"
    panel.capture_one("cat")
    panel.undo()  # the cat capture, once it is filed
    ws = window.state.workspace
    assert ws is not None and not [n for n in images(loose / "fish") if n.startswith("capture-")]
    held.set()
    qtbot.waitUntil(lambda: not window.state.filing.count and not lp.steps.busy(), timeout=30_000)
    assert (loose / "dog" / pressed).exists()
    assert len([n for n in images(loose / "fish") if n.startswith("capture-")]) == 1
    assert not [n for n in images(loose / "cat") if n.startswith("capture-")]
    assert len([n for n in images(loose) if n.startswith("capture-")]) == 1  # the cat capture, back among the loose
    assert ws.describe_undo() == "1 image to 'fish'" and ws.describe_redo() == "1 image to 'cat'"


def test_a_burst_stops_and_files_its_frames_when_another_folder_is_opened(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Frames recorded for a folder are all filed in it, in its class; the burst ends, saying why, as soon as
    another folder begins to open, and no capture (or its undo) acts on the folder that is going."""
    import threading
    from typing import Any

    from desktop_cls.core.data import dataset
    from tests.conftest import make_tiny_folder

    second = make_tiny_folder(tmp_path / "second", classes=("x", "y"), per_class=4)
    w = window
    open_and_wait(qtbot, w, tiny_folder)
    w.show_page("classify")
    panel = w.classify_page.live.capture
    cam = fake_camera(w.classify_page)
    cam.send((230, 40, 40))
    panel.start_burst("cat")
    panel._burst_tick()  # two frames so far, written among the first folder's unlabeled images
    assert len(panel.pending) == 2
    go, real = threading.Event(), dataset.scan

    def held_scan(*args: Any, **kw: Any) -> Any:
        go.wait(10)
        return real(*args, **kw)

    monkeypatch.setattr(dataset, "scan", held_scan)
    w.dataset_page.open_folder(str(second))  # (a folder dropped on the window: the Classify page stays)
    assert w.classify_page.isVisible()
    assert panel.recording is None and not panel.burst_timer.isActive()
    assert len([n for n in images(tiny_folder / "cat") if n.startswith("capture-")]) == 2
    assert not [n for n in images(tiny_folder) if n.startswith("capture-")]  # none left unlabeled
    assert "another folder" in panel.status.text()
    assert not panel.undo_button.isEnabled()
    panel.capture_one("dog")  # a key pressed meanwhile: nothing is written into the folder that is going
    assert "being opened" in panel.status.text()
    assert not [n for n in images(tiny_folder / "dog") if n.startswith("capture-")]
    assert not [n for n in images(tiny_folder) if n.startswith("capture-")]
    go.set()
    qtbot.waitUntil(lambda: w.state.dataset is not None and w.state.dataset.root == str(second.resolve()),
                    timeout=30_000)
    panel.end_burst()  # the button released after the switch
    assert not [p for p in second.rglob("capture-*")]

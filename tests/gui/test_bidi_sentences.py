"""Names put into the pages' sentences are isolated: a folder, class, file or run named with a direction control
(U+202E RIGHT-TO-LEFT OVERRIDE) or in Hebrew or Arabic goes in between FIRST STRONG ISOLATE and POP DIRECTIONAL
ISOLATE with its own controls removed (core.i18n.isolated), so the words around it keep their order."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_cls.core.i18n import BIDI_CONTROLS
from desktop_cls.gui.shell.main_window import MainWindow
from tests.conftest import make_tiny_folder
from tests.gui.conftest import open_and_wait
from tests.gui.test_capture import fake_camera

FSI, PDI = "\u2068", "\u2069"
RLO = "\u202e"
HEBREW = "\u05d7\u05ea\u05d5\u05dc"  # "cat"


def controls(text: str) -> list[str]:
    return [ch for ch in text if ch in BIDI_CONTROLS]


def test_the_capture_panel_isolates_the_dataset_and_class_names(qtbot: QtBot, window: MainWindow,
                                                                 tmp_path: Path) -> None:
    folder = make_tiny_folder(tmp_path / f"set{RLO}gnp.exe", classes=(HEBREW, "dog"), per_class=2)
    open_and_wait(qtbot, window, folder)
    window.show_page("classify")
    panel = window.classify_page.live.capture
    cam = fake_camera(window.classify_page)
    assert panel.heading.text().startswith(f"Capture into {FSI}setgnp.exe{PDI}: click a class")
    assert controls(panel.heading.text()) == [FSI, PDI]
    button = panel.class_buttons[list(panel.counts).index(HEBREW)]
    assert button.accessibleName() == f"Capture into {FSI}{HEBREW}{PDI}"
    assert button.toolTip() == f"Click: one frame into '{FSI}{HEBREW}{PDI}'. Hold: record until released."
    cam.send((230, 40, 40))
    qtbot.mousePress(button, Qt.MouseButton.LeftButton)
    assert panel.status.text() == f"Recording into '{FSI}{HEBREW}{PDI}': 1 frame…"
    qtbot.mouseRelease(button, Qt.MouseButton.LeftButton)
    assert panel.status.text() == f"Added 1 image to '{FSI}{HEBREW}{PDI}'."


def test_the_classify_preview_isolates_a_file_name(qtbot: QtBot, tmp_path: Path) -> None:
    from desktop_cls.gui.pages.classify.classify_preview import PredictionPreview

    broken = tmp_path / f"photo{RLO}gnp.exe"
    broken.write_bytes(b"not an image")
    preview = PredictionPreview()
    qtbot.addWidget(preview)
    preview.show_file(str(broken))
    qtbot.waitUntil(lambda: "cannot be read" in preview.image.text(), timeout=30_000)
    text = preview.image.text()
    assert text.startswith(f"{FSI}photognp.exe{PDI} cannot be read as an image: ")
    assert controls(text) == [FSI, PDI]


def test_a_video_that_cannot_play_isolates_its_name(qtbot: QtBot, tmp_path: Path) -> None:
    from desktop_cls.gui.pages.classify.webcam import VideoFileSource

    source = VideoFileSource(tmp_path / f"{HEBREW}{RLO}4pm.exe")
    said: list[str] = []
    source.failed.connect(said.append)
    source._on_error(None, "no decoder")  # what the player reports
    assert said == [f"Cannot play {FSI}{HEBREW}4pm.exe{PDI}: no decoder"]


def test_the_classify_pages_video_caption_isolates_the_file_name(qtbot: QtBot, window: MainWindow,
                                                                  tmp_path: Path, monkeypatch) -> None:
    cp = window.classify_page
    monkeypatch.setattr(cp.controls, "model_path", lambda: str(tmp_path / "model.pt"))
    monkeypatch.setattr(cp.results, "classify_video", lambda *a, **k: None)
    cp.classify_video(str(tmp_path / f"walk{RLO}4pm.exe"))
    assert cp.preview.caption.text() == f"Video: {FSI}walk4pm.exe{PDI}"


def test_the_label_pages_preview_and_class_buttons_isolate_names(qtbot: QtBot, window: MainWindow,
                                                                  tmp_path: Path) -> None:
    folder = make_tiny_folder(tmp_path / "set", classes=(HEBREW, "dog"), per_class=2)
    (folder / f"img{RLO}exe.png").write_bytes(b"not an image")
    open_and_wait(qtbot, window, folder)
    window.show_page("label")
    view = window.label_page.view
    qtbot.waitUntil(lambda: "cannot be read" in view.preview.text(), timeout=30_000)
    text = view.preview.text()
    assert text.startswith(f"{FSI}imgexe.png{PDI} cannot be read as an image: ") and controls(text) == [FSI, PDI]
    tips = [b.toolTip() for b in view._buttons.values()]
    assert any(f"{FSI}{HEBREW}{PDI}" in tip for tip in tips), tips

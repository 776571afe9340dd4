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

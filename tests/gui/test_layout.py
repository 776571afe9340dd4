"""The window on small laptop screens (1024x640, 1280x720) and what its panes show."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from tests.conftest import make_tiny_folder
from tests.gui.conftest import open_and_wait

TITLE_BAR = 40  # what a window manager's title bar and a panel take from a 640 px high screen


def test_window_shrinks_to_fit_a_1024x640_screen_with_ten_classes(qtbot: object, window: object,
                                                                 tmp_path: Path) -> None:
    data = make_tiny_folder(tmp_path / "ten", classes=tuple(f"class_{i}" for i in range(10)), per_class=2)
    open_and_wait(qtbot, window, data)
    for key in window.pages:  # type: ignore[attr-defined]
        window.show_page(key)  # type: ignore[attr-defined]
        QApplication.processEvents()
        hint = window.minimumSizeHint()  # type: ignore[attr-defined]
        assert hint.width() <= 1024 and hint.height() <= 640 - TITLE_BAR, (key, hint)
    window.resize(1024, 640 - TITLE_BAR)  # type: ignore[attr-defined]
    QApplication.processEvents()
    assert window.width() <= 1024 and window.height() <= 640 - TITLE_BAR  # type: ignore[attr-defined]

"""A page's status line gives a progress text that wraps the lines it needs: a user saw the int8 export's long
step cut to one line on the Export page at 1366x768. The step grows from one line (calibrating) to two (growing),
in both languages; the status line must follow."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from desktop_cls.core.i18n import current_language, set_language
from desktop_cls.core.inference.int8_sensitivity import Agreement
from desktop_cls.core.inference.int8_words import said_calibrating, said_grown
from desktop_cls.gui.shell.main_window import MainWindow


@pytest.fixture(params=["en", "zh_CN"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    before = current_language()
    set_language(request.param)
    yield request.param
    set_language(before)


def _steps() -> tuple[str, str]:
    """A one-line step of the int8 export (calibrating), then a long one (growing) as the export reports them."""
    said: list[str] = []
    said_calibrating(lambda d, t, w: said.append(w), 300, 1000)(2, 5)
    said_grown(lambda d, t, w: said.append(w), 4, 1000, "half")(2, 9, 3, Agreement(287, 300))
    return said[0], said[-1]


def test_a_progress_line_that_comes_to_wrap_gets_the_height_of_its_lines(
        qtbot: QtBot, window: MainWindow, language: str) -> None:
    window.resize(1366, 768)
    window.show_page("export")
    line = window.export_page.status_line
    label = line.label
    short, long = _steps()
    line.start(short)
    qtbot.waitUntil(lambda: label.isVisible() and label.height() > 0)
    line.progress(1, 3, long)
    qtbot.waitUntil(lambda: label.text().endswith(long[1:]))
    assert label.heightForWidth(label.width()) > label.fontMetrics().lineSpacing() * 1.5  # it wraps here
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()), timeout=2000)
    assert line.height() >= label.height()

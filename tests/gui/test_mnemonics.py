"""Alt+letter: on every page each underlined letter does one thing.

Two controls with the same letter make Qt's Alt+letter ambiguous: it only moves the focus between them, so
the button is not pressed and the menu does not open (Alt+F on the Classify page left the File menu shut)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QTabWidget
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow


def _mnemonic(text: str) -> str:
    return QKeySequence.mnemonic(text).toString()


def _page_mnemonics(page: object) -> list[str]:
    assert hasattr(page, "findChildren")
    found = [_mnemonic(b.text()) for b in page.findChildren(QAbstractButton)]
    found += [_mnemonic(label.text()) for label in page.findChildren(QLabel) if label.buddy() is not None]
    for tabs in page.findChildren(QTabWidget):
        found += [_mnemonic(tabs.tabText(i)) for i in range(tabs.count())]
    return [m for m in found if m]


@pytest.fixture(params=["en", "zh_CN"])
def language(request: pytest.FixtureRequest, qapp: Any) -> Iterator[str]:
    """English, and the committed Chinese catalogue, whose texts carry their own letters ("文件(&F)")."""
    translator = QTranslator()
    if request.param != "en":
        folder = Path(__file__).resolve().parents[2] / "resources" / "i18n"
        assert translator.load(f"desktop_cls_{request.param}", str(folder))
        QCoreApplication.installTranslator(translator)
    yield request.param
    QCoreApplication.removeTranslator(translator)


def test_no_page_shares_an_underlined_letter_with_the_menus_or_itself(language: str, qtbot: QtBot,
                                                                      isolated_user_dirs: Path) -> None:
    window = MainWindow(load_core=False)
    qtbot.addWidget(window, before_close_func=lambda win: win.shutdown())
    window.show()
    assert language == "en" or window.menuBar().actions()[0].text() == "文件(&F)"
    menus = {_mnemonic(a.text()) for a in window.menuBar().actions()}
    assert len(menus) == len(window.menuBar().actions())
    for key, page in window.pages.items():
        window.show_page(key)
        QApplication.processEvents()
        letters = _page_mnemonics(page)
        assert not menus & set(letters), (key, sorted(menus & set(letters)))
        assert all(n == 1 for n in Counter(letters).values()), (key, letters)

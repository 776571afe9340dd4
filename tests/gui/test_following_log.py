"""The training log shows its newest line unless the reader scrolled up."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot


def test_a_three_line_log_follows_new_lines_unless_scrolled_up(qtbot: QtBot) -> None:
    from desktop_cls.gui.widgets.following_log import FollowingLog

    log = FollowingLog()
    qtbot.addWidget(log)
    log.setFixedHeight(log.fontMetrics().lineSpacing() * 3 + 2 * log.frameWidth() + 8)
    for i in range(10):  # filled before it is shown or laid out
        log.append_line(f"epoch {i + 1}")
    log.show()
    QApplication.processEvents()
    bar = log.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == bar.maximum()
    for i in range(10, 20):
        log.append_line(f"epoch {i + 1}")
        QApplication.processEvents()
    assert bar.value() == bar.maximum()
    last = log.cursorForPosition(log.viewport().rect().bottomLeft()).block().text()
    assert last in ("epoch 20", "epoch 19")  # the newest line is in view

    bar.setValue(2)  # the reader scrolls up to an early epoch
    log.append_line("epoch 21")
    QApplication.processEvents()
    assert bar.value() == 2 and not log.following
    bar.setValue(bar.maximum())  # and back down: following again
    log.append_line("epoch 22")
    QApplication.processEvents()
    assert bar.value() == bar.maximum() and log.following

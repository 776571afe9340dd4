"""The Export page's Serve tab keeps all of its controls in sight: in a pane as low as three lines of script (a
1366x768 screen with a few exports in the table), Start serving and the port were half scrolled away inside it.
Measured against the tab's own controls, not pixels, so it holds whatever the fonts."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow


def _serve_tab_at_its_lowest(window: MainWindow) -> QScrollArea:
    """The Serve tab shown, with the table above taking all the height the splitter gives it."""
    results = window.export_page.results
    window.show_page("export")
    results.details.setCurrentIndex(results.details.count() - 1)
    results.setSizes([10_000, 0])  # the details pane at its minimum
    QApplication.processEvents()
    tab = results.details.currentWidget()
    assert isinstance(tab, QScrollArea) and tab.objectName() == "serveTab"
    return tab


def _inside(widget: QWidget, viewport: QWidget) -> bool:
    rect = QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size())
    return viewport.rect().contains(rect)


def test_every_serve_control_is_in_sight_in_the_lowest_details_pane(qtbot: QtBot, window: MainWindow) -> None:
    panel = window.export_page.serve_panel
    tab = _serve_tab_at_its_lowest(window)
    assert tab.verticalScrollBar().maximum() == 0
    for w in (panel.port_spin, panel.serve_button, panel.address_label, panel.curl_edit, panel.count_label):
        assert _inside(w, tab.viewport()), w.objectName()


def test_the_pane_grows_when_the_box_says_another_model_is_chosen(qtbot: QtBot, window: MainWindow) -> None:
    panel = window.export_page.serve_panel
    tab = _serve_tab_at_its_lowest(window)
    panel.other_model_label.setText("The model chosen above, run-2, is not the one served: stop and start serving "
                                    "to serve it.")
    panel.other_model_label.show()  # as model_changed does while another model is served
    qtbot.waitUntil(lambda: _inside(panel.other_model_label, tab.viewport()))
    assert tab.verticalScrollBar().maximum() == 0 and _inside(panel.serve_button, tab.viewport())

"""Light and dark at run time: the window, the plots, the confusion matrix and the icons follow the palette;
the "system" choice follows the system's scheme; pictures are drawn for a 200 % screen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QToolTip
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from desktop_cls.gui.widgets import colours, theme
from desktop_cls.gui.widgets.confusion_view import ConfusionMatrixView
from tests.gui.conftest import child, desktop_scheme
from tests.gui.test_evaluate_page import show_result, synthetic_result

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def restore_theme(qapp: QApplication) -> Iterator[None]:
    """Tests after these see the palette and style they would have seen without them."""
    palette, style, tips = QPalette(qapp.palette()), qapp.style().name(), QPalette(QToolTip.palette())
    yield
    theme._State.choice = "system"
    qapp.setStyle(style)
    qapp.setPalette(palette)
    QToolTip.setPalette(tips)  # apply_theme gives tooltips the theme's colours


def _window_colour(w: MainWindow) -> QColor:
    return w.palette().color(QPalette.ColorRole.Window)


def _plot_colours(plot: pg.PlotWidget) -> tuple[str, str, str]:
    """What the plot paints: its background, its bottom axis' line and tick text."""
    axis = plot.getPlotItem().getAxis("bottom")
    return (plot.backgroundBrush().color().name(), axis.pen().color().name(),
            axis.textPen().color().name())


def _cell(cm: ConfusionMatrixView, row: int, col: int) -> tuple[QColor, QColor, QColor]:
    """(background, text) the delegate paints a confusion cell with, and the pixel it actually painted."""
    from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

    index = cm.model().index(row, col)
    option = QStyleOptionViewItem()
    option.palette = cm.palette()
    delegate = cm.itemDelegate()
    assert isinstance(delegate, QStyledItemDelegate)
    delegate.initStyleOption(option, index)
    rect = cm.visualRect(index)
    pixel = cm.viewport().grab().toImage().pixelColor(rect.left() + 2, rect.top() + 2)
    return option.backgroundBrush.color(), option.palette.color(QPalette.ColorRole.Text), pixel


def _icon_ink(icon: QIcon) -> float:
    """Mean lightness of an icon's opaque pixels (its glyph's colour)."""
    image = icon.pixmap(32, 32).toImage()
    values = [image.pixelColor(x, y).lightness() for x in range(image.width()) for y in range(image.height())
              if image.pixelColor(x, y).alpha() > 200]
    assert values, "the icon drew nothing"
    return sum(values) / len(values)


def test_light_dark_light_at_run_time_repaints_window_plots_matrix_and_icons(qtbot: QtBot,
                                                                            window: MainWindow) -> None:
    window.resize(1280, 800)
    ev = window.evaluate_page
    window.show_page("evaluate")
    show_result(ev, synthetic_result())
    monitor = window.train_page.monitor
    cm, loss = ev.confusion, monitor.plots.loss_plot
    icon_item = window.sidebar.item(2)  # Train: no badge, not selected
    seen: dict[str, list[tuple[object, ...]]] = {}
    for scheme in ("light", "dark", "light"):
        assert theme.apply_theme(scheme) == scheme
        QApplication.processEvents()
        pal = window.palette()
        dark = scheme == "dark"
        assert theme.is_dark(pal) is dark and (_window_colour(window).lightness() < 128) is dark
        base, text = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)
        correct_bg, correct_text, painted = _cell(cm, 0, 0)
        empty_bg, _, _ = _cell(cm, 0, 1)
        assert painted.name() == correct_bg.name()  # the delegate's colour is what is on screen
        assert empty_bg == base and correct_bg != base
        assert colours.contrast(correct_text, correct_bg) >= 4.5
        ink = _icon_ink(icon_item.icon())
        assert (ink > 128) is dark  # light glyphs on the dark sidebar, dark ones on the light
        ev.right_tabs.setCurrentIndex(2)  # the plots out of sight follow when shown
        window.show_page("train")
        monitor.view.setCurrentWidget(monitor.plots)
        assert _plot_colours(loss) == (base.name(), text.name(), text.name())
        assert _plot_colours(ev.curves) == (base.name(), text.name(), text.name())
        seen.setdefault(scheme, []).append((_window_colour(window).name(), _plot_colours(loss),
                                            correct_bg.name()))
        monitor.view.setCurrentWidget(monitor.empty)
        window.show_page("evaluate")
        ev.right_tabs.setCurrentWidget(ev.mistakes)
    assert seen["light"][0] == seen["light"][1]  # back to exactly what it was
    assert seen["dark"][0] != seen["light"][0]


def test_theme_notifier_says_light_or_dark(qtbot: QtBot, qapp: QApplication) -> None:
    heard: list[bool] = []
    theme.theme_changes().changed.connect(heard.append)
    theme.apply_theme("dark")
    theme.apply_theme("light")
    theme.theme_changes().changed.disconnect(heard.append)
    assert heard == [True, False]


def test_the_system_choice_follows_a_change_of_the_system_scheme(qapp: QApplication) -> None:
    hints = QGuiApplication.styleHints()
    theme.apply_theme("system")
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # what Qt says when the desktop turns dark
    assert theme.is_dark(qapp.palette())
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not theme.is_dark(qapp.palette())
    theme.apply_theme("light")  # an explicit choice stays, whatever the system does
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert not theme.is_dark(qapp.palette()) and theme.current_choice() == "light"


def test_curve_colours_read_on_the_light_and_the_dark_plot(qapp: QApplication) -> None:
    from desktop_cls.gui.widgets.plot_theme import SERIES

    theme.apply_theme("light")
    light = qapp.palette().color(QPalette.ColorRole.Base)
    dark = theme.dark_palette().color(QPalette.ColorRole.Base)
    for colour in SERIES:
        for background in (light, dark):
            assert colours.contrast(QColor(*colour), background) >= 3.0, (colour, background.name())
    assert len(set(SERIES)) == len(SERIES)


def test_named_actions_get_icons_that_retint_with_the_theme(qtbot: QtBot, qapp: QApplication) -> None:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMainWindow

    from desktop_cls.gui.widgets.icons import decorate_actions

    w = QMainWindow()
    qtbot.addWidget(w)
    named = QAction("Start training", w)
    named.setObjectName("startTrainingAction")
    other = QAction("Something else", w)
    decorate_actions(w)
    assert not named.icon().isNull() and other.icon().isNull()
    theme.apply_theme("dark")
    QApplication.processEvents()  # widgets get the application's new palette from the event loop
    assert _icon_ink(named.icon()) > 128
    theme.apply_theme("light")
    QApplication.processEvents()
    assert _icon_ink(named.icon()) < 128


def test_pictures_are_drawn_for_a_200_percent_screen(tmp_path: Path) -> None:
    """A thumbnail, a heat map's thumbnail, a problem preview, a scaled picture and the viewer on a screen
    at 200 %: device pixels for every screen pixel (twice the logical size), marked with the ratio."""
    from PIL import Image

    image = tmp_path / "photo.png"
    Image.new("RGB", (400, 300), (200, 40, 40)).save(image)
    env = dict(os.environ, QT_SCALE_FACTOR="2", QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    r = subprocess.run([sys.executable, "-m", "tests.gui.hidpi_probe", str(image)], capture_output=True,
                       text=True, env=env, cwd=REPO, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    got = json.loads(r.stdout.strip().splitlines()[-1])
    assert got["widget_ratio"] == 2.0
    assert got["thumbnail"] == {"width": 192, "height": 192, "ratio": 2.0}  # side 96 at 200 %
    assert got["heatmap_thumbnail"] == {"width": 192, "height": 192, "ratio": 2.0}
    assert got["preview"] == {"width": 320, "height": 240, "ratio": 2.0}  # 160 px box, 4:3 photo
    assert got["scaled_label"] == {"width": 400, "height": 300, "ratio": 2.0}  # a 200x150 label
    assert got["viewer"] == {"width": 400, "height": 300, "ratio": 2.0}  # every image pixel kept
    assert got["viewer_shown"] == [200.0, 150.0] and got["viewer_status"].endswith("100%")  # 1:1 on screen


def test_sidebar_shows_each_step_with_an_icon_and_its_status_badge(window: MainWindow) -> None:
    from desktop_cls.gui.widgets.icons import STATUS_BADGES

    sidebar = window.sidebar
    assert [sidebar.item(r).text() for r in range(sidebar.count())] == [
        "Data", "Label", "Train", "Evaluate", "Classify", "Export"]  # no "—" placeholders in front
    assert all(not sidebar.item(r).icon().isNull() for r in range(sidebar.count()))

    def badge_pixels(row: int, status: str) -> int:
        image = sidebar.item(row).icon().pixmap(32, 32).toImage()
        want = STATUS_BADGES[status][1]
        return sum(1 for x in range(32) for y in range(32)
                   if image.pixelColor(x, y).alpha() > 200 and abs(image.pixelColor(x, y).hue() - want.hue()) < 8
                   and image.pixelColor(x, y).saturation() > 100)

    assert badge_pixels(1, "done") == 0 and badge_pixels(2, "attention") == 0
    window.state.status_changed.emit("label", "done")
    window.state.status_changed.emit("train", "attention")
    assert badge_pixels(1, "done") > 20 and badge_pixels(2, "attention") > 20
    assert sidebar.item(1).data(Qt.ItemDataRole.AccessibleTextRole) == "Label: done"


def test_the_native_style_stays_where_the_platform_shows_the_scheme(monkeypatch: pytest.MonkeyPatch,
                                                                    qapp: QApplication) -> None:
    """A platform that switches schemes itself keeps its style and palette; one whose palette does not turn
    dark (a style with no dark look) gets Fusion with the dark palette."""
    from PySide6.QtCore import QObject, Signal

    from desktop_cls.gui.widgets.indicator_style import style_name

    class Hints(QObject):
        colorSchemeChanged = Signal(Qt.ColorScheme)
        scheme = Qt.ColorScheme.Light

        def colorScheme(self) -> Qt.ColorScheme:
            return self.scheme

        def setColorScheme(self, scheme: Qt.ColorScheme) -> None:
            if scheme != Qt.ColorScheme.Unknown:
                self.scheme = scheme  # the platform honours the request, as Windows 11 and macOS do

    hints = Hints()

    class Gui:
        @staticmethod
        def styleHints() -> Hints:
            return hints

    monkeypatch.setattr(theme, "QGuiApplication", Gui)
    monkeypatch.setattr(theme._State, "following_system", False)
    qapp.setStyle("Windows")  # stands for the platform's own style
    monkeypatch.setattr(theme._State, "native_style", None)
    assert theme.apply_theme("light") == "light"
    assert qapp.style().name().lower() == "windows" and qapp.palette().resolveMask() == 0  # untouched
    assert theme.apply_theme("dark") == "dark"  # the platform says dark, but its palette stays light here
    assert style_name(qapp.style()).lower() == "fusion" and theme.is_dark(qapp.palette())
    assert theme.apply_theme("light") == "light"
    assert qapp.style().name().lower() == "windows" and qapp.palette().resolveMask() == 0  # native again


def test_view_menu_theme_actions_repaint_the_plots_and_menus_have_icons(window: MainWindow) -> None:
    from PySide6.QtGui import QAction

    monitor = window.train_page.monitor
    loss = monitor.plots.loss_plot
    window.show_page("train")
    monitor.view.setCurrentWidget(monitor.plots)  # (the plots of a run)
    for name, dark in (("themeDark", True), ("themeLight", False)):
        child(window, QAction, name).trigger()
        QApplication.processEvents()
        assert theme.is_dark(loss.palette()) is dark
        assert _plot_colours(loss)[0] == loss.palette().color(QPalette.ColorRole.Base).name()
    for name in ("openFolderAction", "startTrainingAction", "evaluateAction", "goDataAction"):
        assert not child(window, QAction, name).icon().isNull(), name


def test_a_scheme_change_sets_no_style_where_the_platform_style_is_fusion(window: MainWindow,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The app sets Fusion with visible indicators once, before the window's first paint (run_app's apply_theme); a
    switch between light and dark then changes the palette only: setStyle restyles every widget (110-160 ms)."""
    theme.apply_theme("system")  # as the app starts
    calls: list[object] = []
    monkeypatch.setattr(QApplication, "setStyle", staticmethod(lambda *a: calls.append(a)))
    for scheme in ("dark", "light", "dark", "system"):
        theme.apply_theme(scheme)
        QApplication.processEvents()
    assert calls == []


def test_a_scheme_change_restyles_the_plots_out_of_sight_when_they_are_shown(window: MainWindow,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The switch's own turn restyles only what is on screen: a plot on another page or tab follows as it is shown,
    before it paints (every plot of every page restyled at once held the window)."""
    from desktop_cls.gui.widgets import plot_theme

    styled: list[pg.PlotWidget] = []
    original = plot_theme.style_plot

    def style_plot(plot: pg.PlotWidget) -> None:
        styled.append(plot)
        original(plot)

    monkeypatch.setattr(plot_theme, "style_plot", style_plot)
    ev, monitor = window.evaluate_page, window.train_page.monitor
    window.show_page("evaluate")
    show_result(ev, synthetic_result())
    ev.right_tabs.setCurrentWidget(ev.mistakes)
    QApplication.processEvents()
    theme.apply_theme("dark")
    QApplication.processEvents()
    assert styled == []  # (the evaluate page's plots are on tabs not shown, the training plots on another page)
    ev.right_tabs.setCurrentWidget(ev.calibration)
    assert styled == [ev.calibration.reliability]
    window.show_page("train")
    monitor.view.setCurrentWidget(monitor.plots)
    assert monitor.plots.loss_plot in styled
    base = window.palette().color(QPalette.ColorRole.Base).name()
    assert _plot_colours(monitor.plots.loss_plot)[0] == _plot_colours(ev.calibration.reliability)[0] == base
    styled.clear()
    window.show_page("evaluate")  # (nothing changed since: nothing is restyled again)
    assert styled == []


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_an_unchecked_check_box_can_be_seen(qtbot: QtBot, qapp: QApplication, scheme: str) -> None:
    """Its outline reads at 3:1 on the window in both schemes (Fusion's own nearly vanished on dark)."""
    from PySide6.QtWidgets import QCheckBox, QRadioButton

    theme.apply_theme(scheme)
    for box in (QCheckBox("Advanced"), QRadioButton("Adam")):
        ratio = _indicator_contrast(qtbot, qapp, box)
        assert ratio >= 3.0, (scheme, type(box).__name__, ratio)


def _indicator_contrast(qtbot: QtBot, qapp: QApplication, box: QAbstractButton) -> float:
    """The strongest contrast with the window colour inside an unchecked box's indicator."""
    from PySide6.QtWidgets import QCheckBox, QStyle, QStyleOptionButton

    qtbot.addWidget(box)
    box.setPalette(qapp.palette())
    box.resize(box.sizeHint())
    image = box.grab().toImage()
    option = QStyleOptionButton()
    option.initFrom(box)
    element = (QStyle.SubElement.SE_CheckBoxIndicator if isinstance(box, QCheckBox)
               else QStyle.SubElement.SE_RadioButtonIndicator)
    rect = box.style().subElementRect(element, option, box)
    window = qapp.palette().color(QPalette.ColorRole.Window)
    return max(colours.contrast(image.pixelColor(x, y), window) for x in range(rect.left(), rect.right() + 1)
               for y in range(rect.top(), rect.bottom() + 1))


def test_a_dark_platform_palette_under_fusion_keeps_check_boxes_and_links_visible(
        monkeypatch: pytest.MonkeyPatch, qapp: QApplication, qtbot: QtBot) -> None:
    """A Linux desktop that turns dark itself (its GTK theme, its portal) keeps Fusion and hands Qt a dark
    palette: Fusion's own outline of an unchecked box reads at under 2:1 there, so it gets ours too; and its
    link colours, kept from the light palette, read at 3.5:1, so they get ours."""
    from PySide6.QtWidgets import QCheckBox, QRadioButton

    from desktop_cls.gui.widgets.indicator_style import style_name

    desktop_scheme(monkeypatch, Qt.ColorScheme.Dark)
    platform = QPalette(QColor(50, 50, 50))  # what Qt's GTK theme hands over for Adwaita-dark
    for role, rgb in ((QPalette.ColorRole.Base, (50, 50, 50)), (QPalette.ColorRole.Text, (255, 255, 255)),
                      (QPalette.ColorRole.WindowText, (255, 255, 255)),
                      (QPalette.ColorRole.ButtonText, (255, 255, 255)),
                      (QPalette.ColorRole.Link, (48, 140, 198)), (QPalette.ColorRole.LinkVisited, (255, 0, 255))):
        platform.setColor(role, QColor(*rgb))
    monkeypatch.setattr(theme, "platform_palette", lambda: platform)
    monkeypatch.setattr(theme._State, "following_system", False)
    qapp.setStyle("Fusion")  # the platform's own style on Linux
    monkeypatch.setattr(theme._State, "native_style", None)
    assert theme.apply_theme("system") == "dark"
    assert style_name(qapp.style()).lower() == "fusion"  # the native look stays
    assert qapp.palette().color(QPalette.ColorRole.Window) == QColor(50, 50, 50)  # and the platform's palette
    for box in (QCheckBox("Advanced"), QRadioButton("Adam")):
        ratio = _indicator_contrast(qtbot, qapp, box)
        assert ratio >= 3.0, (type(box).__name__, ratio)
    window = qapp.palette().color(QPalette.ColorRole.Window)
    for role in (QPalette.ColorRole.Link, QPalette.ColorRole.LinkVisited):  # "1 problem" on the Data page
        assert colours.contrast(qapp.palette().color(role), window) >= 4.5, role


def test_an_unchecked_item_in_a_list_can_be_seen(qtbot: QtBot, qapp: QApplication) -> None:
    """Past runs are checkable list items: their box reads on a dark palette too."""
    from PySide6.QtWidgets import QListWidget, QListWidgetItem

    from desktop_cls.gui.widgets.colours import contrast

    theme.apply_theme("dark")
    view = QListWidget()
    qtbot.addWidget(view)
    view.setPalette(qapp.palette())
    item = QListWidgetItem("run 1")
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Unchecked)
    view.addItem(item)
    view.resize(200, 60)
    view.show()
    image = view.viewport().grab().toImage()
    row = view.visualItemRect(item)
    base = qapp.palette().color(QPalette.ColorRole.Base)
    ratio = max(contrast(image.pixelColor(x, y), base) for x in range(row.left(), row.left() + row.height())
                for y in range(row.top(), row.bottom() + 1))
    assert ratio >= 3.0, ratio


def test_the_problems_link_of_the_data_summary_follows_a_theme_switch(qtbot: QtBot, window: MainWindow,
                                                                     tiny_folder: Path) -> None:
    """A rich-text link takes its colour from the palette when its text is read: after a switch to dark, the
    "N problem(s)" link stayed light-theme blue on the dark window, all but unreadable."""
    from tests.gui.conftest import open_and_check

    (tiny_folder / "cat" / "broken.png").write_bytes(b"not an image")
    theme.apply_theme("light")
    open_and_check(qtbot, window, tiny_folder)
    label = window.dataset_page.summary
    assert "#problems" in label.text()
    window.resize(1280, 800)
    window.show_page("data")
    qtbot.waitExposed(window)

    def link_pixels() -> set[str]:
        """The colours painted in the label that are one of the two palettes' link colours (the underline's)."""
        image = label.grab().toImage()
        links = {theme.light_palette().color(QPalette.ColorRole.Link).name(),
                 theme.dark_palette().color(QPalette.ColorRole.Link).name()}
        return {c for c in (image.pixelColor(x, y).name() for x in range(image.width())
                            for y in range(image.height())) if c in links}

    assert link_pixels() == {qapp_link("light")}
    theme.apply_theme("dark")
    qtbot.waitUntil(lambda: label.palette().color(QPalette.ColorRole.Link).name() == qapp_link("dark"))
    qtbot.wait(50)  # the label's own handling of the change, should it come later
    assert link_pixels() == {qapp_link("dark")}


def qapp_link(scheme: str) -> str:
    palette = theme.dark_palette() if scheme == "dark" else theme.light_palette()
    return palette.color(QPalette.ColorRole.Link).name()


@pytest.mark.parametrize("scheme", [Qt.ColorScheme.Light, Qt.ColorScheme.Dark])
def test_a_linux_desktop_that_reports_its_scheme_keeps_fusion_with_the_visible_focus_frame(
        monkeypatch: pytest.MonkeyPatch, qapp: QApplication, scheme: Qt.ColorScheme) -> None:
    """Where the platform's style is Fusion and it shows the scheme itself (a GNOME desktop, light or dark), the
    app keeps that look but with its own Fusion: the solid focus frame and outlined check boxes, not Fusion's
    faint ones."""

    from desktop_cls.gui.widgets.indicator_style import VisibleIndicatorStyle

    desktop_scheme(monkeypatch, scheme)
    monkeypatch.setattr(theme, "platform_palette", lambda: (  # what the desktop hands over
        theme.dark_palette() if scheme == Qt.ColorScheme.Dark else theme.light_palette()))
    monkeypatch.setattr(theme._State, "following_system", False)
    qapp.setStyle("Fusion")  # the platform's own style on Linux
    monkeypatch.setattr(theme._State, "native_style", None)
    assert theme.apply_theme("system") == ("dark" if scheme == Qt.ColorScheme.Dark else "light")
    assert isinstance(qapp.style(), VisibleIndicatorStyle)


def test_a_step_status_redraws_only_that_steps_icon_and_only_when_it_changed(qapp: object,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A sidebar icon is a few glyphs painted on the UI thread: choosing a run sets four badges at once."""
    from PySide6.QtWidgets import QListWidget, QListWidgetItem

    from desktop_cls.gui.widgets import icons

    sidebar = QListWidget()
    for key in ("data", "label", "train"):
        item = QListWidgetItem(key)
        item.setData(Qt.ItemDataRole.UserRole, key)
        sidebar.addItem(item)
    side = icons.SidebarIcons(sidebar)
    drawn: list[tuple[str, str]] = []
    real = icons.page_icon

    def page_icon(key: str, status: str = "none", palette: object = None) -> object:
        drawn.append((key, status))
        return real(key, status, palette)  # type: ignore[arg-type]

    monkeypatch.setattr(icons, "page_icon", page_icon)
    side.set_status("train", "done")
    side.set_status("train", "done")
    side.set_status("data", "none")  # (as it was)
    assert drawn == [("train", "done")]
    side.refresh()  # a palette change still redraws all, with their badges
    assert drawn[1:] == [("data", "none"), ("label", "none"), ("train", "done")]

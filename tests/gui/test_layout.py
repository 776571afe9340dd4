"""The window on small laptop screens (1024x640, 1280x720) and what its panes show."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from desktop_cls.gui.widgets.confusion_view import ConfusionMatrixView
from tests.conftest import make_tiny_folder
from tests.gui.conftest import cell, heading, open_and_wait

TITLE_BAR = 40  # what a window manager's title bar and a panel take from a 640 px high screen


def test_window_shrinks_to_fit_a_1024x640_screen_with_ten_classes(qtbot: QtBot, window: MainWindow,
                                                                 tmp_path: Path) -> None:
    data = make_tiny_folder(tmp_path / "ten", classes=tuple(f"class_{i}" for i in range(10)), per_class=2)
    open_and_wait(qtbot, window, data)
    for key in window.pages:
        window.show_page(key)
        QApplication.processEvents()
        hint = window.minimumSizeHint()
        assert hint.width() <= 1024 and hint.height() <= 640 - TITLE_BAR, (key, hint)
    window.resize(1024, 640 - TITLE_BAR)
    QApplication.processEvents()
    assert window.width() <= 1024 and window.height() <= 640 - TITLE_BAR


def test_plot_legends_sit_beside_the_curves_not_on_them(qtbot: QtBot, window: MainWindow) -> None:
    from tests.gui.test_evaluate_page import DEMO_CLASSES, show_result, synthetic_result

    window.resize(1280, 800)
    tp = window.train_page
    window.show_page("train")
    tp.monitor.begin(2, None, False)  # the curves show once a run starts (before, a line says what will appear)
    QApplication.processEvents()
    pairs = [(tp.monitor.plots.loss_plot, tp.monitor.plots.loss_legend, ["train (smoothed)", "train", "validation"]),
             (tp.monitor.plots.acc_plot, tp.monitor.plots.acc_legend, ["train", "validation"])]
    for plot, legend, names in pairs:
        assert plot.getPlotItem().legend is None  # nothing drawn over the data
        assert [e[0] for e in legend.entries()] == names
        assert legend.isVisible() and not plot.geometry().intersects(legend.geometry())
    ev = window.evaluate_page
    window.show_page("evaluate")
    show_result(ev, synthetic_result())
    ev.right_tabs.setCurrentIndex(2)
    QApplication.processEvents()
    assert ev.curves.getPlotItem().legend is None
    names = [e[0] for e in ev.curves_legend.entries()]
    isolated = [f"\u2068{c}\u2069 (AP " for c in DEMO_CLASSES]  # (a class name in the legend is isolated)
    assert len(names) == 10 and all(n.startswith(i) for i, n in zip(isolated, names, strict=True))
    assert ev.curves_legend.isVisible() and not ev.curves.geometry().intersects(ev.curves_legend.geometry())


def test_training_log_has_a_title_and_says_what_will_appear(window: MainWindow) -> None:
    from PySide6.QtWidgets import QGroupBox

    log = window.train_page.monitor.log
    box = log.parentWidget()
    assert isinstance(box, QGroupBox) and box.title() == "Training log"
    assert not log.toPlainText() and "epoch" in log.placeholderText()


def test_portrait_thumbnails_keep_their_two_line_captions(qtbot: QtBot, tmp_path: Path) -> None:
    from PIL import Image
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QListView

    from desktop_cls.gui.widgets.thumbnails import ThumbnailModel

    shapes = {"landscape": (120, 60), "portrait": (60, 120), "tall": (30, 300)}
    paths = []
    for name, size in shapes.items():
        paths.append(str(tmp_path / f"{name}.png"))
        Image.new("RGB", size, (200, 40, 40)).save(paths[-1])
    model = ThumbnailModel(side=96)
    view = QListView()
    qtbot.addWidget(view)
    model.configure_view(view)
    view.resize(600, 300)
    view.show()
    caption = "horizontal_stripes → checkerboard 97%"  # wraps to two lines
    model.set_items([(p, caption) for p in paths])
    for p in paths:
        model.index(paths.index(p)).data(Qt.ItemDataRole.DecorationRole)  # ask for every thumbnail
    qtbot.waitUntil(lambda: all(p in model._cache for p in paths), timeout=10_000)
    QApplication.processEvents()
    two_lines = 96 + 2 * view.fontMetrics().height()
    rects = [view.visualRect(model.index(i)) for i in range(len(paths))]
    assert all(r.size() == rects[0].size() for r in rects)
    assert rects[0].height() >= two_lines
    for i in range(len(paths)):
        pix = model.index(i).data(Qt.ItemDataRole.DecorationRole)
        assert (pix.width(), pix.height()) == (96, 96)
    model.shutdown()


def test_ten_by_ten_confusion_matrix_fits_its_pane_at_1024x640(qtbot: QtBot, window: MainWindow) -> None:
    """On a small laptop screen the matrix shrinks its font and numbers its columns instead of scrolling."""
    from tests.gui.test_evaluate_page import DEMO_CLASSES, show_result, synthetic_result

    window.resize(1024, 640 - TITLE_BAR)
    window.show_page("evaluate")
    ev = window.evaluate_page
    show_result(ev, synthetic_result())
    QApplication.processEvents()
    cm = ev.confusion
    assert cm.rowCount() == cm.columnCount() == 10
    assert not cm.needs_scrolling()
    assert not cm.verticalScrollBar().isVisible() and not cm.horizontalScrollBar().isVisible()
    assert cm.verticalScrollBar().maximum() == 0 and cm.horizontalScrollBar().maximum() == 0
    assert sum(cm.columnWidth(c) for c in range(10)) <= cm.viewport().width()
    assert sum(cm.rowHeight(r) for r in range(10)) <= cm.viewport().height()
    text_h = cm.fontMetrics().height()
    assert min(cm.rowHeight(r) for r in range(10)) >= text_h  # every count still readable
    widest = max(cm.fontMetrics().horizontalAdvance(cell(cm, r, c)) for r in range(10) for c in range(10))
    assert min(cm.columnWidth(c) for c in range(10)) > widest
    # every column says which class it is: a readable start of its name where the font leaves room,
    # else its number, and then the rows carry the same numbers (which one depends on the font's widths)
    header_fm = cm.horizontalHeader().fontMetrics()
    columns = [heading(cm, c) for c in range(10)]
    rows = [heading(cm, r, vertical=True) for r in range(10)]
    if columns == [str(c + 1) for c in range(10)]:
        assert all(rows[r].startswith(f"{r + 1} ") for r in range(10)), rows
    else:
        for c, (text, name) in enumerate(zip(columns, DEMO_CLASSES, strict=True)):
            assert text == name or (text.endswith("…") and name.startswith(text[:-1]) and len(text) >= 4), text
            assert header_fm.horizontalAdvance(text) <= cm.columnWidth(c), (text, cm.columnWidth(c))
        assert not any(row[:1].isdigit() for row in rows), rows
    assert heading(cm, 0, tooltip=True) == "checkerboard"


def test_a_matrix_too_large_for_its_pane_scrolls(qtbot: QtBot, window: MainWindow) -> None:
    from tests.gui.test_evaluate_page import show_result, synthetic_result

    window.resize(1024, 640 - TITLE_BAR)
    window.show_page("evaluate")
    ev = window.evaluate_page
    result = synthetic_result()
    classes = [f"class_{i}" for i in range(40)]
    result["classes"] = classes
    result["confusion_matrix"] = [[5 if i == j else 0 for j in range(40)] for i in range(40)]
    result["per_class"] = {c: {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 5} for c in classes}
    show_result(ev, result)
    QApplication.processEvents()
    cm = ev.confusion
    assert cm.needs_scrolling() and cm.font_scale == min(cm.font_scale, 0.7)
    assert cm.verticalScrollBar().maximum() > 0


def _matrix_with_long_names(qtbot: QtBot) -> ConfusionMatrixView:
    view = ConfusionMatrixView()
    qtbot.addWidget(view)
    view.show_counts([f"a_rather_long_class_name_{i}" for i in range(10)],
                     [[5 if r == c else 1 for c in range(10)] for r in range(10)])
    view.show()
    return view


def test_a_matrix_numbers_its_columns_only_when_names_do_not_fit(qtbot: QtBot) -> None:
    """Both ways of naming the columns, whatever font the machine has: the sizes come from the view's own
    font (its preferred size leaves each column just the width of its counts; a wide pane leaves room)."""
    view = _matrix_with_long_names(qtbot)
    view.resize(view.sizeHint())
    QApplication.processEvents()
    columns = [heading(view, c) for c in range(10)]
    rows = [heading(view, r, vertical=True) for r in range(10)]
    assert columns == [str(c + 1) for c in range(10)]
    assert all(rows[r].startswith(f"{r + 1} ") for r in range(10)), rows
    assert not view.needs_scrolling()
    view.resize(40 * view.sizeHint().width(), view.sizeHint().height())
    QApplication.processEvents()
    columns = [heading(view, c) for c in range(10)]
    assert columns == [f"a_rather_long_class_name_{i}" for i in range(10)]
    assert heading(view, 0, vertical=True) == "a_rather_long_class_name_0"


def test_the_first_window_fits_the_screens_free_area() -> None:
    from PySide6.QtCore import QSize

    from desktop_cls.gui.shell.first_size import FRAME, PREFERRED, first_window_size

    assert first_window_size(QSize(1920, 1040)) == PREFERRED
    laptop = first_window_size(QSize(1366, 768 - 30))  # a 1366x768 screen with a 30 px panel
    assert laptop.width() == PREFERRED.width() and laptop.height() + FRAME.height() <= 738
    assert first_window_size(QSize(1024, 600)) == QSize(1024 - FRAME.width(), 600 - FRAME.height())


FIRST_START = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from desktop_cls.gui.shell.main_window import MainWindow
w = MainWindow(load_core=False)
w.show()
app.processEvents()
free = w.screen().availableGeometry()
print("sizes", w.width(), w.height(), free.width(), free.height(), flush=True)
w.shutdown()
"""


def test_a_first_start_on_a_1366x768_laptop_opens_a_window_that_fits(tmp_path: Path) -> None:
    """The real window on a 1366x768 screen whose panel leaves 738 px: no saved size, so it sizes itself."""
    import json
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    screen = tmp_path / "laptop.json"
    screen.write_text(json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 738,
                                               "logicalDpi": 96, "logicalWidth": 1366}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screen}", PYTHONPATH=str(repo))
    r = subprocess.run([sys.executable, "-c", FIRST_START], capture_output=True, text=True, env=env, timeout=300)
    line = next((ln for ln in r.stdout.splitlines() if ln.startswith("sizes ")), None)
    assert line is not None, r.stderr[-2000:]
    w, h, free_w, free_h = map(int, line.split()[1:])
    assert (free_w, free_h) == (1366, 738)
    assert w <= free_w and h + TITLE_BAR <= free_h, (w, h)


def test_a_small_heat_map_fills_its_tile_like_a_thumbnail(qtbot: QtBot) -> None:
    """A 32x32 heat map (the overlay of a 32 px image) is enlarged to the 96 px tile, as the image's own
    thumbnail is, not drawn at 32 px in the middle of it."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QImage

    from desktop_cls.gui.widgets.thumbnails import ThumbnailModel

    model = ThumbnailModel(side=96)
    model.set_ratio(1.0)
    model.set_items([("a.png", "a"), ("b.png", "b")])
    for path, (w, h) in (("a.png", (32, 32)), ("b.png", (32, 16))):
        small = QImage(w, h, QImage.Format.Format_RGB888)
        small.fill(QColor(200, 30, 30))
        model.set_override(path, small)
    for row, (width, height) in enumerate(((96, 96), (96, 48))):
        pix = model.index(row).data(Qt.ItemDataRole.DecorationRole).toImage()
        opaque = [(x, y) for x in range(pix.width()) for y in range(pix.height()) if pix.pixelColor(x, y).alpha()]
        xs, ys = [p[0] for p in opaque], [p[1] for p in opaque]
        assert (max(xs) - min(xs) + 1, max(ys) - min(ys) + 1) == (width, height)
    model.shutdown()


def test_the_label_page_needs_no_sideways_scrolling_on_a_1366x768_screen_at_150_percent(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    """1366x768 at 150 % leaves a 911 px wide window: the Label page's buttons sit three and two a row (in one row
    they made its columns too wide), and every one of them stays in sight."""
    from PySide6.QtWidgets import QPushButton

    data = make_tiny_folder(tmp_path / "ten", classes=tuple(f"class_{i}" for i in range(10)), per_class=2)
    (data / "loose.png").write_bytes((data / "class_0" / sorted(p.name for p in (data / "class_0").iterdir())[0])
                                     .read_bytes())
    open_and_wait(qtbot, window, data)
    window.resize(911, 768 * 2 // 3 - TITLE_BAR)
    window.show_page("label")
    for _ in range(3):
        QApplication.processEvents()
    area = window.stack.current_area()
    assert area is not None and area.widget() is window.label_page
    assert area.horizontalScrollBar().maximum() == 0, (window.label_page.minimumSizeHint(), area.viewport().width())
    buttons = [b for b in window.label_page.findChildren(QPushButton) if b.isVisible()]
    assert len(buttons) >= 10 + 5
    for b in buttons:
        left = b.mapTo(area.viewport(), b.rect().topLeft()).x()
        assert left >= 0 and left + b.width() <= area.viewport().width(), b.objectName()


def test_the_training_log_keeps_six_lines_under_the_curves_on_a_1366x768_screen(window: MainWindow) -> None:
    """The curves prefer 480 px: on a 1366x768 screen they took all but three lines of the log, the first cut."""
    from desktop_cls.gui.pages.train.run_monitor import LOG_LINES

    window.resize(1280, 728)  # the first window on such a screen (first_size)
    window.show_page("train")
    QApplication.processEvents()
    log = window.train_page.monitor.log
    assert log.viewport().height() >= LOG_LINES * log.fontMetrics().lineSpacing()

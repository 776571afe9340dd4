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


def test_plot_legends_sit_beside_the_curves_not_on_them(qtbot: object, window: object) -> None:
    from tests.gui.test_evaluate_page import DEMO_CLASSES, synthetic_result

    window.resize(1280, 800)  # type: ignore[attr-defined]
    tp = window.train_page  # type: ignore[attr-defined]
    window.show_page("train")  # type: ignore[attr-defined]
    QApplication.processEvents()
    pairs = [(tp.monitor.plots.loss_plot, tp.monitor.plots.loss_legend, ["train (smoothed)", "train", "validation"]),
             (tp.monitor.plots.acc_plot, tp.monitor.plots.acc_legend, ["train", "validation"])]
    for plot, legend, names in pairs:
        assert plot.getPlotItem().legend is None  # nothing drawn over the data
        assert [e[0] for e in legend.entries()] == names
        assert legend.isVisible() and not plot.geometry().intersects(legend.geometry())
    ev = window.evaluate_page  # type: ignore[attr-defined]
    window.show_page("evaluate")  # type: ignore[attr-defined]
    ev._show(synthetic_result())
    ev.right_tabs.setCurrentIndex(2)
    QApplication.processEvents()
    assert ev.curves.getPlotItem().legend is None
    names = [e[0] for e in ev.curves_legend.entries()]
    assert len(names) == 10 and all(n.startswith(f"{c} (AP ") for c, n in zip(DEMO_CLASSES, names, strict=True))
    assert ev.curves_legend.isVisible() and not ev.curves.geometry().intersects(ev.curves_legend.geometry())


def test_training_log_has_a_title_and_says_what_will_appear(window: object) -> None:
    from PySide6.QtWidgets import QGroupBox

    log = window.train_page.monitor.log  # type: ignore[attr-defined]
    box = log.parentWidget()
    assert isinstance(box, QGroupBox) and box.title() == "Training log"
    assert not log.toPlainText() and "epoch" in log.placeholderText()


def test_portrait_thumbnails_keep_their_two_line_captions(qtbot: object, tmp_path: Path) -> None:
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
    qtbot.addWidget(view)  # type: ignore[attr-defined]
    model.configure_view(view)
    view.resize(600, 300)
    view.show()
    caption = "horizontal_stripes → checkerboard 97%"  # wraps to two lines
    model.set_items([(p, caption) for p in paths])
    for p in paths:
        model.index(paths.index(p)).data(Qt.ItemDataRole.DecorationRole)  # ask for every thumbnail
    qtbot.waitUntil(lambda: all(p in model._cache for p in paths), timeout=10_000)  # type: ignore[attr-defined]
    QApplication.processEvents()
    two_lines = 96 + 2 * view.fontMetrics().height()
    rects = [view.visualRect(model.index(i)) for i in range(len(paths))]
    assert all(r.size() == rects[0].size() for r in rects)
    assert rects[0].height() >= two_lines
    for i in range(len(paths)):
        pix = model.index(i).data(Qt.ItemDataRole.DecorationRole)
        assert (pix.width(), pix.height()) == (96, 96)
    model.shutdown()


def test_ten_by_ten_confusion_matrix_fits_its_pane_at_1024x640(qtbot: object, window: object) -> None:
    """On a small laptop screen the matrix shrinks its font and numbers its columns instead of scrolling."""
    from tests.gui.test_evaluate_page import synthetic_result

    window.resize(1024, 640 - TITLE_BAR)  # type: ignore[attr-defined]
    window.show_page("evaluate")  # type: ignore[attr-defined]
    ev = window.evaluate_page  # type: ignore[attr-defined]
    ev._show(synthetic_result())
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
    widest = max(cm.fontMetrics().horizontalAdvance(cm.item(r, c).text()) for r in range(10) for c in range(10))
    assert min(cm.columnWidth(c) for c in range(10)) > widest
    names = [cm.verticalHeaderItem(r).text() for r in range(10)]
    assert names[0].startswith("1 ") and names[9].startswith("10 ")  # columns are numbered to match
    assert cm.horizontalHeaderItem(0).toolTip() == "checkerboard"


def test_a_matrix_too_large_for_its_pane_scrolls(qtbot: object, window: object) -> None:
    from tests.gui.test_evaluate_page import synthetic_result

    window.resize(1024, 640 - TITLE_BAR)  # type: ignore[attr-defined]
    window.show_page("evaluate")  # type: ignore[attr-defined]
    ev = window.evaluate_page  # type: ignore[attr-defined]
    result = synthetic_result()
    classes = [f"class_{i}" for i in range(40)]
    result["classes"] = classes
    result["confusion_matrix"] = [[5 if i == j else 0 for j in range(40)] for i in range(40)]
    result["per_class"] = {c: {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 5} for c in classes}
    ev._show(result)
    QApplication.processEvents()
    cm = ev.confusion
    assert cm.needs_scrolling() and cm.font_scale == min(cm.font_scale, 0.7)
    assert cm.verticalScrollBar().maximum() > 0

"""Every image can be seen large: the viewer itself, and each place that opens it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from desktop_cls.gui.widgets.image_viewer import ImageViewer
from tests.gui.conftest import open_and_wait, opened_viewer

sklearn_images = pytest.importorskip("sklearn.datasets").__file__
PHOTOS = Path(sklearn_images).parent / "images"  # real photos shipped with scikit-learn
CHINA, FLOWER = PHOTOS / "china.jpg", PHOTOS / "flower.jpg"


def _loaded(qtbot: QtBot, viewer: ImageViewer, size: tuple[int, int]) -> None:
    qtbot.waitUntil(lambda: viewer.image_size() == size, timeout=10_000)


def test_viewer_zooms_fits_steps_through_images_and_closes_on_escape(qtbot: QtBot) -> None:
    from desktop_cls.gui.widgets.image_viewer import ImageViewer

    items = [(str(CHINA), "Class: temple"), (str(FLOWER), "Class: flower")]
    viewer = ImageViewer(items, 0)
    qtbot.addWidget(viewer)
    viewer.resize(800, 600)
    viewer.show()
    _loaded(qtbot, viewer, (640, 427))
    assert viewer.name_label.text() == "china.jpg"
    assert viewer.caption_label.text() == "Class: temple"
    assert viewer.path_label.text() == str(CHINA)
    vp = viewer.view.viewport().size()
    assert viewer.fit and viewer.zoom == pytest.approx(min(vp.width() / 640, vp.height() / 427))
    qtbot.keyClick(viewer.view, Qt.Key.Key_1)
    assert viewer.zoom == 1.0 and not viewer.fit
    qtbot.keyClick(viewer.view, Qt.Key.Key_Plus)
    assert viewer.zoom == pytest.approx(1.25)
    qtbot.keyClick(viewer.view, Qt.Key.Key_F)
    assert viewer.fit and viewer.zoom < 1.25
    qtbot.keyClick(viewer.view, Qt.Key.Key_Right)
    assert viewer.name_label.text() == "flower.jpg" and viewer.caption_label.text() == "Class: flower"
    _loaded(qtbot, viewer, (640, 427))
    assert not viewer.next_button.isEnabled()
    qtbot.keyClick(viewer.view, Qt.Key.Key_Left)
    assert viewer.index == 0 and not viewer.prev_button.isEnabled()
    qtbot.keyClick(viewer.view, Qt.Key.Key_Escape)
    assert not viewer.isVisible()


def test_data_thumbnail_opens_in_the_viewer_on_enter(qtbot: QtBot, window: MainWindow, tiny_folder: Path) -> None:
    open_and_wait(qtbot, window, tiny_folder)
    dp = window.dataset_page
    dp.thumbs.setCurrentIndex(dp.thumb_model.index(3))
    qtbot.keyClick(dp.thumbs, Qt.Key.Key_Return)
    viewer = opened_viewer(dp)
    path, cls = dp.thumb_model.items[3]
    assert viewer.isVisible() and viewer.current_path() == path
    assert viewer.caption_label.text() == f"Class: \u2068{cls}\u2069"
    _loaded(qtbot, viewer, (16, 16))
    assert viewer.zoom > 4  # a 16 px image is fitted to the window, not shown as a speck
    viewer.close()


def test_problem_row_opens_the_viewer_not_a_file_manager(qtbot: QtBot, window: MainWindow, tiny_folder: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtGui import QDesktopServices

    from desktop_cls.gui.widgets import image_viewer

    launched: list[object] = []
    def launch(url: object) -> bool:
        launched.append(url)
        return False

    monkeypatch.setattr(QDesktopServices, "openUrl", launch)
    monkeypatch.setattr(image_viewer.shutil, "which", lambda _tool: None)  # a machine without a file manager
    monkeypatch.setattr(image_viewer.sys, "platform", "linux")
    (tiny_folder / "dog" / "broken.png").write_bytes(b"not a png")
    open_and_wait(qtbot, window, tiny_folder)
    dp = window.dataset_page
    dp.problems.table.setCurrentCell(0, 0)
    qtbot.keyClick(dp.problems.table, Qt.Key.Key_Return)
    viewer = opened_viewer(dp)
    assert viewer.isVisible() and viewer.current_path().endswith("broken.png")
    qtbot.waitUntil(lambda: "cannot be shown" in viewer.status_label.text(), timeout=10_000)
    assert "corrupt" in viewer.caption_label.text() or "image" in viewer.caption_label.text()
    assert not viewer.reveal_button.isVisibleTo(viewer)  # not offered where it cannot work
    assert not launched
    viewer.close()


def test_show_in_folder_says_so_when_no_file_manager_opens(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QMessageBox, QWidget

    from desktop_cls.gui.widgets import image_viewer

    monkeypatch.setattr(image_viewer.shutil, "which", lambda tool: f"/usr/bin/{tool}")
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)  # the opener exists but fails
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warnings.append(text))
    parent = QWidget()
    qtbot.addWidget(parent)
    assert image_viewer.reveal_available()
    assert image_viewer.reveal_in_folder(parent, str(CHINA)) is False
    assert warnings and str(CHINA.parent) in warnings[0]


def test_mistakes_and_their_heat_maps_open_large(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    from tests.gui.test_evaluate_page import show_result, synthetic_result

    ev = window.evaluate_page
    window.show_page("evaluate")
    show_result(ev, synthetic_result())
    QApplication.processEvents()
    first = ev.mistakes.shown[0]
    heat = QImage(300, 200, QImage.Format.Format_RGB888)
    heat.fill(Qt.GlobalColor.red)
    ev.mistakes.heatmap_check.blockSignals(True)  # no model to compute them with: hand the page one
    ev.mistakes.heatmap_check.setChecked(True)
    ev.mistakes.heatmap_check.blockSignals(False)
    ev.mistakes.heatmap_pictures[first[0]] = heat
    ev.mistakes.view.setCurrentIndex(ev.mistakes.model.index(0))
    qtbot.keyClick(ev.mistakes.view, Qt.Key.Key_Return)
    viewer = opened_viewer(ev.mistakes)  # the gallery owns its viewer
    assert ev.model.result is not None
    classes = ev.model.result["classes"]
    assert viewer.current_path() == first[0]
    assert viewer.caption_label.text().startswith(
        f"True class: \u2068{classes[first[1]]}\u2069 · predicted: \u2068{classes[first[2]]}\u2069")
    assert viewer.image_size() == (300, 200)  # the heat map, not the file
    window.state.set_run(str(tmp_path / "another-run"))  # the result is taken down: its mistakes go from sight
    assert ev.model.result is None and not viewer.isVisible()


def test_classified_images_open_large(qtbot: QtBot, window: MainWindow, trained_run: tuple[Path, Path],
                                      tmp_path: Path) -> None:
    run, data = trained_run
    cp = window.classify_page
    window.state.set_run(str(run))
    qtbot.waitUntil(lambda: cp.model.loaded, timeout=60_000)
    cp.classify_paths([str(data / "cat")])
    qtbot.waitUntil(lambda: len(cp.results.predictions) == 10 and cp.buttons["classifyFolderButton"].isEnabled(),
                    timeout=60_000)  # rows stream in; the request has ended when the buttons come back
    cp.results.table.setCurrentIndex(cp.results.model.index(2, 0))
    qtbot.keyClick(cp.results.table, Qt.Key.Key_Return)
    viewer = opened_viewer(cp.results)  # the results own their viewer
    assert viewer.current_path() == cp.results.predictions[2].path
    assert viewer.caption_label.text().startswith(f"Predicted: \u2068{cp.results.predictions[2].label}\u2069")
    viewer.close()
    qtbot.mouseDClick(cp.preview.image, Qt.MouseButton.LeftButton)
    viewer = opened_viewer(cp.results)
    assert viewer.isVisible() and viewer.current_path() == cp.results.predictions[2].path
    window.state.set_run(str(shutil.copytree(run, tmp_path / "another-run")))  # its predictions go from sight
    assert cp.results.predictions == [] and not viewer.isVisible()

"""Evaluate page: one accuracy with training, a confusion matrix that fits its pane, legends off the curves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_cls.core.run_dir import read_run_info
from desktop_cls.gui.pages.evaluate.evaluate_page import EvaluatePage
from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import cell, tooltip


def _evaluated(qtbot: QtBot, window: MainWindow, run: Path, data: Path) -> EvaluatePage:
    window.state.set_run(str(run))
    ev = window.evaluate_page
    ev.folder_edit.setText(str(data))
    ev.evaluate()
    qtbot.waitUntil(lambda: ev.model.result is not None, timeout=60_000)
    return ev


def test_summary_gives_the_accuracy_training_reported_and_its_epoch(qtbot: QtBot, window: MainWindow,
                                                                    trained_run: tuple[Path, Path]) -> None:
    run, data = trained_run
    info = read_run_info(run)
    ev = _evaluated(qtbot, window, run, data)
    text = ev.metrics.summary.text()
    assert f"Accuracy {info['best_val_accuracy']:.1%}" in text
    assert f"on {info['val_images']} validation images" in text
    assert f"epoch {info['best_epoch']} of {info['epochs_done']}" in text


DEMO_CLASSES = ("checkerboard", "circle", "cross", "diamond", "dots", "horizontal_stripes", "ring", "square",
                "triangle", "vertical_stripes")


def synthetic_result(n_classes: int = 10, per_class: int = 12, seed: int = 0) -> dict[str, object]:
    """What the evaluate task hands the page, for a model that is right about 80 % of the time."""
    import numpy as np

    from desktop_cls.core.inference.evaluation import Evaluation
    from desktop_cls.core.inference.metrics import classification_report

    rng = np.random.default_rng(seed)
    classes = DEMO_CLASSES[:n_classes]  # the demo's names: long enough to test the layout
    y = np.repeat(np.arange(n_classes), per_class)
    logits = rng.normal(size=(len(y), n_classes))
    logits[np.arange(len(y)), y] += 2.5
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    paths = tuple(f"/nowhere/{classes[t]}/{i}.png" for i, t in enumerate(y))
    ev = Evaluation(classification_report(y, probs, classes), paths, y, probs, "validation", ())
    d = ev.to_dict()
    pred = probs.argmax(axis=1)
    d["_samples"] = [(p, int(t), int(k), float(probs[i, k]))
                     for i, (p, t, k) in enumerate(zip(paths, y, pred, strict=True))]
    d["_curves"] = ev.curves()
    d["_model"] = ""
    return d


def show_result(page: Any, d: dict[str, object]) -> None:
    """Hand the Evaluate page a result as its task would: of the images it scores now (a result of other images,
    or of another model than its own, is taken down as it arrives)."""
    d.setdefault("_folder", page.folder_edit.text().strip() or page.default_folder())
    page.show_result(d)


def test_ten_by_ten_confusion_matrix_fills_its_pane_without_scrolling(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QApplication

    window.resize(1280, 800)
    window.show_page("evaluate")
    ev = window.evaluate_page
    show_result(ev, synthetic_result())
    QApplication.processEvents()
    cm = ev.confusion
    assert cm.rowCount() == cm.columnCount() == 10
    assert cm.verticalScrollBar().maximum() == 0 and cm.horizontalScrollBar().maximum() == 0
    used_w = sum(cm.columnWidth(c) for c in range(10))
    used_h = sum(cm.rowHeight(r) for r in range(10))
    assert used_w >= cm.viewport().width() - 10 and used_h >= cm.viewport().height() - 10  # no empty half


def test_a_class_without_images_shows_dashes_and_stays_out_of_the_macro_average(qtbot: QtBot,
                                                                              window: MainWindow) -> None:
    """'circle' has no images and is never predicted, 'cross' has none but is predicted (false positives)."""
    import numpy as np
    from sklearn.metrics import recall_score

    from desktop_cls.core.inference.evaluation import Evaluation
    from desktop_cls.core.inference.metrics import classification_report

    classes = ("checkerboard", "circle", "cross", "diamond")
    y = np.array([0, 0, 0, 3, 3, 3])
    pred = np.array([0, 2, 0, 3, 3, 0])
    probs = np.eye(4)[pred] * 0.9 + 0.025
    paths = tuple(f"/nowhere/{i}.png" for i in range(len(y)))
    result = Evaluation(classification_report(y, probs, classes), paths, y, probs, "test", ())
    d = result.to_dict()
    d["_samples"] = [(p, int(t), int(k), 0.925) for p, t, k in zip(paths, y, pred, strict=True)]
    d["_curves"], d["_model"] = result.curves(), ""
    ev = window.evaluate_page
    show_result(ev, d)
    table = ev.metrics.table

    def cells(row: int) -> list[str]:
        return [cell(table, row, c) for c in range(5)]

    assert cells(1) == ["circle", "—", "—", "—", "0"]
    assert cells(2) == ["cross", "0.000", "—", "0.000", "0"]
    assert "No images of '\u2068circle\u2069' among the test images" in tooltip(table, 1, 2)
    assert "false positives" in tooltip(table, 2, 1)
    assert "false positives" not in tooltip(table, 1, 1)
    macro = next(r for r in range(table.rowCount()) if cell(table, r, 0) == "macro average")
    assert float(cell(table, macro, 2)) == round(recall_score(y, pred, labels=[0, 3], average="macro"), 3)
    assert "2 classes" in tooltip(table, macro, 2)


def test_images_placeholder_names_the_split_evaluate_will_score(window: MainWindow, tmp_path: Path) -> None:
    from desktop_cls.core.data.dataset import scan
    from tests.conftest import make_tiny_folder

    data = tmp_path / "digits"
    make_tiny_folder(data / "train", per_class=4)
    make_tiny_folder(data / "test", per_class=2, seed=5)
    ev = window.evaluate_page
    window.state.set_dataset(scan(data))
    assert ev.folder_edit.placeholderText() == "Default: test images of \u2068digits\u2069"
    assert ev.folder_edit.toolTip() == "Labeled folder (default: test images of \u2068digits\u2069)"
    window.state.set_dataset(scan(data / "train"))
    assert ev.folder_edit.placeholderText() == "Default: validation images of \u2068train\u2069"


def test_a_run_that_learned_every_image_names_its_cross_validation(window: MainWindow, tmp_path: Path,
                                                                  trained_run: tuple[Path, Path]) -> None:
    import shutil

    from desktop_cls.core.data.dataset import scan
    from desktop_cls.core.inference.cross_validated import CV_FILE

    run = Path(shutil.copytree(trained_run[0], tmp_path / "run"))
    window.state.set_dataset(scan(trained_run[1]))
    window.state.set_run(str(run))
    text = window.evaluate_page.folder_edit.placeholderText()
    assert text.startswith("Default: validation images of")
    (run / CV_FILE).write_text("{}")
    window.state.set_run(str(run))
    field = window.evaluate_page.folder_edit
    assert field.placeholderText() == f"Default: all of \u2068{trained_run[1].name}\u2069, cross-validated"
    text = field.toolTip()
    name = f"\u2068{trained_run[1].name}\u2069"  # (isolated)
    assert text == f"Labeled folder (default: every image of {name}, as cross-validation predicted it)"


def test_the_empty_page_names_the_new_model_and_never_results_that_are_not_shown(window: MainWindow,
                                                                                  tmp_path: Path) -> None:
    """Choosing another run takes its predecessor's results down: the page says the model changed and whose
    results went, not "the results shown were of …" over an empty page; going back says what Evaluate does."""
    first, second = str(tmp_path / "run-first"), str(tmp_path / "run-second")
    ev = window.evaluate_page
    window.state.set_run(first)
    d = synthetic_result(n_classes=3)
    d["_model"], d["_folder"] = first, ev.default_folder()
    ev.show_result(d)
    assert ev.model.result is not None

    window.state.set_run(second)
    assert ev.model.result is None
    assert ev.empty.label.text() == ("The model is now \u2068run-second\u2069: the results of the previous model, "
                                     "\u2068run-first\u2069, were cleared. Press Evaluate (Ctrl+E) to score "
                                     "\u2068run-second\u2069.")
    window.state.set_run(first)
    assert ev.empty.label.text().startswith(
        "No evaluation yet — press Evaluate (Ctrl+E) to score \u2068run-first\u2069")


def test_the_summary_says_which_pictures_it_learned_were_left_out(qtbot: QtBot, window: MainWindow,
                                                                 trained_run: tuple[Path, Path],
                                                                 tmp_path: Path) -> None:
    """A folder holding copies of training pictures under other names: they are not scored, and the page says so."""
    import shutil

    from desktop_cls.core.data.dataset import scan
    from tests.conftest import make_tiny_folder

    run, data = trained_run
    info = read_run_info(run)
    other = make_tiny_folder(tmp_path / "other", per_class=2, seed=7)
    train = scan(data, val_fraction=info["val_fraction"], seed=info["seed"]).split("train")
    for i, s in enumerate(train[:3]):
        shutil.copy(s.path, other / Path(s.path).parent.name / f"copy {i}.png")
    text = _evaluated(qtbot, window, run, other).metrics.summary.text()
    assert "on 6 images" in text and "3 images the model learned from were left out" in text


def test_heat_maps_asked_for_one_result_are_not_shown_on_the_next(window: MainWindow,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Heat maps are computed in the background with the model of the result shown; evaluated again meanwhile (another
    run, the same images), the late ones are not laid over the new result's tiles: that one's are made anew."""
    import numpy as np

    ev = window.evaluate_page
    gallery = ev.mistakes
    show_result(ev, synthetic_result())
    asked: list[Any] = []
    with monkeypatch.context() as m:  # (no model to compute them with: the test hands them over)
        m.setattr(gallery.tasks, "start", lambda _name, _work, on_done, **_kw: asked.append(on_done))
        gallery.heatmap_check.setChecked(True)
        first = gallery.shown[0][0]
        show_result(ev, synthetic_result(seed=1))  # evaluated again while they were computed
    assert len(asked) == 2  # the box stays on: the new result's heat maps are asked for
    red = np.zeros((8, 8, 3), np.uint8)
    red[..., 0] = 255
    asked[0]([(first, red)])  # the first result's arrive late
    assert gallery.heatmap_pictures == {}
    asked[1]([(first, red)])
    assert first in gallery.heatmap_pictures


def test_a_model_typed_in_the_field_is_not_marked_evaluated_as_the_chosen_run(window: MainWindow,
                                                                            tmp_path: Path) -> None:
    """The sidebar's ✓ Evaluate is remembered with the chosen run: scoring another model typed in the page's field
    marked the chosen run as evaluated (for good: it is saved with the run)."""
    from desktop_cls.core.storage import default_runs_dir
    from desktop_cls.gui.state import PageKey
    from tests.core.test_run_list import fake_run

    run = str(fake_run(default_runs_dir(), "chosen-run"))
    typed = tmp_path / "someone-elses.dcls"
    typed.write_bytes(b"a model file")
    ev, state = window.evaluate_page, window.state
    state.set_run(run)
    ev.model_edit.setText(str(typed))
    show_result(ev, {**synthetic_result(), "_model": str(typed)})
    assert ev.model.result is not None  # shown: it is the typed model's
    assert window.sidebar_icons.status[PageKey.EVALUATE] == "none" and run not in state.settings.run_steps
    ev.model_edit.setText(run)
    show_result(ev, {**synthetic_result(), "_model": run})
    assert window.sidebar_icons.status[PageKey.EVALUATE] == "done" and state.settings.run_steps[run] == ["evaluate"]


def test_move_to_class_marks_the_labelled_class_off_and_the_predicted_one(window: MainWindow) -> None:
    """The menu listed every class alike: the class the image already has (a move that changes nothing) and the one
    the model saw (the likely fix) were not told apart."""
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtWidgets import QMenu

    ev = window.evaluate_page
    gallery = ev.mistakes
    show_result(ev, synthetic_result())
    path, true, predicted, _conf = gallery.shown[0]
    row = next(i for i, item in enumerate(gallery.model.items) if item[0] == path)
    gallery.view.selectionModel().select(gallery.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    menu = gallery.fix_menu()
    assert menu is not None
    move = menu.actions()[0].menu()
    assert isinstance(move, QMenu)
    actions = {a.text(): a for a in move.actions()}
    classes = gallery.classes
    labelled, guessed = (f"\u2068{classes[true]}\u2069 (labeled)",
                         f"\u2068{classes[predicted]}\u2069 (predicted)")
    assert labelled in actions and not actions[labelled].isEnabled()
    assert guessed in actions and actions[guessed].isEnabled()
    others = [a for t, a in actions.items() if t not in (labelled, guessed)]
    assert len(others) == len(classes) - 2 and all(a.isEnabled() for a in others)


def test_the_curves_are_drawn_when_their_tab_is_shown_not_with_each_result(window: MainWindow) -> None:
    """Ten classes' precision-recall curves are UI-thread work: a result shown on the Images tab draws none;
    the Curves tab draws the latest result's (a result shown while it is open draws at once)."""
    ev = window.evaluate_page
    ev.right_tabs.setCurrentWidget(ev.mistakes)
    show_result(ev, synthetic_result())
    show_result(ev, synthetic_result(n_classes=3, seed=1))
    assert ev.curves.getPlotItem().listDataItems() == []
    ev.right_tabs.setCurrentIndex(2)
    assert len(ev.curves.getPlotItem().listDataItems()) == 3 and len(ev.curves_legend.entries()) == 3
    show_result(ev, synthetic_result())
    assert len(ev.curves.getPlotItem().listDataItems()) == 10
    ev.clear_result("")
    ev.right_tabs.setCurrentWidget(ev.mistakes)
    ev.right_tabs.setCurrentIndex(2)
    assert ev.curves.getPlotItem().listDataItems() == []


def test_the_reliability_diagram_is_drawn_when_its_tab_is_shown(window: MainWindow) -> None:
    ev = window.evaluate_page
    window.show_page("evaluate")
    ev.right_tabs.setCurrentWidget(ev.mistakes)
    show_result(ev, synthetic_result())
    plot = ev.calibration.reliability.getPlotItem()
    assert not any(type(i).__name__ == "BarGraphItem" for i in plot.items)
    assert "calibration error" in ev.calibration.ece_label.text()  # the words at once
    ev.right_tabs.setCurrentWidget(ev.calibration)
    assert sum(type(i).__name__ == "BarGraphItem" for i in plot.items) == 2


def test_the_gallery_makes_the_captions_of_the_tiles_in_sight_only(window: MainWindow) -> None:
    """A result with hundreds of mistakes: the tiles in sight get their captions as the view paints them, the others
    when scrolled to (each is two class names elided to the tile), and a caption reads as it always did."""
    from PySide6.QtWidgets import QApplication

    window.resize(1280, 800)
    window.show_page("evaluate")
    ev = window.evaluate_page
    ev.right_tabs.setCurrentWidget(ev.mistakes)
    show_result(ev, synthetic_result(per_class=60))
    QApplication.processEvents()
    gallery = ev.mistakes
    tiles = gallery.model.items
    assert len(gallery.shown) > 100 and len(tiles) == len(gallery.shown)
    assert 0 < getattr(tiles, "made", len(tiles)) < 60
    classes = gallery.classes
    for row in (0, len(tiles) - 1):
        path, true, predicted, confidence = gallery.shown[row]
        assert gallery.model.data(gallery.model.index(row, 0)) == gallery._caption(
            classes[true], classes[predicted], confidence)
        assert gallery.model.data(gallery.model.index(row, 0), Qt.ItemDataRole.ToolTipRole).startswith(path)


def test_a_confusion_cell_colour_is_worked_out_once_not_at_every_repaint(window: MainWindow,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QApplication

    from desktop_cls.gui.widgets import confusion_cells

    worked_out: list[float] = []
    original = confusion_cells.cell_colours

    def cell_colours(fraction: float, diagonal: bool, palette: Any) -> Any:
        worked_out.append(fraction)
        return original(fraction, diagonal, palette)

    monkeypatch.setattr(confusion_cells, "cell_colours", cell_colours)
    window.resize(1280, 800)
    window.show_page("evaluate")
    ev = window.evaluate_page
    show_result(ev, synthetic_result())
    ev.confusion.viewport().repaint()
    first = len(worked_out)
    assert 0 < first <= 100  # (at most one per cell; cells with the same share of their row share one)
    ev.confusion.viewport().repaint()
    ev.confusion.selectRow(2)
    QApplication.processEvents()
    assert len(worked_out) == first

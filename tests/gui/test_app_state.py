"""One app state: no page shows another dataset's or another run's results under the open one's name."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from tests.conftest import make_tiny_folder, write_image
from tests.gui.conftest import open_and_wait, set_fast_training


def errors_shown() -> list[str]:
    return [w.text() for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "errorDialog" and w.isVisible()]


def test_resuming_a_run_of_another_dataset_reports_and_evaluates_its_own(qtbot: QtBot, tmp_path: Path) -> None:
    from desktop_cls.core import run_dir as rd
    from tests.gui.test_crash_safe_state import interrupted_run

    run = interrupted_run(tmp_path)
    its_data = rd.read_run_info(run)["dataset_root"]
    its_val = rd.read_run_info(run)["split"]["val"]
    other = make_tiny_folder(tmp_path / "other", classes=("a", "b"), per_class=30)
    w = MainWindow(load_core=False)
    qtbot.addWidget(w, before_close_func=lambda win: win.shutdown())
    w.show()
    w.wait_until_core_loaded()
    open_and_wait(qtbot, w, other)
    assert w.state.dataset is not None and len(w.state.dataset.split("val")) != its_val
    w.interrupted_banner.resume_button.click()
    qtbot.waitUntil(lambda: not w.state.training and w.state.run == str(run), timeout=120_000)
    assert f"on {its_val} validation images" in w.train_page.monitor.progress_label.text()
    assert w.state.run_dataset() == its_data
    w.evaluate()  # Ctrl+E: the run is scored on the images it was trained for
    qtbot.waitUntil(lambda: w.evaluate_page.model.result is not None or bool(errors_shown()), timeout=60_000)
    assert errors_shown() == []
    result = w.evaluate_page.model.result
    assert result is not None and set(result["classes"]) == {"cat", "dog", "fish"}
    w.shutdown()


def test_evaluate_results_of_the_previous_run_are_not_shown_under_the_new_one(
        qtbot: QtBot, window: MainWindow, trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, data = trained_run
    ep = window.evaluate_page
    assert "train a model" in ep.empty.label.text()
    window.state.set_run(str(run))
    assert "train a model" not in ep.empty.label.text() and run.name in ep.empty.label.text()  # one is there
    open_and_wait(qtbot, window, data)
    window.evaluate()
    qtbot.waitUntil(lambda: ep.model.result is not None, timeout=60_000)
    assert ep.content.currentIndex() == 1 and ep.metrics.table.rowCount() > 0
    newer = Path(shutil.copytree(run, tmp_path / "newer-run"))
    window.state.set_run(str(newer))
    assert ep.model_edit.text() == str(newer)
    assert ep.content.currentIndex() == 0  # the empty state says to evaluate this one
    assert ep.model.result is None and ep.metrics.table.rowCount() == 0
    assert newer.name in ep.empty.label.text()
    newest = Path(shutil.copytree(run, tmp_path / "newest-run"))  # another run trained before evaluating
    window.state.set_run(str(newest))
    assert newest.name in ep.empty.label.text() and newer.name not in ep.empty.label.text()


def test_suggest_labels_refuses_a_model_trained_on_other_classes(
        qtbot: QtBot, window: MainWindow, trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    folder = make_tiny_folder(tmp_path / "letters", classes=("A", "B", "C"), per_class=4)
    write_image(folder / "loose.png", (255 * __import__("numpy").ones((16, 16, 3))).astype("uint8"))
    open_and_wait(qtbot, window, folder)
    window.state.set_run(str(trained_run[0]))  # cat / dog / fish, trained elsewhere
    lp = window.label_page
    assert lp.model.queue, "an unlabeled image to suggest for"
    assert not lp.suggest_panel.suggest_button.isEnabled()
    assert "trained on" in lp.suggest_panel.suggest_button.toolTip()
    lp.suggest_panel.suggest()
    assert lp.model.suggestions == {} and not lp.suggest_panel.accept_button.isEnabled()


def test_switching_datasets_shows_nothing_of_the_previous_one(qtbot: QtBot, window: MainWindow,
                                                              tmp_path: Path) -> None:
    import numpy as np

    first = make_tiny_folder(tmp_path / "first", per_class=4)
    write_image(first / "loose.png", np.full((16, 16, 3), 200, np.uint8))
    second = make_tiny_folder(tmp_path / "second", classes=("x", "y"), per_class=4)
    open_and_wait(qtbot, window, first)
    set_fast_training(window, epochs=1)
    window.train_page.start()
    qtbot.waitUntil(lambda: not window.state.training and window.state.run is not None, timeout=60_000)
    window.show_page("label")
    assert window.label_page.view.preview.source() is not None
    assert window.train_page.monitor.log.toPlainText() and window.train_page.monitor.progress.value() > 0
    window.open_dataset(second)  # while it is read, nothing of the first is shown
    dp = window.dataset_page
    assert dp.class_table.rowCount() == 0 and dp.thumb_model.rowCount() == 0 and dp.content.currentIndex() == 0
    lp = window.label_page
    assert lp.view.preview.source() is None and lp.view.caption.text() == ""
    qtbot.waitUntil(lambda: window.state.dataset is not None and window.state.dataset.root == str(second.resolve()),
                    timeout=30_000)
    assert dp.class_table.rowCount() == 2
    tp = window.train_page
    assert tp.monitor.log.toPlainText() == "" and tp.monitor.progress.value() == 0
    assert len(tp.monitor.plots.epochs) == 0


def test_a_cancel_pressed_before_a_queued_classification_starts_is_kept(
        qtbot: QtBot, window: MainWindow, trained_run: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.core.inference.predictor import Predictor

    run, data = trained_run
    cp = window.classify_page
    window.state.set_run(str(run))
    qtbot.waitUntil(lambda: cp.model.loaded, timeout=60_000)
    go, calls = threading.Event(), []
    real = Predictor.predict_paths

    def slow(self: Predictor, paths: list[str], **kw: Any) -> object:
        calls.append(paths)
        go.wait(10)
        return real(self, paths, **kw)

    monkeypatch.setattr(Predictor, "predict_paths", slow)
    cp.classify_paths([str(data / "cat")])
    qtbot.waitUntil(lambda: len(calls) == 1, timeout=10_000)
    cp.classify_paths([str(data / "dog")])  # queued behind the first
    cp.results.cancel_button.click()
    go.set()
    qtbot.waitUntil(lambda: cp.buttons["classifyFilesButton"].isEnabled(), timeout=30_000)
    qtbot.wait(200)
    assert len(calls) == 1  # the cancelled request never ran
    assert cp.results.predictions == []


def test_the_threshold_travels_with_each_request(qtbot: QtBot, window: MainWindow) -> None:
    """The window never writes a field that a request reads on its thread: the threshold is part of the
    request (the classifier's session holds only the loaded model)."""
    cp = window.classify_page
    before = dict(vars(cp.session))
    cp.controls.threshold_spin.setValue(55)
    assert vars(cp.session) == before


def test_after_a_video_the_preview_does_not_show_an_earlier_image(
        qtbot: QtBot, window: MainWindow, trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    pytest.importorskip("av")
    from tests.videos import BLUE, RED, write_video

    run, data = trained_run
    cp = window.classify_page
    window.state.set_run(str(run))
    qtbot.waitUntil(lambda: cp.model.loaded, timeout=60_000)
    cp.classify_paths([str(data / "cat")])
    qtbot.waitUntil(lambda: len(cp.results.predictions) == 10 and cp.buttons["classifyFolderButton"].isEnabled(),
                    timeout=60_000)  # rows stream in; the request has ended when the buttons come back
    assert cp.preview.image.source() is not None
    cp.classify_video(str(write_video(tmp_path / "walk.mp4", [RED, BLUE], frames_each=5, fps=10)))
    assert cp.preview.image.source() is None and "cat" not in cp.preview.caption.text()
    qtbot.waitUntil(lambda: cp.results.stack.currentIndex() == 1, timeout=60_000)
    assert cp.preview.image.source() is None


def test_open_recent_brings_back_the_folder_and_its_model(qtbot: QtBot, trained_run: tuple[Path, Path],
                                                         tiny_folder: Path) -> None:
    from desktop_cls.gui.settings import Settings, save_settings

    run, data = trained_run
    save_settings(Settings(recent_folders=[str(tiny_folder), str(data)], recent_runs=[str(run)]))
    w = MainWindow(load_core=False)
    qtbot.addWidget(w, before_close_func=lambda win: win.shutdown())
    w.wait_until_core_loaded()
    w.menus.recent_menu.aboutToShow.emit()
    action = next(a for a in w.menus.recent_menu.actions() if a.text() == str(data))
    action.trigger()
    qtbot.waitUntil(lambda: w.state.dataset is not None, timeout=30_000)
    assert w.state.run == str(run)
    w.shutdown()


@pytest.mark.parametrize("has_last", [True, False])
def test_the_first_start_folder_opens_only_when_there_is_nothing_to_reopen(
        qtbot: QtBot, tiny_folder: Path, tmp_path: Path, has_last: bool) -> None:
    from desktop_cls.gui.settings import Settings, save_settings

    demo = make_tiny_folder(tmp_path / "demo", classes=("p", "q"), per_class=3)
    save_settings(Settings(recent_folders=[str(tiny_folder)] if has_last else []))
    w = MainWindow(load_core=False)
    qtbot.addWidget(w, before_close_func=lambda win: win.shutdown())
    w.reopen_last(first_start=str(demo))
    qtbot.waitUntil(lambda: w.state.dataset is not None, timeout=30_000)
    assert w.state.dataset is not None
    assert Path(w.state.dataset.root) == (tiny_folder if has_last else demo).resolve()
    w.shutdown()


def held_evaluation(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The Evaluate page's evaluations wait for the returned event before they start (so the test can change the
    app state while one runs)."""
    from desktop_cls.gui.pages.evaluate import evaluate_page

    go, real = threading.Event(), evaluate_page.evaluation

    def held(model: str, folder: str) -> Any:
        work = real(model, folder)

        def wait_then_work(progress: Any, cancel: Any) -> Any:
            assert go.wait(60), "the test never let the evaluation go"
            return work(progress, cancel)

        return wait_then_work

    monkeypatch.setattr(evaluate_page, "evaluation", held)
    return go


def held_reading(monkeypatch: pytest.MonkeyPatch, folder: Path | None = None) -> threading.Event:
    """Reading `folder` (any folder when None) waits, off the UI thread, until the Event returned is set."""
    from desktop_cls.core.data import dataset

    go, real = threading.Event(), dataset.scan

    def held_scan(path: Any, *args: Any, **kwargs: Any) -> Any:
        if folder is None or Path(path) == folder:
            assert go.wait(30), "the test never let the folder be read"
        return real(path, *args, **kwargs)

    monkeypatch.setattr(dataset, "scan", held_scan)
    return go


@pytest.mark.parametrize("change", ["dataset", "run"])
def test_an_evaluation_that_ends_after_the_state_moved_on_is_not_shown_as_the_new_ones(
        qtbot: QtBot, window: MainWindow, trained_run: tuple[Path, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    run, data = trained_run
    go = held_evaluation(monkeypatch)
    open_and_wait(qtbot, window, data)
    window.state.set_run(str(run))
    ep = window.evaluate_page
    window.evaluate()
    assert ep.busy()
    if change == "dataset":  # the same classes in another folder: the run scores it by default
        open_and_wait(qtbot, window, make_tiny_folder(tmp_path / "other", per_class=10, seed=5))
    else:  # a run that ended meanwhile is chosen
        window.state.set_run(str(shutil.copytree(run, tmp_path / "newer-run")))
    go.set()
    why = "other images" if change == "dataset" else "results of the previous model"
    # (the task stops running a moment before its result is handed to the page: wait for what the page says)
    qtbot.waitUntil(lambda: why in ep.empty.label.text(), timeout=60_000)
    assert not ep.busy()
    assert ep.model.result is None and ep.metrics.table.rowCount() == 0 and ep.content.currentIndex() == 0
    assert errors_shown() == []
    window.evaluate()  # evaluated again, it is shown
    qtbot.waitUntil(lambda: ep.model.result is not None, timeout=60_000)
    assert ep.content.currentIndex() == 1


def test_opening_another_folder_closes_the_error_boxes_and_viewer_of_the_one_before(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    from tests.gui.conftest import opened_viewer

    first = make_tiny_folder(tmp_path / "first", per_class=4)
    second = make_tiny_folder(tmp_path / "second", classes=("x", "y"), per_class=4)
    open_and_wait(qtbot, window, first)
    window.dataset_page.open_folder(str(tmp_path / "missing"))
    qtbot.waitUntil(lambda: bool(errors_shown()), timeout=30_000)
    assert f"\u2068{first}\u2069 is still open" in errors_shown()[0]
    qtbot.waitUntil(lambda: window.dataset_page.thumb_model.rowCount() > 0, timeout=30_000)  # shown again
    window.dataset_page.view_thumbnail(0)
    viewer = opened_viewer(window.dataset_page)
    assert viewer.isVisible() and str(first) in viewer.items[0][0]
    open_and_wait(qtbot, window, second)
    assert errors_shown() == []  # it named the folder open before, which is not open any more
    assert not viewer.isVisible()  # it stepped through the images of the folder before


@pytest.mark.parametrize("step", ["large move", "import"])
def test_a_labeling_step_that_ends_after_another_folder_opened_lists_nothing_of_its_folder(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    import numpy as np

    from desktop_cls.gui.pages import image_import

    first = make_tiny_folder(tmp_path / "first", per_class=2)
    for i in range(3):
        write_image(first / f"loose{i}.png", np.full((16, 16, 3), 20 * i, np.uint8))
    second = make_tiny_folder(tmp_path / "second", classes=("x", "y"), per_class=2)
    write_image(second / "its_own.png", np.full((16, 16, 3), 9, np.uint8))
    elsewhere = write_image(tmp_path / "camera" / "new.png", np.full((16, 16, 3), 99, np.uint8))
    go, real_import = threading.Event(), image_import.import_work

    def held_import(*args: Any) -> Any:
        work = real_import(*args)
        return lambda **kw: go.wait(30) and work(**kw)

    monkeypatch.setattr(image_import, "import_work", held_import)
    open_and_wait(qtbot, window, first)
    window.show_page("label")
    lp, ws = window.label_page, window.state.workspace
    assert ws is not None
    if step == "import":
        monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(elsewhere)], ""))
        lp.classes.import_images()  # copied in the background
    else:  # thousands of images into a class: a step on a worker thread
        lp.do(lambda names, cls: go.wait(30) and ws.assign(names, cls), ["loose0.png"], "cat", large=True)
    assert window.state.moving_files
    open_and_wait(qtbot, window, second)
    qtbot.waitUntil(lambda: list(lp.model.queue) == ["its_own.png"], timeout=30_000)  # (listed off the UI thread)
    go.set()
    qtbot.waitUntil(lambda: not window.state.moving_files, timeout=30_000)
    assert list(lp.model.queue) == ["its_own.png"] and lp.model.classes == ["x", "y"]
    assert lp.model.current() == "its_own.png"


def test_train_waits_for_the_folder_being_read_instead_of_training_the_one_before(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:

    first = make_tiny_folder(tmp_path / "first", per_class=4)
    second = make_tiny_folder(tmp_path / "second", classes=("x", "y"), per_class=4)
    open_and_wait(qtbot, window, first)
    go = held_reading(monkeypatch, second)
    window.open_dataset(second)  # the Data and Label pages show nothing of the first meanwhile
    tp = window.train_page
    train = tp.buttons["trainButton"]
    assert not train.isEnabled() and f"Reading \u2068{second}\u2069" in train.toolTip()
    assert f"Reading \u2068{second}\u2069" in tp.monitor.progress_label.text()
    window.start_training()  # Ctrl+T: said, not a run of the folder open before
    assert not window.state.training
    assert any(f"\u2068{second}\u2069 is still being read" in text for text in errors_shown())
    go.set()
    qtbot.waitUntil(lambda: window.state.dataset is not None and window.state.dataset.root == str(second),
                    timeout=30_000)
    assert train.isEnabled() and "Ready to train" in tp.monitor.progress_label.text()
    window.dataset_page.open_folder(str(tmp_path / "missing"))  # a folder that does not open: Train is back
    qtbot.waitUntil(lambda: any("Cannot open" in b.windowTitle() for b in QApplication.topLevelWidgets()
                                if isinstance(b, QMessageBox) and b.isVisible()), timeout=30_000)
    assert train.isEnabled() and window.state.opening is None


def test_the_reading_again_after_a_label_goes_to_the_folder_being_opened_not_back_to_the_labelled_one(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A key press on the Label page has the folder read again a moment later; another folder opened within that
    moment (one that takes long to read) stays the one opened."""
    import numpy as np


    first = make_tiny_folder(tmp_path / "first", per_class=2)
    write_image(first / "loose.png", np.full((16, 16, 3), 20, np.uint8))
    second = make_tiny_folder(tmp_path / "second", classes=("x", "y"), per_class=2)
    open_and_wait(qtbot, window, first)
    window.show_page("label")
    lp = window.label_page
    qtbot.waitUntil(lambda: lp.model.current() == "loose.png", timeout=30_000)  # (listed off the UI thread)
    lp.assign_current("cat")
    assert lp.reread.timer.isActive()  # the folder is read again once the labelling pauses
    go = held_reading(monkeypatch, second)
    window.open_dataset(second)
    lp.reread.timer.stop()
    lp.reread.timer.timeout.emit()  # the moment has passed while the second folder is still being read
    go.set()
    # (reading the labelled folder again would cancel the second's reading and bring the first back for good)
    qtbot.waitUntil(lambda: window.state.dataset is not None and window.state.dataset.root == str(second),
                    timeout=30_000)
    qtbot.waitUntil(lambda: not window.dataset_page.busy(), timeout=30_000)
    assert window.state.dataset is not None and window.state.dataset.root == str(second)
    assert window.dataset_page.path_edit.text() == str(second)


def test_a_reading_that_ends_never_replaces_a_path_the_user_is_typing(qtbot: QtBot, window: MainWindow,
                                                                      tmp_path: Path) -> None:
    first = make_tiny_folder(tmp_path / "first", per_class=2)
    open_and_wait(qtbot, window, first)
    dp = window.dataset_page
    field = dp.path_edit
    window.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    field.selectAll()
    qtbot.keyClicks(field, str(tmp_path / "sec"))  # half typed when the folder open is read again (after a label)
    before = window.state.dataset
    window.state.files_changed.emit(str(first))
    qtbot.waitUntil(lambda: window.state.dataset is not before and not dp.busy(), timeout=30_000)
    assert field.text() == str(tmp_path / "sec")
    qtbot.keyClicks(field, "ond")
    second = make_tiny_folder(tmp_path / "second", classes=("x", "y"), per_class=2)
    qtbot.keyClick(field, Qt.Key.Key_Return)  # given: the field names what opens from now on
    qtbot.waitUntil(lambda: window.state.dataset is not None and window.state.dataset.root == str(second),
                    timeout=30_000)
    assert field.text() == str(second) and not field.typing()


def test_the_folder_read_leaves_the_selection_made_in_its_field_to_type_over(qtbot: QtBot, window: MainWindow,
                                                                             tmp_path: Path) -> None:
    first = make_tiny_folder(tmp_path / "first", per_class=2)
    field = window.dataset_page.path_edit
    window.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    field.setText(str(first))
    qtbot.keyClick(field, Qt.Key.Key_Return)
    field.selectAll()  # Ctrl+A to type the next path, before the first one is read
    qtbot.waitUntil(lambda: window.state.dataset is not None and not window.dataset_page.busy(), timeout=30_000)
    assert field.selectedText() == str(first)  # typing now replaces it, not adds to it


def test_undo_while_another_folder_is_read_leaves_the_open_one_alone(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl+Z after opening another folder undoes nothing in the folder that is going; the Label page offers
    nothing of it meanwhile."""
    import numpy as np
    from PySide6.QtGui import QAction

    from tests.gui.conftest import child

    first = make_tiny_folder(tmp_path / "first", per_class=4)
    write_image(first / "loose.png", np.full((16, 16, 3), 200, np.uint8))
    second = make_tiny_folder(tmp_path / "second", classes=("x", "y"), per_class=4)
    open_and_wait(qtbot, window, first)
    window.show_page("label")
    lp, undo = window.label_page, child(window, QAction, "undoAction")
    lp.assign_current("dog")
    assert (first / "dog" / "loose.png").is_file() and undo.isEnabled()
    go = held_reading(monkeypatch)
    window.open_dataset(second)
    assert window.state.opening is not None
    assert not undo.isEnabled()
    undo.trigger()
    lp.undo()  # the page's own Undo button refuses as well
    assert (first / "dog" / "loose.png").is_file() and not (first / "loose.png").exists()
    assert lp.content.currentIndex() == 0 and "Reading" in lp.empty.label.text()
    assert not lp.buttons["undoButton"].isEnabled()
    go.set()
    qtbot.waitUntil(lambda: window.state.dataset is not None and window.state.dataset.root == str(second.resolve()),
                    timeout=30_000)
    assert lp.content.currentIndex() == 1 and not undo.isEnabled()  # the second folder has nothing to undo


def test_the_label_page_shows_the_open_folder_again_when_another_one_is_cancelled(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np
    from PySide6.QtGui import QAction

    from tests.gui.conftest import child

    first = make_tiny_folder(tmp_path / "first", per_class=4)
    write_image(first / "loose.png", np.full((16, 16, 3), 200, np.uint8))
    write_image(first / "loose2.png", np.full((16, 16, 3), 100, np.uint8))
    open_and_wait(qtbot, window, first)
    lp, undo = window.label_page, child(window, QAction, "undoAction")
    lp.assign_current("dog")
    go = held_reading(monkeypatch)
    window.open_dataset(make_tiny_folder(tmp_path / "second", per_class=4))
    assert lp.content.currentIndex() == 0 and not undo.isEnabled()
    window.dataset_page.cancel_task()
    go.set()
    qtbot.waitUntil(lambda: window.state.opening is None and lp.model.current() == "loose2.png", timeout=30_000)
    assert lp.content.currentIndex() == 1 and undo.isEnabled() and "No dataset yet" in lp.empty.label.text()


def test_the_evaluate_gallery_fixes_no_label_while_another_folder_opens_nor_in_the_folder_opened_after(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One writer, and only in the open folder: a mistake moved to its class while another folder is being read
    would land in the folder that is going; once the other folder is open, the images evaluated before are not its."""
    from PySide6.QtCore import QItemSelectionModel

    first = make_tiny_folder(tmp_path / "first", per_class=4)
    second = make_tiny_folder(tmp_path / "second", classes=("cat", "dog"), per_class=4)
    open_and_wait(qtbot, window, first)
    cat = sorted((first / "cat").iterdir())[0]
    gallery = window.evaluate_page.mistakes
    gallery.set_result(["cat", "dog", "fish"], [(str(cat), 0, 1, 0.9)], "")

    def fix() -> None:
        gallery.view.selectionModel().select(gallery.model.index(0), QItemSelectionModel.SelectionFlag.Select)
        gallery.fix_selected("dog")

    go = held_reading(monkeypatch, second)
    window.open_dataset(second)
    assert window.state.opening is not None
    fix()
    assert cat.exists() and not (first / "dog" / cat.name).exists() and gallery.model.rowCount() == 1
    assert any(f"\u2068{second}\u2069 is being opened" in text for text in errors_shown())
    go.set()
    qtbot.waitUntil(lambda: window.state.dataset is not None and window.state.dataset.root == str(second),
                    timeout=30_000)
    fix()  # the result shown was evaluated while the first folder was open
    assert cat.exists() and not (first / "dog" / cat.name).exists()
    assert sorted(p.name for p in second.iterdir()) == ["cat", "dog"]
    one, two = f"\u2068{first}\u2069", f"\u2068{second}\u2069"  # (isolated)
    assert any(f"These images are in {one}, not in the open folder {two}: open {one}" in text
               for text in errors_shown())
    for box in QApplication.topLevelWidgets():  # the errors read: closed
        if isinstance(box, QMessageBox):
            box.close()
    gallery.set_result(["cat", "dog", "fish"], [(str(cat), 0, 1, 0.9)], "")  # evaluated again, the second one open
    fix()  # (the advice was "evaluate again", which then ended in "not inside the dataset folder")
    assert cat.exists() and not (second / "dog" / cat.name).exists()
    assert any(f"open \u2068{first}\u2069 to fix their labels" in text for text in errors_shown())


def test_open_recent_chooses_the_folders_model_once_the_folder_is_open_not_when_it_never_opens(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """File → Open recent brings a folder and its last model; a reading cancelled (or failed) left the folder open
    before with the other folder's model: Evaluate, Classify and Export scored it with a model of another dataset."""
    from desktop_cls.core.run_dir import MODEL
    from desktop_cls.core.storage import default_runs_dir
    from tests.core.test_run_list import fake_run

    first = make_tiny_folder(tmp_path / "first", per_class=3)
    second = make_tiny_folder(tmp_path / "second", classes=("x", "y"), per_class=3)
    its, theirs = (str(fake_run(default_runs_dir(), name, dataset_root=str(folder)))
                   for name, folder in (("first-run", first), ("second-run", second)))
    for run in (its, theirs):
        (Path(run) / MODEL).write_bytes(b"weights")
    state = window.state
    state.settings.recent_runs = [its]
    open_and_wait(qtbot, window, second)
    state.set_run(theirs)
    go = held_reading(monkeypatch, first)
    window.open_recent(str(first))
    assert state.run == theirs  # not while the first folder is read
    window.dataset_page.cancel_task()
    go.set()
    qtbot.waitUntil(lambda: state.opening is None and not window.dataset_page.busy(), timeout=30_000)
    assert state.dataset is not None and state.dataset.root == str(second)
    assert state.run == theirs
    window.open_recent(str(first))
    qtbot.waitUntil(lambda: state.dataset is not None and state.dataset.root == str(first), timeout=30_000)
    assert state.run == its


def test_rescanning_the_open_folder_after_it_was_deleted_says_it_is_gone_and_what_to_do(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    """It read "folder not found: X … X is still open", as if X were both missing and open."""
    folder = make_tiny_folder(tmp_path / "gone", per_class=4)
    open_and_wait(qtbot, window, folder)
    shutil.rmtree(folder)
    window.dataset_page.rescan()
    qtbot.waitUntil(lambda: bool(errors_shown()), timeout=30_000)
    text = errors_shown()[0]
    assert f"The folder \u2068{folder}\u2069 is gone: it was moved or deleted" in text
    assert "Open it again where it is now, or choose another folder" in text
    assert "still open" not in text and "not found" not in text

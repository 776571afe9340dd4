"""Names put into the pages' sentences are isolated: a folder, class, file or run named with a direction control
(U+202E RIGHT-TO-LEFT OVERRIDE) or in Hebrew or Arabic goes in between FIRST STRONG ISOLATE and POP DIRECTIONAL
ISOLATE with its own controls removed (core.i18n.isolated), so the words around it keep their order."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_cls.core.i18n import BIDI_CONTROLS
from desktop_cls.gui.shell.main_window import MainWindow
from tests.conftest import make_tiny_folder
from tests.gui.conftest import open_and_wait
from tests.gui.test_capture import fake_camera

FSI, PDI = "\u2068", "\u2069"
RLO = "\u202e"
HEBREW = "\u05d7\u05ea\u05d5\u05dc"  # "cat"


def controls(text: str) -> list[str]:
    return [ch for ch in text if ch in BIDI_CONTROLS]


def test_the_capture_panel_isolates_the_dataset_and_class_names(qtbot: QtBot, window: MainWindow,
                                                                 tmp_path: Path) -> None:
    folder = make_tiny_folder(tmp_path / f"set{RLO}gnp.exe", classes=(HEBREW, "dog"), per_class=2)
    open_and_wait(qtbot, window, folder)
    window.show_page("classify")
    panel = window.classify_page.live.capture
    cam = fake_camera(window.classify_page)
    assert panel.heading.text().startswith(f"Capture into {FSI}setgnp.exe{PDI}: click a class")
    assert controls(panel.heading.text()) == [FSI, PDI]
    button = panel.class_buttons[list(panel.counts).index(HEBREW)]
    assert button.accessibleName() == f"Capture into {FSI}{HEBREW}{PDI}"
    assert button.toolTip() == f"Click: one frame into '{FSI}{HEBREW}{PDI}'. Hold: record until released."
    cam.send((230, 40, 40))
    qtbot.mousePress(button, Qt.MouseButton.LeftButton)
    assert panel.status.text() == f"Recording into '{FSI}{HEBREW}{PDI}': 1 frame…"
    qtbot.mouseRelease(button, Qt.MouseButton.LeftButton)
    assert panel.status.text() == f"Added 1 image to '{FSI}{HEBREW}{PDI}'."


def test_the_classify_preview_isolates_a_file_name(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    broken = tmp_path / f"photo{RLO}gnp.exe"
    broken.write_bytes(b"not an image")
    preview = window.classify_page.preview  # (its picture loader stops with the window)
    preview.show_file(str(broken))
    qtbot.waitUntil(lambda: "cannot be read" in preview.image.text(), timeout=30_000)
    text = preview.image.text()
    assert text.startswith(f"{FSI}photognp.exe{PDI} cannot be read as an image: ")
    assert controls(text) == [FSI, PDI]


def test_a_video_that_cannot_play_isolates_its_name(qtbot: QtBot, tmp_path: Path) -> None:
    from desktop_cls.gui.pages.classify.webcam import VideoFileSource

    source = VideoFileSource(tmp_path / f"{HEBREW}{RLO}4pm.exe")
    said: list[str] = []
    source.failed.connect(said.append)
    source._on_error(None, "no decoder")  # what the player reports
    assert said == [f"Cannot play {FSI}{HEBREW}4pm.exe{PDI}: no decoder"]


def test_the_classify_pages_video_caption_isolates_the_file_name(qtbot: QtBot, window: MainWindow,
                                                                  tmp_path: Path, monkeypatch) -> None:
    cp = window.classify_page
    monkeypatch.setattr(cp.controls, "model_path", lambda: str(tmp_path / "model.pt"))
    monkeypatch.setattr(cp.results, "classify_video", lambda *a, **k: None)
    cp.classify_video(str(tmp_path / f"walk{RLO}4pm.exe"))
    assert cp.preview.caption.text() == f"Video: {FSI}walk4pm.exe{PDI}"


def test_the_label_pages_preview_and_class_buttons_isolate_names(qtbot: QtBot, window: MainWindow,
                                                                  tmp_path: Path) -> None:
    folder = make_tiny_folder(tmp_path / "set", classes=(HEBREW, "dog"), per_class=2)
    (folder / f"img{RLO}exe.png").write_bytes(b"not an image")
    open_and_wait(qtbot, window, folder)
    window.show_page("label")
    view = window.label_page.view
    qtbot.waitUntil(lambda: "cannot be read" in view.preview.text(), timeout=30_000)
    text = view.preview.text()
    assert text.startswith(f"{FSI}imgexe.png{PDI} cannot be read as an image: ") and controls(text) == [FSI, PDI]
    tips = [b.toolTip() for b in view._buttons.values()]
    assert any(f"{FSI}{HEBREW}{PDI}" in tip for tip in tips), tips


def test_past_runs_headings_isolate_the_dataset_name(qtbot: QtBot, isolated_user_dirs: Path) -> None:
    from desktop_cls.core.storage import default_runs_dir
    from desktop_cls.gui.pages.train.past_runs import PastRuns
    from tests.core.test_run_list import fake_run

    fake_run(default_runs_dir(), "run-a", dataset_root=f"/data/set{RLO}gnp.exe")
    fake_run(default_runs_dir(), "run-b", dataset_root=f"/data/{HEBREW}")
    past = PastRuns()
    qtbot.addWidget(past)
    past.refresh()
    past.show_for(f"/data/{HEBREW}")
    rl = past.runs_list
    headings = [rl.item(i).text() for i in range(rl.count()) if rl.item(i).text().startswith("Runs of")]
    assert headings == [f"Runs of {FSI}{HEBREW}{PDI}, the open dataset", f"Runs of {FSI}setgnp.exe{PDI}"]


def test_the_confusion_matrix_tooltip_isolates_both_class_names(qtbot: QtBot) -> None:
    from desktop_cls.gui.widgets.confusion_view import ConfusionMatrixView
    from tests.gui.conftest import tooltip

    view = ConfusionMatrixView()
    qtbot.addWidget(view)
    view.show_counts([HEBREW, f"dog{RLO}x"], [[1, 2], [0, 3]])
    assert tooltip(view, 0, 1) == f"2 images of '{FSI}{HEBREW}{PDI}' predicted as '{FSI}dogx{PDI}'"


def test_the_curves_isolate_class_names(qtbot: QtBot) -> None:
    import pyqtgraph as pg

    from desktop_cls.gui.widgets.insight_views import draw_curves

    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    draw_curves(plot, {"roc": {"positive": f"<b>{HEBREW}{RLO}", "auc": 0.5, "fpr": [0, 1], "tpr": [0, 1]}})
    assert plot.getPlotItem().titleLabel.text == f"ROC for '{FSI}&lt;b&gt;{HEBREW}{PDI}' (area 0.500)"
    draw_curves(plot, {"pr": {f"cat{RLO}": {"recall": [0, 1], "precision": [1, 0], "average_precision": 0.5}}})
    assert [c.name() for c in plot.getPlotItem().listDataItems()] == [f"{FSI}cat{PDI} (AP 0.50)"]


def test_the_merge_question_isolates_the_class_name(qtbot: QtBot, window: MainWindow, tmp_path: Path,
                                                    monkeypatch) -> None:
    from desktop_cls.gui.pages.label import label_classes

    open_and_wait(qtbot, window, make_tiny_folder(tmp_path / "set", classes=(HEBREW, "dog"), per_class=2))
    window.show_page("label")
    asked: list[str] = []

    def ask_item(_parent: object, _title: str, question: str, *_a: object) -> tuple[str, bool]:
        asked.append(question)
        return (HEBREW, True) if len(asked) == 1 else ("", False)  # which class, then cancelled

    monkeypatch.setattr(label_classes, "ask_item", ask_item)
    window.label_page.classes.merge_class()
    assert asked[1] == f"Merge '{FSI}{HEBREW}{PDI}' into…"


def test_the_label_pages_suggestion_isolates_the_class_and_file_names(qtbot: QtBot, window: MainWindow,
                                                                      tmp_path: Path, monkeypatch) -> None:
    from desktop_cls.gui.pages.label import suggestions
    from desktop_cls.gui.pages.label.label_model import SuggestionResult

    folder = make_tiny_folder(tmp_path / "set", classes=(HEBREW, "dog"), per_class=2)
    (folder / f"img{RLO}exe.png").write_bytes((folder / "dog" / "dog_00.png").read_bytes())
    monkeypatch.setattr(suggestions, "suggestion_work", lambda *_a: lambda **_k: SuggestionResult(
        {f"img{RLO}exe.png": (HEBREW, 0.99)}, (HEBREW, "dog")))
    open_and_wait(qtbot, window, folder)
    window.state.set_run(str(tmp_path))  # a model (the suggestions above stand in for it)
    window.show_page("label")
    lp = window.label_page
    assert lp.view.caption.text() == f"{FSI}imgexe.png{PDI}  (1 of 1 unlabeled)"
    lp.suggest_panel.suggest()
    qtbot.waitUntil(lambda: bool(lp.model.suggestions), timeout=30_000)
    assert lp.view.suggestion.text().startswith(f"Suggested: <b>{FSI}{HEBREW}{PDI}</b> (")
    failed: list[str] = []
    monkeypatch.setattr(suggestions, "show_error", lambda _p, _t, text, *_a: failed.append(text))
    monkeypatch.setattr(suggestions, "suggestion_work", lambda *_a: lambda **_k: SuggestionResult(
        {}, (f"cat{RLO}", HEBREW)))
    lp.suggest_panel.suggest()
    qtbot.waitUntil(lambda: bool(failed), timeout=30_000)
    assert failed[0].startswith(f"The model knows the classes {FSI}cat{PDI}, {FSI}{HEBREW}{PDI}, not this")


def test_the_problems_panel_names_the_class_isolated(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    from tests.gui.conftest import open_and_check

    folder = make_tiny_folder(tmp_path / "set", classes=(HEBREW, "dog"), per_class=2)
    open_and_check(qtbot, window, folder)
    where = window.dataset_page.problems._where_is(str(folder / HEBREW / f"{HEBREW}_00.png"))
    assert where == f"class '{FSI}{HEBREW}{PDI}'"  # (two per class: cross-validated, so no split is named)


def test_the_serve_panel_isolates_the_model_name(qtbot: QtBot, window: MainWindow) -> None:
    panel = window.export_page.serve_panel
    panel.port, panel._served = 8000, "/runs/served"  # as a server started
    panel.model_changed(f"/runs/{HEBREW}{RLO}x")
    assert panel.other_model_label.text().startswith(f"The model chosen above, {FSI}{HEBREW}x{PDI}, is not")
    panel.port = None


def test_the_question_before_moving_many_files_isolates_each_name(qtbot: QtBot, monkeypatch) -> None:
    from desktop_cls.gui.pages.data import problem_preview

    asked: list[str] = []

    def ask(_parent: object, _title: str, text: str, **_k: object) -> bool:
        asked.append(text)
        return False

    monkeypatch.setattr(problem_preview, "ask", ask)
    paths = [f"/data/set/{HEBREW}/a{i}{RLO}gnp.exe" for i in range(60)]
    parent = QWidget()
    qtbot.addWidget(parent)
    assert not problem_preview.confirm_many(parent, paths, 100)
    assert f"\n  {FSI}{HEBREW}/a0gnp.exe{PDI}\n  {FSI}{HEBREW}/a1gnp.exe{PDI}\n" in asked[0]


def test_the_evaluate_pages_empty_states_isolate_run_and_folder_names() -> None:
    from desktop_cls.gui.pages.evaluate.evaluate_texts import elsewhere_text, empty_text

    text = empty_text("model", f"/runs/{HEBREW}", "/data/set", f"/runs/old{RLO}x")
    assert text.startswith(f"The model is now {FSI}{HEBREW}{PDI}: the results of the previous model, {FSI}oldx{PDI},")
    assert controls(text) == [FSI, PDI] * 3
    text = empty_text("images", f"/runs/{HEBREW}", f"/data/set{RLO}x", None)
    assert text.startswith(f"The results of {FSI}{HEBREW}{PDI} were on other images")
    assert text.endswith(f"to score it on {FSI}setx{PDI}.")
    assert elsewhere_text(f"/data/{HEBREW}").startswith(f"The last evaluation kept in this run's folder was made on "
                                                         f"the images of {FSI}/data/{HEBREW}{PDI}. ")


def test_a_model_of_other_classes_is_named_isolated(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    from desktop_cls.core.storage import default_runs_dir
    from tests.core.test_run_list import fake_run

    open_and_wait(qtbot, window, make_tiny_folder(tmp_path / "set", classes=("cat", "dog"), per_class=2))
    run = fake_run(default_runs_dir(), f"run{RLO}x", dataset_root=f"/data/{HEBREW}", classes=["a", "b"])
    window.state.set_run(str(run))
    text = window.state.run_mismatch()
    assert text is not None
    assert text.startswith(f"The model {FSI}runx{PDI} was trained on {FSI}/data/{HEBREW}{PDI}, whose classes")


def test_the_data_train_and_export_sentences_isolate_folder_and_run_names(qtbot: QtBot, tmp_path: Path) -> None:
    from desktop_cls.gui.pages.data.folder_field import failure_text, gone_text
    from desktop_cls.gui.pages.export.export_texts import exported_what
    from desktop_cls.gui.pages.train.train_messages import idle_text

    gone = gone_text(f"/data/{HEBREW}{RLO}x")
    assert gone.startswith(f"The folder {FSI}/data/{HEBREW}x{PDI} is gone: ") and controls(gone) == [FSI, PDI]
    assert failure_text("It failed.", f"/data/set{RLO}x").endswith(f"\n\n{FSI}/data/setx{PDI} is still open.")
    assert idle_text(None, None, f"/data/set{RLO}x") == f"Reading {FSI}/data/setx{PDI}… Train waits until it is open."
    run = tmp_path / f"run{RLO}x"
    run.mkdir()
    assert exported_what(str(run)).startswith(f"Exports the best epoch of {FSI}runx{PDI}. ")


def test_a_data_folder_that_cannot_be_used_is_named_isolated(isolated_user_dirs: Path, tmp_path: Path) -> None:
    from desktop_cls.gui.settings import Settings
    from desktop_cls.gui.shell.preferences import apply_data_folder

    blocked = tmp_path / f"{HEBREW}{RLO}x"
    blocked.write_text("a file, not a folder")
    said = apply_data_folder(Settings(data_folder=str(blocked)))
    assert said is not None and said.startswith(f"The data folder {FSI}{tmp_path}/{HEBREW}x{PDI} cannot be used (")
    assert controls(said) == [FSI, PDI] * 2  # the folder and the default one


def test_the_viewer_title_and_the_folder_it_names_keep_their_order(qtbot: QtBot, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The window title (drawn by the desktop: no isolates there) loses the name's controls; the message that names
    the folder when no file manager opens isolates it."""
    from desktop_cls.gui.widgets import image_viewer

    folder = make_tiny_folder(tmp_path / f"set{RLO}gnp.exe", classes=("cat", "dog"), per_class=1)
    picture = folder / "cat" / f"a{RLO}gnp.exe"
    (folder / "cat" / "cat_00.png").rename(picture)
    viewer = image_viewer.ImageViewer([(str(picture), "")], 0)
    qtbot.addWidget(viewer)
    assert viewer.windowTitle() == "agnp.exe — image 1 of 1"
    said: list[str] = []
    monkeypatch.setattr(image_viewer, "reveal_available", lambda: False)
    monkeypatch.setattr(image_viewer, "warn", lambda _parent, _title, text: said.append(text))
    assert not image_viewer.reveal_in_folder(viewer, str(picture))
    assert said[0].endswith(f"The file is in:\n{FSI}{tmp_path}{os.sep}setgnp.exe{os.sep}cat{PDI}")

"""Suggest labels at scale on the Label page: a run cancels cleanly, and accepting many suggestions for several
classes is one undo step that puts every file back. The model is a stand-in: this is about the page."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from desktop_cls.core.events import CancelToken
from desktop_cls.gui.pages import labeling_step
from desktop_cls.gui.pages.label import suggestions
from desktop_cls.gui.pages.label.accept_dialog import AcceptDialog
from desktop_cls.gui.pages.label.label_model import SuggestionResult
from desktop_cls.gui.pages.label.label_page import LabelPage
from desktop_cls.gui.shell.main_window import MainWindow
from desktop_cls.gui.widgets.image_viewer import viewer_of
from desktop_cls.gui.work.tasks import Reporter, TaskFn
from tests.gui.conftest import open_and_wait

CLASSES = ("cat", "dog", "fish")
LOOSE = [f"loose_{i:02d}.png" for i in range(60)]


def suggest_with(monkeypatch: pytest.MonkeyPatch, made: Callable[[list[str]], dict[str, tuple[str, float]]]) -> None:
    """The model's suggestions are `made(names)` of the loose images' names (no model runs)."""
    def fake_work(model: str | None, root: Path, names: list[str], classes: list[str]) -> TaskFn[SuggestionResult]:
        def work(progress: Reporter, cancel: CancelToken) -> SuggestionResult:
            return SuggestionResult(made(names), CLASSES)
        return work

    monkeypatch.setattr(suggestions, "suggestion_work", fake_work)


@pytest.fixture
def many_loose(tiny_folder: Path) -> Path:
    for i, name in enumerate(LOOSE):
        shutil.copy(tiny_folder / "dog" / f"dog_0{i % 4}.png", tiny_folder / name)
    return tiny_folder


def choose_a_model(window: MainWindow, tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.mkdir()
    window.state.set_run(str(model))


def suggest_for_all(qtbot: QtBot, window: MainWindow, many_loose: Path, tmp_path: Path,
                    monkeypatch: pytest.MonkeyPatch) -> LabelPage:
    """A model's suggestions for all 60 loose images: 90 % of them at 95 %, the rest at 50 %."""
    suggest_with(monkeypatch, lambda names: {n: (CLASSES[i % 3], 0.95 if i % 10 else 0.5) for i, n in enumerate(names)})
    open_and_wait(qtbot, window, many_loose)
    choose_a_model(window, tmp_path)
    lp = window.label_page
    lp.suggest_panel.suggest()
    qtbot.waitUntil(lambda: len(lp.model.suggestions) == 60, timeout=10_000)
    return lp


def test_accepting_suggestions_for_several_classes_is_one_undo_step(qtbot: QtBot, window: MainWindow,
                                                                    many_loose: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    lp = suggest_for_all(qtbot, window, many_loose, tmp_path, monkeypatch)
    asked: list[str] = []

    def yes(dialog: AcceptDialog) -> int:
        asked.append(dialog.move_button.text())
        return AcceptDialog.DialogCode.Accepted

    monkeypatch.setattr(AcceptDialog, "exec", yes)
    lp.suggest_panel.accept()  # above 90 %: 54 of the 60, into three classes
    qtbot.waitUntil(lambda: not lp.model.moving and len(lp.model.queue) == 6, timeout=30_000)
    assert asked == ["Move 54 images"]
    assert sum(len(list((many_loose / c).glob("loose_*.png"))) for c in CLASSES) == 54
    ws = window.state.workspace
    assert ws is not None and len(ws.history) == 1
    undo = window.menus.actions["undoAction"]
    qtbot.waitUntil(lambda: "54 images to 3 classes" in undo.text())
    monkeypatch.setattr(labeling_step, "LARGE_STEP", 10)  # a step this large is undone in the background
    undo.trigger()  # one Ctrl+Z
    assert lp.model.moving and not lp.status_line.isHidden()
    qtbot.waitUntil(lambda: not lp.model.moving, timeout=30_000)
    assert sorted(lp.model.queue) == LOOSE and not ws.can_undo() and lp.status_line.isHidden()
    assert not any(list((many_loose / c).glob("loose_*.png")) for c in CLASSES)


def test_a_suggestion_run_cancels_cleanly(qtbot: QtBot, window: MainWindow, many_loose: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    started, stopped = threading.Event(), threading.Event()

    def slow_work(model: str | None, root: Path, names: list[str], classes: list[str]) -> TaskFn[SuggestionResult]:
        def work(progress: Reporter, cancel: CancelToken) -> SuggestionResult:
            done = 0
            while not cancel.is_set():  # batch after batch until cancelled
                done = min(done + 1, len(names) - 1)
                progress(done, len(names), "classifying")
                started.set()
                cancel_seen = threading.Event()
                cancel_seen.wait(0.01)
            stopped.set()
            cancel.raise_if_set()
            raise AssertionError("not reached")
        return work

    monkeypatch.setattr(suggestions, "suggestion_work", slow_work)
    open_and_wait(qtbot, window, many_loose)
    choose_a_model(window, tmp_path)
    window.show_page("label")
    lp = window.label_page
    lp.suggest_panel.suggest()
    qtbot.waitUntil(started.is_set, timeout=10_000)
    line = lp.status_line
    assert line.isVisible() and not lp.buttons["suggestButton"].isEnabled()
    line.cancel_button.click()
    qtbot.waitUntil(lambda: not lp.busy() and line.isHidden(), timeout=10_000)  # the line goes with the task
    assert stopped.is_set()
    qtbot.waitUntil(lp.buttons["suggestButton"].isEnabled)  # ready to ask again; nothing half-done is shown
    assert lp.model.suggestions == {} and not lp.buttons["acceptSuggestionsButton"].isEnabled()
    assert sorted(lp.model.queue) == LOOSE


def test_arriving_suggestions_do_not_list_the_folder_again(qtbot: QtBot, window: MainWindow, many_loose: Path,
                                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """They change the captions and the order, not the files: listing 20,000 files again on the UI thread added
    to the stall as they arrived."""
    from desktop_cls.core.data.labeling import Workspace

    suggest_with(monkeypatch, lambda names: {n: (CLASSES[i % 3], (i + 1) / 100) for i, n in enumerate(names)})
    open_and_wait(qtbot, window, many_loose)
    choose_a_model(window, tmp_path)
    lp = window.label_page
    qtbot.waitUntil(lambda: len(lp.model.queue) == 60)
    listed: list[str] = []
    real = Workspace.unlabeled

    def listing(ws: Workspace) -> list[str]:
        listed.append("listed")
        return real(ws)

    monkeypatch.setattr(Workspace, "unlabeled", listing)
    lp.suggest_panel.suggest()
    qtbot.waitUntil(lambda: len(lp.model.suggestions) == 60, timeout=10_000)
    assert listed == []
    sure = [lp.model.suggestions[n][1] for n in lp.model.queue]
    assert sure == sorted(sure)  # the least sure first, as after a full refresh
    captions = [lp.view.strip_model.items[r][1] for r in range(60)]
    assert captions[0] == f"{lp.model.suggestions[lp.model.queue[0]][0]} 1%"


def test_the_question_shows_each_image_and_moves_only_the_ticked(qtbot: QtBot, window: MainWindow,
                                                                 many_loose: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The evidence before many files move: one row per image, captioned with its class and confidence, in one
    virtual grid (no widget per image); unticked images stay where they are, and the rest is one step."""
    lp = suggest_for_all(qtbot, window, many_loose, tmp_path, monkeypatch)
    seen: list[AcceptDialog] = []

    def untick_two(dialog: AcceptDialog) -> int:
        seen.append(dialog)
        model = dialog.model
        assert model.rowCount() == 54 and dialog.view.model() is model
        captions = {model.items[r][1] for r in range(model.rowCount())}
        assert captions == {"cat 95%", "dog 95%", "fish 95%"}
        first = model.index(0)
        assert model.data(first, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        assert model.flags(first) & Qt.ItemFlag.ItemIsUserCheckable
        model.setData(first, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
        model.setData(model.index(1), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
        assert dialog.move_button.text() == "Move 52 images"
        dialog.view.doubleClicked.emit(model.index(3))  # seen large, in the viewer every grid uses
        viewer = viewer_of(dialog)
        assert viewer is not None and viewer.isVisible()
        viewer.close()
        return AcceptDialog.DialogCode.Accepted

    monkeypatch.setattr(AcceptDialog, "exec", untick_two)
    lp.suggest_panel.accept()
    qtbot.waitUntil(lambda: not lp.model.moving and len(lp.model.queue) == 8, timeout=30_000)
    kept = {Path(p).name for p in seen[0].model.unticked}
    assert len(kept) == 2 and kept <= set(lp.model.queue)  # the unticked images stay unlabeled
    assert sum(len(list((many_loose / c).glob("loose_*.png"))) for c in CLASSES) == 52
    ws = window.state.workspace
    assert ws is not None and len(ws.history) == 1


def test_accept_is_grouped_under_both_kinds_of_suggestion(qtbot: QtBot, window: MainWindow) -> None:
    """The accept button applies to live suggestions too, so it is not filed under "with a trained model"."""
    panel = window.label_page.suggest_panel
    texts = [w.text() for w in panel.findChildren(QLabel)]
    assert "With a trained model" not in texts
    heading = panel.findChild(QLabel, "acceptHeading")
    assert heading is not None and "live" in heading.text()
    assert "live" in panel.accept_button.toolTip()


def test_the_real_question_opens_modal_and_enter_files_the_images(qtbot: QtBot, window: MainWindow,
                                                                            many_loose: Path, tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    suggest_with(monkeypatch, lambda names: {n: ("cat", 0.99) for n in names[:5]})
    open_and_wait(qtbot, window, many_loose)
    choose_a_model(window, tmp_path)
    lp = window.label_page
    lp.suggest_panel.suggest()
    qtbot.waitUntil(lambda: len(lp.model.suggestions) == 5, timeout=10_000)
    seen: list[str] = []

    def press_enter() -> None:
        """Enter moves the images wherever the focus is (a tool button must not take it)."""
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, AcceptDialog)
        seen.append(dialog.count.text())
        tick_all = dialog.findChild(QPushButton, "tickAllButton")
        assert tick_all is not None
        tick_all.setFocus()
        QTest.keyClick(tick_all, Qt.Key.Key_Return)
        if dialog.isVisible():  # Enter did not answer: close it so the test fails instead of waiting
            seen.append("still open")
            dialog.reject()

    QTimer.singleShot(0, press_enter)
    lp.suggest_panel.accept()
    qtbot.waitUntil(lambda: not lp.model.moving and len(lp.model.queue) == 55, timeout=30_000)
    assert seen == ["5 images of 5 ticked"]
    assert len(list((many_loose / "cat").glob("loose_*.png"))) == 5


def test_too_few_labels_say_why_no_suggestion_is_sure(qtbot: QtBot, window: MainWindow, many_loose: Path,
                                                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Suggestions that could not be checked (a class with one labeled image) are shown at most 50 % sure; the
    page says why beside Accept above 90 %, and Accept moves nothing."""
    import numpy as np

    from desktop_cls.core.inference.sure_suggestions import precision_check

    def fake_work(model: str | None, root: Path, names: list[str], classes: list[str]) -> TaskFn[SuggestionResult]:
        def work(progress: Reporter, cancel: CancelToken) -> SuggestionResult:
            check = precision_check(None, np.array([0, 1, 2]))
            return SuggestionResult({n: ("cat", 0.5) for n in names}, CLASSES, check)
        return work

    monkeypatch.setattr(suggestions, "suggestion_work", fake_work)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: told.append(text))
    open_and_wait(qtbot, window, many_loose)
    choose_a_model(window, tmp_path)
    lp = window.label_page
    panel = lp.suggest_panel
    lp.suggest_panel.suggest()
    qtbot.waitUntil(lambda: len(lp.model.suggestions) == 60, timeout=10_000)
    note = panel.findChild(QLabel, "sureNote")
    assert note is not None and not note.isHidden() and "2 labeled images" in note.text()
    panel.accept()
    assert told == [note.text()] and len(lp.model.queue) == 60
    panel.accept_spin.setValue(50)  # as sure as the check allows: nothing left to explain
    assert note.isHidden()


@pytest.mark.parametrize("live", [False, True])
def test_suggestions_can_be_asked_for_once_the_engine_has_loaded(qtbot: QtBot, many_loose: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch, live: bool) -> None:
    """The app reopens the last dataset and run while the engine still loads in the background: once it has
    loaded, Suggest labels is usable at once, and live suggestions ticked meanwhile are made, with nothing else
    touched (Skip, the threshold box)."""
    asked: list[str | None] = []

    def fake_work(model: str | None, root: Path, names: list[str], classes: list[str]) -> TaskFn[SuggestionResult]:
        asked.append(model)

        def work(progress: Reporter, cancel: CancelToken) -> SuggestionResult:
            return SuggestionResult({n: ("dog", 0.6) for n in names}, CLASSES)
        return work

    monkeypatch.setattr(suggestions, "suggestion_work", fake_work)
    w = MainWindow(load_core=False)
    qtbot.addWidget(w, before_close_func=lambda win: win.shutdown())
    w.show()
    open_and_wait(qtbot, w, many_loose)
    choose_a_model(w, tmp_path)
    lp = w.label_page
    qtbot.waitUntil(lambda: len(lp.model.queue) == 60)
    lp.suggest_panel.live_check.setChecked(live)
    lp.go_to(1)  # Skip
    assert not lp.buttons["suggestButton"].isEnabled() and asked == []  # no engine yet
    w.wait_until_core_loaded()
    if live:
        assert asked == [None]
        qtbot.waitUntil(lambda: len(lp.model.suggestions) == 60, timeout=10_000)
    else:
        assert lp.buttons["suggestButton"].isEnabled() and asked == []


def test_the_strip_is_least_sure_first_but_for_the_image_on_screen_which_says_why(
        qtbot: QtBot, window: MainWindow, many_loose: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Suggestions arrive while an image is on screen: it keeps its place (a key pressed then labels what was seen),
    the page says why it is out of the announced order, and once the user moves on the strip is in that order."""
    suggest_with(monkeypatch, lambda names: {n: ("dog", 0.99 if i == 0 else 0.3 + i / 100)
                                             for i, n in enumerate(names)})
    open_and_wait(qtbot, window, many_loose)
    choose_a_model(window, tmp_path)
    lp = window.label_page
    qtbot.waitUntil(lambda: len(lp.model.queue) == 60)
    shown = lp.model.current()
    lp.suggest_panel.suggest()
    qtbot.waitUntil(lambda: len(lp.model.suggestions) == 60, timeout=10_000)

    def captions() -> list[str]:
        return [lp.view.strip_model.items[r][1] for r in range(lp.view.strip_model.rowCount())]

    assert lp.model.current() == shown and captions()[:2] == ["dog 99%", "dog 31%"]
    assert "keeps its place" in lp.view.suggestion.text()
    lp.buttons["skipButton"].click()
    assert captions() == sorted(captions(), key=lambda c: int(c.split()[1].rstrip("%")))
    assert captions()[-1] == "dog 99%" and lp.view.strip.currentIndex().row() == lp.model.position == 0
    assert lp.model.suggestion(lp.model.current()) == ("dog", 0.31)
    assert "keeps its place" not in lp.view.suggestion.text()


def test_suggestions_nothing_could_check_are_never_ticked(qtbot: QtBot, window: MainWindow, many_loose: Path,
                                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A model of another folder whose suggestions no labeled image could check (its folder changed since it was
    trained): the page says why beside Accept above, and the images it would move are shown, none of them ticked."""
    from desktop_cls.core.inference.sure_suggestions import unchecked

    why = "The model learned from /elsewhere, which has changed since it was trained"

    def fake_work(model: str | None, root: Path, names: list[str], classes: list[str]) -> TaskFn[SuggestionResult]:
        def work(progress: Reporter, cancel: CancelToken) -> SuggestionResult:
            return SuggestionResult({n: ("cat", 0.5) for n in names}, CLASSES, unchecked(why))
        return work

    monkeypatch.setattr(suggestions, "suggestion_work", fake_work)
    open_and_wait(qtbot, window, many_loose)
    choose_a_model(window, tmp_path)
    lp = window.label_page
    panel = lp.suggest_panel
    panel.suggest()
    qtbot.waitUntil(lambda: len(lp.model.suggestions) == 60, timeout=10_000)
    note = panel.findChild(QLabel, "sureNote")
    assert note is not None and not note.isHidden() and note.text() == why
    seen: list[str] = []

    def tick_two(dialog: AcceptDialog) -> int:
        intro = dialog.findChild(QLabel, "acceptSuggestionsIntro")
        assert intro is not None and "none is ticked" in intro.text()
        seen.append(dialog.count.text())
        assert not dialog.move_button.isEnabled()
        for row in (0, 1):
            dialog.model.setData(dialog.model.index(row), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
        return AcceptDialog.DialogCode.Accepted

    monkeypatch.setattr(AcceptDialog, "exec", tick_two)
    panel.accept_spin.setValue(50)
    panel.accept()
    qtbot.waitUntil(lambda: not lp.model.moving and len(lp.model.queue) == 58, timeout=30_000)
    assert seen == ["0 images of 60 ticked"]
    assert len(list((many_loose / "cat").glob("loose_*.png"))) == 2


def test_live_suggestions_show_their_progress_on_the_page_cancel_and_say_when_ready(
        qtbot: QtBot, window: MainWindow, many_loose: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ticking the box starts minutes of feature computing: a line under the box counts the images (not only the
    window's status bar), its Cancel stops the work and unticks the box, and it says when suggestions are ready."""
    release = threading.Event()
    stopped = threading.Event()

    def live_work(model: str | None, root: Path, names: list[str], classes: list[str]) -> TaskFn[SuggestionResult]:
        def work(progress: Reporter, cancel: CancelToken) -> SuggestionResult:
            progress(12, len(names), "features")
            while not release.is_set():
                if cancel.is_set():
                    stopped.set()
                    cancel.raise_if_set()
                threading.Event().wait(0.01)
            return SuggestionResult({n: ("dog", 0.6) for n in names}, CLASSES)
        return work

    monkeypatch.setattr(suggestions, "suggestion_work", live_work)
    window.show()
    open_and_wait(qtbot, window, many_loose)
    window.show_page("label")
    lp = window.label_page
    panel = lp.suggest_panel
    line = panel.findChild(QLabel, "liveProgress")
    cancel = panel.findChild(QPushButton, "liveCancel")
    assert line is not None and cancel is not None and not line.isVisible()
    panel.live_check.setChecked(True)
    qtbot.waitUntil(lambda: "12 of 60" in line.text(), timeout=10_000)
    assert line.isVisible() and cancel.isVisible()
    cancel.click()
    qtbot.waitUntil(stopped.is_set, timeout=10_000)
    assert not panel.live_check.isChecked() and not line.isVisible()
    release.set()
    panel.live_check.setChecked(True)
    qtbot.waitUntil(lambda: len(lp.model.suggestions) == 60, timeout=10_000)
    assert line.isVisible() and "ready" in line.text() and "60" in line.text() and not cancel.isVisible()


def test_live_progress_counts_the_labeled_images_then_the_unlabeled_ones_and_ready_has_the_whole_width(
        qtbot: QtBot, window: MainWindow, many_loose: Path) -> None:
    """The work reads the labeled images (to learn from) before the unlabeled ones: one count of both ("32 of 73
    images" with 8 unlabeled) read as if 73 images waited. Each part is counted in its own words; and once ready,
    the line's words are no longer squeezed beside the room of the Cancel that went ("Suggestions ready for 8
    unlabeled / images" wrapped)."""
    open_and_wait(qtbot, window, many_loose)
    window.show_page("label")
    panel = window.label_page.suggest_panel
    live = panel.live_line
    line = panel.findChild(QLabel, "liveProgress")
    assert line is not None
    live.setVisible(True)  # as when the box is ticked: its request's reports, as they come
    live.started(60)
    live.progress(5, 24 + 60, "features")
    assert line.text() == "Reading the labeled images to learn from… 5 of 24" and live.cancel.isVisible()
    live.progress(24 + 3, 24 + 60, "features")
    assert line.text() == "Suggesting a class for the unlabeled images… 3 of 60"
    live.ready(60)
    qtbot.waitUntil(lambda: line.width() == live.width())  # no room kept for the hidden Cancel
    assert "ready" in line.text() and not live.cancel.isVisible()


def test_a_confidence_the_check_lowered_reads_as_at_least_on_the_page(qtbot: QtBot, window: MainWindow,
                                                                      many_loose: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The line under the image and the strip say "≥ 90%" for a suggestion capped at what the labeled images
    support (the model said more), "62%" for one the check left as the model said it."""
    def fake_work(model: str | None, root: Path, names: list[str], classes: list[str]) -> TaskFn[SuggestionResult]:
        def work(progress: Reporter, cancel: CancelToken) -> SuggestionResult:
            made = {n: ("cat", 0.9) if i % 2 else ("dog", 0.62) for i, n in enumerate(names)}
            return SuggestionResult(made, CLASSES, lowered=frozenset(n for n, s in made.items() if s[1] == 0.9))
        return work

    monkeypatch.setattr(suggestions, "suggestion_work", fake_work)
    open_and_wait(qtbot, window, many_loose)
    choose_a_model(window, tmp_path)
    lp = window.label_page
    lp.suggest_panel.suggest()
    qtbot.waitUntil(lambda: len(lp.model.suggestions) == 60, timeout=10_000)
    captions = {lp.view.strip_model.items[r][1] for r in range(60)}
    assert captions == {"dog 62%", "cat ≥ 90%"}
    lp.go_to(next(r for r in range(60) if lp.model.caption(lp.model.queue[r]) == "cat ≥ 90%"))
    assert "(≥ 90% sure)" in lp.view.suggestion.text() and "<b>\u2068cat\u2069</b>" in lp.view.suggestion.text()


def test_filing_the_last_image_while_its_live_suggestion_is_made_leaves_no_ready_line(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last loose image is filed by key while live suggestions for it are still being made: the line under the
    box says none is left, and the late answer does not bring back "Suggestions ready for 1 unlabeled image"."""
    release = threading.Event()

    def live_work(model: str | None, root: Path, names: list[str], classes: list[str]) -> TaskFn[SuggestionResult]:
        def work(progress: Reporter, cancel: CancelToken) -> SuggestionResult:
            while not release.is_set():
                cancel.raise_if_set()
                threading.Event().wait(0.01)
            return SuggestionResult({n: ("dog", 0.6) for n in names}, CLASSES)
        return work

    monkeypatch.setattr(suggestions, "suggestion_work", live_work)
    shutil.copy(tiny_folder / "dog" / "dog_00.png", tiny_folder / "loose.png")
    open_and_wait(qtbot, window, tiny_folder)
    window.show_page("label")
    lp = window.label_page
    panel = lp.suggest_panel
    line = panel.findChild(QLabel, "liveProgress")
    assert line is not None
    qtbot.waitUntil(lambda: lp.model.queue == ["loose.png"])
    window.wait_until_core_loaded()
    panel.live_check.setChecked(True)
    qtbot.waitUntil(lambda: panel._task is not None and panel._task.is_running(), timeout=30_000)
    lp.assign_current("dog")
    qtbot.waitUntil(lambda: (tiny_folder / "dog" / "loose.png").is_file() and "No unlabeled" in line.text(),
                    timeout=30_000)
    with qtbot.waitSignal(window.tasks.task_finished, timeout=30_000,
                          check_params_cb=lambda name: name == "suggestions"):
        release.set()
    assert "No unlabeled image left" in line.text() and "ready" not in line.text()

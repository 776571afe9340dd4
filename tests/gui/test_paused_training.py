"""While training is paused the window says so: no ETA counting down in the status bar, and the quit
question speaks of a paused run, not a running one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_cls.core.events import BatchEnd, CancelToken, PauseToken
from desktop_cls.gui.pages.train.train_page import TrainPage
from desktop_cls.gui.shell.main_window import MainWindow


class FakeTask:
    """A training request as the page holds it: its pause token, cancel and wait."""

    def __init__(self) -> None:
        self.pause = PauseToken()
        self.token = CancelToken()

    def cancel(self, reason: str = "user") -> None:
        self.token.set(reason)

    def wait(self, ms: int = 0) -> bool:
        return True


@pytest.fixture
def training(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> Iterator[TrainPage]:
    """The Train page as it is while a run goes (the page holds a Task; this one only pauses, cancels and waits);
    no run afterwards, so the window closes without asking."""
    tp = window.train_page
    monkeypatch.setattr(tp.training, "task", FakeTask())
    window.state.set_training(True)
    yield tp
    window.state.set_training(False)
    monkeypatch.setattr(tp.training, "task", None)


def quit_questions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts of the quit questions asked from now on, each answered No (the window stays)."""
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *args: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_paused_training_shows_paused_not_an_eta(window: MainWindow, training: TrainPage,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    tp = training
    tp.monitor.epochs_total = 15
    tp.monitor.event(BatchEnd(epoch=3, step=5, steps_per_epoch=10, global_step=25, loss=1.0, lr=0.1, images_per_s=50.0,
                          eta_s=255.0, gpu_memory_mb=0.0))
    assert "ETA" in tp.monitor.progress_label.text() and "ETA" in window.status_bar.task_status.text()
    tp.toggle_pause()
    assert "ETA" not in tp.monitor.progress_label.text() and "paused" in tp.monitor.progress_label.text()
    assert "ETA" not in window.status_bar.task_status.text() and "paused" in window.status_bar.task_status.text()
    asked = quit_questions(monkeypatch)
    window.close()
    assert asked and "paused" in asked[0] and "running" not in asked[0]
    tp.toggle_pause()  # resumed: the ETA is back
    assert "ETA" in tp.monitor.progress_label.text() and "ETA" in window.status_bar.task_status.text()
    window.close()
    assert "Training is running" in asked[1]


def test_space_pauses_and_resumes_a_run_but_types_in_a_text_field(qtbot: QtBot, window: MainWindow,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """UX.md: "Space pause". Only while a run goes, never from a text field, and the button's tip says so."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QLineEdit

    tp = window.train_page
    button = tp.buttons["pauseButton"]
    assert "Space" in button.toolTip() and "Ctrl+P" in button.toolTip()
    assert not tp.pause_control.shortcut.isEnabled()  # no run: Space is the focused control's own
    monkeypatch.setattr(tp.training, "task", FakeTask())
    tp.training.running_changed.emit(True)
    window.show_page("train")
    window.activateWindow()
    target = button  # focused, as after a click on it: Space pauses once (not the shortcut and a click)
    target.setEnabled(True)
    target.setFocus()
    qtbot.waitUntil(target.hasFocus)
    QTest.keyClick(target, Qt.Key.Key_Space)
    assert tp.is_paused() and button.text() == "Resume"
    field = QLineEdit(tp)  # the form is greyed out while training; a field of the page itself
    field.show()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    QTest.keyClick(field, Qt.Key.Key_Space)
    assert tp.is_paused()  # typed into the field, not a resume
    target.setFocus()
    qtbot.waitUntil(target.hasFocus)
    QTest.keyClick(target, Qt.Key.Key_Space)
    assert not tp.is_paused() and button.text() == "Pause"
    tp.training.running_changed.emit(False)
    monkeypatch.setattr(tp.training, "task", None)


def test_the_quit_question_for_a_quick_run_speaks_of_no_epochs(window: MainWindow, training: TrainPage,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A quick run fits its last layer in one step: quitting keeps no "last finished epoch", it saves nothing."""
    monkeypatch.setattr(training.monitor, "quick", True)
    asked = quit_questions(monkeypatch)
    window.close()
    assert asked and "epoch" not in asked[0] and "quick run" in asked[0] and "saves no model" in asked[0]


@pytest.mark.parametrize("quick", [True, False])
def test_the_quit_question_of_a_run_saving_its_model_says_it_finishes_first(window: MainWindow, training: TrainPage,
                                                                            monkeypatch: pytest.MonkeyPatch,
                                                                            quick: bool) -> None:
    """A quick run already saving was asked about as if quitting stopped it unfinished with no model, yet it saved
    its model and was listed as finished. The page knows the stage by its key, whatever the language shows."""
    from desktop_cls.core.events import StageChanged

    training.monitor.begin(1 if quick else 5, None, quick=quick)
    training.monitor.event(StageChanged("正在保存", key="saving"))
    asked = quit_questions(monkeypatch)
    window.close()
    assert asked and "finishing its model" in asked[0] and "saves no model" not in asked[0]
    assert "resume" not in asked[0]
    training.monitor.begin(1, None, quick=True)  # a new run starts in no stage: its question is a quick run's again
    window.close()
    assert "saves no model" in asked[1]


def test_quitting_says_that_training_is_stopping_before_the_window_waits_for_it(
        window: MainWindow, training: TrainPage, monkeypatch: pytest.MonkeyPatch) -> None:
    """Quitting waits for the batch that runs (many seconds on a busy CPU) with the UI thread held: the status bar
    says why before, not the ETA of a run that is ending."""
    tp = training
    tp.monitor.epochs_total = 10
    tp.monitor.event(BatchEnd(epoch=2, step=1, steps_per_epoch=3, global_step=4, loss=1.0, lr=0.1, images_per_s=1.0,
                          eta_s=263.0, gpu_memory_mb=0.0))
    assert "ETA" in window.status_bar.task_status.text()
    shown_while_waiting: list[str] = []
    status = window.status_bar.task_status
    monkeypatch.setattr(tp.training.task, "wait", lambda ms=0: shown_while_waiting.append(status.text()))
    tp.training.shutdown()
    assert len(shown_while_waiting) == 1
    assert "Stopping training" in shown_while_waiting[0] and "ETA" not in shown_while_waiting[0]


def test_a_run_that_ends_while_quitting_syncs_the_window_is_still_waited_on(
        training: TrainPage, monkeypatch: pytest.MonkeyPatch) -> None:
    """Syncing the window runs pending events, the run's end among them, which clears the page's task: the quit
    then raised on a None task (closeEvent stopped half-way, lanes left running) instead of waiting on it."""
    from desktop_cls.gui.pages.train import training_run

    run = training.training
    task = run.task
    assert task is not None
    waited: list[int] = []
    monkeypatch.setattr(task, "wait", lambda ms=0: waited.append(ms))
    monkeypatch.setattr(training_run.QGuiApplication, "sync", lambda: setattr(run, "task", None))
    run.shutdown()
    assert waited == [training_run.QUIT_WAIT_MS]


def test_a_run_paused_in_a_stage_says_paused_not_the_stages_time_left(window: MainWindow, training: TrainPage) -> None:
    """A quick run has no batches: paused while it computed image features, its line kept "Computing image features,
    about 28 s left 16/78…", a time left that was not running down."""
    from desktop_cls.core.events import StageChanged

    tp = training
    tp.monitor.begin(1, None, quick=True)
    tp.monitor.event(StageChanged("computing image features, about 28 s left", 16, 78))
    assert "28 s left" in tp.monitor.progress_label.text()
    tp.toggle_pause()
    assert "left" not in tp.monitor.progress_label.text() and "paused" in tp.monitor.progress_label.text().lower()
    assert "16/78" in tp.monitor.progress_label.text()
    tp.toggle_pause()  # resumed: the stage's words are back until its next report
    assert "28 s left" in tp.monitor.progress_label.text()


@pytest.mark.parametrize(("quick", "key", "words"), [
    (True, "features", "Stopping the quick run; it saves no model…"),
    (True, "fitting", "Stopping the quick run; it saves no model…"),
    (True, "saving", "Finishing the model: training ends once it is saved…"),
    (False, "", "Stopping after this batch…"),
    (False, "calibrating", "Finishing the model: training ends once it is saved…")])
def test_stop_says_what_it_does_at_the_runs_stage(training: TrainPage, quick: bool, key: str, words: str) -> None:
    """Stop during a quick run's fit said "Stopping after this batch…" (a quick run fitting its last layer has no
    batch), and during the save of a model, which a Stop lets finish, it said the same."""
    from desktop_cls.core.events import StageChanged

    tp = training
    tp.monitor.begin(1 if quick else 5, None, quick=quick)
    if key:
        tp.monitor.event(StageChanged("…", key=key))
    tp.stop()
    assert tp.training.task is not None and tp.training.task.token.is_set()
    assert tp.monitor.log.toPlainText().splitlines()[-1] == words


def test_the_quit_question_of_a_quick_run_fitting_its_last_layer_says_it_stops_unfinished(
        window: MainWindow, training: TrainPage, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fit now hears a cancel at every step: quitting stops it with no model, not "once the model is saved"."""
    from desktop_cls.core.events import StageChanged

    training.monitor.begin(1, None, quick=True)
    training.monitor.event(StageChanged("fitting the classifier head", key="fitting"))
    asked = quit_questions(monkeypatch)
    window.close()
    assert asked and "saves no model" in asked[0] and "finishing its model" not in asked[0]

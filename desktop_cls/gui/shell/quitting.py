"""What closing the window would interrupt, and the one question it asks about it (UX: closing asks only when
work would be interrupted). Texts keep the window's translation context."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, SignalInstance
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_cls.gui.pages.export.serve_panel import ServePanel
from desktop_cls.gui.pages.train.training_run import TrainingRun
from desktop_cls.gui.state import AppState
from desktop_cls.gui.widgets import dialogs
from desktop_cls.gui.work.tasks import TaskRunner

# Work the app starts by itself and simply redoes next time (or reads, writing nothing): closing interrupts it
# without asking.
RECOMPUTABLE_TASKS = frozenset({"scan", "heatmaps", "suggestions", "learning-rate finder", "evaluate", "engine",
                                "kept evaluation", "kept exports", "labelListing", "heat map", "frame", "load model"})
# Quitting never waits for these: loading torch cannot stop midway (seconds on a busy machine) and writes nothing.
UNWAITED_AT_QUIT = frozenset({"engine"})
translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


def quit_question(state: AppState, tasks: TaskRunner, serve: ServePanel, training: TrainingRun) -> str | None:
    """What quitting now would stop (training, a task the user started, a server), as the question to ask;
    None when nothing would be lost."""
    user_work = [t for t in tasks.running() if t.name not in RECOMPUTABLE_TASKS and t is not serve.starting()]
    serving = serve.quit_question()  # its question covers its start
    if not (state.training or user_work or serving):
        return None
    if state.training:
        text = training.quit_question()
    else:
        text = translate("MainWindow", "Still running: {task}. Quit anyway? It is cancelled unfinished.").format(
            task=task_words(user_work[0].name)) if user_work else translate("MainWindow", "Quit anyway?")
    return f"{serving}\n\n{text}" if serving else text


def task_words(name: str) -> str:
    """What a task does, in the user's words: its name is the code's (English, and "labelSteps" says nothing)."""
    words = {"export": translate("MainWindow", "exporting the model"),
             "copy": translate("MainWindow", "copying the classified images into folders by class"),
             "import": translate("MainWindow", "importing images"),
             "labeling": translate("MainWindow", "moving labeled images"),
             "labelSteps": translate("MainWindow", "filing the labels just pressed"),
             "emptyTrash": translate("MainWindow", "emptying the trash"),
             "demo data": translate("MainWindow", "making the demo dataset"),
             "classify": translate("MainWindow", "classifying a folder"),
             "video": translate("MainWindow", "classifying a video"),
             "cache folder": translate("MainWindow", "checking the cache folder"),
             "settings": translate("MainWindow", "saving the settings")}
    return words.get(name, translate("MainWindow", "a task"))


def may_quit(window: QWidget, question: str | None, again: Callable[[], str | None] | None = None,
             ends: Sequence[SignalInstance] = ()) -> bool:
    """Ask `question` (from quit_question) over the window; True when there is none or the user said Yes.
    While it is open, each of `ends` (work ending) asks `again` what quitting would stop now: the question follows
    (it said an export was still running after the export had finished), and once nothing is left it is answered
    for the user, who asked to quit: there is no longer anything to lose."""
    if question is None:
        return True
    box = dialogs.message_box(window, translate("MainWindow", "Quit desktop_cls?"), question, "question",
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                              QMessageBox.StandardButton.No)

    def follow(*_: object) -> None:
        now = again() if again is not None else question
        if now is None:
            box.done(QMessageBox.StandardButton.Yes.value)
        elif now != box.text():
            box.setText(now)

    for end in ends:
        end.connect(follow)
    try:
        return dialogs.answer(box, "question") == QMessageBox.StandardButton.Yes
    finally:
        for end in ends:
            end.disconnect(follow)

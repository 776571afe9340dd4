"""The status bar's progress (shell/task_status) is redrawn at most every PROGRESS_MS, so reports from busy tasks
do not keep the UI thread painting; it shows the work still going, not work that ended."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow


def test_bursts_of_task_progress_redraw_the_status_bar_once(qtbot: QtBot, window: MainWindow) -> None:
    """A progress bar repaints itself on the spot for each new value; three tasks reporting 20 times a second
    each kept the UI thread busy. The first report shows at once, the latest one when the pause is over."""
    drawn: list[int] = []
    window.status_bar.task_progress.valueChanged.connect(drawn.append)
    for done in range(1, 51):
        window.tasks.task_progress.emit("scan", done, 100, f"reading {done}")
    assert drawn == [1] and window.status_bar.task_status.text() == "reading 1"
    qtbot.waitUntil(lambda: drawn == [1, 50])
    assert window.status_bar.task_status.text() == "reading 50"


def test_a_progress_report_is_painted_with_the_next_frame_not_on_the_spot(qtbot: QtBot) -> None:
    """QProgressBar.setValue repaints at once, and with it the rest of the window waiting to be painted (the
    thumbnail grid, in a profile): show_progress leaves the painting to the event loop's next frame."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QProgressBar

    from desktop_cls.gui.widgets.common import show_progress

    bar = QProgressBar()
    qtbot.addWidget(bar)
    bar.setRange(0, 100)
    bar.show()
    qtbot.waitExposed(bar)
    painted: list[int] = []

    class Paints(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                painted.append(bar.value())
            return False

    paints = Paints()
    bar.installEventFilter(paints)
    bar.update()
    qtbot.waitUntil(lambda: bool(painted))  # its first frame is on screen
    painted.clear()
    bar.setValue(10)
    assert painted == [10]  # what Qt does: painted inside the call
    show_progress(bar, 20, 100)
    assert painted == [10] and bar.value() == 20
    qtbot.waitUntil(lambda: painted[-1:] == [20])  # the next frame paints it


def test_work_that_ended_leaves_the_status_bar_to_the_work_still_going(qtbot: QtBot, window: MainWindow) -> None:
    """Stopping a training while an export ran left "Training: epoch 2/40, ETA 10:22" in the status bar until the
    export's next report, seconds later: the bar showed the last report of any task, ended or not."""
    import threading

    release = threading.Event()

    def export(progress: object, cancel: object) -> None:
        release.wait(30)

    bar = window.status_bar
    window.tasks.start("export", export)
    try:
        window.tasks.task_progress.emit("export", 1, 3, "Exporting ONNX (2 of 3)")
        window.train_page.monitor.progress_text.emit("Training: epoch 2/40, ETA 10:22", 2, 40)
        assert bar.task_status.text() == "Training: epoch 2/40, ETA 10:22"
        window.tasks.task_finished.emit("training")  # the training stopped; the export goes on
        assert bar.task_status.text() == "Exporting ONNX (2 of 3)" and bar.task_progress.value() == 1
    finally:
        release.set()
    # (the bar follows the export's end signal, which comes after it stops counting as running)
    qtbot.waitUntil(lambda: not window.tasks.running() and bar.task_status.text() == ""
                    and not bar.task_progress.isVisibleTo(window))


def test_a_long_task_leaves_the_dataset_summary_whole_and_is_cut_at_its_end(qtbot: QtBot, window: MainWindow) -> None:
    """An export's long step ("Exporting ONNX int8 (4 of 4): …") took the status bar's room: the summary showed
    "dat…sses" and the step was cut with no sign ("none was held ou"). The summary stays whole beside the device
    (no "·" left hanging far from it), the step has the rest: cut at its end with "…", whole in its tooltip."""
    from PySide6.QtWidgets import QLabel

    bar = window.status_bar
    window.resize(900, 600)
    bar.dataset_status.setText("data: 62 images, 4 classes, 8 to label")
    long_step = ("Exporting ONNX int8 (4 of 4): int8: with 7 blocks in float it agrees with the trained model on "
                 "100.0% of 35 images of the dataset, one in two (none was held out), so on at least 92.8% of "
                 "further images (target 98%); candidate 2 of at most 5 · about 24 s left")
    bar.on_train_progress(long_step, 3, 4)
    qtbot.waitUntil(lambda: bar.task_status.isVisible() and bar.task_status.text() != long_step)
    assert bar.dataset_status.text() == bar.dataset_status.full_text()  # whole
    assert bar.task_status.full_text() == long_step and bar.task_status.toolTip() == long_step
    assert bar.task_status.text().endswith("…") and long_step.startswith(bar.task_status.text()[:-1])
    dot = next(w for w in window.statusBar().findChildren(QLabel) if w.text() == "·")
    summary = bar.dataset_status.geometry()
    assert 0 <= dot.x() - summary.right() < dot.width() + 20 and dot.geometry().right() < bar.device_status.x()
    assert bar.device_status.geometry().right() < bar.task_status.x()

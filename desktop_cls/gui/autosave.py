"""Settings written as they change, so a crash or power cut loses at most the last change.

Recent folders and runs are written at once; edits that come in bursts (typing in a field, dragging the
window) are written once they pause for DELAY_MS. The UI thread only takes a snapshot of the settings (plain
data); the file is written on the settings lane, because an atomic write with its sync waited up to 0.5 s on
a busy disk, and the window froze meanwhile. Each write is atomic (core.storage.write_json): a reader, or the
next start after a crash, sees the old file or the new one. Writes land in the order they were asked for
(OrderedWrites), and quitting writes the last state itself, after the lane is done.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox, QWidget

from desktop_cls.core.storage import WriteError, write_problem

DELAY_MS = 500
D = TypeVar("D")


class OrderedWrites(Generic[D]):
    """Snapshots numbered on the UI thread, written on any thread: a snapshot older than one already written,
    or than one asked for since (it follows and carries newer settings), is skipped, so an earlier state never
    overwrites a later one. Asking never waits for a write in progress (the lock is held only by writers)."""

    def __init__(self, write: Callable[[D], object]) -> None:
        self._write = write
        self._lock = threading.Lock()
        self._asked = 0  # only the UI thread changes it; an int is read and set whole under the interpreter lock
        self._written = 0
        self.skipped = 0

    def ask(self) -> int:
        """The number of the next snapshot (UI thread)."""
        self._asked += 1
        return self._asked

    def write(self, number: int, data: D) -> bool:
        """Write snapshot `number` unless a newer one was written or is on its way; True when written."""
        with self._lock:
            if number <= self._written or number < self._asked:
                self.skipped += 1
                return False
            self._write(data)
            self._written = number
            return True


class Pending(Protocol):
    """A write handed to a worker (a work.tasks.Task)."""

    def is_running(self) -> bool: ...

    def wait(self, ms: int = 30_000) -> bool: ...


# hand_over(write, ended): run write() on a worker, then ended() on the UI thread (the window uses its settings lane)
HandOver = Callable[[Callable[[], object], Callable[[], object]], Pending]


class SettingsAutosave(QObject):
    """snapshot() runs on the UI thread and returns plain data; write(data) runs where hand_over puts it.

    A write that fails (a full or read-only disk, a file where the settings folder belongs) does not stop the
    window: the settings stay in memory, the next change tries again, and `problem` says which file could not be
    written and why (once per new problem; an empty text once a write works again)."""

    problem = Signal(str)

    def __init__(self, snapshot: Callable[[], Any], write: Callable[[Any], object], hand_over: HandOver,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._snapshot = snapshot
        self._failure = ""  # set by the writing thread, read on the UI thread (a str is swapped whole)
        self._shown = ""
        self.order: OrderedWrites[Any] = OrderedWrites(lambda data: self._try(write, data))
        self._hand_over = hand_over
        self._in_flight: list[Pending] = []
        self.writes = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self.flush)

    def changed(self, now: bool = False) -> None:
        """Something in the settings changed: write it now, or once the burst it belongs to pauses."""
        if now:
            self.flush()
        else:
            self._timer.start()

    def flush(self) -> None:
        """Snapshot now and hand the write over to a worker."""
        self._timer.stop()
        self.writes += 1
        data, number = self._snapshot(), self.order.ask()
        order = self.order
        started: list[Pending] = []
        task = self._hand_over(lambda: order.write(number, data), lambda: self._ended(started[0]))
        started.append(task)
        self._in_flight.append(task)

    def _try(self, write: Callable[[Any], object], data: Any) -> None:
        try:
            write(data)
        except OSError as e:
            self._failure = str(e) if isinstance(e, WriteError) else write_problem(e)
        else:
            self._failure = ""

    def _ended(self, task: Pending) -> None:
        if task in self._in_flight:
            self._in_flight.remove(task)
        if self._failure != self._shown:
            self._shown = self._failure
            self.problem.emit(self._failure)

    def write_now(self) -> None:
        """Write the current settings on this thread (quitting; a test that needs the file at once): it waits
        for a write in progress, and no older snapshot lands after it."""
        self._timer.stop()
        self.writes += 1
        data, number = self._snapshot(), self.order.ask()
        self.order.write(number, data)

    def pending(self) -> bool:
        """A change not yet on disk: waiting for its burst to pause, or its write still on the lane."""
        return self._timer.isActive() or any(t.is_running() for t in self._in_flight)

    def wait_written(self, ms: int = 30_000) -> bool:
        """Wait until the writes handed to the lane so far have ended (a burst still waiting is not started)."""
        return all(t.wait(ms) for t in list(self._in_flight))


def on_any_edit(root: QWidget, edited: Callable[..., object]) -> None:
    """Call edited whenever a field, box or check under root changes (the Train form's options are settings)."""
    for spin in root.findChildren(QSpinBox):
        spin.valueChanged.connect(edited)
    for dspin in root.findChildren(QDoubleSpinBox):
        dspin.valueChanged.connect(edited)
    for other in root.findChildren(QAbstractSpinBox):  # date/time and custom spin boxes
        if not isinstance(other, QSpinBox | QDoubleSpinBox):
            other.editingFinished.connect(edited)
    for combo in root.findChildren(QComboBox):
        combo.currentIndexChanged.connect(edited)
    for edit in root.findChildren(QLineEdit):
        if not isinstance(edit.parent(), QAbstractSpinBox | QComboBox):  # their own line edits
            edit.textChanged.connect(edited)
    for check in root.findChildren(QAbstractButton):
        if check.isCheckable():
            check.toggled.connect(edited)

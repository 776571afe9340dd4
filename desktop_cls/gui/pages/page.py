"""What every page is made of: the shared state and task runner, a body that teaches what to do until there is
content, and a status line that shows the page's own background work with its progress and a Cancel button.

Pages run their work through `run_task`, so a failed task always ends in an error box titled for that page and
the status line never stays up after a task ends, however it ended.

Every page is made the same way (`Page.build`): its commands are declared once (`page_actions`) and become its
buttons, the window's menus and the F1 list; `build_controls` makes the row above the body, `build_body` lays
the body out, `connect_state` subscribes to the app state. A page's `__init__` only sets its fields and calls
`build`, so no page grows one long constructor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLayout,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.core.i18n import isolated
from desktop_cls.gui.state import AppState
from desktop_cls.gui.widgets.common import EmptyState, show_progress, split_with_empty_state
from desktop_cls.gui.widgets.common import button as _button
from desktop_cls.gui.widgets.dialogs import show_error
from desktop_cls.gui.widgets.literal_text import plain_label
from desktop_cls.gui.work.tasks import Task, TaskFn, TaskRunner

T = TypeVar("T")
PROGRESS_MS = 200  # a status line's progress is redrawn at most this often (as the window's status bar)


@dataclass(frozen=True, slots=True)
class PageAction:
    """A command a page offers: declared once by the page; the shell puts it in the menus (and so in the F1 list)
    and, with `button`, the page shows it as a push button with that objectName. `shows_page`: the window
    switches to the page first, so the user sees it work. `in_menu=False`: a button only."""

    object_name: str
    text: str
    slot: Callable[[], object]
    shortcut: str = ""  # QKeySequence's portable form
    tip: str = ""
    shows_page: bool = False
    button: str = ""  # objectName of the page's button for it; none when empty
    button_text: str = ""  # the button's words when they differ from the menu's
    in_menu: bool = True

    def make_button(self) -> QPushButton:
        """The page's button: the same words, tip and slot as the menu entry; the tip names the shortcut."""
        tip = self.tip
        if self.shortcut:
            keys = QKeySequence(self.shortcut).toString(QKeySequence.SequenceFormat.NativeText)
            tip = f"{tip} ({keys})" if tip else keys
        b = _button(self.button_text or self.text, self.button, tip)
        b.clicked.connect(lambda: self.slot())
        return b


class StatusLine(QWidget):
    """'Reading folder… [=====    ] Cancel' under a page's controls while one of its tasks runs."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(f"{name}StatusLine")
        self.label = plain_label()  # a step names the files and classes it works on
        self.label.setObjectName(f"{name}ProgressLabel")
        self.label.setWordWrap(True)  # a long step ("Exporting ONNX int8 (2 of 3): …, 2 min left") takes a second
        # line instead of widening the window past a small screen
        self.bar = QProgressBar()
        self.bar.setObjectName(f"{name}Progress")
        # translate(): PySide's self.tr would look this up under the page class's name
        self.cancel_button = _button(QCoreApplication.translate("Page", "Cancel"), f"cancel{name[:1].upper()}{name[1:]}"
                                     "Button")
        # Esc cancels, as in a dialog: a shortcut of a visible button only, so it is the shown page's running task
        self.cancel_button.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.label, 3)
        lay.addWidget(self.bar, 1)
        lay.addWidget(self.cancel_button)
        self.setVisible(False)
        self._latest: tuple[int, int, str] | None = None  # the latest report, not shown yet
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PROGRESS_MS)
        self._timer.timeout.connect(self._show)

    def escape_cancels(self, on: bool) -> None:
        """Whether Esc is this Cancel's: not while another Cancel of the page takes it (two buttons with one shortcut
        would leave Esc pressing neither)."""
        self.cancel_button.setShortcut(QKeySequence(Qt.Key.Key_Escape) if on else QKeySequence())

    def start(self, text: str) -> None:
        self._latest = None  # a report still waiting belongs to the task this one replaces
        self.label.setText(text)
        self.bar.setRange(0, 0)  # busy until the first progress report
        self.setVisible(True)

    def progress(self, done: int, total: int, what: str) -> None:
        """Shown at once, then at most every PROGRESS_MS: the bar and label repaint on the spot for each new
        value (about 5 ms each), and *Suggest labels* or a large step reports up to 20 times a second."""
        self._latest = (done, total, what)
        if not self._timer.isActive():
            self._show()
            self._timer.start()

    def _show(self) -> None:
        if self._latest is None or self.isHidden():  # the task ended meanwhile
            return
        (done, total, what), self._latest = self._latest, None
        if what:
            self.label.setText(what[:1].upper() + what[1:])
        if total:
            show_progress(self.bar, done, total)


class Page(QWidget):
    """A page: subclasses build their controls, then call `set_body` with the empty state and the content."""

    def __init__(self, state: AppState, tasks: TaskRunner | None, name: str) -> None:
        super().__init__()
        self.state = state
        self.tasks = tasks
        self.status_line = StatusLine(name)
        self.status_line.cancel_button.clicked.connect(self.cancel_task)
        self.content: QStackedWidget
        self.empty: EmptyState
        self._task: Task | None = None  # the one the status line shows
        self._generation = 0  # which of them is the latest: an earlier one, replaced, ends quietly
        self.buttons: dict[str, QPushButton] = {}  # the declared actions' buttons, by objectName

    # ---- how a page is made ------------------------------------------------------------------------
    def build(self) -> None:
        """Make the page in the one order every page follows (see the module's docstring)."""
        self.buttons = {a.button: a.make_button() for a in self.page_actions() if a.button}
        self.build_body(self.build_controls())
        self.connect_state()

    def build_controls(self) -> QLayout | None:
        """Make the controls; return the row shown above the body, if the page has one."""
        return None

    def build_body(self, top: QLayout | None) -> None:
        """Lay the page out, with `set_body` (an empty state, then content) or `set_column` (a form)."""
        raise NotImplementedError

    def connect_state(self) -> None:
        """Subscribe to the app state's events (a new dataset, run or result)."""

    def set_body(self, empty_text: str, left: QWidget, right: QWidget, stretch: tuple[int, int] = (3, 2),
                 top: QLayout | None = None) -> None:
        """[top controls] / status line / (empty state | left and right): the same skeleton on every page."""
        self.content, self.empty = split_with_empty_state(empty_text, left, right, stretch)
        self._empty_text = empty_text
        lay = QVBoxLayout(self)
        if top is not None:
            lay.addLayout(top)
        lay.addWidget(self.status_line)
        lay.addWidget(self.content, 1)

    def set_column(self, body: QWidget, *above: QLayout | QWidget) -> None:
        """For a page that has no empty state (a form, say): what is above / status line / body."""
        lay = QVBoxLayout(self)
        for item in above:
            if isinstance(item, QWidget):
                lay.addWidget(item)
            else:
                lay.addLayout(item)
        lay.addWidget(self.status_line)
        lay.addWidget(body, 1)

    def show_content(self, on: bool = True) -> None:
        self.content.setCurrentIndex(1 if on else 0)

    def show_reading(self, folder: str) -> None:
        """Another folder is being read: the empty state says which, instead of the open one's content."""
        # (not self.tr)
        self.empty.set_text(QCoreApplication.translate("Page", "Reading {0}…").format(isolated(folder)))
        self.show_content(False)

    def reading_over(self, show: bool) -> None:
        """The folder being read did not open: the empty state's own text again, and the content when `show`."""
        self.empty.set_text(self._empty_text)
        self.show_content(show)

    def run_task(self, name: str, fn: TaskFn[T], on_done: Callable[[T], object], *, error_title: str = "",
                 status: str | None = None, on_error: Callable[[str, str], object] | None = None,
                 on_cancelled: Callable[[], object] | None = None,
                 on_event: Callable[[Any], object] | None = None, keep_result: bool = False,
                 on_replaced: Callable[[], object] | None = None,
                 on_progress: Callable[[int, int, str], object] | None = None) -> Task | None:
        """Run fn on a worker thread; with `status`, the status line shows it with its progress and Cancel (without,
        on_progress may show the progress elsewhere on the page), and
        starting another such task cancels it (then on_replaced is called instead of on_cancelled: the newer task
        has the status line, but a task that holds state, such as the one-writer flag, must still give it back).
        A failure goes to on_error(message, details), or else shows an error box titled `error_title`; what fn
        passes to progress.event(e) goes to on_event while this is the latest task. With keep_result, what fn
        returns after a Cancel still goes to on_done (work that stops part way and says how far it got)."""
        if self.tasks is None:
            return None
        shown = status is not None
        if shown:
            self.cancel_task()
            self._generation += 1
            self.status_line.start(status or "")
        generation = self._generation

        def latest() -> bool:
            """Also hides the status line when this task was the one it showed."""
            if not shown:
                return True
            if generation != self._generation:
                return False
            self.status_line.setVisible(False)
            self._task = None
            return True

        def done(result: T) -> None:
            latest()
            on_done(result)

        def failed(message: str, details: str) -> None:
            latest()
            if on_error is not None:
                on_error(message, details)
            else:
                show_error(self, error_title, message, details)

        def cancelled() -> None:
            if latest():
                if on_cancelled is not None:
                    on_cancelled()
            elif on_replaced is not None:
                on_replaced()

        def event(e: Any) -> None:
            if on_event is not None and (not shown or generation == self._generation):
                on_event(e)

        task = self.tasks.start(name, fn, on_done=done, on_error=failed, on_cancelled=cancelled,
                                on_progress=self.status_line.progress if shown else on_progress, on_event=event,
                                keep_result=keep_result)
        if shown:
            self._task = task
        return task

    def start_folder(self) -> str:
        """Where a file dialog opens: the dataset's folder (images to try are usually near it), else home."""
        ds = self.state.dataset
        return str(ds.root) if ds is not None else str(Path.home())

    def busy(self) -> bool:
        """Whether the task the status line shows is still running."""
        return self._task is not None and self._task.is_running()

    def cancel_task(self) -> None:
        """Cancel the task the status line shows (a newer one replaces it, or the user pressed Cancel)."""
        if self._task is not None and self._task.is_running():
            self._task.cancel()

    def page_actions(self) -> list[PageAction]:
        """The page's commands, for its buttons and the window's menus; none by default."""
        return []

    def shutdown(self) -> None:
        """The window is closing: stop what this page runs outside the shared task runner (its own threads,
        thumbnail loaders, the camera). The runner's tasks are stopped by the window."""

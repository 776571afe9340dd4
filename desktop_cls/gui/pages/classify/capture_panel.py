"""Capture camera frames straight into a class of the open dataset, as Teachable Machine users build one.

A click (or the class's number key) captures one frame; holding a class button records a burst at the
chosen rate until it is released. Each capture or burst is one labeling operation of the dataset's
journaled Workspace: the frames are written as new images (never over an existing file) and assigned
to the class in one undoable step, so Ctrl+Z here or on the Label page takes the whole burst back
(the images return to the unlabeled ones; nothing is deleted). Asked while the Label page's keys are still being
filed, the step (and an undo) waits for them, in the order asked (gui.filing).
"""

from __future__ import annotations

import datetime as _dt
import functools
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QSpinBox, QVBoxLayout, QWidget

from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import isolated
from desktop_cls.core.storage import unique_destination, write_atomic
from desktop_cls.gui.widgets.class_button import ElidedButton
from desktop_cls.gui.widgets.common import button, on_white
from desktop_cls.gui.widgets.dialogs import show_error
from desktop_cls.gui.widgets.literal_text import action_text, breakable, literal, plain_label

MAX_CLASS_BUTTONS = 12
RESCAN_DELAY_MS = 1500


def encode_jpeg(img: QImage, quality: int = 92) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not on_white(img).save(buf, "JPEG", quality):  # type: ignore[call-overload]
        raise UserError(QCoreApplication.translate("CapturePanel", "the camera frame could not be encoded as JPEG"))
    buf.close()
    return bytes(data.data())


class CapturePanel(QWidget):
    """Class buttons under the live video; needs an open dataset (AppState.workspace) and frames."""

    captured = Signal(str, int)  # class name, images added by the last capture or burst
    dataset_edited = Signal()

    def __init__(self, state: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.latest: QImage | None = None
        self.pending: list[str] = []  # files written during the current burst, not yet assigned
        self.recording: str | None = None  # class of the burst in progress
        self._refresh_after_burst = False
        self.counts: dict[str, int] = {}
        self.class_buttons: list[ElidedButton] = []
        self._shortcuts: list[QShortcut] = []
        self.burst_timer = QTimer(self)
        self.burst_timer.timeout.connect(self._burst_tick)
        self.rescan_timer = QTimer(self)
        self.rescan_timer.setSingleShot(True)
        self.rescan_timer.setInterval(RESCAN_DELAY_MS)
        self.rescan_timer.timeout.connect(self.dataset_edited.emit)

        self.heading = plain_label()  # names the dataset's folder
        self.heading.setObjectName("captureHeading")
        self.heading.setWordWrap(True)
        self.rate_spin = QSpinBox()
        self.rate_spin.setObjectName("captureRateSpin")
        self.rate_spin.setAccessibleName(self.tr("Frames per second while a class button is held"))
        self.rate_spin.setRange(1, 30)
        self.rate_spin.setValue(5)
        self.rate_spin.setSuffix(self.tr(" frames/s"))
        self.rate_spin.setToolTip(self.tr("Hold a class button to record at this rate; a click takes one frame"))
        self.undo_button = button(self.tr("Undo capture"), "captureUndoButton",
                                  self.tr("Take the last capture out of its class again"))
        self.undo_button.clicked.connect(self.undo)
        self.status = plain_label()  # names the class recorded into
        self.status.setObjectName("captureStatus")
        self.status.setWordWrap(True)
        for label in (self.heading, self.status):  # they wrap in the width the buttons give: a name never widens it
            policy = label.sizePolicy()
            policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
            label.setSizePolicy(policy)
        self.grid = QGridLayout()
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Hold to record")))
        row.addWidget(self.rate_spin)
        row.addStretch(1)
        row.addWidget(self.undo_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.heading)
        lay.addLayout(self.grid)
        lay.addLayout(row)
        lay.addWidget(self.status)
        state.dataset_changed.connect(lambda _index: self.refresh())
        state.dataset_opening.connect(lambda _folder: self._another_folder())
        state.opening_ended.connect(self._update_buttons)
        self.refresh()

    # ---- classes -------------------------------------------------------------------------------
    @property
    def workspace(self) -> Any:
        return self.state.workspace

    def refresh(self) -> None:
        """One button per class of the open dataset, numbered 1–9 like the Label page's keys.

        Not during a burst: the held button must live until it is released (the Data page's rescan
        after the previous capture may arrive meanwhile); the burst's end refreshes instead.
        """
        if self.recording is not None:
            self._refresh_after_burst = True
            return
        self._refresh_after_burst = False
        ws = self.workspace
        classes = ws.classes()[:MAX_CLASS_BUTTONS] if ws is not None else []
        if classes and classes == list(self.counts) and len(self.class_buttons) == len(classes):
            self.counts = self._counts(classes)  # same classes: new counts only
            self._update_buttons()
            return
        for b in self.class_buttons:
            b.deleteLater()
        for sc in self._shortcuts:
            sc.setEnabled(False)
            sc.deleteLater()
        self.class_buttons, self._shortcuts = [], []
        if ws is None:
            self.heading.setText(self.tr("Open a dataset on the Data page to capture frames into its classes."))
        elif not classes:
            self.heading.setText(self.tr("The dataset has no classes yet: add one on the Label page."))
        else:
            self.heading.setText(breakable(self.tr("Capture into {0}: click a class (or press its number) for one "
                                                   "frame, hold it to record.").format(isolated(ws.root.name))))
        self.counts = self._counts(classes)
        for i, name in enumerate(classes):
            b = ElidedButton()  # a long class name cut in the middle (whole in the tooltip)
            b.setObjectName(f"captureButton{i}")
            shown = isolated(name)
            b.setAccessibleName(self.tr("Capture into {0}").format(shown))
            b.setToolTip(literal(self.tr("Click: one frame into '{0}'. Hold: record until released.").format(shown)))
            b.setAutoRepeat(False)
            b.pressed.connect(lambda n=name: self.start_burst(n))
            b.released.connect(self.end_burst)
            self.grid.addWidget(b, i // 3, i % 3)
            self.class_buttons.append(b)
            if i < 9:
                sc = QShortcut(QKeySequence(str(i + 1)), self)
                sc.setContext(Qt.ShortcutContext.WindowShortcut)  # only enabled while the panel shows
                sc.setAutoRepeat(False)
                sc.activated.connect(lambda n=name: self.capture_one(n))
                self._shortcuts.append(sc)
        self._update_buttons()
        self._sync_shortcuts()

    def _say(self, text: str) -> None:
        """The status line, wrapped (inside a long class name too: it never widens the page)."""
        self.status.setText(breakable(text))

    def _counts(self, classes: list[str]) -> dict[str, int]:
        """Images per class from the open dataset's index when it lists this folder: listing every class folder
        on the UI thread took a second with 100,000 images, each time a dataset was opened or scanned again."""
        ds, ws = self.state.dataset, self.workspace
        if ds is not None and ws is not None and Path(ds.root) == Path(ws.root):
            known = ds.counts()
            if all(c in known for c in classes):
                return {c: known[c] for c in classes}
        return {c: self._count(c) for c in classes}

    def _count(self, name: str) -> int:
        try:
            folder = self.workspace.abs(self.workspace.shape.folder(name))  # (its layout known: no listing)
            return sum(1 for e in os.scandir(folder) if e.is_file())
        except OSError:
            return 0

    def _update_buttons(self) -> None:
        ws = self.workspace
        for i, (b, name) in enumerate(zip(self.class_buttons, self.counts, strict=False)):
            key = f"{i + 1}  " if i < 9 else ""
            b.setText(action_text(f"{key}{name} ({self.counts[name]})"))
        self.undo_button.setEnabled(bool(ws is not None and self.state.opening is None and ws.can_undo()))

    def _sync_shortcuts(self) -> None:
        for sc in self._shortcuts:
            sc.setEnabled(self.isVisible())

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._sync_shortcuts()

    def hideEvent(self, event: Any) -> None:
        super().hideEvent(event)
        self._sync_shortcuts()
        self.end_burst()

    def _another_folder(self) -> None:
        """Another folder begins to open: a burst under way ends now, its frames filed in the class of the folder
        they were written into (the line says why it stopped); no capture nor undo acts on that folder until the
        other one is open."""
        if self.recording is not None:
            self.end_burst()
            self._say(self.tr("Recording stopped: another folder is being opened. {0}").format(
                self.status.text()))
        self._update_buttons()

    # ---- frames --------------------------------------------------------------------------------
    def set_frame(self, img: QImage) -> None:
        self.latest = img

    def _write_frame(self) -> str | None:
        """The latest frame as a new JPEG among the dataset's unlabeled images (a fresh name, never over one)."""
        if self.latest is None or self.workspace is None:
            return None
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")[:-3]
        path = unique_destination(Path(self.workspace.root) / f"capture-{stamp}.jpg")
        write_atomic(path, encode_jpeg(self.latest))
        return str(path)

    def capture_one(self, class_name: str) -> None:
        self.start_burst(class_name)
        self.end_burst()

    def start_burst(self, class_name: str) -> None:
        """The first frame now; more at the chosen rate until end_burst (the button's release)."""
        if self.recording is not None:
            self.end_burst()
        if self.state.opening is not None:  # frames written now would land in the folder that is going
            self._say(self.tr("Another folder is being opened: capture again once it is open."))
            return
        if self.latest is None:
            self._say(self.tr("No image yet: start the webcam (or a video) first."))
            return
        self.recording = class_name
        self.pending = []
        self._burst_tick()
        self.burst_timer.start(max(1, round(1000 / self.rate_spin.value())))

    def _burst_tick(self) -> None:
        try:
            path = self._write_frame()
        except (OSError, UserError) as e:
            self.burst_timer.stop()
            self.recording = None
            show_error(self, self.tr("Capture failed"), self.tr("Cannot save the frame into the dataset: {0}")
                       .format(e))
            return
        if path is not None:
            self.pending.append(path)
            if self.recording is not None:
                self._say(self.tr("Recording into '{0}': %n frame(s)…", "", len(self.pending)).format(
                    isolated(self.recording)))

    def end_burst(self) -> None:
        """Assign everything recorded since start_burst to its class in one labeling operation."""
        self.burst_timer.stop()
        name, files = self.recording, self.pending
        self.recording, self.pending = None, []
        if self._refresh_after_burst:
            QTimer.singleShot(0, self.refresh)  # after the button's release handler has returned
        if name is None or not files or self.workspace is None:
            return
        self._file(self.workspace, name, files)

    def _file(self, ws: Any, name: str, files: list[str]) -> None:
        """The frames written into `ws` go into their class as one step: at once, or after the Label page's keys
        still being filed (gui.filing: in the order asked, one writer); they wait among the unlabeled images while
        a large step or an import runs, and when another folder was opened meanwhile."""
        if ws is not self.workspace:  # (held, and another folder was opened once the keys were filed)
            self._say(self.tr("Another folder was opened: the captured images wait among the unlabeled "
                                        "ones of the folder they were taken into."))
            return
        if self.state.filing.hold(functools.partial(self._file, ws, name, files),
                                  self.tr("labeling the captured images")):
            self._say(self.tr("%n captured image(s) go into '{0}' once the Label page's keys are filed.",
                                        "", len(files)).format(name))
            return
        if self.state.moving_files:  # one writer: a large step on a worker thread is moving this dataset's files
            self._say(self.tr("Another labeling step is still running: the captured images wait among "
                                        "the unlabeled ones (the Label page files them)."))
            return
        try:
            ws.assign(files, name)
        except UserError as e:
            show_error(self, self.tr("Capture not labeled"), self.tr("{0}. The captured images are kept among the "
                                                                     "unlabeled ones.").format(e))
            return
        self.counts[name] = self.counts.get(name, 0) + len(files)
        self._say(self.tr("Added %n image(s) to '{0}'.", "", len(files)).format(isolated(name)))
        self._update_buttons()
        self.captured.emit(name, len(files))
        self.rescan_timer.start()

    def undo(self) -> None:
        ws = self.workspace
        if ws is None or self.state.opening is not None:  # (not in the folder that is going)
            return
        if self.state.filing.hold(self.undo, self.tr("undoing the capture")):  # (after a capture held, as asked)
            self._say(self.tr("Undo capture waits for the Label page's keys to be filed."))
            return
        if not ws.can_undo():
            return
        if self.state.moving_files:  # (one writer, as above)
            self._say(self.tr("Another labeling step is still running; undo when it has finished."))
            return
        step = ws.describe_undo()  # (in the user's language: the op's own words say "undo …" in the one of its day)
        try:
            ws.undo()
        except UserError as e:
            show_error(self, self.tr("Cannot undo"), e.for_gui())
            return
        self._say(self.tr("Undone: {0}").format(step))
        self.counts = {c: self._count(c) for c in self.counts}
        self._update_buttons()
        self.rescan_timer.start()

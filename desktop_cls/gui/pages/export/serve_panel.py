"""The Export page's Serve box: start and stop `desktop-cls serve` for the chosen model, show its address, a
curl line to try it and how many requests it answered.

Opening the model (and its ONNX check) takes seconds and stopping waits for open connections, so both run
as tasks on a worker thread; only plain values (the ServerInfo dataclass, ints) come back. The engine keeps
the server object; this box knows it by its port.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QSpinBox, QWidget

from desktop_cls.core.i18n import isolated
from desktop_cls.gui.widgets.common import button as _button
from desktop_cls.gui.widgets.dialogs import show_error
from desktop_cls.gui.widgets.literal_text import plain_label
from desktop_cls.gui.work.tasks import Task, TaskRunner

DEFAULT_PORT = 8765


class ServePanel(QWidget):
    """Start/Stop, address, curl line, request count. `model` returns the model path the page has chosen."""

    def __init__(self, tasks: TaskRunner, model: Callable[[], str]) -> None:
        super().__init__()
        self.setObjectName("servePanel")
        self.tasks = tasks
        self._model = model
        self.port: int | None = None  # the running server's port
        self._busy = False
        self.port_spin = QSpinBox()
        self.port_spin.setObjectName("servePortSpin")
        self.port_spin.setAccessibleName(self.tr("Port"))
        self.port_spin.setRange(0, 65535)
        self.port_spin.setValue(DEFAULT_PORT)
        self.port_spin.setToolTip(self.tr("0 picks a free port"))
        self.serve_button = _button(self.tr("Start serving"), "serveButton",
                                    self.tr("Answer POST /predict on 127.0.0.1 for other programs"))
        self.serve_button.clicked.connect(self.toggle)
        self.cancel_button = _button(self.tr("Cancel"), "serveCancelButton",
                                     self.tr("Give up starting: the server does not start"))
        self.cancel_button.clicked.connect(self.cancel_start)
        self.cancel_button.hide()
        self._start_id = 0  # which start the callbacks belong to: a cancelled start's are dropped
        self.address_label = plain_label(self.tr("Not serving"))  # names the model served
        self.address_label.setObjectName("serveAddressLabel")
        self.address_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.address_label.setWordWrap(True)  # a long address wraps instead of widening the page
        self.other_model_label = plain_label()  # the page chose another model than the one being served
        self.other_model_label.setObjectName("serveOtherModelLabel")
        self.other_model_label.setWordWrap(True)
        self.other_model_label.hide()
        self._served = ""  # the model the running server answers with
        self._starting: Task | None = None  # the start under way
        self._starting_model = ""  # the model it opens
        self.url = ""  # the running server's address
        self.curl_edit = QLineEdit()
        self.curl_edit.setObjectName("serveCurlEdit")
        self.curl_edit.setAccessibleName(self.tr("Example request"))
        self.curl_edit.setReadOnly(True)
        self.count_label = QLabel("")
        self.count_label.setObjectName("serveCountLabel")
        self.timer = QTimer(self)
        self.timer.setInterval(500)
        self.timer.timeout.connect(self._refresh_count)
        self._lay_out()

    def _lay_out(self) -> None:
        """Two lines, so that all of it is in sight under the Export page's results on a 1366x768 screen (four
        form rows under a title were half scrolled away there): Port, Start, Cancel and where it serves; the
        example request and how many were answered. A word that another model is chosen comes under them."""
        grid = QGridLayout(self)
        port = QLabel(self.tr("Port"))
        port.setBuddy(self.port_spin)
        grid.addWidget(port, 0, 0)
        grid.addWidget(self.port_spin, 0, 1)
        grid.addWidget(self.serve_button, 0, 2)
        grid.addWidget(self.cancel_button, 0, 3)
        grid.addWidget(self.address_label, 0, 4, 1, 2)
        try_it = QLabel(self.tr("Try it"))
        try_it.setBuddy(self.curl_edit)
        grid.addWidget(try_it, 1, 0)
        grid.addWidget(self.curl_edit, 1, 1, 1, 4)
        grid.addWidget(self.count_label, 1, 5)
        grid.addWidget(self.other_model_label, 2, 0, 1, 6)  # under the button that serves it: seen without scrolling
        grid.setColumnStretch(4, 1)
        grid.setRowStretch(3, 1)

    def toggle(self) -> None:
        if self._busy:
            return
        if self.port is None:
            self._start()
        else:
            self._stop()

    def _start(self) -> None:
        model = self._model().strip()
        if not model:
            show_error(self, self.tr("No model"), self.tr("Train a model first, or type the path of a run folder."))
            return
        port, what = self.port_spin.value(), self.tr("Starting to serve {0}…").format(isolated(Path(model).name))

        def work(progress: Any, cancel: Any) -> Any:
            from desktop_cls.core.serving.server import start_in_background

            progress(0, 0, what)  # the status bar names it, busy: opening and checking the model takes a while
            return start_in_background(model, port=port, cancel=cancel)

        self._start_id += 1
        sid = self._start_id
        self._set_busy(what)
        self.cancel_button.show()
        self._starting_model = model
        self._starting = self.tasks.start(
            "serve", work, lambda info: self._started(info, model) if sid == self._start_id else self._discard(info),
            on_error=lambda m, d: self._failed(m, d) if sid == self._start_id else None, keep_result=True)

    def cancel_start(self) -> None:
        """Give up the start: the box is ready again at once; the model may go on opening in the background, and
        then no server starts (one that started all the same is stopped: _discard)."""
        if self._starting is None:
            return
        self.tasks.let_go(self._starting)  # the status bar stops saying "Starting to serve…" at once
        self._starting, self._start_id = None, self._start_id + 1
        self._busy = False
        self.cancel_button.hide()
        self.serve_button.setEnabled(True)
        self.address_label.setText(self.tr("Not serving"))

    def _discard(self, info: Any) -> None:
        """A cancelled start whose server came up before it saw the cancel: stopped, unseen."""
        from desktop_cls.core.serving.server import stop_in_background

        port = int(info.port)
        self.tasks.start("serve-stop", lambda progress, cancel: stop_in_background(port))

    def _started(self, info: Any, model: str) -> None:
        """Serving: the address names the model it answers with (the page may choose another one meanwhile, which
        is served only once this server is stopped and started again)."""
        self._busy, self._starting = False, None
        self.cancel_button.hide()
        self.port = int(info.port)
        self.serve_button.setEnabled(True)
        self.serve_button.setText(self.tr("Stop serving"))
        self.port_spin.setEnabled(False)
        self.address_label.setText(self.tr("{0} serves {2} (runtime: {1}) — API documentation at {0}/docs").format(
            info.url, info.runtime, isolated(Path(model).name)))
        self.curl_edit.setText(info.curl_example())
        self._served = model
        self.url = str(info.url)
        self.model_changed(self._model().strip())
        self._refresh_count()
        self.timer.start()

    def model_changed(self, model: str) -> None:
        """The page's model changed: while another one is served, say so and how to serve the new one."""
        other = self.port is not None and bool(model) and Path(model) != Path(self._served)
        self.other_model_label.setText(self.tr("The model chosen above, {0}, is not the one served: stop and start "
                                               "serving to serve it.").format(isolated(Path(model).name))
                                       if other else "")
        self.other_model_label.setVisible(other)

    def _stop(self) -> None:
        port = self.port

        def work(progress: Any, cancel: Any) -> int:
            from desktop_cls.core.serving.server import stop_in_background

            return stop_in_background(port) if port is not None else 0

        self.timer.stop()
        self._set_busy(self.tr("Stopping…"))
        self.tasks.start("serve-stop", work, self._stopped, on_error=self._failed)

    def _stopped(self, count: int) -> None:
        self._busy = False
        self.port = None
        self.url = ""
        self.serve_button.setEnabled(True)
        self.serve_button.setText(self.tr("Start serving"))
        self.port_spin.setEnabled(True)
        self.address_label.setText(self.tr("Not serving"))
        self.model_changed("")
        self.curl_edit.clear()
        self.count_label.setText(self.tr("{0} requests answered").format(count))

    def _failed(self, message: str, details: str) -> None:
        self._busy, self._starting = False, None
        self.cancel_button.hide()
        self.serve_button.setEnabled(True)
        self.address_label.setText(self.tr("Not serving") if self.port is None else self.address_label.text())
        show_error(self, self.tr("Serving failed"), message, details)

    def _set_busy(self, text: str) -> None:
        self._busy = True
        self.serve_button.setEnabled(False)
        self.address_label.setText(text)

    def _refresh_count(self) -> None:
        if self.port is None:
            return
        from desktop_cls.core.serving.server import requests_served  # loaded already: the server runs

        self.count_label.setText(self.tr("{0} requests answered").format(requests_served(self.port)))

    def quit_question(self) -> str:
        """What quitting now does to the server (joins the window's quit question); "" when nothing is served nor
        starting."""
        if self._starting is not None:
            return self.tr("Serving {0} is starting; quitting cancels it.").format(
                isolated(Path(self._starting_model).name))
        if self.port is None:
            return ""
        return self.tr("A model is being served at {0}; quitting stops it.").format(self.url)

    def starting(self) -> Task | None:
        """The serve start under way (its quit question is this box's), or None."""
        return self._starting

    def shutdown(self) -> None:
        """Stop the server when the window closes (waits for it: called at exit)."""
        self.timer.stop()
        if self.port is not None:
            from desktop_cls.core.serving.server import stop_in_background

            stop_in_background(self.port)
            self.port = None

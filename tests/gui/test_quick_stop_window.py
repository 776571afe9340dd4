"""Stop pressed while a quick run fits its last layer, in the window: the run ends stopped at once, says that it
saved no model, and replaces no model (Stop used to be heard only after the fit, which then saved its model)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_cls.core.events import CancelToken
from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import open_and_wait


def test_stop_while_a_quick_run_fits_its_last_layer_ends_it_with_no_model(qtbot: QtBot, window: MainWindow,
                                                                        tiny_folder: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.core.training import quick

    fitting = threading.Event()

    def held_fit(*_args: object, cancel: CancelToken, **_options: object) -> None:
        """The head's fit, held until Stop (as a cross-validated fit of many images takes seconds)."""
        fitting.set()
        while not threading.Event().wait(0.01):
            cancel.raise_if_set()

    for name in ("fit_head_cv", "cross_validated_logits", "fit_linear_head"):
        monkeypatch.setattr(quick, name, held_fit)
    open_and_wait(qtbot, window, tiny_folder)
    tp = window.train_page
    assert tp.form.current_config_dict()["method"] == "quick"
    tp.start()
    qtbot.waitUntil(lambda: fitting.is_set() and tp.monitor.stage_key == "fitting", timeout=60_000)
    qtbot.mouseClick(tp.buttons["stopButton"], Qt.MouseButton.LeftButton)
    assert tp.monitor.log.toPlainText().splitlines()[-1] == "Stopping the quick run; it saves no model…"
    qtbot.waitUntil(lambda: tp.training.task is None, timeout=60_000)
    assert "no model saved" in tp.monitor.progress_label.text()
    assert window.state.run is None  # nothing replaced the model: there is none
    from desktop_cls.core.storage import user_data_dir

    runs = list(user_data_dir().rglob("run.json"))
    assert len(runs) == 1 and not (runs[0].parent / "model.safetensors").exists()
    assert json.loads(runs[0].read_text())["status"] == "stopped"

"""Export page: the measured table (size, latency, agreement, accuracy), the snippet, and cancel."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_cls.core.inference.export_openvino import openvino_available
from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import cell, header


@pytest.mark.skipif(not openvino_available(), reason="OpenVINO is an optional extra")
def test_table_compares_formats_with_the_trained_model(qtbot: QtBot, window: MainWindow,
                                                       trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    xp = window.export_page
    xp.model_edit.setText(str(trained_run[0]))
    xp.dest_edit.setText(str(tmp_path / "exports"))
    for fmt, c in xp.checks.items():
        c.setChecked(fmt in ("onnx", "onnx-int8", "openvino"))
    qtbot.mouseClick(xp.buttons["exportButton"], Qt.MouseButton.LeftButton)
    assert xp.status_line.cancel_button.isVisibleTo(xp)
    qtbot.waitUntil(xp.buttons["exportButton"].isEnabled, timeout=180_000)
    assert not xp.status_line.cancel_button.isVisibleTo(xp) and xp.results.table.rowCount() == 4
    col = {header(xp.results.table, c).text(): c for c in range(xp.results.table.columnCount())}
    rows = {cell(xp.results.table, r, 0): r for r in range(4)}
    assert set(rows) == {"trained model (PyTorch, fp32)", "ONNX", "ONNX int8", "OpenVINO (.xml + .bin)"}
    for fmt in ("ONNX", "ONNX int8", "OpenVINO (.xml + .bin)"):
        r = rows[fmt]
        assert cell(xp.results.table, r, col["Size"]).endswith(("kB", "MB"))
        assert re.fullmatch(r"[\d.]+ ms \([\d.]+×\)", cell(xp.results.table, r, col["One image"]))  # its ratio too
        assert cell(xp.results.table, r, col["Agreement"]) == "100.0%"
        assert cell(xp.results.table, r, col["Accuracy"]).endswith("%")
    openvino = cell(xp.results.table, rows["OpenVINO (.xml + .bin)"], col["File"])
    assert openvino == "openvino/model.xml + openvino/model.bin"
    assert "6 validation images" in xp.results.measured_label.text()
    # each format went to its own folder; the selected row shows its script and its metadata
    assert (tmp_path / "exports" / "onnx-int8" / "model.onnx").is_file()
    xp.results.table.selectRow(rows["ONNX int8"])
    assert "import onnxruntime" in xp.results.snippet_view.toPlainText()
    assert "desktop_cls import" not in xp.results.snippet_view.toPlainText()
    assert json.loads(xp.results.meta_view.toPlainText())["format"] == "onnx-int8"


def test_cancel_leaves_no_files(qtbot: QtBot, window: MainWindow, trained_run: tuple[Path, Path],
                                tmp_path: Path) -> None:
    xp = window.export_page
    xp.model_edit.setText(str(trained_run[0]))
    out = tmp_path / "exports"
    xp.dest_edit.setText(str(out))
    for fmt, c in xp.checks.items():
        c.setChecked(fmt in ("onnx-int8", "onnx-fp16"))
    xp.export()
    qtbot.mouseClick(xp.status_line.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: xp.buttons["exportButton"].isEnabled(), timeout=120_000)
    assert xp.results.table.rowCount() == 0
    leftovers = [p for p in out.rglob("*") if p.is_file()] if out.exists() else []
    assert leftovers == []


def test_serve_box_starts_counts_requests_and_stops(qtbot: QtBot, window: MainWindow,
                                                    trained_run: tuple[Path, Path]) -> None:
    import httpx

    xp = window.export_page
    panel = xp.serve_panel
    xp.results.details.setCurrentIndex(xp.results.details.count() - 1)  # the Serve tab
    xp.model_edit.setText(str(trained_run[0]))
    panel.port_spin.setValue(0)  # a free port
    qtbot.mouseClick(panel.serve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.port is not None, timeout=120_000)
    url = f"http://127.0.0.1:{panel.port}"
    assert url in panel.address_label.text() and f"{url}/predict" in panel.curl_edit.text()
    image = next((trained_run[1] / "cat").iterdir()).read_bytes()
    assert httpx.post(f"{url}/predict", content=image).json()["prediction"]["label"] == "cat"
    qtbot.waitUntil(lambda: panel.count_label.text() == "1 requests answered", timeout=10_000)
    qtbot.mouseClick(panel.serve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.port is None, timeout=30_000)
    assert panel.address_label.text() == "Not serving" and panel.serve_button.text() == "Start serving"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/health")


def test_web_format_exports_the_page(qtbot: QtBot, window: MainWindow, trained_run: tuple[Path, Path],
                                     tmp_path: Path) -> None:
    xp = window.export_page
    if not xp.checks["web"].isEnabled():
        pytest.skip("ONNX Runtime Web is not fetched (python dev.py web-runtime)")
    xp.model_edit.setText(str(trained_run[0]))
    xp.dest_edit.setText(str(tmp_path / "exports"))
    for fmt, c in xp.checks.items():
        c.setChecked(fmt == "web")
    qtbot.mouseClick(xp.buttons["exportButton"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(xp.buttons["exportButton"].isEnabled, timeout=180_000)
    assert xp.results.table.rowCount() == 2 and cell(xp.results.table, 1, 0) == "Web page"
    page = tmp_path / "exports" / "model-web"
    assert (page / "index.html").is_file() and (page / "onnxruntime-web" / "runtime.js").is_file()


def fake_results(dest: Path) -> list[dict[str, object]]:
    """What the export task hands the page for every format, each in its own folder."""
    from desktop_cls.gui.pages.export.export_formats import SUFFIXES

    out: list[dict[str, object]] = []
    for fmt, suffix in SUFFIXES.items():
        files = [str(dest / fmt / f"model{suffix}")] + ([str(dest / fmt / "model.bin")] if fmt == "openvino" else [])
        out.append({"format": fmt, "size_bytes": 250_000, "latency_ms": 1.5, "top1_agreement": 1.0, "accuracy": 0.9,
                    "files": files, "path": files[0], "reference_latency_ms": 2.0, "reference_accuracy": 0.9,
                    "num_images": 6, "images": "6 validation images", "metadata": "{}", "snippet_text": ""})
    return out


def test_file_column_names_each_format_folder_and_every_row_shows(qtbot: QtBot, window: MainWindow,
                                                                   tmp_path: Path) -> None:
    """Several formats go to one folder each: 'model.onnx' three times said nothing; and all the rows
    (the trained model and every format) are in view without scrolling."""
    from PySide6.QtWidgets import QApplication

    window.show_page("export")
    xp = window.export_page
    dest = tmp_path / "exports"
    xp.results.show_results(fake_results(dest), dest)
    QApplication.processEvents()
    col = {header(xp.results.table, c).text(): c for c in range(xp.results.table.columnCount())}
    rows = 1 + len(fake_results(dest))  # the trained model, then each format
    files = {cell(xp.results.table, r, 0): cell(xp.results.table, r, col["File"]) for r in range(rows)}
    assert files["ONNX"] == "onnx/model.onnx" and files["ONNX int8"] == "onnx-int8/model.onnx"
    assert files["OpenVINO (.xml + .bin)"] == "openvino/model.xml + openvino/model.bin"
    assert xp.results.table.rowCount() == rows and xp.results.table.verticalScrollBar().maximum() == 0


def test_the_serve_tab_scrolls_rather_than_drawing_its_rows_over_each_other(qtbot: QtBot,
                                                                           window: MainWindow) -> None:
    """On a 1280x800 screen (less a desktop bar and the title bar) the pane under the table was little more than
    its tab bar: the Serve box's rows (port, address, curl line, request count) were squeezed into it and drawn
    over each other. The box keeps its size (and the pane now keeps room for it: test_serve_layout)."""
    from PySide6.QtWidgets import QApplication, QWidget

    window.resize(1280, 720)
    window.show_page("export")
    details = window.export_page.results.details
    details.setCurrentIndex(details.count() - 1)  # Serve over HTTP
    for _ in range(3):
        QApplication.processEvents()
    panel = window.export_page.serve_panel
    assert panel.isVisible()
    squeezed = [w.objectName() or type(w).__name__ for w in [panel, *panel.findChildren(QWidget)]
                if w.isVisible() and w.height() < w.minimumSizeHint().height()
                and not w.objectName().startswith("qt_")]  # a spin box's own line edit is its business
    assert not squeezed, squeezed


def test_the_results_stay_readable_during_an_export_at_1024x640(qtbot: QtBot, window: MainWindow,
                                                                 tmp_path: Path) -> None:
    """With the status line of an export showing and a line under the table that wraps, the line sits below the
    table's rows, the details show a few lines under their tabs, and the page scrolls for the rest."""
    from PySide6.QtWidgets import QApplication

    window.resize(1024, 640 - 40)
    window.show_page("export")
    xp = window.export_page
    xp.status_line.start("Exporting…")
    xp.status_line.setVisible(True)
    res, label = xp.results, xp.results.measured_label
    dest = tmp_path / "exports"
    results = fake_results(dest)
    images = "46 validation images"
    while label.fontMetrics().horizontalAdvance(images) < 2 * label.width():  # a line that wraps, whatever the font
        images += ", 46 validation images"
    for r in results:
        r["images"] = images
    res.show_results(results, dest)
    for _ in range(3):
        QApplication.processEvents()
    table = res.table
    table_bottom = table.mapTo(xp, table.rect().bottomLeft()).y()
    assert label.mapTo(xp, label.rect().topLeft()).y() > table_bottom
    assert label.height() >= label.heightForWidth(label.width()) > label.fontMetrics().height()
    assert table.height() >= table.minimumHeight()
    view = res.snippet_view
    assert view.viewport().height() >= 3 * view.fontMetrics().lineSpacing()
    area = window.stack.current_area()
    assert area is not None and area.widget() is xp and area.verticalScrollBar().maximum() > 0


def start_serving(panel: Any, monkeypatch: pytest.MonkeyPatch) -> Callable[[], str]:
    """Press Serve with no server behind it; the returned call hands over what starting one answers (its URL)."""
    from types import SimpleNamespace

    started: list[Callable[[object], None]] = []
    with monkeypatch.context() as m:
        m.setattr(panel.tasks, "start", lambda _name, _work, on_done, **_kw: started.append(on_done))
        panel.toggle()
    url = "http://127.0.0.1:8765"

    def answer() -> str:
        started[0](SimpleNamespace(port=8765, url=url, runtime="onnxruntime", curl_example=lambda: f"curl {url}"))
        return url
    return answer


def test_the_serve_box_names_the_model_it_serves_after_another_is_chosen(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server answers with the model it was started with; a model chosen afterwards (a run that ended) is not
    the one served, and the address line says which one is."""

    panel = window.export_page.serve_panel
    window.state.set_run(str(tmp_path / "served-run"))
    answer = start_serving(panel, monkeypatch)
    window.state.set_run(str(tmp_path / "newer-run"))  # chosen while the server starts
    url = answer()
    text = panel.address_label.text()
    assert url in text and "served-run" in text and "newer-run" not in text
    panel.timer.stop()
    panel.port = None  # (nothing to stop at the window's close)


def test_while_one_model_is_served_the_serve_box_says_another_was_chosen_and_how_to_serve_it(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The address line named the served model, but nothing beside the newly chosen one said it was not served."""

    panel = window.export_page.serve_panel
    window.state.set_run(str(tmp_path / "served-run"))
    answer = start_serving(panel, monkeypatch)
    answer()
    assert panel.other_model_label.isHidden()  # the served model is the chosen one
    window.state.set_run(str(tmp_path / "newer-run"))  # another folder opened, or a run picked in Past runs
    note = panel.other_model_label
    assert not note.isHidden() and "newer-run" in note.text() and "stop and start" in note.text()
    window.state.set_run(str(tmp_path / "served-run"))
    assert note.isHidden()
    panel.timer.stop()
    panel.port = None  # (nothing to stop at the window's close)


def test_the_results_columns_keep_their_widths_when_an_export_starts(window: MainWindow, tmp_path: Path) -> None:
    """An export starting takes the last rows down: the columns then shrank to their headers ("Size", "Format"),
    and grew back as rows came, so the table jumped twice."""
    from desktop_cls.gui.pages.export.export_results import FILE

    results = window.export_page.results
    window.show()
    results.show_results(fake_results(tmp_path / "exports"), tmp_path / "exports")
    widths = [results.table.columnWidth(c) for c in range(FILE)]
    results.show_results([], tmp_path / "exports", "run")  # as ExportBegun does
    assert results.table.rowCount() == 0
    assert [results.table.columnWidth(c) for c in range(FILE)] == widths


def test_a_format_this_copy_cannot_write_says_why_beside_it(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QLabel, QWidget

    from desktop_cls.gui.pages.export import export_formats

    monkeypatch.setattr(export_formats, "web_runtime_present", lambda: False)
    checks = export_formats.format_checks()
    box = QWidget()
    qtbot.addWidget(box)
    box.setLayout(export_formats.format_grid(checks))
    use = box.findChild(QLabel, "webUse")
    assert use is not None and not checks["web"].isEnabled()
    assert "ONNX Runtime Web" in use.text() and "Not available" in use.text()
    onnx = box.findChild(QLabel, "onnxUse")
    assert onnx is not None and "Not available" not in onnx.text()


def test_quitting_while_a_model_is_served_asks_first_and_names_the_address(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Closing the window stopped the server without a word; now it asks, as it does during training."""

    from PySide6.QtWidgets import QMessageBox

    import desktop_cls.core.serving.server as server

    panel = window.export_page.serve_panel
    window.state.set_run(str(tmp_path / "served-run"))
    url = start_serving(panel, monkeypatch)()
    panel.timer.stop()
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.No]

    def question(_parent: object, _title: str, text: str, *args: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return answer[0]

    stopped: list[int] = []

    def stop(port: int) -> int:
        stopped.append(port)
        return 0

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(server, "stop_in_background", stop)
    window.show()
    assert not window.close()  # No: the window stays and the server goes on
    assert asked and f"served at {url}; quitting stops it" in asked[0]
    assert panel.port == 8765 and not stopped
    answer[0] = QMessageBox.StandardButton.Yes
    assert window.close() and stopped == [8765] and panel.port is None


def slow_serve_start(qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                     ) -> tuple[Any, list[tuple[object, ...]]]:
    """Press Serve on a model that opens only once the returned event is set; (that event, the servers that would
    have listened)."""
    import threading

    import desktop_cls.core.serving.server as server

    opened, release, listening = threading.Event(), threading.Event(), []

    def slow_open(source: str, device: str = "cpu") -> object:
        opened.set()
        release.wait(30)
        return object()

    class Server:  # what would listen: recorded, never started here
        def __init__(self, *args: object) -> None:
            listening.append(args)

    monkeypatch.setattr(server.ServedModel, "open", staticmethod(slow_open))
    monkeypatch.setattr(server, "RunningServer", Server)
    panel = window.export_page.serve_panel
    window.state.set_run(str(tmp_path / "slow-run"))
    panel.port_spin.setValue(0)
    qtbot.mouseClick(panel.serve_button, Qt.MouseButton.LeftButton)
    assert opened.wait(30)
    qtbot.waitUntil(lambda: "Starting to serve \u2068slow-run\u2069" in window.status_bar.task_status.text())
    return release, listening


def test_starting_to_serve_shows_in_the_status_bar_and_cancel_means_no_server(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening and checking the model took a minute with nothing in the status bar and no way back; now the start
    is a named, busy task there, and Cancel gives it up: no server starts once the model is open. The status bar
    kept "Starting to serve…" until the model had opened; it clears at the Cancel."""
    panel = window.export_page.serve_panel
    release, listening = slow_serve_start(qtbot, window, tmp_path, monkeypatch)
    bar = window.status_bar
    assert bar.task_progress.isVisibleTo(window) and bar.task_progress.maximum() == 0  # busy
    assert not panel.cancel_button.isHidden() and not panel.serve_button.isEnabled()
    panel.cancel_button.click()
    assert panel.address_label.text() == "Not serving" and panel.serve_button.isEnabled()
    assert panel.cancel_button.isHidden() and panel.serve_button.text() == "Start serving"
    assert bar.task_status.text() == "" and not bar.task_progress.isVisibleTo(window)  # at once
    release.set()  # the model finishes opening after the Cancel
    qtbot.waitUntil(lambda: all(not t.is_running() for t in window.tasks.tasks))
    assert window.status_bar.task_status.text() == ""
    assert listening == [] and panel.port is None and panel.address_label.text() == "Not serving"


def test_quitting_while_serving_starts_says_the_start_is_cancelled(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The quit question spoke of a task called "serve"; it says what quitting does to the server starting."""
    from tests.gui.test_paused_training import quit_questions

    release, listening = slow_serve_start(qtbot, window, tmp_path, monkeypatch)
    asked = quit_questions(monkeypatch)
    try:
        assert not window.close()  # No: the window stays and the start goes on
        assert asked == ["Serving \u2068slow-run\u2069 is starting; quitting cancels it.\n\nQuit anyway?"]
        assert window.export_page.serve_panel.starting() is not None
    finally:
        window.export_page.serve_panel.cancel_start()
        release.set()
    qtbot.waitUntil(lambda: all(not t.is_running() for t in window.tasks.tasks))
    assert listening == []


def test_a_server_that_came_up_after_its_start_was_cancelled_is_stopped_unseen(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The model was open and the server listening just before Cancel reached it: the box stays Not serving and
    that server is stopped, not left answering on a port nobody shows."""
    from types import SimpleNamespace

    panel = window.export_page.serve_panel
    window.state.set_run(str(tmp_path / "served-run"))
    started: list[tuple[str, Callable[[object], None] | None]] = []

    def start(name: str, _work: object, on_done: Callable[[object], None] | None = None, **_kw: object) -> object:
        started.append((name, on_done))
        return SimpleNamespace(cancel=lambda reason="user": None, is_running=lambda: True, let_go=False, lane=None)

    with monkeypatch.context() as m:  # (no server: the test hands over what starting one answers)
        m.setattr(panel.tasks, "start", start)
        panel.toggle()
        panel.cancel_start()
        url = "http://127.0.0.1:8765"
        on_done = started[0][1]
        assert on_done is not None
        on_done(SimpleNamespace(port=8765, url=url, runtime="onnxruntime", curl_example=lambda: f"curl {url}"))
    assert panel.port is None and panel.address_label.text() == "Not serving"
    assert [name for name, _ in started] == ["serve", "serve-stop"]


def test_an_export_that_ends_after_another_model_was_chosen_says_where_its_files_went(
        qtbot: QtBot, window: MainWindow, trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    """A training stopped during an export made its run the chosen model: the export went on and wrote its files,
    and the page, rightly showing none of its rows under the other model, said nothing of it at all."""
    xp = window.export_page
    run = str(trained_run[0])
    window.state.set_run(run)
    out = tmp_path / "exports"
    xp.dest_edit.setText(str(out))
    for fmt, c in xp.checks.items():
        c.setChecked(fmt == "safetensors")
    xp.export()
    window.state.set_run(str(trained_run[0] / "model.safetensors"))  # another model, chosen meanwhile
    qtbot.waitUntil(lambda: xp.buttons["exportButton"].isEnabled(), timeout=120_000)
    assert xp.results.table.rowCount() == 0  # its rows are not shown under the other model
    assert Path(run).name in xp.hint.text() and str(out) in xp.hint.text()
    assert [p.name for p in out.rglob("model.safetensors")] == ["model.safetensors"]  # written all the same


def test_the_ticked_formats_come_back_after_a_restart(qtbot: QtBot, isolated_user_dirs: Path) -> None:
    """Only the default three came back; the export folder was remembered, the formats were not."""
    first = MainWindow(load_core=False)
    qtbot.addWidget(first, before_close_func=lambda win: win.shutdown())
    first.export_page.checks["torchscript"].setChecked(True)
    first.export_page.checks["onnx-int8"].setChecked(False)
    first.shutdown()  # writes the burst still waiting for its pause
    second = MainWindow(load_core=False)
    qtbot.addWidget(second, before_close_func=lambda win: win.shutdown())
    ticked = [f for f, c in second.export_page.checks.items() if c.isChecked()]
    assert ticked == ["safetensors", "torchscript", "onnx"]


def test_a_remembered_format_this_copy_cannot_write_stays_off_and_stays_remembered(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.gui.pages.export import export_formats

    monkeypatch.setattr(export_formats, "web_runtime_present", lambda: False)
    monkeypatch.setattr(export_formats, "openvino_installed", lambda: False)
    remembered = ["onnx", "openvino", "web"]
    checks = export_formats.format_checks(remembered)
    assert [f for f, c in checks.items() if c.isChecked()] == ["onnx"]
    assert not checks["web"].isEnabled() and not checks["openvino"].isEnabled()
    checks["safetensors"].setChecked(True)  # a tick changed here keeps the choice made where they are installed
    assert export_formats.ticks_to_remember(checks, remembered) == ["safetensors", "onnx", "openvino", "web"]


def test_what_follows_not_available_continues_the_sentence(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """"Not available: This copy lacks…" put a capital after the colon: each reason begins with what is missing,
    a name written with its capital."""
    from PySide6.QtWidgets import QLabel, QWidget

    from desktop_cls.gui.pages.export import export_formats

    monkeypatch.setattr(export_formats, "web_runtime_present", lambda: False)
    monkeypatch.setattr(export_formats, "openvino_installed", lambda: False)
    box = QWidget()
    qtbot.addWidget(box)
    box.setLayout(export_formats.format_grid(export_formats.format_checks()))
    for fmt, name in (("web", "ONNX Runtime Web"), ("openvino", "OpenVINO")):
        use = box.findChild(QLabel, f"{fmt}Use")
        assert use is not None
        assert use.text().split("Not available: ")[1].startswith(name), use.text()


@pytest.mark.parametrize("checkout", [False, True])
def test_web_export_unavailable_says_what_a_user_can_do(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path, checkout: bool) -> None:
    """The disabled Web page told every user to run python dev.py web-runtime in a source checkout, which a user
    of the installed app cannot do: they are told what they can do, and the command only where it can be run."""
    from desktop_cls import resources_path
    from desktop_cls.gui.pages.export import export_formats

    monkeypatch.setattr(export_formats, "web_runtime_present", lambda: False)
    monkeypatch.setattr(resources_path, "source_checkout", lambda: tmp_path if checkout else None)
    tip = export_formats.format_checks()["web"].toolTip()
    assert "released" in tip and "ONNX export" in tip
    assert ("dev.py web-runtime" in tip) == checkout

"""The app always starts: a settings folder synced from elsewhere, a damaged run and an unwritable log
folder each cost at most their own field or feature, never the start."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from pytestqt.qtbot import QtBot

from desktop_cls.gui.settings import SCHEMA_VERSION, Settings, load_settings, saved_split
from desktop_cls.gui.shell.main_window import MainWindow


def _write(p: Path, data: object) -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return p


HOSTILE = {"schema_version": SCHEMA_VERSION, "window_geometry": 12345, "last_export_dir": 7,
           "theme": "dark", "recent_folders": ["/a", "/b"], "language": "klingon",
           "last_train_config": {"val_fraction": "abc", "epochs": 3, "seed": 5}}


def test_each_bad_field_falls_back_alone(tmp_path: Path) -> None:
    s, notice = load_settings(_write(tmp_path / "settings.json", HOSTILE))
    assert s.theme == "dark" and s.recent_folders == ["/a", "/b"]  # the good fields are kept
    assert s.window_geometry == "" and s.last_export_dir == "" and s.language == "system"
    assert s.last_train_config == {"epochs": 3, "seed": 5}  # only the bad option is dropped
    assert saved_split(s) == (0.2, 5)
    assert notice is not None
    for name in ("window_geometry", "last_export_dir", "language", "last_train_config.val_fraction"):
        assert name in notice
    assert (tmp_path / "settings.json").exists()  # a partly good file is not set aside


def test_a_bad_split_in_memory_still_opens_folders() -> None:
    s = Settings(last_train_config={"val_fraction": "abc", "seed": "x"})
    assert saved_split(s) == (0.2, 0)


@pytest.mark.skipif(os.name != "posix", reason="FIFOs are POSIX")
def test_a_fifo_settings_file_does_not_hang_the_start(tmp_path: Path) -> None:
    fifo = tmp_path / "settings.json"
    os.mkfifo(fifo)
    s, notice = load_settings(fifo)
    assert s == Settings() and notice is not None and "not a regular file" in notice


def test_deeply_nested_settings_give_defaults_and_a_notice(tmp_path: Path) -> None:
    s, notice = load_settings(_write(tmp_path / "settings.json", "[" * 100_000 + "]" * 100_000))
    assert s == Settings() and notice is not None and "nests JSON deeper" in notice


def test_an_oversized_settings_file_is_set_aside_with_advice_that_works(tmp_path: Path) -> None:
    """Settings have a fixed 4 MB limit: the notice named DESKTOP_CLS_MAX_FILE_MB, which does not raise it."""
    big = {"schema_version": SCHEMA_VERSION, "last_export_dir": "x" * (5 * 1024 * 1024)}
    s, notice = load_settings(_write(tmp_path / "settings.json", big))
    assert s == Settings() and notice is not None
    assert "DESKTOP_CLS_MAX_FILE_MB" not in notice
    assert str(tmp_path / "settings.json") in notice and "4 MB" in notice
    assert str(tmp_path / "settings.json.bad") in notice and (tmp_path / "settings.json.bad").is_file()


def test_the_window_starts_with_a_hostile_settings_folder(qtbot: QtBot, isolated_user_dirs: Path,
                                                          tiny_folder: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from desktop_cls.gui.shell.app import setup_logging

    _write(isolated_user_dirs / "config" / "settings.json", HOSTILE)
    (isolated_user_dirs / "log").write_text("a file where the log folder should be")  # unwritable, even as root
    run = isolated_user_dirs / "data" / "runs" / "20260101-000000-quicknet"
    _write(run / "config.json", {})
    _write(run / "run.json", {"status": "running", "pid": 2**22 + 4321, "host": socket.gethostname()})
    _write(run / "metrics.jsonl", '{"epoch": null}\n')
    _write(isolated_user_dirs / "data" / "runs" / "deep" / "run.json", "[" * 100_000)
    _write(isolated_user_dirs / "data" / "runs" / "deep" / "config.json", {})
    notices: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a, **k: notices.append(text))

    assert setup_logging() == ""  # the log goes to stderr; the start goes on
    w = MainWindow(load_core=False)
    qtbot.addWidget(w, before_close_func=lambda win: win.shutdown())
    w.show()
    qtbot.waitUntil(lambda: bool(notices), timeout=10_000)
    assert "val_fraction" in notices[0]
    assert w.interrupted_banner.run == run and "interrupted" in w.interrupted_banner.label.text()
    labels = [w.train_page.past_runs.runs_list.item(i).text() for i in range(w.train_page.past_runs.runs_list.count())]
    assert any(label.startswith("deep") and "damaged" in label for label in labels)
    w.wait_until_core_loaded()
    w.open_dataset(tiny_folder)  # val_fraction "abc" made every Open folder fail silently
    qtbot.waitUntil(lambda: w.state.dataset is not None, timeout=30_000)
    w.shutdown()


def test_each_unreadable_settings_file_is_kept_aside_none_overwritten(tmp_path: Path) -> None:
    """A second unreadable settings file does not replace the first one's backup: each gets its own name, the
    newest MAX_BAD_COPIES are kept, and the notice names where the file went."""
    from desktop_cls.gui.settings import MAX_BAD_COPIES

    p = tmp_path / "settings.json"
    for i in range(1, MAX_BAD_COPIES + 3):
        _write(p, f"{{ damaged {i}")
        s, notice = load_settings(p)
        name = "settings.json.bad" if i == 1 else f"settings.json.bad-{i}"
        assert s == Settings() and notice is not None and name in notice and not p.exists()
        assert (tmp_path / name).read_text() == f"{{ damaged {i}"
    kept = sorted(os.listdir(tmp_path))
    assert kept == sorted(f"settings.json.bad-{i}" for i in range(3, MAX_BAD_COPIES + 3))


@pytest.mark.skipif(os.name != "posix", reason="FIFOs and links to a shell start file are POSIX")
@pytest.mark.parametrize("kind", ["link", "hard link", "fifo"])
def test_a_log_file_that_is_a_link_or_a_fifo_is_never_written_through(isolated_user_dirs: Path, tmp_path: Path,
                                                                       kind: str) -> None:
    """The log was opened for appending by name: a link there (to ~/.bashrc, say) got every log line, file names
    from datasets included, and a FIFO kept the window from starting (opening it waits for a reader)."""
    import logging

    from desktop_cls.gui.shell.app import APP_LOG_HANDLER, setup_logging

    bashrc = tmp_path / "victim" / ".bashrc"
    bashrc.parent.mkdir()
    bashrc.write_text("export PATH=$PATH\n")
    log = isolated_user_dirs / "log" / "desktop_cls.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    reader = None
    if kind == "link":
        log.symlink_to(bashrc)
    elif kind == "hard link":  # a second name of the same file: appending there appends to ~/.bashrc
        os.link(bashrc, log)
    else:
        os.mkfifo(log)
        reader = os.open(log, os.O_RDONLY | os.O_NONBLOCK)  # (so that the unfixed open does not wait for ever)
    root = logging.getLogger("desktop_cls")
    try:
        assert setup_logging() == ""  # the log goes to stderr; the start goes on
        root.info("$(touch PWNED)")
    finally:
        for h in [h for h in root.handlers if h.get_name() == APP_LOG_HANDLER]:
            root.removeHandler(h)
            h.close()
        if reader is not None:
            os.close(reader)
    assert bashrc.read_text() == "export PATH=$PATH\n"


@pytest.mark.parametrize("value", [["onnx", "../../evil"], "onnx", ["onnx", "onnx"], [{"onnx": 1}], None])
def test_export_formats_other_than_known_ones_give_the_defaults(tmp_path: Path, value: object) -> None:
    data = {"schema_version": SCHEMA_VERSION, "export_formats": value, "theme": "dark"}
    s, notice = load_settings(_write(tmp_path / "settings.json", data))
    assert s.export_formats == ["safetensors", "onnx", "onnx-int8"] and s.theme == "dark"
    assert notice is not None and "export_formats" in notice


def test_a_settings_file_from_before_export_formats_ticks_the_defaults(tmp_path: Path) -> None:
    s, notice = load_settings(_write(tmp_path / "settings.json", {"schema_version": SCHEMA_VERSION, "theme": "dark"}))
    assert notice is None and s.export_formats == ["safetensors", "onnx", "onnx-int8"]
    s, notice = load_settings(_write(tmp_path / "settings.json", {"schema_version": SCHEMA_VERSION,
                                                                   "export_formats": []}))
    assert notice is None and s.export_formats == []  # none ticked is a choice too

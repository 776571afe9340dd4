"""Names with text-direction controls and very long names, as the window shows them.

A dataset folder, class or run named by someone else ("cat\u202egnp.exe") is put into sentences isolated (FIRST
STRONG ISOLATE ... POP DIRECTIONAL ISOLATE, its own controls taken out), so the rest of the sentence keeps its order.
A 200-character folder name is cut in the middle of the status bar's line, whole in its tooltip."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_cls.core.i18n import BIDI_CONTROLS
from desktop_cls.core.run_list import summarize
from desktop_cls.core.storage import default_runs_dir
from desktop_cls.gui.pages.train.past_runs import PastRuns
from desktop_cls.gui.shell.labeling_undo import describe_step
from desktop_cls.gui.shell.main_window import MainWindow
from desktop_cls.gui.widgets.elided_label import ElidedLabel
from tests.conftest import make_tiny_folder
from tests.core.test_run_list import fake_run
from tests.gui.conftest import open_and_wait

FSI, PDI = "\u2068", "\u2069"


def _controls(text: str) -> list[str]:
    return [ch for ch in text if ch in BIDI_CONTROLS]


def test_the_status_bar_and_title_isolate_a_folder_name(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    folder = make_tiny_folder(tmp_path / "set\u202egnp.exe", classes=("cat", "dog"), per_class=3)
    open_and_wait(qtbot, window, folder)
    line = window.status_bar.dataset_status.full_text()
    assert line.startswith(f"{FSI}setgnp.exe{PDI}: 6 images") and _controls(line) == [FSI, PDI]
    assert window.windowTitle() == "setgnp.exe — desktop_cls"  # drawn by the desktop: no marks, no controls


def test_the_label_pages_step_words_isolate_class_names() -> None:
    move = SimpleNamespace(src="a.png", dst="train/cat\u202egnp.exe/a.png")
    words = describe_step(SimpleNamespace(kind="assign", moves=[move], description=""))
    assert words == f"move of 1 image to '{FSI}catgnp.exe{PDI}'" and _controls(words) == [FSI, PDI]
    rename = SimpleNamespace(src="train/\u202eold", dst="train/new\u2067")
    words = describe_step(SimpleNamespace(kind="rename_class", moves=[rename], description=""))
    assert words == f"renaming of '{FSI}old{PDI}' to '{FSI}new{PDI}'"


def _quick_stopped(name: str = "a-quick-stopped") -> Path:
    return fake_run(default_runs_dir(), name, checkpoint=False, method="quick", status="cancelled")


def test_past_runs_isolate_a_run_name(qtbot: QtBot, isolated_user_dirs: Path) -> None:
    run = _quick_stopped("run\u202egnp.exe")
    past = PastRuns()
    qtbot.addWidget(past)
    text = past.no_model_text(summarize(run))
    assert text.startswith(f"{FSI}rungnp.exe{PDI} saved no model") and _controls(text) == [FSI, PDI]


def test_a_long_name_is_cut_in_its_middle_and_whole_in_the_tooltip(qtbot: QtBot) -> None:
    name = "photos-" + "x" * 180 + "-2024-run3-end"
    assert len(name) > 200
    label = ElidedLabel(name)
    qtbot.addWidget(label)
    label.resize(label.fontMetrics().horizontalAdvance(name) // 3, 30)
    label.show()
    qtbot.waitUntil(lambda: "…" in label.text())
    assert label.text().startswith("photos-") and label.text().endswith("-run3-end")
    assert label.toolTip() == name and label.full_text() == name
    label.resize(label.fontMetrics().horizontalAdvance(name) * 2, 30)  # wide enough again: whole
    qtbot.waitUntil(lambda: label.text() == name)


def test_the_status_bar_elides_a_long_folder_name(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    name = "photos-" + "x" * 180 + "-2024-run3-end"
    folder = make_tiny_folder(tmp_path / name, classes=("cat", "dog"), per_class=3)
    window.resize(900, 600)
    open_and_wait(qtbot, window, folder)
    status = window.status_bar.dataset_status
    # (the bar is laid out again as the tasks of the opening come and go: the summary's share settles after them)
    qtbot.waitUntil(lambda: "…" in status.text() and "-2024-run3-end" in status.text(), timeout=30_000)
    assert "-2024-run3-end" in status.text() and status.text().endswith("6 images, 2 classes")
    assert name in status.toolTip()
    assert status.width() < window.width()


def test_open_model_or_run_refuses_a_run_without_a_model_as_past_runs_does(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    run = _quick_stopped()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(run / "run.json"), ""))
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: said.append(text))
    window.menus.open_model()
    assert window.state.run is None
    assert said == [PastRuns().no_model_text(summarize(run))]
    assert "quick run was stopped" in said[0] and "finished no epoch" not in said[0]


def test_a_run_without_a_model_is_not_restored_at_startup(qtbot: QtBot, isolated_user_dirs: Path) -> None:
    from desktop_cls.gui.settings import Settings, save_settings

    run = _quick_stopped()
    save_settings(Settings(recent_runs=[str(run)]))
    w = MainWindow(load_core=False)
    qtbot.addWidget(w, before_close_func=lambda win: win.shutdown())
    w.reopen_last()
    assert w.state.run is None
    assert w.statusBar().currentMessage() == PastRuns().no_model_text(summarize(run))


def test_the_rename_question_isolates_the_class_name(qtbot: QtBot, window: MainWindow, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.gui.pages.label import label_classes

    folder = make_tiny_folder(tmp_path / "set", classes=("cat", "dog"), per_class=3)
    open_and_wait(qtbot, window, folder)
    window.show_page("label")
    asked: list[str] = []
    monkeypatch.setattr(label_classes, "ask_item", lambda *a: ("cat", True))

    def ask_text(_parent: object, _title: str, question: str, *_a: object) -> tuple[str, bool]:
        asked.append(question)
        return "", False  # cancelled

    monkeypatch.setattr(label_classes, "ask_text", ask_text)
    window.label_page.classes.rename_class()
    assert asked == [f"New name for '{FSI}cat{PDI}':"]

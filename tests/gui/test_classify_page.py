"""Classify page defects found on first use: the threshold, Save CSV, and a folder that fails to open."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_cls.gui.pages.classify.classify_page import ClassifyPage
from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import cell, open_and_wait


def _classified(qtbot: QtBot, window: MainWindow, trained_run: tuple[Path, Path], what: str) -> ClassifyPage:
    run, data = trained_run
    cp = window.classify_page
    window.state.set_run(str(run))
    qtbot.waitUntil(lambda: cp.model.loaded, timeout=60_000)
    cp.classify_paths([str(data / what)])
    qtbot.waitUntil(lambda: len(cp.results.predictions) == 10 and cp.buttons["classifyFilesButton"].isEnabled(),
                    timeout=60_000)
    return cp


def test_changing_unknown_below_relabels_the_results_shown(qtbot: QtBot, window: MainWindow,
                                                          trained_run: tuple[Path, Path]) -> None:
    cp = _classified(qtbot, window, trained_run, "dog")
    before = [p.label for p in cp.results.predictions]
    assert "unknown" not in before
    confidences = [p.confidence for p in cp.results.predictions]
    cut = sorted(confidences)[len(confidences) // 2]  # half the images fall below it
    cp.controls.threshold_spin.setValue(cut * 100 + 0.5)
    t = cp.controls.threshold_spin.value() / 100
    shown = [cell(cp.results.table, r, 1) for r in range(cp.results.model.rowCount())]
    expected = [lab if c >= t else "unknown" for lab, c in zip(before, confidences, strict=True)]
    assert "unknown" in expected and expected != before
    assert shown == expected
    assert [p.label for p in cp.results.predictions] == expected
    row = cp.results.table.currentIndex().row()
    assert cp.preview.caption.text().startswith(expected[row])
    cp.controls.threshold_spin.setValue(0)  # the scores are kept: lowering it gives the classes back
    assert [cell(cp.results.table, r, 1) for r in range(cp.results.model.rowCount())] == before


def test_a_classified_folder_is_summed_up_per_class_with_the_unsure_and_unreadable_counted(
        qtbot: QtBot, window: MainWindow, trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    """Classifying a folder ended with the bar at 100 % and nothing said: the page sums it up under the table (how
    many images, how many of each class, how many unsure or unreadable), and counts again when the threshold moves."""
    import shutil
    from collections import Counter

    run, data = trained_run
    folder = tmp_path / "mixed"
    shutil.copytree(data / "dog", folder)
    (folder / "broken.png").write_bytes(b"not an image")
    cp = window.classify_page
    window.state.set_run(str(run))
    qtbot.waitUntil(lambda: cp.model.loaded, timeout=60_000)
    summary = cp.results.summary
    cp.classify_paths([str(folder)])
    qtbot.waitUntil(lambda: len(cp.results.predictions) == 11 and cp.buttons["classifyFilesButton"].isEnabled(),
                    timeout=60_000)
    assert summary.isVisibleTo(cp)
    counts = Counter(p.label for p in cp.results.predictions if p.label)
    plain = summary.text().replace("\u2068", "").replace("\u2069", "")
    assert plain.startswith("11 images classified: ") and plain.endswith(" · 1 could not be read")
    for name, n in counts.items():
        assert f"{name} {n}" in plain
    assert "unsure" not in plain
    confidences = sorted(p.confidence for p in cp.results.predictions if p.label)
    cp.controls.threshold_spin.setValue(confidences[5] * 100 + 0.5)  # half of them fall below it
    unsure, t = sum(p.label == "unknown" for p in cp.results.predictions), cp.controls.threshold_spin.value() / 100
    assert unsure and f"{unsure} unsure (under {t:.0%})" in summary.text()
    cp.classify_paths([str(folder / "broken.png")])  # another request: the summary of the one before goes
    assert not summary.isVisibleTo(cp)
    qtbot.waitUntil(lambda: len(cp.results.predictions) == 1 and summary.isVisibleTo(cp), timeout=60_000)
    caption = cp.preview.caption  # why it could not be read, in bold, wraps instead of widening the page
    assert "Cannot read this image" in caption.text()
    assert caption.minimumSizeHint().width() < caption.fontMetrics().horizontalAdvance(caption.text())


def test_save_csv_is_enabled_after_classify_images_and_writes_them(qtbot: QtBot, window: MainWindow,
                                                                  trained_run: tuple[Path, Path], tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    run, data = trained_run
    cp = window.classify_page
    window.state.set_run(str(run))
    qtbot.waitUntil(lambda: cp.model.loaded, timeout=60_000)
    files = [str(p) for p in sorted((data / "cat").iterdir())[:3]]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: (files, ""))
    qtbot.mouseClick(cp.buttons["classifyFilesButton"], Qt.MouseButton.LeftButton)
    # rows arrive batch by batch; Save CSV and Copy come when the request has ended, not with its last row
    qtbot.waitUntil(lambda: len(cp.results.predictions) == 3 and cp.results.csv_button.isEnabled(), timeout=60_000)
    assert cp.results.copy_button.isEnabled()
    out = tmp_path / "predictions.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    qtbot.mouseClick(cp.results.csv_button, Qt.MouseButton.LeftButton)
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))  # spreadsheets want the BOM
    assert [r["path"] for r in rows] == files
    assert all(r["label"] in ("cat", "dog", "fish") for r in rows)


def test_a_folder_that_fails_to_open_leaves_the_open_dataset_in_the_field(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.gui.pages.data import dataset_page

    errors: list[str] = []
    monkeypatch.setattr(dataset_page, "show_error", lambda _w, _t, message, _d="": errors.append(message))
    open_and_wait(qtbot, window, tiny_folder)
    dp = window.dataset_page
    opened = window.state.dataset
    assert opened is not None
    no_classes = tmp_path / "no_classes"
    no_classes.mkdir()
    dp.path_edit.setText(str(no_classes))
    qtbot.keyClick(dp.path_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(errors), timeout=30_000)
    assert dp.path_edit.text() == opened.root
    assert window.state.dataset is opened
    assert opened.root in errors[0]  # the message says which dataset is still open


def test_file_dialogs_open_in_the_dataset_folder_else_home(qtbot: QtBot, window: MainWindow, tiny_folder: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    asked: list[str] = []

    def ask(answer: object) -> Callable[..., object]:
        """A file dialog that notes the folder it opens in and returns `answer` (cancelled)."""
        def dialog(_parent: object, _title: str, start: str, *_args: object) -> object:
            asked.append(start)
            return answer
        return dialog

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", ask(([], "")))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", ask(("", "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", ask(""))
    cp, ep = window.classify_page, window.evaluate_page
    cp._pick_files()
    assert asked == [str(Path.home())]  # no dataset yet
    open_and_wait(qtbot, window, tiny_folder)
    asked.clear()
    cp._pick_files()
    cp._pick_folder()
    cp._pick_video()
    ep._browse()
    assert window.state.dataset is not None
    assert asked == [str(window.state.dataset.root)] * 4


def test_a_ready_model_teaches_how_to_classify_and_shows_no_empty_bars(qtbot: QtBot, window: MainWindow,
                                                                      trained_run: tuple[Path, Path]) -> None:
    run, data = trained_run
    cp = window.classify_page
    preview = cp.preview
    assert all(bar.isHidden() for _name, bar in preview.bars)  # nothing to rank before a model, either
    window.state.set_run(str(run))
    qtbot.waitUntil(lambda: cp.model.loaded, timeout=60_000)
    assert not preview.hint.isHidden() and "Drop an image here" in preview.hint.text()
    assert "Classify a folder" in preview.hint.text() and "Webcam" in preview.hint.text()
    assert all(bar.isHidden() for _name, bar in preview.bars)
    cp.classify_paths([str(next((data / "cat").iterdir()))])
    qtbot.waitUntil(lambda: len(cp.results.predictions) == 1, timeout=60_000)
    shown = [bar for _name, bar in preview.bars if not bar.isHidden()]
    assert preview.hint.isHidden() and 1 <= len(shown) <= 3  # never more bars than the model's three classes
    # the percentage beside its bar, not drawn across the bar's fill and background (hard to read in either theme)
    top = cp.results.predictions[0].top_k
    percents = [label for label in preview.percents if not label.isHidden()]
    assert [label.text() for label in percents] == [f"{prob:.1%}" for _class, prob in top[:len(shown)]]
    assert not any(bar.isTextVisible() for bar in shown)
    window.show_page("classify")
    qtbot.waitUntil(lambda: all(label.isVisible() and label.geometry().left() > bar.geometry().right()
                                for bar, label in zip(shown, percents, strict=True)))


def test_another_model_says_it_is_loading_until_it_is_ready(qtbot: QtBot, window: MainWindow,
                                                             trained_run: tuple[Path, Path]) -> None:
    """Changing the model after classifying a folder emptied the page and left it blank for the ten seconds
    the other model took to open (behind the folder's last batch on the classifier's lane)."""
    run, _data = trained_run
    cp = _classified(qtbot, window, trained_run, "cat")
    other = str(run / "model.safetensors")  # the same network by another path: another model to the page
    cp.load_model(other)
    assert not cp.results.predictions and "Loading \u2068model.safetensors\u2069" in cp.preview.caption.text()
    qtbot.waitUntil(lambda: cp.model.loaded, timeout=60_000)
    assert "Model ready" in cp.preview.caption.text()

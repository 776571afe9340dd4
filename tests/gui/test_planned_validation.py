"""The Data and Train pages say how a run will measure accuracy as core's plan has it: with few images per class
the quick method cross-validates on every labeled image and its model learns from all of them, so neither page
speaks of a held-out validation split (nor of "24 validation images") that the run will not use."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from tests.conftest import make_tiny_folder
from tests.gui.conftest import choose_method, open_and_check, open_and_wait

FSI, PDI = "\u2068", "\u2069"


def test_few_images_per_class_read_as_cross_validated_on_both_pages(qtbot: QtBot, window: MainWindow,
                                                                    tmp_path: Path) -> None:
    folder = make_tiny_folder(tmp_path / "digits", ("0", "1", "2", "3"), per_class=30)  # 24 + 6 per class
    open_and_wait(qtbot, window, folder)
    form, ready = window.train_page.form, window.train_page.monitor.progress_label
    summary = window.dataset_page.summary
    choose_method(form, "quick")
    assert window.state.plan_for(str(folder)) is not None
    qtbot.waitUntil(lambda: "Validation: 5-fold cross-validation on all 120 labeled images" in summary.text(),
                    timeout=30_000)  # (the summary also waits for the folder's health check)
    assert "Split:" not in summary.text() and "Only 24 validation images" not in summary.text()
    assert ready.text() == ("Ready to train on all 120 labeled images in 4 classes, accuracy by 5-fold "
                            "cross-validation — press Train (Ctrl+T).")

    choose_method(form, "fine-tune")  # a fine-tune holds its validation images out: the pages say the split
    assert "Split: 96 training, 24 validation" in summary.text() and "Only 24 validation images" in summary.text()
    assert ready.text() == "Ready to train on 96 images in 4 classes (24 for validation) — press Train (Ctrl+T)."


def test_the_plan_names_its_dataset(window: MainWindow) -> None:
    """A plan made for one folder is never read as another's (the pages ask for the folder they show)."""
    state = window.state
    plan = window.train_page.form.plan()
    state.set_plan("/data/a", plan)
    assert state.plan_for("/data/a") is plan
    assert state.plan_for("/data/b") is None and state.plan_for(None) is None


def test_the_problems_tab_words_a_leak_as_the_plan_validates(qtbot: QtBot, window: MainWindow,
                                                            tmp_path: Path) -> None:
    """A copy across training and validation: with a cross-validating plan there is no validation score to
    inflate, the cross-validated one is; a fine-tune holds validation out and is told so again."""
    from tests.core.test_leak_words import leaky_split_folders

    folder = leaky_split_folders(tmp_path / "ds")
    checked = open_and_check(qtbot, window, folder)
    form, panel = window.train_page.form, window.dataset_page.problems
    row = next(i for i, p in enumerate(checked.problems) if p.path.endswith("leaked.png"))

    def words() -> str:
        item = panel.table.item(row, 2)
        return item.text() if item is not None else ""

    choose_method(form, "quick")
    qtbot.waitUntil(lambda: "cross-validated score is inflated" in words(), timeout=30_000)
    assert "validation score" not in words()
    panel.table.selectRow(row)
    assert "cross-validated score is inflated" in panel.preview.verdict.text()

    choose_method(form, "fine-tune")
    qtbot.waitUntil(lambda: "the validation score is inflated" in words(), timeout=30_000)


def test_the_problem_preview_names_a_split_only_where_the_run_holds_one(qtbot: QtBot, window: MainWindow,
                                                                        tmp_path: Path, language: Any) -> None:
    """The two files of a label conflict are captioned with their class; "validation split" only where the plan
    holds validation images out (a cross-validating run learns from and scores on every labeled image)."""
    folder = make_tiny_folder(tmp_path / "digits", ("0", "1", "2", "3"), per_class=30)
    shutil.copy(folder / "0" / "0_00.png", folder / "1" / "copy.png")
    checked = open_and_check(qtbot, window, folder)
    form, panel = window.train_page.form, window.dataset_page.problems
    row = next(i for i, p in enumerate(checked.problems) if p.kind == "label_conflict")

    def captions() -> str:
        panel.table.clearSelection()
        panel.table.selectRow(row)
        return panel.preview.this_caption.text() + "\n" + panel.preview.other_caption.text()

    choose_method(form, "quick")
    qtbot.waitUntil(lambda: window.state.plan_for(str(folder)) is not None, timeout=30_000)
    assert window.state.plan_for(str(folder)).cv_folds  # type: ignore[union-attr]
    assert f"class '{FSI}1{PDI}'" in captions() and f"class '{FSI}0{PDI}'" in captions()
    assert "split" not in captions()
    language("zh_CN")
    assert "类别" in captions() and "集" not in captions() and "split" not in captions()
    language("en")

    choose_method(form, "fine-tune")  # holds validation out: each file's split is true again
    qtbot.waitUntil(lambda: "split" in captions(), timeout=30_000)
    assert "training split" in captions() or "validation split" in captions()

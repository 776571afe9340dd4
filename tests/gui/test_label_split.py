"""The Label and Data pages on a split-folders dataset (train/ and test/ of class folders) with loose images."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from desktop_cls.gui.widgets.class_button import ClassDropButton
from tests.gui.conftest import open_and_wait, opened, opened_workspace

DIGITS = [str(d) for d in range(10)]


def test_label_page_offers_the_train_classes_and_files_into_train(qtbot: QtBot, window: MainWindow,
                                                                  split_root: Path) -> None:
    open_and_wait(qtbot, window, split_root)
    assert "3 unlabeled images" in window.dataset_page.summary.text()
    window.show_page("label")
    lp = window.label_page
    assert lp.model.queue == ["loose_0.jpg", "loose_1.jpg", "loose_2.jpg"]
    assert opened_workspace(window).classes() == DIGITS
    grid = lp.view.class_buttons
    items = [grid.itemAt(i) for i in range(grid.count())]
    buttons = [w for it in items if it is not None and isinstance(w := it.widget(), ClassDropButton)]
    assert sorted(b.text().split()[-1] for b in buttons) == DIGITS  # no "train", no "test"
    lp.model.suggestions = {"loose_0.jpg": ("2", 0.5), "loose_1.jpg": ("train", 0.6), "loose_2.jpg": ("3", 0.9)}
    lp.model.position = 0
    lp.refresh()
    lp.suggest_panel.accept_current()
    assert (split_root / "train" / "2" / "loose_0.jpg").is_file() and not (split_root / "2").exists()
    assert lp.model.current() == "loose_1.jpg"
    lp.suggest_panel.accept_current()  # names a class the page does not offer: said, nothing moves
    assert "train" in lp.view.suggestion.text() and (split_root / "loose_1.jpg").is_file()
    qtbot.waitUntil(lambda: window.state.dataset is not None and len(window.state.dataset.unlabeled) == 2,
                    timeout=30_000)  # the Data page rescans shortly after labeling
    assert list(opened(window).classes) == DIGITS and opened(window).layout == "split_folders"

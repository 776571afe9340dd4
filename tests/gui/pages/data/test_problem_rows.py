"""The Problems tab's "What to do" column wraps to the width the table has, with rows growing to fit, after
every refill and in every language: a refill once sized the column to its longest line (a horizontal scroll bar,
one line per row), and in Chinese the fix for a label conflict was cut with "…". Measured against the table's own
geometry and the font's own line height, never against pixel counts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from desktop_cls.core.data.dataset import DatasetIndex, Problem, Sample
from tests.gui.conftest import cell

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop_cls.gui.pages.data.problems_panel import ProblemsPanel
    from desktop_cls.gui.shell.main_window import MainWindow

ADVICE = ("the same image as /data/birds/acquila_architetto_franc_01.png but labeled 'birds' there and 'fish' "
          "here; keep it in one class, and " + "then look again at the others " * 6).strip()


def index_with(messages: list[str], name: str = "copy.png") -> DatasetIndex:
    samples = [Sample(f"/data/fish/{name}", 1, "val")]
    samples += [Sample(f"/data/birds/b{i}.png", 0, "train") for i in range(len(messages))]
    found = [Problem(samples[i].path, "label_conflict", m, duplicate_of=samples[-1].path)
             for i, m in enumerate(messages)]
    return DatasetIndex("/data", "class_folders", ("birds", "fish"), tuple(samples), tuple(found)).prepare()


def shown(qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> ProblemsPanel:
    """The Problems tab of a dataset of names only (no files: the health check is not run)."""
    page = window.dataset_page
    panel = page.problems
    monkeypatch.setattr(page.check, "tasks", None)
    window.state.set_dataset(index_with(["short"]))
    page.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.isVisible(), timeout=30_000)
    return panel


def assert_wrapped(panel: ProblemsPanel) -> None:
    """No column runs past the table, and the first row is as tall as its advice's lines at the column's width
    (wrapping never needs fewer lines than the text's length over the width)."""
    table = panel.table
    header = table.horizontalHeader()
    assert header.length() <= table.viewport().width(), "the columns are wider than the table"
    assert not table.horizontalScrollBar().isVisible()
    text = cell(table, 0, 2)
    lines = table.fontMetrics().horizontalAdvance(text) // table.columnWidth(2)
    assert lines >= 2, "the test's advice is meant to take several lines"
    assert table.rowHeight(0) >= lines * table.fontMetrics().lineSpacing(), "the advice is cut to its first lines"


def test_the_advice_wraps_after_every_refill(qtbot: QtBot, window: MainWindow,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    window.resize(1100, 800)
    panel = shown(qtbot, window, monkeypatch)
    panel.fill(index_with([ADVICE, "short"]))
    qtbot.waitUntil(lambda: panel.table.rowHeight(0) > panel.table.rowHeight(1), timeout=30_000)
    assert_wrapped(panel)
    panel.fill(index_with([ADVICE]))  # a fix was made: the folder is read again
    qtbot.wait(50)
    assert_wrapped(panel)


def test_the_advice_wraps_in_chinese_and_follows_the_width(qtbot: QtBot, window: MainWindow,
                                                          monkeypatch: pytest.MonkeyPatch, language: Any) -> None:
    language("zh_CN")
    window.resize(1100, 800)
    panel = shown(qtbot, window, monkeypatch)
    conflict = ("与 /data/birds/acquila_architetto_franc_01.png 是同一张图像，但在那里标为 “birds”，在这里标为 “fish”；"
                "请只保留在一个类别中。") * 2
    panel.fill(index_with([conflict, "短"]))
    panel.fill(index_with([conflict, "短"]))  # refilled, as after a fix
    qtbot.waitUntil(lambda: panel.table.rowHeight(0) > panel.table.rowHeight(1), timeout=30_000)
    assert_wrapped(panel)
    before = panel.table.rowHeight(0)
    window.resize(800, 800)  # a narrower table: more lines, a taller row
    qtbot.waitUntil(lambda: panel.table.rowHeight(0) > before, timeout=30_000)
    assert_wrapped(panel)


def test_a_word_wider_than_the_column_breaks_inside_it() -> None:
    """A 200-character file name in the advice breaks where it must: no line is wider than the column (Qt's own
    wrapping only breaks between words, and cut the name and what followed it with "…")."""
    from PySide6.QtWidgets import QStyleOptionViewItem

    from desktop_cls.gui.widgets.wrapped_column import _laid_out

    option = QStyleOptionViewItem()
    text = f"the same image as /data/fish/{'n' * 200}.png; keep one of them"
    width = option.fontMetrics.horizontalAdvance("n" * 40)
    layout, height = _laid_out(text, option.font, width, option)
    assert layout.lineCount() >= 5 and height > 0
    assert all(layout.lineAt(i).naturalTextWidth() <= width for i in range(layout.lineCount()))


def test_only_the_rows_in_sight_are_measured(qtbot: QtBot, window: MainWindow,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Thousands of problems: a refill and a resize lay out the advice of the rows in sight, not of every row
    (fitting every row's height took seconds for a few hundred rows). Work is counted, not timed."""
    from desktop_cls.gui.widgets.wrapped_column import WrappingDelegate

    panel = shown(qtbot, window, monkeypatch)
    measured = [0]
    size_hint = WrappingDelegate.sizeHint

    def counted(self: WrappingDelegate, *args: Any) -> Any:
        measured[0] += 1
        return size_hint(self, *args)

    monkeypatch.setattr(WrappingDelegate, "sizeHint", counted)
    panel.fill(index_with([ADVICE] * 2_000))
    qtbot.waitUntil(lambda: measured[0] > 0, timeout=30_000)
    window.resize(window.width() - 100, window.height())
    qtbot.wait(50)
    assert_wrapped(panel)
    assert measured[0] < 200, f"{measured[0]} rows measured"

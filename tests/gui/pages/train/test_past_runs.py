"""Past runs name the dataset each run was trained on (the open dataset's runs first, under headings when runs of
several datasets are listed), and a label too long for the list keeps its accuracy and status in view."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_cls.core.storage import default_runs_dir
from desktop_cls.gui.pages.train.past_runs import TAIL_ROLE, PastRuns, group_by_dataset, keep_tail
from desktop_cls.gui.shell.main_window import MainWindow
from tests.core.test_run_list import fake_run

FSI, PDI = "\u2068", "\u2069"


def _runs(qtbot: QtBot) -> PastRuns:
    base = default_runs_dir()
    for age, (name, data, acc) in enumerate([("20261207-051545-efficientnet_lite2", "/data/clipart", 0.85),
                                             ("20261207-051246-quicknet", "/data/digits", 0.708),
                                             ("20261207-050638-quicknet", "/data/digits", 0.958)]):
        run = fake_run(base, name, status="stopped" if acc < 0.8 else "finished", epochs_done=3, weights=True,
                       best_val_accuracy=acc, dataset_root=data,
                       model="efficientnet_lite2" if "lite2" in name else "quicknet")
        os.utime(run, (1e9 - age, 1e9 - age))  # newest first, in this order
    runs = PastRuns()
    qtbot.addWidget(runs)
    runs.refresh()
    return runs


def _texts(runs: PastRuns) -> list[str]:
    rl = runs.runs_list
    return [rl.item(i).text() for i in range(rl.count())]


def test_runs_are_grouped_by_their_dataset_the_open_ones_first(qtbot: QtBot) -> None:
    runs = _runs(qtbot)
    runs.show_for("/data/digits")
    assert _texts(runs) == [f"Runs of {FSI}digits{PDI}, the open dataset",
                            "20261207-051246-quicknet · 70.8% · stopped",  # the model is in the name: not again
                            "20261207-050638-quicknet · 95.8%",
                            f"Runs of {FSI}clipart{PDI}",
                            "20261207-051545-efficientnet_lite2 · 85.0%"]
    rl = runs.runs_list
    heading = rl.item(0)
    assert not heading.flags() & Qt.ItemFlag.ItemIsUserCheckable and heading.data(Qt.ItemDataRole.UserRole) is None
    chosen: list[str] = []
    runs.run_chosen.connect(chosen.append)
    rl.itemDoubleClicked.emit(heading)
    rl.itemDoubleClicked.emit(rl.item(1))
    assert chosen == [str(default_runs_dir() / "20261207-051246-quicknet")]  # a heading is no run to use
    assert rl.item(1).toolTip().endswith(f"Trained on {FSI}/data/digits{PDI}")

    rl.item(4).setCheckState(Qt.CheckState.Checked)
    runs.show_for("/data/clipart")  # another dataset opened: regrouped, still checked
    assert _texts(runs)[:2] == [f"Runs of {FSI}clipart{PDI}, the open dataset",
                                  "20261207-051545-efficientnet_lite2 · 85.0%"]
    assert rl.item(1).checkState() == Qt.CheckState.Checked


def test_runs_of_one_dataset_need_no_heading(qtbot: QtBot) -> None:
    runs = _runs(qtbot)
    digits = [r for r in runs.summaries if r.dataset == "/data/digits"]
    assert group_by_dataset(digits, None) == [("/data/digits", digits)]
    assert [folder for folder, _ in group_by_dataset(runs.summaries, None)] == [
        "/data/clipart", "/data/digits"]  # none open: the newest run's dataset first


def test_a_long_label_is_shortened_in_the_middle_not_hidden_behind_a_scrollbar(qtbot: QtBot) -> None:
    runs = _runs(qtbot)
    rl = runs.runs_list
    runs.resize(220, 200)
    runs.show()
    qtbot.waitExposed(runs)
    assert rl.fontMetrics().horizontalAdvance(rl.item(1).text()) > rl.viewport().width()
    assert not rl.horizontalScrollBar().isVisible()
    assert rl.textElideMode() == Qt.TextElideMode.ElideMiddle  # "…" in the name; model, accuracy and status stay
    # (the model's name was cut with the date: "20261208-…net_lite2 · 80.0% · chosen model")
    assert [rl.item(i).data(TAIL_ROLE) for i in (1, 3)] == ["efficientnet_lite2 · 85.0%", "quicknet · 70.8% · stopped"]


def _middle(text: str, room: int) -> str:
    """An elider that counts characters, as Qt's counts pixels."""
    if len(text) <= room:
        return text
    keep = max(0, room - 1)
    return text[:keep - keep // 2] + "…" + text[len(text) - keep // 2:] if keep else "…"


def test_a_narrow_list_shortens_the_name_never_the_accuracy_or_status() -> None:
    """Elided as a whole in the middle, "20261207-185542-efficientnet_lite2 · 78.1% · chosen model" showed as
    "20261207-1855….1% · chosen model": the accuracy was cut."""
    label, tail = "20261207-185542-efficientnet_lite2 · 78.1% · chosen model", " · 78.1% · chosen model"
    shown = keep_tail(label, tail, 34, len, _middle)
    assert shown.endswith(" · 78.1% · chosen model") and "…" in shown and len(shown) <= 34
    assert keep_tail(label, tail, 200, len, _middle) == label  # room enough: as it is
    assert keep_tail("Runs of clipart", "", 5, len, _middle) == "Runs of clipart"  # no tail: Qt elides it


def test_the_run_the_other_pages_use_is_marked_and_the_mark_follows_the_choice(window: MainWindow) -> None:
    """After a run of another folder waited, or the user picked one, the list says which run Evaluate, Classify and
    Export use (it said nothing: every run looked alike)."""
    base = default_runs_dir()
    for name, data in [("20261207-051545-efficientnet_lite2", "/data/clipart"), ("20261207-050638-quicknet",
                                                                                 "/data/digits")]:
        fake_run(base, name, status="finished", epochs_done=3, weights=True, best_val_accuracy=0.9, dataset_root=data,
                 model=name.rsplit("-", 1)[1])
    page, state = window.train_page, window.state
    page.refresh_runs()
    state.set_run(str(base / "20261207-050638-quicknet"))
    texts = _texts(page.past_runs)
    marked = [t for t in texts if "chosen model" in t]
    assert marked == ["20261207-050638-quicknet · 90.0% · chosen model"]
    state.set_run(str(base / "20261207-051545-efficientnet_lite2"))
    assert [t for t in _texts(page.past_runs) if "chosen model" in t] == [
        "20261207-051545-efficientnet_lite2 · 90.0% · chosen model"]

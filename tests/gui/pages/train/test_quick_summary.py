"""A quick run's summary on the Train page: what it says comes from the run's own figures."""

from __future__ import annotations

import numpy as np
from pytestqt.qtbot import QtBot

from desktop_cls.core.training.fit_result import FitResult
from desktop_cls.core.training.quick import class_accuracy
from desktop_cls.gui.pages.train.quick_summary import CLASSES_SHOWN, summary_view


def _result(extra: dict[str, object], classes: tuple[str, ...] = ("cat", "dog", "owl"), acc: float | None = 0.8,
            seconds: float = 10.0) -> FitResult:
    return FitResult(run_dir="run", classes=classes, epochs=1, epochs_done=1, best_val_accuracy=acc, best_epoch=1,
                     train_seconds=seconds, extra={"method": "quick", **extra})


def test_class_accuracy_counts_each_class_s_validated_images() -> None:
    z = np.array([[2, 0, 0], [0, 2, 0], [2, 0, 0], [0, 0, 1]], dtype=float)  # predicted 0, 1, 0, 2
    y = np.array([0, 1, 1, 0])
    assert class_accuracy(z, y, 3) == [0.5, 0.5, None]  # owl was never validated: no figure, not 0 %


def test_the_hardest_classes_come_first_and_unscored_ones_are_left_out() -> None:
    view = summary_view(_result({"cv_folds": 5, "val_images": 60, "class_accuracy": [0.9, 0.6, None]}))
    assert view.classes == [("dog", 0.6), ("cat", 0.9)] and view.more_classes == 0
    assert view.headline == "Accuracy 80.0%"
    assert "5-fold cross-validation on all 60 labeled images" in view.measured


def test_a_held_out_split_is_named_as_such() -> None:
    view = summary_view(_result({"cv_folds": 0, "val_images": 40, "class_accuracy": [1.0, 1.0, 1.0]}))
    assert "40 validation images" in view.measured and "cross-validation" not in view.measured


def test_many_classes_show_the_hardest_and_count_the_rest() -> None:
    classes = tuple(f"c{i}" for i in range(CLASSES_SHOWN + 3))
    accs = [i / 20 for i in range(len(classes))]
    view = summary_view(_result({"class_accuracy": accs}, classes=classes))
    assert [name for name, _a in view.classes] == list(classes[:CLASSES_SHOWN]) and view.more_classes == 3


def test_the_time_bar_splits_the_run_s_seconds_and_never_goes_negative() -> None:
    view = summary_view(_result({"feature_seconds": 7.0, "head_seconds": 1.0, "decode_seconds": 2.5,
                                 "network_seconds": 6.5, "features_computed": 20, "features_cached": 5,
                                 "head_c": 0.1}, seconds=10.0))
    assert [round(s, 6) for _l, s, _c in view.parts] == [7.0, 1.0, 2.0]
    assert "C = 0.1" in view.time_line and "features of 20 images in 6.5 s" in view.time_line
    assert "2.5 s, ran at the same time" in view.time_line and "5 more came from the cache" in view.time_line
    clock_skew = summary_view(_result({"feature_seconds": 7.0, "head_seconds": 4.0}, seconds=10.0))
    assert [s for _l, s, _c in clock_skew.parts] == [7.0, 4.0]  # no negative "loading and saving" part


def test_a_refit_from_the_cache_says_so_without_a_split_of_no_work() -> None:
    """Every feature from the cache: "features of 0 images computed... decoding 0.0 s ran alongside the
    network's 0.0 s" said nothing; the line says where the features came from instead."""
    view = summary_view(_result({"feature_seconds": 0.2, "head_seconds": 1.0, "decode_seconds": 0.0,
                                 "network_seconds": 0.0, "features_computed": 0, "features_cached": 80}, seconds=2.0))
    assert "the features of all 80 images came from the cache" in view.time_line
    assert "0.0 s" not in view.time_line and "computed" not in view.time_line


def test_no_accuracy_is_said_plainly() -> None:
    assert summary_view(_result({}, acc=None)).headline.startswith("No accuracy")


def test_another_dataset_takes_the_quick_summary_away(qtbot: QtBot) -> None:
    """The summary belongs to the run of the dataset before: opening another shows the empty state again."""
    from desktop_cls.gui.pages.train.run_monitor import RunMonitor

    monitor = RunMonitor()
    qtbot.addWidget(monitor.view)
    monitor.begin(1, None, quick=True)
    monitor.quick_summary.show_result(_result({"cv_folds": 5, "val_images": 60, "class_accuracy": [0.9, 0.6, None]}))
    assert monitor.view.currentWidget() is monitor.quick_summary
    monitor.clear()
    assert monitor.view.currentWidget() is monitor.empty


def test_sentences_in_a_row_read_without_a_gap_in_chinese(qapp: object) -> None:
    """English puts a space between two sentences; after "。" it showed as a gap ("进行）。 最后一层")."""
    from desktop_cls.gui.shell.language import install_language

    extra: dict[str, object] = {"feature_seconds": 7.0, "head_seconds": 1.0, "decode_seconds": 2.5,
                                "network_seconds": 6.5, "features_computed": 20, "head_c": 1.0}
    install_language("zh_CN")
    try:
        line = summary_view(_result(extra, seconds=10.0)).time_line
    finally:
        install_language("en")
    assert "。 " not in line and "）。最后一层的强度 C = 1" in line, line
    english = summary_view(_result(extra, seconds=10.0)).time_line
    assert "same time). The last layer's strength, C = 1," in english


def test_on_a_short_pane_the_summary_scrolls_instead_of_pressing_its_lines_together(qtbot: QtBot) -> None:
    """A 1366x768 screen at 150 %: the Train page's pane for the summary is short. Every line keeps the height
    its words need at its width, each class's bar its own height, and the rest scrolls."""
    from PySide6.QtWidgets import QApplication, QProgressBar

    from desktop_cls.gui.pages.train.quick_summary import QuickFitSummary

    summary = QuickFitSummary()
    qtbot.addWidget(summary)
    summary.show_result(_result({"cv_folds": 5, "val_images": 93, "class_accuracy": [0.97, 1.0, 1.0],
                                 "feature_seconds": 11.9, "head_seconds": 1.6, "features_computed": 93},
                                seconds=15.7))
    summary.resize(summary.fontMetrics().horizontalAdvance("x") * 60, summary.fontMetrics().height() * 8)
    summary.show()
    QApplication.processEvents()
    for label in (summary.measured, summary.classes_title, summary.legend, summary.time_line):
        assert label.height() >= label.heightForWidth(label.width()), label.text()
    bars = summary.findChildren(QProgressBar)
    assert len(bars) == 3 and all(b.height() >= b.minimumSizeHint().height() for b in bars)
    assert summary.verticalScrollBar().maximum() > 0 and summary.horizontalScrollBar().maximum() == 0


def test_a_stopped_quick_run_says_so_where_its_result_would_be(qtbot: QtBot) -> None:
    """Stopped, the summary kept saying "the result appears here when it is done", and the status line "Stopped at
    epoch 0 of 15 … Run saved in" of a run with no epochs and no model."""
    from desktop_cls.gui.pages.train.run_monitor import RunMonitor

    monitor = RunMonitor()
    qtbot.addWidget(monitor.view)
    monitor.begin(15, None, quick=True)
    monitor.finished(FitResult(run_dir="run", classes=("cat", "dog"), epochs=15, epochs_done=0, best_val_accuracy=None,
                               best_epoch=0, train_seconds=0.0, cancelled=True), 0)
    assert monitor.quick_summary.headline.text() == "Quick mode: stopped"
    assert "no model was saved" in monitor.quick_summary.measured.text()
    assert "when it is done" not in monitor.quick_summary.measured.text()
    assert "no model saved" in monitor.progress_label.text() and "epoch" not in monitor.progress_label.text()


def test_each_class_s_accuracy_stands_beside_its_bar(qtbot: QtBot) -> None:
    """Drawn on the bar, "68%" straddled its fill and its background, hard to read in either theme: the bar shows
    no text, the percentage beside it is a label in the window's colours (the bar keeps it for screen readers)."""
    from PySide6.QtWidgets import QLabel, QProgressBar

    from desktop_cls.gui.pages.train.quick_summary import QuickFitSummary

    summary = QuickFitSummary()
    qtbot.addWidget(summary)
    summary.show_result(_result({"cv_folds": 5, "val_images": 93, "class_accuracy": [0.68, 1.0, 0.5]}))
    bars = summary.findChildren(QProgressBar)
    words = [w.text() for w in summary.findChildren(QLabel, "classAccuracyPercent")]
    assert len(bars) == 3 and not any(b.isTextVisible() for b in bars)
    assert sorted(words) == ["100%", "50%", "68%"] and sorted(b.format() for b in bars) == sorted(words)

"""Evaluate page: one accuracy with training, a confusion matrix that fits its pane, legends off the curves."""

from __future__ import annotations

from pathlib import Path

from desktop_cls.core.run_dir import read_run_info


def _evaluated(qtbot: object, window: object, run: Path, data: Path) -> object:
    window.state.set_run(str(run))  # type: ignore[attr-defined]
    ev = window.evaluate_page  # type: ignore[attr-defined]
    ev.folder_edit.setText(str(data))
    ev.evaluate()
    qtbot.waitUntil(lambda: ev.result is not None, timeout=60_000)  # type: ignore[attr-defined]
    return ev


def test_summary_gives_the_accuracy_training_reported_and_its_epoch(qtbot: object, window: object,
                                                                    trained_run: tuple[Path, Path]) -> None:
    run, data = trained_run
    info = read_run_info(run)
    ev = _evaluated(qtbot, window, run, data)
    text = ev.summary.text()
    assert f"Accuracy {info['best_val_accuracy']:.1%}" in text
    assert f"on {info['val_images']} validation images" in text
    assert f"epoch {info['best_epoch']} of {info['epochs_done']}" in text


DEMO_CLASSES = ("checkerboard", "circle", "cross", "diamond", "dots", "horizontal_stripes", "ring", "square",
                "triangle", "vertical_stripes")


def synthetic_result(n_classes: int = 10, per_class: int = 12, seed: int = 0) -> dict[str, object]:
    """What the evaluate task hands the page, for a model that is right about 80 % of the time."""
    import numpy as np

    from desktop_cls.core.inference.evaluation import Evaluation
    from desktop_cls.core.inference.metrics import classification_report

    rng = np.random.default_rng(seed)
    classes = DEMO_CLASSES[:n_classes]  # the demo's names: long enough to test the layout
    y = np.repeat(np.arange(n_classes), per_class)
    logits = rng.normal(size=(len(y), n_classes))
    logits[np.arange(len(y)), y] += 2.5
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    paths = tuple(f"/nowhere/{classes[t]}/{i}.png" for i, t in enumerate(y))
    ev = Evaluation(classification_report(y, probs, classes), paths, y, probs, "validation", ())
    d = ev.to_dict()
    pred = probs.argmax(axis=1)
    d["_samples"] = [(p, int(t), int(k), float(probs[i, k]))
                     for i, (p, t, k) in enumerate(zip(paths, y, pred, strict=True))]
    d["_curves"] = ev.curves()
    d["_model"] = ""
    return d


def test_ten_by_ten_confusion_matrix_fills_its_pane_without_scrolling(qtbot: object, window: object) -> None:
    from PySide6.QtWidgets import QApplication

    window.resize(1280, 800)  # type: ignore[attr-defined]
    window.show_page("evaluate")  # type: ignore[attr-defined]
    ev = window.evaluate_page  # type: ignore[attr-defined]
    ev._show(synthetic_result())
    QApplication.processEvents()
    cm = ev.confusion
    assert cm.rowCount() == cm.columnCount() == 10
    assert cm.verticalScrollBar().maximum() == 0 and cm.horizontalScrollBar().maximum() == 0
    used_w = sum(cm.columnWidth(c) for c in range(10))
    used_h = sum(cm.rowHeight(r) for r in range(10))
    assert used_w >= cm.viewport().width() - 10 and used_h >= cm.viewport().height() - 10  # no empty half

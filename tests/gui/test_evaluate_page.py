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

"""The sentences about a finished run: a quick run (one fit, cross-validated) counts no epochs."""

from __future__ import annotations

from types import SimpleNamespace

from desktop_cls.gui.pages.train.train_messages import outcome


def _result(**kw: object) -> SimpleNamespace:
    base: dict[str, object] = {"best_val_accuracy": 0.862, "extra": {}, "cancelled": False, "epochs_done": 12,
                               "epochs": 12, "train_seconds": 42.0, "best_epoch": 9, "run_dir": "/runs/r"}
    return SimpleNamespace(**(base | kw))


def test_a_quick_run_reports_its_cross_validation_and_no_epochs() -> None:
    log, status = outcome(_result(epochs_done=1, epochs=1, train_seconds=4.7,
                                  extra={"method": "quick", "cv_folds": 5, "val_images": 80}), 16)
    assert log == ("Finished in 4.7 s; accuracy 86.2% by 5-fold cross-validation on all 80 labeled images "
                   "(the model learns from all of them).")
    assert "epoch" not in log and status.startswith("Done — accuracy 86.2%")


def test_a_training_loop_reports_its_epochs_and_the_epoch_kept() -> None:
    log, _ = outcome(_result(), 120)
    assert log.startswith("Finished 12 epochs in 42.0 s; best validation accuracy 86.2% on 120")
    assert "(epoch 9, the model kept)" in log


def test_a_stopped_quick_run_says_no_model_was_saved_and_offers_no_resume() -> None:
    """It said "Stopped after 0 of 15 epochs … Resume it from “Resume a run…”" and "Run saved in", of a quick run that
    has no epochs to resume and saved no model."""
    log, status = outcome(_result(cancelled=True, epochs_done=0, epochs=15, best_val_accuracy=None), 0, quick=True)
    assert "no model was saved" in log and "Train again" in log and "no model saved" in status
    for wrong in ("epoch", "Resume", "saved in"):
        assert wrong not in log and wrong not in status
    log, _ = outcome(_result(cancelled=True, epochs_done=3, epochs=15), 120)  # a run of epochs: as before
    assert "Resume it" in log

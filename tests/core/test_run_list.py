"""Run statuses as one enum, the words earlier versions wrote read as what they meant, and the plain rows
the command line and the window list."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from desktop_cls.core import run_dir as rd
from desktop_cls.core.run_list import resumable_runs, run_summaries
from desktop_cls.core.run_status import RunStatus, status_of, status_text
from desktop_cls.core.storage import write_json


def fake_run(base: Path, name: str, checkpoint: bool = True, epochs: int = 15, weights: bool = False,
             **info: Any) -> Path:
    """A run folder's files; with weights, the model it saved (Past runs marks the runs that saved none)."""
    run = base / name
    write_json(run / rd.CONFIG, {"epochs": epochs, "model": "quicknet", "method": info.pop("method", "scratch")})
    write_json(run / rd.RUN_INFO, {"model": "quicknet", "dataset_root": "/data/digits", **info})
    if checkpoint:
        (run / rd.LAST).parent.mkdir(parents=True, exist_ok=True)
        (run / rd.LAST).write_bytes(b"x")
    if weights:
        (run / rd.MODEL).write_bytes(b"x")
    return run


def test_earlier_status_words_read_as_the_status_they_meant() -> None:
    read = {w: status_of({"status": w}) for w in ("starting", "completed", "stopped_early", "cancelled",
                                                  "cancelled_before_first_epoch", "running", "interrupted")}
    assert read == {"starting": RunStatus.RUNNING, "completed": RunStatus.FINISHED,
                    "stopped_early": RunStatus.FINISHED, "cancelled": RunStatus.STOPPED,
                    "cancelled_before_first_epoch": RunStatus.STOPPED, "running": RunStatus.RUNNING,
                    "interrupted": RunStatus.INTERRUPTED}
    assert status_of({"status": "exploded"}) is RunStatus.DAMAGED and status_of({}) is RunStatus.DAMAGED


def test_a_run_stopped_by_quitting_is_listed_as_stopped_and_resumable(tmp_path: Path) -> None:
    fake_run(tmp_path, "a-finished", status="completed", epochs_done=15, best_val_accuracy=0.9)
    fake_run(tmp_path, "b-quit", status="stopped", stopped_by="quit", epochs_done=3, best_val_accuracy=0.8)
    fake_run(tmp_path, "c-stopped-early", status="cancelled", checkpoint=False, epochs_done=0)
    fake_run(tmp_path, "d-quick", status="cancelled", method="quick", epochs_done=0)
    (tmp_path / "e-damaged").mkdir()
    (tmp_path / "e-damaged" / rd.CONFIG).write_text("{}")
    (tmp_path / "e-damaged" / rd.RUN_INFO).write_text("{not json")
    rows = {s.name: s for s in run_summaries(tmp_path)}
    assert rows["a-finished"].status is RunStatus.FINISHED and not rows["a-finished"].resumable
    quit_run = rows["b-quit"]
    assert (quit_run.status, quit_run.epochs_done, quit_run.epochs, quit_run.dataset) == (
        RunStatus.STOPPED, 3, 15, "/data/digits")
    assert status_text(quit_run.status, quit_run.stopped_by) == "stopped: the app was closed"
    assert rows["e-damaged"].status is RunStatus.DAMAGED
    assert [s.name for s in resumable_runs(tmp_path)] == ["b-quit"]  # no checkpoint, quick: nothing to continue
    (tmp_path / "a-finished" / rd.MODEL).write_bytes(b"weights")
    assert [s.name for s in run_summaries(tmp_path) if s.has_model] == ["a-finished"]  # the others saved none


@pytest.mark.skipif(os.name == "nt" or not hasattr(os, "symlink"), reason="needs POSIX symlinks")
def test_a_run_whose_run_json_is_a_link_or_not_a_file_is_listed_as_damaged_saying_why(tmp_path: Path) -> None:
    """A run folder from someone else with run.json a link to /dev/zero (or a folder) is listed, as damaged and
    with the reason, not silently left out; nothing is read through the link."""
    fake_run(tmp_path, "ok", status="completed", epochs_done=15)
    for name, make in (("zero", lambda p: os.symlink(os.devnull, p)), ("folder", lambda p: p.mkdir())):
        run = fake_run(tmp_path, name, status="completed")
        (run / rd.RUN_INFO).unlink()
        make(run / rd.RUN_INFO)
    rows = {s.name: s for s in run_summaries(tmp_path)}
    assert sorted(rows) == ["folder", "ok", "zero"]
    assert rows["zero"].status is RunStatus.DAMAGED and "run.json is a link" in (rows["zero"].problem or "")
    assert rows["folder"].status is RunStatus.DAMAGED and "not a regular file" in (rows["folder"].problem or "")
    assert rows["ok"].status is RunStatus.FINISHED


def test_a_quick_run_reports_no_epochs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A quick run's config.json keeps the unused default of 15 epochs; it was once listed as "epochs 1 of 15"."""
    import json

    from desktop_cls.cli.runs import cmd_runs

    fake_run(tmp_path, "quick", status="finished", method="quick", epochs_done=1, best_val_accuracy=0.9)
    fake_run(tmp_path, "full", status="finished", epochs=4, epochs_done=4, best_val_accuracy=0.9)
    rows = {s.name: s for s in run_summaries(tmp_path)}
    assert rows["quick"].epochs is None and rows["full"].epochs == 4
    cmd_runs(type("Args", (), {"dir": str(tmp_path), "json": True})())
    listed = {Path(r["run"]).name: r for r in json.loads(capsys.readouterr().out)}
    assert (listed["quick"]["epochs_done"], listed["quick"]["epochs"], listed["quick"]["quick"]) == (None, None, True)
    assert (listed["full"]["epochs_done"], listed["full"]["epochs"]) == (4, 4)
    cmd_runs(type("Args", (), {"dir": str(tmp_path), "json": False})())
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line.strip()}
    assert "epochs" not in lines["quick"] and "quick fit" in lines["quick"] and "epochs 4" in lines["full"]

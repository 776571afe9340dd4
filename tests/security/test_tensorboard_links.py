"""TensorBoard's events file in a run folder from someone else (a synced share) never leads a write out of the run:
the app creates the file itself, exclusively and without following a link, and writes through its descriptor.
TensorBoard's own writer opened the file by name again at every flush, so a link put in its place meanwhile had
every later record appended to the file it led to (`~/.bashrc`, say)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from desktop_cls.core import contained
from desktop_cls.core import run_dir as rd
from desktop_cls.core.training import tensorboard_log
from desktop_cls.core.training.tensorboard_log import TensorBoardCallback, tensorboard_available
from tests.core.test_callbacks import epoch_end
from tests.security.conftest import needs_symlinks, tree_snapshot

pytestmark = [needs_symlinks, pytest.mark.skipif(not tensorboard_available(), reason="tensorboard is not installed")]


def _start(run: Path) -> TensorBoardCallback:
    from desktop_cls.core.training.callbacks import Loop
    from desktop_cls.core.training.fit_result import TrainState

    callback = TensorBoardCallback()
    callback.on_fit_start(cast(Loop, SimpleNamespace(run=run, state=TrainState(epoch=0), resumed=False)))
    return callback


def _written_events(run: Path) -> Path:
    """The events file once the writer thread has made it and written its first record."""
    for _ in range(6000):  # the thread imports tensorboard first (about a second)
        found = [p for p in (run / rd.TENSORBOARD).glob("events.out.tfevents.*")
                 if not p.is_symlink() and p.stat().st_size]
        if found:
            return found[0]
        time.sleep(0.01)
    raise AssertionError("the TensorBoard writer made no events file")


def _scalar_tags(path: Path) -> set[str]:
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

    return {v.tag for e in EventFileLoader(str(path)).Load() for v in e.summary.value}


def test_an_events_file_swapped_for_a_link_while_training_is_never_written_through(
        tmp_path: Path, victim: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    callback = _start(run)
    events = _written_events(run)
    before = tree_snapshot(victim)
    moved = events.with_name("moved-aside")
    os.rename(events, moved)  # someone else's process, between two flushes
    os.symlink(victim / ".bashrc", events)
    callback.on_epoch_end(epoch_end(1))
    callback.close()
    assert tree_snapshot(victim) == before
    assert events.is_symlink() and "epoch/loss/train" in _scalar_tags(moved)  # written through the descriptor


def test_a_link_planted_where_the_events_file_goes_is_passed_over(
        tmp_path: Path, victim: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The name (time, host, process) can be guessed: the writer meets a link there and takes another name."""
    run = tmp_path / "run"
    run.mkdir()
    opened: list[str] = []
    open_regular: Callable[..., int] = contained.open_regular

    def plant_then_open(root: Path, rel: str, flags: int, *args: Any) -> int:
        if not opened:
            os.symlink(victim / ".bashrc", Path(root) / rel)
        opened.append(rel)
        return open_regular(root, rel, flags, *args)

    monkeypatch.setattr(tensorboard_log.contained, "open_regular", plant_then_open)
    before = tree_snapshot(victim)
    callback = _start(run)
    callback.on_epoch_end(epoch_end(1))
    callback.close()
    assert tree_snapshot(victim) == before
    assert len(opened) == 2 and (run / opened[0]).is_symlink()
    assert "epoch/loss/train" in _scalar_tags(run / opened[1])

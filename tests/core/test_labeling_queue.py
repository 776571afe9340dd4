"""The queue of labeling steps, without Qt: steps carried out strictly in the order asked by one drain at a time,
each journaled before its files move; a failing step reported (the file named, the fix said) while the rest go on;
waiting for it (quitting) returns once every step asked for is done."""

from __future__ import annotations

import errno
import functools
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

from desktop_cls.core import contained
from desktop_cls.core.data.labeling import Workspace
from desktop_cls.core.data.labeling_queue import Filed, StepQueue
from desktop_cls.core.storage import read_jsonl

CLASSES = ("cat", "dog", "fish")


@pytest.fixture
def loose(tiny_folder: Path) -> Path:
    for i in range(10):
        shutil.copy(tiny_folder / "cat" / f"cat_0{i % 8}.png", tiny_folder / f"new_{i}.png")
    return tiny_folder


def _assign(ws: Workspace, name: str, cls: str) -> Any:
    return lambda: ws.assign([name], cls)


def test_one_drain_at_a_time_in_the_order_put(tmp_path: Path) -> None:
    queue, done, told = StepQueue(), list[int](), list[Filed]()

    def step(i: int) -> None:
        done.append(i)

    starts = [queue.put(tmp_path, functools.partial(step, i), ())[1] for i in range(10)]
    assert starts == [True] + [False] * 9  # the first put starts the only drain; the others wait in it
    assert queue.busy()
    worker = threading.Thread(target=queue.drain, args=(told.append,))
    worker.start()
    worker.join(30)
    assert done == list(range(10)) and [f.ticket for f in told] == list(range(1, 11))
    assert not queue.busy() and queue.put(tmp_path, lambda: None)[1]  # idle again: the next put starts a drain


def test_ten_key_presses_are_journaled_and_moved_in_order(loose: Path) -> None:
    ws, queue, told = Workspace(loose), StepQueue(), list[Filed]()
    wanted = [(f"new_{i}.png", CLASSES[(i * 7) % 3]) for i in range(10)]
    for name, cls in wanted:
        queue.put(ws.root, _assign(ws, name, cls), (name,))
    queue.drain(told.append)
    assert all(f.error == "" and f.step is not None for f in told)
    assert all((loose / cls / name).exists() for name, cls in wanted)
    begun = [r["moves"][0][0] for r in read_jsonl(loose / ".desktop_cls" / "journal.jsonl") if r["type"] == "begin"]
    assert begun == [name for name, _cls in wanted]  # each intent journaled, in the order pressed
    assert ws.describe_undo() == f"1 image to '{wanted[-1][1]}'"  # the last one pressed is the one Ctrl+Z undoes


def test_a_file_gone_is_reported_and_the_steps_after_it_still_run(loose: Path) -> None:
    ws, queue, told = Workspace(loose), StepQueue(), list[Filed]()
    for name in ("new_0.png", "new_1.png", "new_2.png"):
        queue.put(ws.root, _assign(ws, name, "dog"), (name,))
    (loose / "new_1.png").unlink()  # deleted outside the app before its turn
    queue.drain(told.append)
    failed = told[1]
    assert failed.step is None and failed.still_loose == () and failed.taking == ("new_1.png",)
    assert "new_1.png" in failed.error and "left the list" in failed.error
    assert told[2].step is not None and (loose / "dog" / "new_2.png").exists()


@pytest.mark.parametrize(("error", "fix"), [(PermissionError(errno.EACCES, "Permission denied"), "permission"),
                                            (FileExistsError(errno.EEXIST, "a file is in the way"), "out of the way")])
def test_a_refused_move_is_rolled_back_named_and_the_image_still_loose(loose: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       error: OSError, fix: str) -> None:
    real = contained.rename

    def refused(root: Any, src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if str(src) == "new_1.png":
            error.filename = str(Path(root) / dst)
            raise error
        real(root, src, dst, *args, **kwargs)

    monkeypatch.setattr(contained, "rename", refused)
    ws, queue, told = Workspace(loose), StepQueue(), list[Filed]()
    for name in ("new_0.png", "new_1.png", "new_2.png"):
        queue.put(ws.root, _assign(ws, name, "fish"), (name,))
    queue.drain(told.append)
    failed = told[1]
    assert failed.step is None and failed.still_loose == ("new_1.png",) and (loose / "new_1.png").exists()
    assert "new_1.png" in failed.error and fix in failed.error.lower()
    assert [f.step is not None for f in told] == [True, False, True]
    assert ws.describe_undo() == "1 image to 'fish'" and len(ws.history) == 2  # the failed one is no step


def test_waiting_returns_once_every_step_is_done(tmp_path: Path) -> None:
    queue, gate, told = StepQueue(), threading.Event(), list[Filed]()
    def held() -> None:
        gate.wait(30)

    queue.put(tmp_path, held)
    queue.put(tmp_path, lambda: None)
    worker = threading.Thread(target=queue.drain, args=(told.append,))
    worker.start()
    assert not queue.wait(0.01)  # the first step still runs
    gate.set()
    assert queue.wait(30) and len(told) == 2
    worker.join(30)


def test_a_bug_in_one_step_is_reported_and_does_not_stop_the_queue(tmp_path: Path) -> None:
    queue, told = StepQueue(), list[Filed]()

    def broken() -> None:
        raise KeyError("oops")

    queue.put(tmp_path, broken, ("a.png",))
    queue.put(tmp_path, lambda: None)
    queue.drain(told.append)
    assert told[0].error.startswith("Something went wrong") and "oops" in told[0].details
    assert isinstance(told[1], Filed) and told[1].error == ""

"""One process owns a run folder at a time; the lock dies with its process.

Races are real processes started at the same instant, repeated RACES times each (see
docs/reliability.md); one repetition that lets two processes share a folder fails the test."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_cls.core import run_dir as rd
from desktop_cls.core.run_lock import RunInUse, run_in_use

REPO = Path(__file__).resolve().parents[2]
HELPER = REPO / "tests" / "core" / "lock_helper.py"
RACES = 10
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="kill -9")


def race(mode: str, where: Path, n: int) -> list[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    start = time.time() + 1.5  # after every child has started Python
    procs = [subprocess.Popen([sys.executable, str(HELPER), mode, str(where), str(start)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(n)]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0 and not err, err
        outs.append(out.strip())
    return outs


def test_two_runs_with_the_same_out_never_share_it(tmp_path: Path) -> None:
    for i in range(RACES):
        out = tmp_path / f"out{i}"
        results = race("new", out, 2)
        assert sorted(r.split()[0] for r in results) == ["ok", "refused"], results
        winner = next(r for r in results if r.startswith("ok"))
        assert (out / "config.json").read_text() == (out / "run.json").read_text()  # one writer
        assert winner == f"ok {out.resolve()}"


def test_runs_started_in_the_same_second_get_their_own_folders(tmp_path: Path) -> None:
    for i in range(RACES):
        results = race("auto", tmp_path / f"data{i}", 5)
        assert all(r.startswith("ok") for r in results), results
        folders = {r.split(maxsplit=1)[1] for r in results}
        assert len(folders) == 5
        for f in folders:
            assert Path(f, "config.json").read_text() == Path(f, "run.json").read_text()


@posix_only
def test_the_lock_dies_with_its_process(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    for _ in range(RACES):
        proc = subprocess.Popen([sys.executable, str(HELPER), "hold", str(run)], env=env, stdout=subprocess.PIPE,
                                text=True)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        assert run_in_use(run)
        with pytest.raises(RunInUse, match=f"in use by another training \\(process {proc.pid}\\)"):
            rd.claim_run(run)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        assert not run_in_use(run)  # no stale lock after kill -9
        rd.claim_run(run)
        assert run_in_use(run)  # held by us now: a second task of this process is refused too
        rd.release_run(run)
        assert not run_in_use(run)


def test_a_second_claim_in_the_same_process_is_refused(tmp_path: Path) -> None:
    from desktop_cls.core.run_lock import RunLock

    run = rd.new_run_dir(tmp_path / "run", "m")
    try:
        with pytest.raises(RunInUse):
            RunLock(run).acquire()
    finally:
        rd.release_run(run)
    with RunLock(run):
        assert run_in_use(run)
    assert not run_in_use(run)


def test_two_resumes_of_one_run_train_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from desktop_cls.cli import main
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.run import fit
    from tests.conftest import make_tiny_folder

    data = make_tiny_folder(tmp_path / "data", classes=("a", "b"), per_class=6)
    run = Path(fit(TrainConfig(model="simple_cnn", epochs=1, batch_size=4, image_size=16, calibrate=False), data,
                   out=tmp_path / "run").run_dir)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    first = subprocess.Popen([sys.executable, "-m", "desktop_cls", "train", "--resume", str(run), "--epochs", "6"],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not run_in_use(run):
        assert first.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    code = main(["train", "--resume", str(run), "--epochs", "6"])
    err = capsys.readouterr().err
    assert code == 2 and "in use by another training" in err and "Traceback" not in err
    assert first.wait(300) == 0, first.stderr.read() if first.stderr else ""
    assert [r["epoch"] for r in rd.read_metrics(run)] == list(range(1, 7))
    assert rd.read_run_info(run)["status"] == "finished"

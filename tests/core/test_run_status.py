"""A run whose training process died is told apart from a live one (run.json names its process)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from desktop_cls.core import run_dir as rd
from desktop_cls.core.run_status import RunStatus
from desktop_cls.core.storage import write_json
from tests.conftest import make_tiny_folder

REPO = Path(__file__).resolve().parents[2]
HELPER = REPO / "tests" / "core" / "crash_helper.py"


def fake_run(base: Path, name: str, **info: object) -> Path:
    run = base / name
    write_json(run / rd.CONFIG, {"epochs": 3})
    write_json(run / rd.RUN_INFO, info)
    return run


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid  # reaped: no process has it (pids are not reused this quickly)


def test_a_killed_training_is_interrupted_and_resumes(tmp_path: Path) -> None:
    from desktop_cls.core.training.run import resume

    data = make_tiny_folder(tmp_path / "data", per_class=12)
    out = tmp_path / "run"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, str(HELPER), str(data), str(out), "4", "die-mid-checkpoint"], env=env,
                          capture_output=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL
    info = rd.read_run_info(out)
    assert info["status"] == "running" and info["host"] == socket.gethostname()  # what the dead process left
    assert rd.run_status(out) == RunStatus.INTERRUPTED
    assert rd.interrupted_runs(tmp_path) == [out]
    assert resume(out).epochs_done == 4
    assert rd.run_status(out) == rd.read_run_info(out)["status"] != RunStatus.INTERRUPTED
    assert rd.read_run_info(out)["pid"] == os.getpid()  # the resuming process owns it now
    assert rd.interrupted_runs(tmp_path) == []


def test_only_a_provably_dead_owner_counts(tmp_path: Path) -> None:
    here = socket.gethostname()
    me = rd.process_owner()
    alive = fake_run(tmp_path, "alive", status="running", **me)
    dead = fake_run(tmp_path, "dead", status="running", pid=dead_pid(), host=here)
    elsewhere = fake_run(tmp_path, "elsewhere", status="running", pid=dead_pid(), host=here + "-other")
    old = fake_run(tmp_path, "old", status="running")  # written before pids were recorded
    done = fake_run(tmp_path, "done", status="finished", pid=dead_pid(), host=here)
    assert rd.run_status(alive) == "running"
    assert rd.run_status(dead) == RunStatus.INTERRUPTED
    assert rd.run_status(elsewhere) == "running"  # cannot tell from here
    assert rd.run_status(old) == "running"
    assert rd.run_status(done) == "finished"
    assert rd.interrupted_runs(tmp_path) == [dead]


def test_a_reused_pid_does_not_keep_a_dead_run_alive(tmp_path: Path) -> None:
    me = rd.process_owner()
    if me["pid_started"] is None:  # only Linux records the start time
        return
    run = fake_run(tmp_path, "reused", status="running", pid=me["pid"], host=me["host"],
                   pid_started=me["pid_started"] - 1)  # same pid, another process's start time
    assert rd.run_status(run) == RunStatus.INTERRUPTED

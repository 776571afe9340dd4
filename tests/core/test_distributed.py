"""DDP through torchrun on CPU (gloo), two processes on a tiny dataset."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_cls.core.training.distributed import DistContext, lr_scale
from tests.conftest import make_tiny_folder

REPO = Path(__file__).resolve().parents[2]
TRAIN = ["train", "--epochs", "6", "--batch-size", "8", "--image-size", "16", "--device", "cpu", "--seed", "0",
         "--val-split", "0.25", "--json"]


def torchrun(args: list[str], tmp: Path, nproc: int = 2, script: list[str] | None = None,
             timeout: int = 240) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS="1",
               DESKTOP_CLS_DATA_DIR=str(tmp / "userdata"), DESKTOP_CLS_CACHE_DIR=str(tmp / "cache"))
    target = script or ["-m", "desktop_cls"]
    cmd = [sys.executable, "-m", "torch.distributed.run", f"--nproc_per_node={nproc}", "--master_port=0",
           "--rdzv_backend=c10d", "--rdzv_endpoint=127.0.0.1:0", *target, *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)


def test_shards_are_equal_and_cover_everything() -> None:
    items = list(range(7))
    shards = [DistContext(r, 3, r, None, "gloo").shard(items) for r in range(3)]  # type: ignore[arg-type]
    assert [len(s) for s in shards] == [3, 3, 3]
    assert set().union(*map(set, shards)) == set(items)
    exact = [DistContext(r, 3, r, None, "gloo").shard_exact(items) for r in range(3)]  # type: ignore[arg-type]
    assert sorted(i for shard in exact for i in shard) == items


def test_lr_scaling_rule() -> None:
    assert lr_scale("sgd", 4) == 4 and lr_scale("adamw", 4) == 2 and lr_scale("adam", 1) == 1


@pytest.mark.slow
def test_two_processes_match_one_and_only_rank0_writes(tmp_path: Path) -> None:
    data = make_tiny_folder(tmp_path / "data", per_class=12)
    r = torchrun([*TRAIN[:1], str(data), "--out", str(tmp_path / "ddp"), *TRAIN[1:]], tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
    assert len(lines) == 1, r.stdout  # rank 1 prints nothing
    ddp = json.loads(lines[0])
    assert ddp["world_size"] == 2 and ddp["epochs"] == 6
    run = tmp_path / "ddp"
    assert len((run / "metrics.jsonl").read_text().splitlines()) == 6  # written once, by rank 0
    assert (run / "model.safetensors").is_file() and (run / "checkpoints" / "last.pt").is_file()
    assert not (tmp_path / "userdata").exists()  # no stray run folder from another rank

    from desktop_cls.cli import main

    single_out = tmp_path / "single"
    assert main([TRAIN[0], str(data), "--out", str(single_out), *TRAIN[1:]]) == 0
    single = json.loads((single_out / "run.json").read_text())["best_val_accuracy"]
    assert ddp["best_val_accuracy"] >= 0.6 and single >= 0.6
    assert abs(ddp["best_val_accuracy"] - single) <= 0.34

    # resume works the same way under torchrun
    r2 = torchrun(["train", "--resume", str(run), "--epochs", "7", "--json"], tmp_path)
    assert r2.returncode == 0, r2.stderr[-3000:]
    assert json.loads(r2.stdout.strip().splitlines()[-1])["epochs"] == 7


@pytest.mark.slow
def test_a_failing_rank_ends_the_job_with_a_clear_error(tmp_path: Path) -> None:
    data = make_tiny_folder(tmp_path / "data", per_class=6)
    start = time.monotonic()
    r = torchrun([TRAIN[0], str(data), "--out", str(tmp_path / "run"), *TRAIN[1:]], tmp_path,
                 script=[str(REPO / "tests" / "core" / "ddp_failing_rank.py")], timeout=180)
    assert r.returncode != 0
    assert "simulated failure on rank 1" in r.stderr
    assert time.monotonic() - start < 150  # ended, not hung until a timeout


@pytest.mark.slow
def test_automatic_batch_under_torchrun_is_agreed_by_every_rank(tmp_path: Path) -> None:
    data = make_tiny_folder(tmp_path / "data", per_class=6)
    r = torchrun(["train", str(data), "--out", str(tmp_path / "run"), "--epochs", "1", "--image-size", "16",
                  "--device", "cpu", "--json"], tmp_path, nproc=1)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "batch 32: on the CPU" in r.stderr
    rows = [json.loads(x) for x in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert rows[0]["batch_size"] == 32
    assert json.loads((tmp_path / "run" / "config.json").read_text())["batch_size"] == 0


@pytest.mark.parametrize("torchrun_env", [False, True])
def test_a_torchrun_worker_skips_interpreter_teardown_but_keeps_its_exit_code(tmp_path: Path,
                                                                               torchrun_env: bool) -> None:
    """Teardown of the distributed library's threads can abort a worker after its work is done."""
    script = tmp_path / "entry.py"
    script.write_text("import atexit, sys\n"
                      "atexit.register(lambda: print('teardown ran'))\n"
                      "from desktop_cls.__main__ import main\n"
                      "sys.argv = ['desktop-cls', *sys.argv[1:]]\n"
                      "sys.exit(main())\n")
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")}
    env["PYTHONPATH"] = str(REPO)
    if torchrun_env:
        env.update(RANK="0", WORLD_SIZE="1", MASTER_ADDR="127.0.0.1", MASTER_PORT="1")
    ok = subprocess.run([sys.executable, str(script), "--version"], capture_output=True, text=True, env=env)
    assert ok.returncode == 0 and "desktop-cls" in ok.stdout  # printed output is flushed before leaving
    assert ("teardown ran" in ok.stdout) is not torchrun_env
    bad = subprocess.run([sys.executable, str(script), "scan", str(tmp_path / "missing")], capture_output=True,
                         text=True, env=env)
    assert bad.returncode == 2 and "missing" in bad.stderr

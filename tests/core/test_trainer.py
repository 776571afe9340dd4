from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

from desktop_cls.core import run_dir as rd
from desktop_cls.core.data.dataset import scan
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import BaseCallback, CancelToken, EpochEnd, Notice, PauseToken
from desktop_cls.core.training.checkpoint import load_checkpoint
from desktop_cls.core.training.config import Augmentation, TrainConfig
from desktop_cls.core.training.run import fit, resume

FAST = TrainConfig(model="simple_cnn", epochs=2, batch_size=8, image_size=16, seed=0)


class Recorder(BaseCallback):
    def __init__(self) -> None:
        self.epochs: list[EpochEnd] = []
        self.batches = 0
        self.notices: list[Notice] = []

    def on_epoch_end(self, event: EpochEnd) -> None:
        self.epochs.append(event)

    def on_batch_end(self, event: object) -> None:
        self.batches += 1

    def on_notice(self, event: Notice) -> None:
        self.notices.append(event)


class CancelAfterEpoch(BaseCallback):
    def __init__(self, epoch: int, token: CancelToken) -> None:
        self.epoch = epoch
        self.token = token

    def on_epoch_end(self, event: EpochEnd) -> None:
        if event.epoch == self.epoch:
            self.token.set()


class StopAfter(BaseCallback):
    def __init__(self, batches: int, token: CancelToken) -> None:
        self.left = batches
        self.token = token

    def on_batch_end(self, event: object) -> None:
        self.left -= 1
        if self.left <= 0:
            self.token.set()


def test_fit_writes_a_complete_run(tiny_folder: Path, tmp_path: Path) -> None:
    rec = Recorder()
    res = fit(FAST, tiny_folder, out=tmp_path / "run", callbacks=[rec])
    run = Path(res.run_dir)
    assert res.epochs_done == 2 and not res.cancelled
    assert [e.epoch for e in rec.epochs] == [1, 2] and rec.batches >= 2
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert [r["epoch"] for r in rows] == [1, 2]
    for key in ("train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr", "seconds"):
        assert all(isinstance(r[key], float) for r in rows), key
    assert TrainConfig.load(run / "config.json") == FAST
    for name in ("checkpoints/last.pt", "checkpoints/best.pt", "model.safetensors", "model.json", "run.json"):
        assert (run / name).is_file(), name
    info = rd.read_run_info(run)
    assert info["status"] == "finished" and info["dataset_fingerprint"]["num_files"] == 24
    ck = load_checkpoint(run / rd.LAST)
    assert ck["epoch"] == 2 and ck["classes"] == ["cat", "dog", "fish"]


def test_default_model_learns_the_tiny_dataset(tiny_folder: Path, tmp_path: Path) -> None:
    cfg = TrainConfig(epochs=6, batch_size=8, image_size=16, seed=0)
    res = fit(cfg, scan(tiny_folder, val_fraction=0.25), out=tmp_path / "run")
    assert res.best_val_accuracy is not None and res.best_val_accuracy >= 0.8


def test_fit_stops_when_cancelled(tiny_folder: Path, tmp_path: Path) -> None:
    token = CancelToken()
    res = fit(FAST.replace(epochs=50, batch_size=2), tiny_folder, out=tmp_path / "run",
              callbacks=[StopAfter(12, token)], cancel=token)
    assert res.cancelled and res.epochs_done < 50
    assert rd.read_run_info(Path(res.run_dir))["status"] == "stopped"


def test_pause_blocks_until_resumed(tiny_folder: Path, tmp_path: Path) -> None:
    import threading

    pause, token = PauseToken(), CancelToken()
    seen: list[int] = []

    class PauseOnFirst(BaseCallback):
        def on_batch_end(self, event: object) -> None:
            seen.append(1)
            if len(seen) == 1:
                pause.pause()
                threading.Timer(0.3, pause.resume).start()

    res = fit(FAST, tiny_folder, out=tmp_path / "run", callbacks=[PauseOnFirst()], pause=pause, cancel=token)
    assert res.epochs_done == 2 and len(seen) > 1 and not pause.is_paused()


def test_resume_matches_an_uninterrupted_run(tiny_folder: Path, tmp_path: Path) -> None:
    cfg = FAST.replace(epochs=3, augmentation=Augmentation(hflip=True, rotation_degrees=10))
    full = fit(cfg, tiny_folder, out=tmp_path / "full")
    token = CancelToken()
    part = fit(cfg, tiny_folder, out=tmp_path / "part", callbacks=[CancelAfterEpoch(1, token)], cancel=token)
    assert part.cancelled and part.epochs_done == 1
    resumed = resume(part.run_dir)
    assert resumed.epochs_done == 3
    a = load_checkpoint(Path(full.run_dir) / rd.LAST)["model"]
    b = load_checkpoint(Path(resumed.run_dir) / rd.LAST)["model"]
    for k in a:
        assert torch.allclose(a[k].float(), b[k].float(), atol=1e-6), k
    rows = rd.read_metrics(Path(resumed.run_dir))
    assert [r["epoch"] for r in rows] == [1, 2, 3]


def test_resume_after_cancel_loses_at_most_the_current_epoch(tiny_folder: Path, tmp_path: Path) -> None:
    token = CancelToken()
    res = fit(FAST.replace(epochs=4), tiny_folder, out=tmp_path / "run",
              callbacks=[CancelAfterEpoch(1, token)], cancel=token)
    assert res.cancelled and res.epochs_done == 1
    cont = resume(res.run_dir)
    assert cont.epochs_done == 4 and not cont.cancelled


def test_resume_refuses_changed_classes(tiny_folder: Path, tmp_path: Path) -> None:
    res = fit(FAST.replace(epochs=1), tiny_folder, out=tmp_path / "run")
    shutil.copytree(tiny_folder / "cat", tiny_folder / "zebra")
    with pytest.raises(UserError, match="classes changed"):
        resume(res.run_dir, epochs=2)


def test_existing_run_folder_is_never_overwritten(tiny_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    out.mkdir()
    (out / "precious.txt").write_text("mine")
    with pytest.raises(UserError, match="not empty"):
        fit(FAST, tiny_folder, out=out)
    assert (out / "precious.txt").read_text() == "mine"


def test_early_stopping(tiny_folder: Path, tmp_path: Path) -> None:
    cfg = FAST.replace(epochs=30, lr=1e-9, early_stopping_patience=2)
    res = fit(cfg, tiny_folder, out=tmp_path / "run")
    assert res.stopped_early and res.epochs_done < 30


def test_out_of_memory_halves_the_batch_and_continues(tiny_folder: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.core.models import architectures as models

    real_forward = models.SimpleCNN.forward

    def forward(self: models.SimpleCNN, x: torch.Tensor) -> torch.Tensor:
        if self.training and x.shape[0] > 2:
            raise torch.OutOfMemoryError("simulated")
        return real_forward(self, x)

    monkeypatch.setattr(models.SimpleCNN, "forward", forward)
    rec = Recorder()
    res = fit(FAST, tiny_folder, out=tmp_path / "run", callbacks=[rec])
    assert res.epochs_done == 2
    assert any("batch size 8" in n.message and "continuing with 4" in n.message for n in rec.notices)
    assert rd.read_metrics(Path(res.run_dir))[-1]["batch_size"] == 2


def test_out_of_memory_at_batch_one_is_a_clear_error(tiny_folder: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.core.models import architectures as models

    def forward(self: models.SimpleCNN, x: torch.Tensor) -> torch.Tensor:
        raise torch.OutOfMemoryError("simulated")

    monkeypatch.setattr(models.SimpleCNN, "forward", forward)
    with pytest.raises(UserError, match="out of memory"):
        fit(FAST, tiny_folder, out=tmp_path / "run")
    assert rd.read_run_info(tmp_path / "run")["status"] == "failed"


def test_streaming_path_trains_like_the_cached_path(tiny_folder: Path, tmp_path: Path) -> None:
    cfg = TrainConfig(epochs=6, batch_size=8, image_size=16, seed=0)
    data = scan(tiny_folder, val_fraction=0.25)
    cached = fit(cfg.replace(cache_images="ram"), data, out=tmp_path / "a")
    streamed = fit(cfg.replace(cache_images="off", num_workers=1), data, out=tmp_path / "b")
    assert cached.best_val_accuracy is not None and streamed.best_val_accuracy is not None
    assert abs(cached.best_val_accuracy - streamed.best_val_accuracy) <= 0.34


def test_disk_cache_makes_the_second_run_skip_decoding(tiny_folder: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = FAST.replace(epochs=1, cache_images="disk")
    data = scan(tiny_folder)
    first = fit(cfg, data, out=tmp_path / "a")
    from desktop_cls.core.data import image_cache

    def no_decode(*a: object) -> None:
        raise AssertionError("decoded again despite a warm cache")

    monkeypatch.setattr(image_cache, "load_resized_all", no_decode)
    second = fit(cfg, data, out=tmp_path / "b")
    assert first.history[0]["train_loss"] == pytest.approx(second.history[0]["train_loss"], rel=1e-5)


def test_many_images_are_decoded_for_training_in_worker_processes(tiny_folder: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Decoding small pictures is mostly Python: threads doing it held the interpreter lock the window's UI
    thread needs while a large folder trained. From _PROCESS_FILES on they are decoded in worker processes (a
    few chunks handed out at a time), to the same pixels."""
    from desktop_cls.core.data import image_cache

    samples = scan(tiny_folder).samples
    in_threads, _ = image_cache.decode_samples(samples, (16, 16))
    pools: list[str] = []
    real = image_cache.reading_pool

    def recording(*args: int) -> object:
        pool = real(*args)
        pools.append(type(pool).__name__)
        return pool

    monkeypatch.setattr(image_cache, "reading_pool", recording)
    monkeypatch.setattr(image_cache, "_PROCESS_FILES", 1)
    in_processes, _ = image_cache.decode_samples(samples, (16, 16))
    assert pools == ["ProcessPoolExecutor"]
    assert in_processes.paths == in_threads.paths and torch.equal(in_processes.images, in_threads.images)


def test_unreadable_image_found_while_training_is_skipped(tiny_folder: Path, tmp_path: Path) -> None:
    data = scan(tiny_folder, verify="none")
    victim = data.split("train")[0].path
    Path(victim).write_bytes(b"garbage")
    rec = Recorder()
    res = fit(FAST, data, out=tmp_path / "run", callbacks=[rec])
    assert res.epochs_done == 2
    assert any(p.path == victim for p in res.problems)
    assert any("could not be read" in n.message for n in rec.notices)


def test_class_weighting_and_every_optimizer_and_schedule_run(tiny_folder: Path, tmp_path: Path) -> None:
    for i, (opt, sched) in enumerate([("sgd", "step"), ("adam", "cosine"), ("adamw", "warmup"), ("sgd", "none")]):
        res = fit(FAST.replace(epochs=1, optimizer=opt, schedule=sched, class_weighting=True, grad_clip=1.0,
                               label_smoothing=0.0, augmentation=Augmentation(vflip=True, color_jitter=0.3)),
                  tiny_folder, out=tmp_path / f"r{i}")
        assert res.epochs_done == 1 and res.history[0]["train_loss"] == res.history[0]["train_loss"]  # not NaN


def test_batch_size_one_trains(tiny_folder: Path, tmp_path: Path) -> None:
    res = fit(FAST.replace(epochs=1, batch_size=1), tiny_folder, out=tmp_path / "a")
    assert res.epochs_done == 1
    res = fit(TrainConfig(epochs=1, batch_size=1, image_size=16), tiny_folder, out=tmp_path / "b")  # BatchNorm model
    assert res.epochs_done == 1


def test_time_paused_is_not_counted_as_training_time(tiny_folder: Path, tmp_path: Path) -> None:
    """An epoch paused for a while reports its training seconds, not the wall time with the pause.

    A fake clock ticks 1 ms per reading and jumps 100 s while the run is paused: no real time is measured,
    so the assertions hold however busy the machine is."""
    pause_s = 100.0

    class FakeClock:
        now = 0.0

        def __call__(self) -> float:
            self.now += 0.001
            return self.now

    clock = FakeClock()

    class PausedFor100s(PauseToken):
        def wait_while_paused(self, cancel: object = None, poll_s: float = 0.1) -> None:
            clock.now += pause_s  # the user came back after 100 s
            self.resume()

    pause = PausedFor100s()
    marks: dict[str, float] = {}

    class PauseOnce(BaseCallback):
        def on_stage(self, event: object) -> None:
            if getattr(event, "stage", "") == "training":
                marks["start"] = clock.now

        def on_batch_end(self, event: object) -> None:
            if "paused" not in marks:
                marks["paused"] = clock.now
                pause.pause()

        def on_epoch_end(self, event: EpochEnd) -> None:
            marks["end"] = clock.now

    res = fit(FAST, tiny_folder, out=tmp_path / "run", callbacks=[PauseOnce()], pause=pause, clock=clock)
    assert "paused" in marks and not pause.is_paused()
    wall = marks["end"] - marks["start"]
    assert wall >= pause_s
    counted = sum(row["seconds"] for row in res.history)
    assert 0 < counted < wall - pause_s + 1e-6, (counted, wall)
    assert 0 < res.train_seconds < clock.now - pause_s  # the run's total leaves the pause out too


def test_a_tie_in_validation_accuracy_goes_to_the_lower_validation_loss(tiny_folder: Path, tmp_path: Path) -> None:
    """Six validation images score 100 % from the first epoch on: the best model must not stay the
    barely trained first one."""
    res = fit(FAST.replace(epochs=4, model="quicknet", seed=1), tiny_folder, out=tmp_path / "run")
    rows = rd.read_metrics(Path(res.run_dir))
    best = json.loads((Path(res.run_dir) / "model.json").read_text())["epoch"]
    top = max(r["val_accuracy"] for r in rows)
    tied = [r for r in rows if r["val_accuracy"] == top]
    assert best == min(tied, key=lambda r: r["val_loss"])["epoch"]
    if len(tied) > 1:
        assert best != tied[0]["epoch"] or tied[0]["val_loss"] == min(r["val_loss"] for r in tied)

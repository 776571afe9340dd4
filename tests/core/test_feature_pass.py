"""The quick mode's feature pass: decoding prefetched in order and cancellable, the thread count chosen by
measurement, the ETA, the fast engine proven against eager torch, and the time split in the run's log."""

from __future__ import annotations

import copy
import os
import threading
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from desktop_cls.core.events import CancelledError, CancelToken, Notice
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.embeddings import EAGER_ENGINE, FAST_ENGINE, FeatureExtractor
from desktop_cls.core.training.feature_pass import Eta, Prefetch, ThreadChoice, likely_threads
from desktop_cls.core.training.run import fit
from tests.conftest import make_tiny_folder


def test_prefetch_yields_every_batch_in_order() -> None:
    chunks = [[0, 1, 2], [3], [4, 5], [6, 7, 8, 9]]
    with Prefetch(chunks, lambda i: i * 10, depth=1, workers=3) as batches:
        got = [(b.chunk, b.items) for b in batches]
    assert got == [(c, [i * 10 for i in c]) for c in chunks]


def test_prefetch_stays_a_bounded_number_of_batches_ahead_and_stops_when_closed() -> None:
    decoded: list[int] = []
    lock = threading.Lock()

    def decode(i: int) -> int:
        with lock:
            decoded.append(i)
        return i

    chunks = [[i] for i in range(50)]
    p = Prefetch(chunks, decode, depth=2, workers=1)
    first = next(iter(p))
    assert first.chunk == [0]
    p.close()
    # one consumed, at most `depth` queued, one more decoded while blocked on the full queue
    assert len(decoded) <= 1 + 2 + 1
    assert decoded == sorted(decoded)


def test_prefetch_raises_on_cancel_and_decodes_no_more() -> None:
    token = CancelToken()
    decoded: list[int] = []

    def decode(i: int) -> int:
        decoded.append(i)
        return i

    p = Prefetch([[i] for i in range(50)], decode, depth=1, workers=1, cancel=token)
    it = iter(p)
    next(it)
    token.set()
    with pytest.raises(CancelledError):
        next(it)
    p.close()
    seen = len(decoded)
    assert seen < 50 and len(decoded) == seen


def test_a_decode_error_is_raised_in_the_consumer() -> None:
    def decode(i: int) -> int:
        if i == 3:
            raise RuntimeError("decoder bug")
        return i

    with Prefetch([[0, 1], [2, 3]], decode) as batches, pytest.raises(RuntimeError, match="decoder bug"):
        list(batches)


def test_thread_choice_times_each_candidate_then_keeps_the_fastest_and_rechecks() -> None:
    choice = ThreadChoice([1, 2], recheck=4)
    assert choice.next() == 1
    choice.record(1, 16, 2.0)  # 8 images/s
    assert choice.next() == 2
    choice.record(2, 16, 4.0)  # 4 images/s: a busy machine
    assert [choice.next() for _ in range(1)] == [1]
    choice.record(1, 16, 2.0)
    choice.record(1, 16, 2.0)
    assert choice.next() == 2  # the fourth batch re-times the other candidate
    choice.record(2, 16, 1.0)  # the load went away: 16 images/s
    assert choice.next() == 2 and choice.best == 2


def test_a_busy_machine_times_one_thread_first() -> None:
    assert likely_threads(2, load=lambda: float(os.cpu_count() or 1)) == 1
    assert likely_threads(2, load=lambda: 0.0) == 2
    choice = ThreadChoice([1, 2], first=2)
    assert choice.next() == 2
    choice.record(2, 16, 1.0)
    assert choice.next() == 1


def test_eta_follows_the_measured_rate() -> None:
    now = [100.0]
    eta = Eta(100, clock=lambda: now[0])
    assert eta.seconds_left(0) is None and "left" not in eta.message(0)
    now[0] = 110.0
    assert eta.seconds_left(20) == pytest.approx(40.0)
    assert "40 s left" in eta.message(20)
    now[0] = 200.0
    assert "min left" in eta.message(10)
    assert "left" not in eta.message(100)


class _Tiny(nn.Module):
    """A backbone whose features are the channel means; its 'fused' copy is wrong when told to be."""

    def __init__(self, broken: bool) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.ones(3))
        self.broken = broken

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean((2, 3)) * self.scale

    def fused_for_inference(self) -> nn.Module:
        f = copy.deepcopy(self)
        if self.broken:
            with torch.no_grad():
                f.scale.mul_(1.5)
        return f


def _files(tmp_path: Path) -> list[str]:
    folder = make_tiny_folder(tmp_path / "data", per_class=3, size=12)
    return sorted(str(p) for p in folder.rglob("*.png"))


@pytest.mark.parametrize("broken", [False, True])
def test_the_fast_engine_is_kept_only_if_it_agrees_with_eager_torch(tmp_path: Path, broken: bool) -> None:
    files = _files(tmp_path)
    ext = FeatureExtractor(_Tiny(broken), "tiny", (12, 12), (0.5,) * 3, (0.5,) * 3, torch.device("cpu"),
                           tmp_path / "cache")
    feats = ext.features(files, batch_size=4)
    assert ext.engine_name == (EAGER_ENGINE if broken else FAST_ENGINE) and feats.engine == ext.engine_name
    eager = FeatureExtractor(_Tiny(False), "eager", (12, 12), (0.5,) * 3, (0.5,) * 3, torch.device("cpu"),
                             tmp_path / "cache")
    eager._fast, eager._verified = eager.model, True
    np.testing.assert_allclose(feats.vectors, eager.features(files, batch_size=4).vectors, atol=1e-6)


def test_features_keep_input_order_and_report_the_unreadable(tmp_path: Path) -> None:
    files = _files(tmp_path)
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not a picture")
    paths = [files[0], str(bad), *files[1:]]
    ext = FeatureExtractor(_Tiny(False), "tiny", (12, 12), (0.5,) * 3, (0.5,) * 3, torch.device("cpu"),
                           tmp_path / "cache")
    seen: list[tuple[int, int, str]] = []
    feats = ext.features(paths, progress=lambda d, t, w: seen.append((d, t, w)), batch_size=2)
    assert list(feats.paths) == [p for p in paths if p != str(bad)]
    assert [e.path for e in feats.missing] == [str(bad)]
    assert seen[-1][:2] == (len(paths), len(paths)) and feats.computed == len(paths)
    one = ext.features([files[0]])
    assert one.computed == 0
    np.testing.assert_array_equal(one.vectors[0], feats.vectors[0])


class _Notices:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def on_notice(self, event: Notice) -> None:
        self.messages.append(event.message)


def test_the_first_training_logs_the_time_split(tmp_path: Path) -> None:
    import json

    folder = make_tiny_folder(tmp_path / "data", per_class=4, size=16)
    cfg = TrainConfig(model="efficientnet_lite0", image_size=32, pretrained=True, method="quick", seed=0)
    log = _Notices()
    res = fit(cfg, folder, out=tmp_path / "run", callbacks=[log])
    split = [m for m in log.messages if m.startswith("time split")]
    assert len(split) == 1 and "decoding" in split[0] and "network" in split[0] and "head" in split[0]
    info = json.loads((Path(res.run_dir) / "run.json").read_text())
    assert info["features_computed"] == 12 and info["network_seconds"] > 0
    assert info["feature_engine"] == FAST_ENGINE

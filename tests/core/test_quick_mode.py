"""Quick mode: cached backbone features, a linear head, and a run that works like any other."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from desktop_cls.core.errors import UserError
from desktop_cls.core.events import PauseToken
from desktop_cls.core.inference.predictor import Predictor
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.embeddings import FeatureCache, fit_linear_head, head_logits
from desktop_cls.core.training.quick import backbone_extractor
from desktop_cls.core.training.run import fit, resume
from tests.conftest import make_tiny_folder

SIZE = 64  # the real backbone, at a small input size: plumbing tests need no 224 px


def quick_cfg(**kw: object) -> TrainConfig:
    base: dict[str, object] = {"model": "efficientnet_lite0", "image_size": SIZE, "pretrained": True,
                               "method": "quick", "seed": 0}
    base.update(kw)
    return TrainConfig(**base)  # type: ignore[arg-type]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return make_tiny_folder(tmp_path / "data", per_class=6, size=24)


def test_quick_run_is_an_ordinary_run_whose_network_reproduces_the_head(folder: Path, tmp_path: Path) -> None:
    res = fit(quick_cfg(), folder, out=tmp_path / "run")
    assert res.epochs_done == 1 and not res.cancelled
    assert res.best_val_accuracy is not None and res.best_val_accuracy >= 0.99  # colours: trivially separable
    run = Path(res.run_dir)
    assert (run / "model.safetensors").is_file() and (run / "metrics.jsonl").is_file()
    predictor = Predictor.load(run, device="cpu")
    assert predictor.meta.mean == (0.5, 0.5, 0.5)
    paths = sorted(str(p) for p in folder.rglob("*.png"))
    # oracle: the cached features through the head the run fitted, against the whole saved network
    ext = backbone_extractor(quick_cfg(), 3, torch.device("cpu"), pooling=predictor.meta.pooling)
    feats = ext.features(paths)
    assert feats.computed == 0  # all came from the run's cache
    head = predictor.backend._fc
    expected = head_logits(feats.vectors, head.weight.detach().numpy(), head.bias.detach().numpy())
    from desktop_cls.core.data.imaging import load_resized

    images = torch.from_numpy(np.stack([load_resized(p, (SIZE, SIZE)) for p in paths])).permute(0, 3, 1, 2)
    got = predictor.logits(images.contiguous())
    np.testing.assert_allclose(got, expected, atol=1e-3, rtol=1e-3)


def test_the_cache_is_reused_and_survives_relabelling(folder: Path, tmp_path: Path) -> None:
    first = fit(quick_cfg(), folder, out=tmp_path / "r1")
    n = first.extra["features_computed"]
    assert n == 18 and first.extra["features_cached"] == 0
    moved = sorted((folder / "cat").iterdir())[0]
    shutil.move(moved, folder / "dog" / moved.name)  # the user relabels an image
    notices: list[str] = []

    class Notices:
        def on_notice(self, e: object) -> None:
            notices.append(str(getattr(e, "message", "")))

    second = fit(quick_cfg(), folder, out=tmp_path / "r2", callbacks=[Notices()])
    assert second.extra["features_computed"] == 0 and second.extra["features_cached"] == 18
    # said as it is: not "features of 18 images computed once (18 already in the cache)", no 0.0 s split
    assert "quick mode: the features of all 18 images came from the cache" in "\n".join(notices)
    assert not [n for n in notices if "computed once" in n or "decoding" in n or "network 0.0" in n]


def test_the_cache_is_invalidated_by_content_size_and_weights(folder: Path, tmp_path: Path) -> None:
    fit(quick_cfg(), folder, out=tmp_path / "r1")
    victim = sorted((folder / "fish").iterdir())[0]
    from PIL import Image

    Image.new("RGB", (24, 24), (255, 255, 255)).save(victim)  # same name, new pixels
    again = fit(quick_cfg(), folder, out=tmp_path / "r2")
    assert again.extra["features_computed"] == 1
    other_size = fit(quick_cfg(image_size=SIZE + 32), folder, out=tmp_path / "r3")
    assert other_size.extra["features_computed"] == 18
    from desktop_cls.core.models.efficientnet_lite import load_imagenet_state

    state = load_imagenet_state()
    state["_conv_stem.weight"] = state["_conv_stem.weight"] * 1.01
    weights = tmp_path / "tuned.pth"
    torch.save(state, weights)
    other_weights = fit(quick_cfg(weights_file=str(weights)), folder, out=tmp_path / "r4")
    assert other_weights.extra["features_computed"] == 18


def test_an_unreadable_cache_entry_is_a_miss_not_a_failure(tmp_path: Path) -> None:
    cache = FeatureCache("k", tmp_path)
    cache.put("ab" * 20, np.ones(4, dtype=np.float32))
    np.testing.assert_array_equal(cache.get("ab" * 20), np.ones(4, dtype=np.float32))
    (tmp_path / "k" / "ab" / f"{'ab' * 20}.npy").write_bytes(b"garbage")
    assert cache.get("ab" * 20) is None


def test_unreadable_images_become_problems(folder: Path, tmp_path: Path) -> None:
    (folder / "cat" / "broken.png").write_bytes(b"not a png at all")
    res = fit(quick_cfg(), folder, out=tmp_path / "run")
    assert any(p.path.endswith("broken.png") for p in res.problems)


def test_linear_head_matches_scikit_learn(tmp_path: Path) -> None:
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression

    d = load_digits()
    x, y = (d.data / 16.0).astype(np.float32)[:600], d.target[:600]
    ours_w, ours_b = fit_linear_head(x, y, 10, c=1.0, max_iter=500)
    ref = LogisticRegression(C=1.0, max_iter=2000).fit(x, y)
    ours = head_logits(x, ours_w, ours_b).argmax(1)
    assert (ours == ref.predict(x)).mean() >= 0.99
    np.testing.assert_allclose(ours_w - ours_w.mean(0), ref.coef_ - ref.coef_.mean(0), atol=0.05)


def test_quick_mode_needs_pretrained_weights() -> None:
    with pytest.raises(UserError, match="quick mode"):
        TrainConfig(model="quicknet", method="quick").validate()


def test_a_quick_run_has_nothing_to_resume(folder: Path, tmp_path: Path) -> None:
    res = fit(quick_cfg(), folder, out=tmp_path / "run")
    with pytest.raises(UserError, match="quick run"):
        resume(res.run_dir)


def test_onnx_export_of_a_quick_run_is_verified_by_onnxruntime(folder: Path, tmp_path: Path) -> None:
    from desktop_cls.core.inference.export import export_model

    res = fit(quick_cfg(), folder, out=tmp_path / "run")
    out = export_model(res.run_dir, "onnx", tmp_path / "m.onnx")
    assert out.verified and out.top1_agreement == 1.0
    import onnxruntime as ort

    g = torch.Generator().manual_seed(1)
    images = torch.randint(0, 256, (3, 3, SIZE, SIZE), dtype=torch.uint8, generator=g)
    ref = Predictor.load(res.run_dir, device="cpu").logits(images)
    x = ((images.float() / 255 - 0.5) / 0.5).numpy()
    sess = ort.InferenceSession(out.path, providers=["CPUExecutionProvider"])
    got = sess.run(None, {sess.get_inputs()[0].name: x})[0]
    np.testing.assert_allclose(got, ref, atol=1e-3)


def test_cross_validation_scores_each_image_with_a_head_that_never_saw_it() -> None:
    from desktop_cls.core.training.embeddings import cross_validated_logits, stratified_folds

    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 200)).astype(np.float32)  # more dimensions than images: memorised, not learned
    y = rng.integers(0, 3, 60)
    w, b = fit_linear_head(x, y, 3, c=100.0)
    assert (head_logits(x, w, b).argmax(1) == y).mean() == 1.0  # seen images: perfect
    oof = cross_validated_logits(x, y, 3, k=5, c=100.0)
    assert (oof.argmax(1) == y).mean() < 0.6  # unseen: about chance, as it must be for random labels
    folds = stratified_folds(y, 5)
    for c in range(3):
        sizes = np.bincount(folds[y == c], minlength=5)
        assert sizes.max() - sizes.min() <= 1


def test_few_images_are_cross_validated_and_all_train_the_final_head(folder: Path, tmp_path: Path) -> None:
    import json

    res = fit(quick_cfg(), folder, out=tmp_path / "run")
    info = json.loads((Path(res.run_dir) / "run.json").read_text())
    assert info["validation"] == "5-fold cross-validation"
    assert info["train_images"] == 18 and info["val_images"] == 18 and info["val_fraction"] == 0.0
    held = fit(quick_cfg(), make_tiny_folder(tmp_path / "many", per_class=60, size=8), out=tmp_path / "r2")
    info = json.loads((Path(held.run_dir) / "run.json").read_text())
    assert info["validation"] == "held-out split" and info["val_images"] == 36


def test_small_scans_are_max_pooled_and_photos_averaged(folder: Path, tmp_path: Path) -> None:
    import json

    from desktop_cls.core.training.choices import choose_pooling

    assert choose_pooling((32, 32), "efficientnet_lite0").pooling == "max"
    assert choose_pooling((640, 480), "efficientnet_lite0").pooling == "avg"
    assert choose_pooling((32, 32), "resnet18").pooling == "avg"  # only Lite0 has the other pooling
    small = fit(quick_cfg(), folder, out=tmp_path / "small")  # 24 px images
    meta = json.loads((Path(small.run_dir) / "model.json").read_text())
    info = json.loads((Path(small.run_dir) / "run.json").read_text())
    assert meta["pooling"] == "max" and info["pooling"] == "max" and "max-pooled" in info["pooling_reason"]
    predictor = Predictor.load(small.run_dir, device="cpu")
    assert predictor.backend.pooling == "max"  # the saved model is rebuilt with the pooling it was fitted on
    photos = make_tiny_folder(tmp_path / "photos", per_class=4, size=120)
    big = fit(quick_cfg(), photos, out=tmp_path / "big")
    assert "pooling" not in json.loads((Path(big.run_dir) / "model.json").read_text())
    assert Predictor.load(big.run_dir, device="cpu").backend.pooling == "avg"


def test_max_and_average_pooled_features_are_cached_apart(folder: Path) -> None:
    paths = sorted(str(p) for p in folder.rglob("*.png"))[:4]
    avg = backbone_extractor(quick_cfg(), 3, torch.device("cpu")).features(paths)
    mx = backbone_extractor(quick_cfg(), 3, torch.device("cpu"), pooling="max").features(paths)
    assert avg.computed == 4 and mx.computed == 4  # a different pooling is a different cache key
    assert (mx.vectors >= avg.vectors - 1e-5).all() and not np.allclose(mx.vectors, avg.vectors)


def test_a_model_file_with_an_unknown_pooling_is_refused(folder: Path, tmp_path: Path) -> None:
    import json

    from desktop_cls.core.errors import ModelFileError

    res = fit(quick_cfg(), folder, out=tmp_path / "run")
    sidecar = Path(res.run_dir) / "model.json"
    meta = json.loads(sidecar.read_text())
    sidecar.write_text(json.dumps({**meta, "pooling": "median"}))
    with pytest.raises(ModelFileError, match="pooling"):
        Predictor.load(res.run_dir, device="cpu")


def test_a_quick_runs_files_say_what_it_did(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """config.json once kept head_c 1.0 though the run chose another, and flips the run never used; run.json's
    split said 12 train / 3 validation beside val_fraction 0.0 and every image training the head."""
    import json

    from desktop_cls.core.training import quick

    monkeypatch.setattr(quick, "STANDARDISED_C_GRID", (0.03,))  # the strength chosen is not the option's 1.0
    photos = make_tiny_folder(tmp_path / "photos", per_class=5, size=120)  # averaged features: C is chosen
    res = fit(quick_cfg(), photos, out=tmp_path / "run")
    run = Path(res.run_dir)
    info = json.loads((run / "run.json").read_text())
    saved = json.loads((run / "config.json").read_text())
    assert info["cv_folds"] and info["head_c"] is not None and saved["head_c"] == info["head_c"] == 0.03
    aug = saved["augmentation"]
    assert not (aug["hflip"] or aug["vflip"] or aug["random_resized_crop"]) and aug["rotation_degrees"] == 0
    assert info["split"] == {"train": 15, "val": 0, "test": 0} and info["train_images"] == 15
    assert info["val_fraction"] == 0.0
    assert TrainConfig.load(run / "config.json").head_c == info["head_c"]
    assert Predictor.load(run, device="cpu").classes == ("cat", "dog", "fish")


def test_a_paused_quick_run_waits_between_feature_batches(folder: Path, tmp_path: Path) -> None:
    """Pause on a quick run said "Paused" while the backbone went on computing every image's features."""
    from desktop_cls.core.events import PauseToken, StageChanged

    done_seen: list[int] = []
    waited_at: list[int] = []

    class PauseAfterFirstBatch(PauseToken):
        def wait_while_paused(self, cancel: object = None, poll_s: float = 0.1) -> None:
            if self.is_paused():
                waited_at.append(done_seen[-1])
                self.resume()  # the user presses Resume; a real wait would block this thread

    pause = PauseAfterFirstBatch()

    class PressPause:
        def on_stage(self, e: StageChanged) -> None:
            if e.total and e.done:
                done_seen.append(e.done)
                if len(done_seen) == 1:
                    pause.pause()

    res = fit(quick_cfg(), folder, out=tmp_path / "run", callbacks=[PressPause()], pause=pause)
    assert not res.cancelled
    assert waited_at == [done_seen[0]] and done_seen[0] < 18  # it waited after the first batch, before the next


def _paused_for_1000_s(monkeypatch: pytest.MonkeyPatch) -> tuple[list[float], PauseToken]:
    """A pause token already paused that, at the run's first wait, moves the clocks the run reads on by 1000 s
    (as a real pause of 1000 s would) and resumes; away[0] says whether it waited."""
    import time

    away = [0.0]
    for name in ("perf_counter", "monotonic"):
        real = getattr(time, name)
        monkeypatch.setattr(time, name, lambda real=real: real() + away[0])

    class PausedOnce(PauseToken):
        def wait_while_paused(self, cancel: object = None, poll_s: float = 0.1) -> None:
            if self.is_paused():
                away[0] += 1000.0
                self.resume()

    pause = PausedOnce()
    pause.pause()
    return away, pause


def test_time_paused_is_left_out_of_the_times_a_quick_run_reports(folder: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Paused for a while, the quick run said its image features took that while too, and recorded this
    computer's backbone speed from it (which the next automatic choice of backbone reads)."""
    from desktop_cls.core.training import quick

    away, pause = _paused_for_1000_s(monkeypatch)
    speeds: list[float] = []
    monkeypatch.setattr(quick, "record_speed", lambda model, speed: speeds.append(speed))
    res = fit(quick_cfg(), folder, out=tmp_path / "run", pause=pause)
    assert away[0] == 1000.0  # it waited
    assert res.extra["feature_seconds"] < 1000 and res.train_seconds < 1000
    assert not speeds or speeds[0] > 18 / 1000


def test_the_time_left_after_a_pause_leaves_the_pause_out(folder: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Resumed after a long pause, the feature pass said "about 17 min left" for its last few images: its
    rate counted the pause as work."""
    away, pause = _paused_for_1000_s(monkeypatch)
    messages: list[str] = []
    ext = backbone_extractor(quick_cfg(), 3, torch.device("cpu"), cache_root=tmp_path / "cache")
    paths = sorted(str(p) for p in folder.rglob("*.png"))
    ext.features(paths, progress=lambda done, total, what: messages.append(what), batch_size=4, pause=pause)
    assert away[0] == 1000.0 and len(messages) > 2
    assert not [m for m in messages if "min left" in m]  # 14 images at the rate of the 4 before the pause

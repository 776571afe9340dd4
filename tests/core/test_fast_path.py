"""The fast path (decode once, batched tensor ops) gives the plain tutorial pipeline's answers."""

from __future__ import annotations

from pathlib import Path

import torch
import torchvision.transforms as T
from PIL import Image

from desktop_cls.core.inference.predictor import Predictor
from desktop_cls.core.models.model_io import load_native


def test_batched_prediction_equals_the_plain_per_image_pipeline(trained_run: tuple[Path, Path]) -> None:
    run, data = trained_run
    model, meta = load_native(run / "model.safetensors")
    plain = T.Compose([T.Resize(meta.input_size), T.ToTensor(), T.Normalize(meta.mean, meta.std)])
    files = sorted(data.rglob("*.png"))
    fast = Predictor.load(run, device="cpu").predict_paths(files, batch_size=7)
    for f, p in zip(files, fast, strict=True):
        with torch.no_grad():
            logits = model(plain(Image.open(f).convert("RGB"))[None])
        probs = torch.softmax(logits / meta.temperature, dim=1)[0]
        assert p.label == meta.classes[int(probs.argmax())]
        assert abs(p.confidence - float(probs.max())) < 1e-4


def test_each_batch_is_handed_on_as_soon_as_it_is_classified(trained_run: tuple[Path, Path]) -> None:
    """A window shows a folder's rows as they come: every chunk's predictions, in order, before the call returns;
    one file is one batch too."""
    run, data = trained_run
    files = sorted(data.rglob("*.png"))
    predictor = Predictor.load(run, device="cpu")
    batches: list[list[str]] = []
    got = predictor.predict_paths(files, batch_size=7, on_batch=lambda preds: batches.append([p.path for p in preds]))
    assert [len(b) for b in batches] == [7] * (len(files) // 7) + ([len(files) % 7] if len(files) % 7 else [])
    assert [path for b in batches for path in b] == [p.path for p in got] == [str(f) for f in files]
    one: list[int] = []
    predictor.predict_paths(files[:1], on_batch=lambda preds: one.append(len(preds)))
    assert one == [1]

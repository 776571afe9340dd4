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

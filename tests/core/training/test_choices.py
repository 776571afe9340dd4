"""Defaults that follow the data and the machine: image size, batch size, learning-rate scaling."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from desktop_cls.core import devices
from desktop_cls.core.data.dataset import scan
from desktop_cls.core.data.file_checks import typical_image_size
from desktop_cls.core.models.architectures import build_model
from desktop_cls.core.training.auto_batch import activation_bytes_per_image, auto_batch_size
from desktop_cls.core.training.choices import (
    MAX_AUTO_BATCH,
    batch_lr_factor,
    choose_batch_size,
    choose_image_size,
)
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.run import fit
from tests.conftest import write_image

GiB = 1 << 30


@pytest.mark.parametrize(("model", "typical", "pretrained", "size", "words"), [
    ("quicknet", (28, 28), False, 32, "small"),
    ("quicknet", (64, 60), False, 64, "small"),
    ("quicknet", (640, 480), False, 128, "640×480"),
    ("simple_cnn", (640, 480), False, 64, "keeps this small network fast"),
    ("quicknet", None, False, 32, "usual size"),
    ("resnet18", (100, 90), False, 96, "no detail"),
    ("resnet18", (40, 40), False, 64, "40×40"),
    ("resnet18", (1024, 768), False, 224, "large"),
    ("resnet18", (40, 40), True, 224, "pretrained"),
])
def test_image_size_follows_the_images(model: str, typical: tuple[int, int] | None, pretrained: bool,
                                       size: int, words: str) -> None:
    c = choose_image_size(model, typical, pretrained)
    assert c.value == size
    assert c.reason.startswith(f"{size} px") and words in c.reason
    assert model not in c.reason  # a reason is read by people: no identifier


def test_batch_size_on_cpu_is_the_reference_batch() -> None:
    c = choose_batch_size("cpu", 50_000)
    assert c.value == 32 and "CPU" in c.reason


def test_gpu_batch_is_limited_by_memory_data_and_the_cap() -> None:
    per_image = 30 * 1024 * 1024  # ResNet18-like at 224 px in bf16
    by_memory = choose_batch_size("cuda", 1_000_000, per_image, 8 * GiB)  # half of 8 GiB / 30 MiB = 136 -> 128
    assert by_memory.value == 128 and "memory" in by_memory.reason
    by_data = choose_batch_size("cuda", 4_000, 1024, 80 * GiB)  # 4000 / 32 steps -> 125 -> 64
    assert by_data.value == 64 and "steps per epoch" in by_data.reason
    capped = choose_batch_size("cuda", 10_000_000, 1024, 80 * GiB)
    assert capped.value == MAX_AUTO_BATCH
    few = choose_batch_size("cuda", 300, 1024, 80 * GiB)
    assert few.value == 32 and "few" in few.reason
    tight = choose_batch_size("cuda", 1_000_000, per_image, GiB)  # only 17 fit: below 32 wins anyway
    assert tight.value == 16 and "memory" in tight.reason
    unknown = choose_batch_size("cuda", 1_000_000, per_image, 0)
    assert unknown.value == 32 and "could not be measured" in unknown.reason


def test_learning_rate_scaling_rule() -> None:
    assert batch_lr_factor("sgd", 4.0) == 4.0
    assert batch_lr_factor("adamw", 4.0) == 2.0
    assert batch_lr_factor("adam", 1.0) == 1.0
    assert batch_lr_factor("sgd", 0.5) == 1.0  # never scaled down below the tuned value


def test_activation_estimate_scales_with_pixels_and_precision() -> None:
    small = activation_bytes_per_image("quicknet", 10, 32, 4)
    assert small > 0
    assert activation_bytes_per_image("quicknet", 10, 32, 2) * 2 == small
    assert activation_bytes_per_image("simple_cnn", 10, 64, 4) > 3 * activation_bytes_per_image("simple_cnn", 10, 32, 4)


def test_auto_batch_size_reads_gpu_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    model = build_model("quicknet", 10, 32)
    assert auto_batch_size(model, "quicknet", 10, 32, torch.device("cpu"), 10_000, None).value == 32
    monkeypatch.setattr(devices, "free_memory_bytes", lambda _d: 40 * GiB)
    c = auto_batch_size(model, "quicknet", 10, 32, torch.device("cuda"), 100_000, torch.bfloat16)
    assert c.value == MAX_AUTO_BATCH
    monkeypatch.setattr(devices, "free_memory_bytes", lambda _d: 64 * 1024 * 1024)
    assert auto_batch_size(model, "quicknet", 10, 32, torch.device("cuda"), 100_000, torch.bfloat16).value < 32


def test_typical_size_is_the_median_and_honours_exif_rotation(tmp_path: Path) -> None:
    paths = [str(write_image(tmp_path / f"{i}.png", np.zeros((h, w, 3), np.uint8)))
             for i, (w, h) in enumerate([(40, 30), (60, 50), (640, 480)])]
    assert typical_image_size(paths) == (60, 50)
    im = Image.new("RGB", (80, 20))
    exif = im.getexif()
    exif[0x0112] = 6  # shown turned 90 degrees
    p = tmp_path / "turned.jpg"
    im.save(p, exif=exif)
    assert typical_image_size([str(p)]) == (20, 80)
    png = tmp_path / "turned.png"
    im.save(png, exif=exif)  # Pillow writes the EXIF chunk before the pixels: the header tells
    assert typical_image_size([str(png)]) == (20, 80)
    assert typical_image_size([]) is None
    assert typical_image_size([str(tmp_path / "missing.png")]) is None


def test_typical_size_reads_headers_without_decoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import PngImagePlugin

    paths = [str(write_image(tmp_path / f"{i}.png", np.zeros((30, 40, 3), np.uint8))) for i in range(3)]
    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load", lambda self: pytest.fail("decoded " + self.filename))
    assert typical_image_size(paths, workers=1) == (40, 30)


def test_scan_reports_the_typical_size(tiny_folder: Path) -> None:
    idx = scan(tiny_folder)
    assert idx.typical_size == (16, 16)
    assert idx.summary()["typical_image_size"] == [16, 16]


def test_automatic_batch_is_chosen_once_and_kept_on_resume(tiny_folder: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.core.events import BaseCallback, CancelToken, Notice
    from desktop_cls.core.training import trainer
    from desktop_cls.core.training.choices import Choice
    from desktop_cls.core.training.run import resume

    monkeypatch.setattr(trainer, "auto_batch_size", lambda *a: Choice(64, "batch 64: test"))
    notices: list[str] = []

    class Listen(BaseCallback):
        def on_notice(self, event: Notice) -> None:
            notices.append(event.message)

        def on_epoch_end(self, event: object) -> None:
            token.set()

    token = CancelToken()
    cfg = TrainConfig(model="simple_cnn", epochs=2, image_size=16, optimizer="sgd", lr=0.01, seed=0)
    assert cfg.batch_size == 0
    part = fit(cfg, tiny_folder, out=tmp_path / "run", callbacks=[Listen()], cancel=token)
    assert "batch 64: test" in notices
    assert any("learning rate scaled x2.00" in n for n in notices)  # SGD, 64 / 32
    assert part.history[0]["batch_size"] == 64
    monkeypatch.setattr(trainer, "auto_batch_size", lambda *a: pytest.fail("chosen again on resume"))
    notices.clear()
    done = resume(part.run_dir, callbacks=[Listen()])
    assert done.history[-1]["batch_size"] == 64
    assert any("learning rate scaled x2.00" in n for n in notices)


def test_recipe_follows_the_data() -> None:
    from desktop_cls.core.training.methods import choose_method

    few = choose_method({"a": 8, "b": 10, "c": 9}, (32, 32))
    assert (few.name, few.model, few.pretrained) == ("quick", "efficientnet_lite0", True)
    assert "9 training images per class are few" in few.reason
    photos = choose_method({"a": 800, "b": 900}, (640, 480))
    assert photos.name == "quick" and "photos (typically 640×480)" in photos.reason
    many_small = choose_method({"a": 1000, "b": 1200}, (32, 32))
    assert (many_small.model, many_small.pretrained, many_small.name) == ("quicknet", False, "scratch")
    offline = choose_method({"a": 5}, (300, 300), pretrained_available=False)
    assert offline.model == "quicknet" and "not installed" in offline.reason
    tiny = choose_method({"a": 8, "b": 10}, (16, 16), requested_size=16)
    assert tiny.model == "quicknet" and "needs at least 64 px" in tiny.reason  # 16 px: the backbone sees nothing

"""Which precision training uses on each device, and that CPU bf16 learns like fp32."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from desktop_cls.core import devices
from desktop_cls.core.data.dataset import scan
from desktop_cls.core.devices import autocast_dtype
from desktop_cls.core.events import BaseCallback, Notice
from desktop_cls.core.run_dir import read_run_info
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.run import fit

CPU = torch.device("cpu")


def test_cpu_auto_uses_bf16_only_where_the_processor_has_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(devices, "cpu_has_native_bf16", lambda: True)
    assert autocast_dtype(CPU, "auto") is torch.bfloat16
    monkeypatch.setattr(devices, "cpu_has_native_bf16", lambda: False)
    assert autocast_dtype(CPU, "auto") is None


def test_cpu_explicit_choices() -> None:
    assert autocast_dtype(CPU, "bf16") is torch.bfloat16  # asked for: honoured even where emulated
    assert autocast_dtype(CPU, "fp32") is None
    assert autocast_dtype(CPU, "fp16") is None  # a GPU setting; the CPU trains in fp32
    assert autocast_dtype(torch.device("mps"), "bf16") is None


def test_native_bf16_probe_answers_a_bool() -> None:
    assert isinstance(devices.cpu_has_native_bf16(), bool)


def test_bf16_training_on_cpu_reaches_fp32_accuracy(tiny_folder: Path, tmp_path: Path) -> None:
    cfg = TrainConfig(epochs=6, batch_size=8, image_size=16, seed=0, device="cpu")
    data = scan(tiny_folder, val_fraction=0.25)
    full = fit(cfg.replace(precision="fp32"), data, out=tmp_path / "fp32")
    notices: list[str] = []

    class Listen(BaseCallback):
        def on_notice(self, event: Notice) -> None:
            notices.append(event.message)

    half = fit(cfg.replace(precision="bf16"), data, out=tmp_path / "bf16", callbacks=[Listen()])
    assert any(n.startswith("bf16 mixed precision on the CPU") for n in notices)
    assert read_run_info(Path(half.run_dir))["precision"] == "bfloat16"
    assert read_run_info(Path(full.run_dir))["precision"] == "fp32"
    assert full.best_val_accuracy is not None and half.best_val_accuracy is not None
    assert abs(full.best_val_accuracy - half.best_val_accuracy) <= 0.34
    assert half.history[-1]["train_loss"] < half.history[0]["train_loss"]

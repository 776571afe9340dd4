"""Training and Evaluate report one accuracy: validation is scored the way the saved model is used (fp32)."""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from desktop_cls.core.data.dataset import scan
from desktop_cls.core.events import CancelToken, PauseToken
from desktop_cls.core.inference.evaluation import evaluate
from desktop_cls.core.inference.predictor import Predictor
from desktop_cls.core.run_dir import read_run_info
from desktop_cls.core.training.batches import TensorBatches
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.step import TrainStep
from desktop_cls.core.training.trainer import Trainer


class NearTie(nn.Module):
    """Two logits 2^-10 apart: fp32 tells them apart, bf16 (7 mantissa bits) rounds them equal."""

    def __init__(self) -> None:
        super().__init__()
        self.head = nn.Linear(1, 2, bias=False)
        with torch.no_grad():
            self.head.weight.copy_(torch.tensor([[1.0], [1.0 + 2 ** -10]]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(x.mean(dim=(1, 2, 3)).unsqueeze(1))


def test_validation_in_mixed_precision_scores_like_the_saved_model(tiny_folder: Path, tmp_path: Path) -> None:
    cfg = TrainConfig(device="cpu", precision="bf16", batch_size=4, image_size=16)
    trainer = Trainer(cfg, scan(tiny_folder), tmp_path, [], CancelToken(), PauseToken())
    model = NearTie()
    trainer.step = TrainStep(model, torch.optim.SGD(model.parameters(), lr=0.1), cfg, torch.device("cpu"), False)
    trainer.state.batch_size = 4
    assert trainer.step.amp == torch.bfloat16  # training itself stays in mixed precision
    images = torch.full((6, 3, 16, 16), 255, dtype=torch.uint8)
    labels = torch.ones(6, dtype=torch.long)  # class 1 wins in fp32, the tie goes to class 0 in bf16
    _, accuracy, n = trainer._validate(TensorBatches(images, labels, torch.device("cpu")), nn.CrossEntropyLoss())
    assert n == 6
    assert accuracy == 1.0


def test_best_validation_accuracy_is_what_evaluate_reports(trained_run: tuple[Path, Path]) -> None:
    run, data = trained_run
    info = read_run_info(run)
    ev = evaluate(Predictor.load(run), data)
    assert ev.split == "validation"
    assert ev.report["num_images"] == info["val_images"]
    assert ev.report["accuracy"] == info["best_val_accuracy"]

"""Seed loop vs our engine on the same JPEG folder, same model, same epochs.

    python -m benchmarks.train_throughput [--device cpu|cuda] [--smoke] [--large N] [--json OUT]

Cases: SimpleCNN at 32 px on scikit-learn's handwritten digits (real scans, 10 classes, written as
32x32 JPEGs), our default model for 3 epochs against the seed loop's 2, and ResNet18 at 224 px on
generated JPEGs. Reports images/s (first epoch and steady), wall time, test accuracy and the ratio.
--large N adds engine-only throughput on N generated images (the default on a GPU: 50,000 at 32 px for
SimpleCNN and QuickNet, 10,000 at 224 px for ResNet18 in bf16): the scale the GPU targets are about.
Without scikit-learn the digits are replaced by generated images (the report says so).
--smoke runs a tiny version of every case (what CI runs: that it works, never how fast).
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

from benchmarks.datasets import write_digits, write_synthetic
from benchmarks.seed_loop import run_seed_loop
from desktop_cls.core.data.dataset import labeled_folder, scan
from desktop_cls.core.data.image_cache import decode_samples
from desktop_cls.core.inference.predictor import Predictor
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.run import fit


def run_engine(train_dir: Path, test_dir: Path, cfg: TrainConfig, out: Path) -> dict[str, Any]:
    t0 = time.perf_counter()
    index = scan(train_dir, val_fraction=0.0, seed=cfg.seed, verify="none")  # as `desktop-cls train` does
    res = fit(cfg, index, out=out)
    wall = time.perf_counter() - t0
    pred = Predictor.load(res.run_dir, device=cfg.device)
    test = labeled_folder(test_dir, res.classes)
    decoded, _ = decode_samples(test.samples, pred.meta.input_size)
    acc = float((pred.probabilities(decoded.images).argmax(1) == decoded.labels.numpy()).mean())
    secs = [h["seconds"] for h in res.history]
    n = len(index.samples)
    return {
        "loop": "engine", "model": cfg.model, "epochs": res.epochs_done, "train_seconds": wall,
        "first_epoch_images_per_s": n / secs[0],
        "steady_images_per_s": n / (sum(secs[1:]) / len(secs[1:])) if len(secs) > 1 else n / secs[0],
        "test_accuracy": acc, "train_images": n,
    }


def run_large(base: Path, n: int, dev: str, resnet_size: int = 224) -> list[dict[str, Any]]:
    """Throughput at scale (engine only): n generated 32 px images for the small CNNs, n/5 at 224 px for
    ResNet18 in bf16, automatic batch. What the GPU targets are about; steady = epochs 2-3."""
    out = []
    for model, size, count in (("simple_cnn", 32, n), ("quicknet", 32, n), ("resnet18", resnet_size, max(n // 5, 8))):
        train = write_synthetic(base / f"{size}" / "train", classes=10, per_class=max(count // 10, 2), size=size)
        test = write_synthetic(base / f"{size}" / "test", classes=10, per_class=2, size=size, seed=1)
        cfg = TrainConfig(model=model, image_size=size, epochs=3, device=dev, calibrate=False, val_fraction=0.0)
        res = run_engine(train, test, cfg, base / f"run-{model}")
        res["first_epoch_vs_steady"] = res["steady_images_per_s"] / max(res["first_epoch_images_per_s"], 1e-9)
        out.append({"case": f"{model} {size}px, {res['train_images']:,} images, 3 epochs", **res})
    return out


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU"
    return f"{cpu}, {torch.get_num_threads()} threads, {gpu}, torch {torch.__version__}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--skip-resnet", action="store_true")
    ap.add_argument("--large", type=int, help="also measure throughput on this many generated images "
                    "(default: 50,000 on a GPU, none on a CPU)")
    args = ap.parse_args(argv)
    dev = args.device
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        if args.smoke:
            train_dir = write_synthetic(base / "small" / "train", classes=3, per_class=8, size=32)
            test_dir = write_synthetic(base / "small" / "test", classes=3, per_class=4, size=32, seed=1)
        else:
            try:
                train_dir, test_dir = write_digits(base / "digits", size=32)
            except ImportError:  # no scikit-learn (e.g. on a bare GPU machine): generated 10-class data
                print("scikit-learn is not installed: using generated images instead of the digits")
                train_dir = write_synthetic(base / "gen" / "train", classes=10, per_class=126, size=32)
                test_dir = write_synthetic(base / "gen" / "test", classes=10, per_class=54, size=32, seed=1)

        seed_simple = run_seed_loop(train_dir, test_dir, epochs=2, device=dev)
        rows.append({"case": "simple_cnn 32px, 2 epochs", **seed_simple, "model": "simple_cnn"})
        ours_simple = run_engine(train_dir, test_dir, TrainConfig(model="simple_cnn", epochs=2, device=dev),
                                 base / "r1")
        rows.append({"case": "simple_cnn 32px, 2 epochs", **ours_simple})
        ours_default = run_engine(train_dir, test_dir, TrainConfig(epochs=3, device=dev), base / "r2")
        rows.append({"case": "default model 32px, 3 epochs (vs seed 2 epochs)", **ours_default})
        ours_fast = run_engine(train_dir, test_dir, TrainConfig(epochs=2, device=dev), base / "r2b")
        rows.append({"case": "default model 32px, 2 epochs", **ours_fast})

        if not args.skip_resnet:
            n, size = (4, 64) if args.smoke else ((40, 224) if dev == "cpu" else (400, 224))
            rtrain = write_synthetic(base / "syn" / "train", classes=4, per_class=n, size=size)
            rtest = write_synthetic(base / "syn" / "test", classes=4, per_class=max(2, n // 4), size=size, seed=1)
            import torchvision

            seed_res = run_seed_loop(rtrain, rtest, epochs=2, device=dev, image_size=size,
                                     model=torchvision.models.resnet18(num_classes=4))
            rows.append({"case": f"resnet18 {size}px, 2 epochs", **seed_res, "model": "resnet18"})
            ours_res = run_engine(rtrain, rtest, TrainConfig(model="resnet18", image_size=size, epochs=2, device=dev),
                                  base / "r3")
            rows.append({"case": f"resnet18 {size}px, 2 epochs", **ours_res})

        large = args.large if args.large is not None else (50_000 if dev.startswith("cuda") and not args.smoke else 0)
        if large:
            rows.extend(run_large(base / "large", large, dev, resnet_size=64 if args.smoke else 224))

    report = {"machine": machine(), "device": dev, "smoke": args.smoke, "rows": rows}
    print(f"machine: {report['machine']} (device {dev})")
    print(f"{'case':<48}{'loop':<8}{'1st ep img/s':>13}{'steady img/s':>13}{'wall s':>8}{'test acc':>9}")
    for r in rows:
        print(f"{r['case']:<48}{r['loop']:<8}{r['first_epoch_images_per_s']:>13,.0f}{r['steady_images_per_s']:>13,.0f}"
              f"{r['train_seconds']:>8.1f}{r['test_accuracy']:>9.1%}")
    pairs = [(rows[0], rows[1]), (rows[0], rows[2]), (rows[0], rows[3])] + (
        [(rows[4], rows[5])] if len(rows) > 5 and rows[4]["loop"] == "seed" else [])
    for seed, ours in pairs:
        print(f"{ours['case']}: engine/seed wall-time speed-up {seed['train_seconds'] / ours['train_seconds']:.2f}x, "
              f"accuracy {ours['test_accuracy']:.1%} vs {seed['test_accuracy']:.1%}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What each export format costs: size, one-image latency, agreement with fp32 and accuracy, in one run.

Datasets: the built-in demo data and scikit-learn's handwritten digits (real scans), each trained with the
default model; every format is exported from the same run and measured on that run's validation images
(the figures `desktop-cls export --json` and the Export page report).

    python -m benchmarks.export_formats [--smoke] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
from pathlib import Path
from typing import Any

import torch

from desktop_cls.core.data.demo_data import make_demo_dataset
from desktop_cls.core.inference.export import FORMATS, export_model, measurement_images
from desktop_cls.core.inference.export_openvino import openvino_available
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.run import fit


def datasets(base: Path, smoke: bool) -> list[tuple[str, Path, TrainConfig]]:
    out = [("demo", make_demo_dataset(base / "demo", images_per_class=6 if smoke else None),
            TrainConfig(epochs=1 if smoke else 8, seed=0))]
    try:
        from benchmarks.datasets import write_digits
    except ImportError:
        return out
    try:
        train, _ = write_digits(base / "digits", size=32)
    except ImportError:
        print("scikit-learn is not installed: the digits are left out")
        return out
    out.append(("digits", train, TrainConfig(epochs=1 if smoke else 3, image_size=16 if smoke else 32, seed=0)))
    return out


def measure(name: str, data: Path, cfg: TrainConfig, base: Path, formats: list[str]) -> list[dict[str, Any]]:
    run = fit(cfg, data, out=base / f"run-{name}").run_dir
    images = measurement_images(run)
    rows = []
    for fmt in formats:
        r = export_model(run, fmt, base / name / fmt / "model", images=images)
        rows.append({"dataset": name, "model": cfg.model, "format": fmt, "size_bytes": r.size_bytes,
                     "latency_ms": r.latency_ms, "reference_latency_ms": r.reference_latency_ms,
                     "top1_agreement": r.top1_agreement, "accuracy": r.accuracy,
                     "reference_accuracy": r.reference_accuracy, "num_images": r.num_images,
                     "quantization": r.quantization})
        print(f"{name:<7}{fmt:<12}{r.size_bytes / 1e6:>7.2f} MB {r.latency_ms:>8.2f} ms "
              f"(torch {r.reference_latency_ms:.2f} ms)  agreement {r.top1_agreement:.1%}  accuracy "
              f"{(r.accuracy or 0):.1%} (fp32 {(r.reference_accuracy or 0):.1%}) on {r.num_images} images", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true", help="tiny data, one epoch: that it runs, not the figures")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    formats = [f for f in FORMATS if f != "openvino" or openvino_available()]
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for name, data, cfg in datasets(base, args.smoke):
            rows.extend(measure(name, data, cfg, base, formats))
    if args.json:
        args.json.write_text(json.dumps({"machine": platform.processor() or platform.machine(),
                                         "torch_threads": torch.get_num_threads(), "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

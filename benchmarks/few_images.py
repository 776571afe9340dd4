"""Few images per class: from scratch vs the quick mode vs fine-tuning, as `desktop-cls train DIR` runs them.

    python -m benchmarks.few_images [--per-class 5 10 20 50] [--test 500] [--modes auto scratch quick fine-tune]
                                    [--smoke] [--json OUT]

Data: scikit-learn's handwritten digits (real 8x8 scans, written as 32x32 JPEGs like the other
benchmarks), N images per class in the training folder (the run holds 20 % of them back for validation,
as the default does) and a fixed sample of the other digits as the test set. Seconds are command to saved
model (scan, recipe, features or training, calibration, model file), with a cold feature cache. A last row
times the quick mode's re-fit of its head on 1,000 cached images.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from desktop_cls.cli import main as cli_main
from desktop_cls.core.inference.evaluation import evaluate
from desktop_cls.core.inference.predictor import Predictor


def write_digits_few(out: Path, per_class: int, test: int, size: int = 32, seed: int = 0) -> tuple[Path, Path]:
    """per_class training digits per class; `test` of the others (the same for every per_class)."""
    from PIL import Image
    from sklearn.datasets import load_digits

    d = load_digits()
    order = np.random.default_rng(seed).permutation(len(d.images))
    test_idx = order[:test]
    taken: dict[int, int] = {}
    train_idx = []
    for i in order[test:]:
        t = int(d.target[i])
        if taken.get(t, 0) < per_class:
            taken[t] = taken.get(t, 0) + 1
            train_idx.append(i)
    for split, idx in (("train", train_idx), ("test", test_idx)):
        for i in idx:
            arr = (d.images[i] / 16.0 * 255).astype(np.uint8)
            im = Image.fromarray(arr, "L").resize((size, size), Image.Resampling.BILINEAR).convert("RGB")
            p = out / split / str(d.target[i]) / f"{i:05d}.jpg"
            p.parent.mkdir(parents=True, exist_ok=True)
            im.save(p, format="JPEG", quality=92)
    return out / "train", out / "test"


def run_case(train: Path, test: Path, mode: str, run: Path, extra: list[str]) -> dict[str, Any]:
    args = ["train", str(train), "--out", str(run), "--device", "cpu", "--json", *extra]
    if mode != "auto":
        args += ["--mode", mode]
    err = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli_main(args)
    seconds = time.perf_counter() - t0
    if code != 0:
        raise RuntimeError(f"train failed: {err.getvalue()[-2000:]}")
    cfg = json.loads((run / "config.json").read_text())
    ev = evaluate(Predictor.load(run, device="cpu"), test)
    recipe = "quick" if cfg["mode"] == "quick" else ("fine-tune" if cfg["pretrained"] else "scratch")
    return {"mode": mode, "recipe": recipe, "model": cfg["model"], "image_size": cfg["image_size"],
            "epochs": 1 if cfg["mode"] == "quick" else cfg["epochs"], "seconds": round(seconds, 2),
            "test_accuracy": round(float(ev.to_dict()["accuracy"]), 4), "test_images": len(ev.paths)}


def refit_seconds(base: Path, images: int, size: int) -> dict[str, Any]:
    """Head re-fit on `images` cached features (the head's cost does not depend on the image size)."""
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.trainer import fit

    train, _ = write_digits_few(base / "refit", images // 10, 10)
    cfg = TrainConfig(model="efficientnet_lite0", pretrained=True, mode="quick", image_size=size, device="cpu",
                      val_fraction=0.0)
    fit(cfg, train, out=base / "refit-1")  # computes and caches the features
    res = fit(cfg, train, out=base / "refit-2")
    return {"images": images, "feature_size": size, "features_computed": res.extra["features_computed"],
            "head_seconds": round(float(res.extra["head_seconds"]), 3), "run_seconds": round(res.train_seconds, 2)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-class", type=int, nargs="+", default=[5, 10, 20, 50])
    ap.add_argument("--modes", nargs="+", default=["auto", "scratch", "quick", "fine-tune"])
    ap.add_argument("--test", type=int, default=500)
    ap.add_argument("--refit-images", type=int, default=1000)
    ap.add_argument("--smoke", action="store_true", help="tiny sizes: that it works, never how fast")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args(argv)
    extra: list[str] = []
    if a.smoke:
        a.per_class, a.test, a.refit_images = [3], 20, 40
        extra = ["--image-size", "32", "--epochs", "1"]
    rows = []
    with tempfile.TemporaryDirectory(prefix="few_images_") as tmp:
        base = Path(tmp)
        for n in a.per_class:
            train, test = write_digits_few(base / f"d{n}", n, a.test)
            for mode in a.modes:
                row = {"per_class": n, **run_case(train, test, mode, base / f"run-{n}-{mode}", extra)}
                rows.append(row)
                print(json.dumps(row), flush=True)
        refit = refit_seconds(base, a.refit_images, 32 if a.smoke else 64)
        print(json.dumps(refit), flush=True)
    report = {"machine": platform.processor() or platform.machine(), "threads": torch.get_num_threads(),
              "torch": torch.__version__, "rows": rows, "refit": refit}
    if a.json:
        a.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

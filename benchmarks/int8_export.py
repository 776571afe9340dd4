"""int8 export of a trained run, calibrated on one folder and judged on another, checked on a third.

    python -m benchmarks.int8_export --digits OUT [--per-class 20]      # the few_images draw, trained here
    python -m benchmarks.int8_export RUN --calibrate DIR --judge DIR [--check DIR] --out OUT

The exporter chooses what stays in float by its agreement on the `judge` images (never the calibration
ones) and reports that agreement; since it stopped on those very images, the `check` images (seen by
neither the calibration nor the stop) say whether the figure holds, with their own lower bound and how many
of them are near ties (fp32's two best logits within NEAR_TIE, where any rounding may flip the answer).
`--digits` writes scikit-learn's digits as `benchmarks.few_images` does (seed 0: 300 test digits to judge on,
N per class to learn from and calibrate on) plus every other digit as the check set, runs `desktop-cls train`
with no options, and exports the run to fp32 ONNX (the reference for size and latency) and int8. Each progress
line is printed with its time, so the seconds of the block measurement and of each growth step show apart.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from desktop_cls.core.data.dataset import labeled_folder
from desktop_cls.core.data.image_cache import decode_samples
from desktop_cls.core.inference.export import export_model
from desktop_cls.core.inference.export_report import ExportImages, agreement_lower_bound, preprocess, run_batched
from desktop_cls.core.inference.predictor import Predictor
from desktop_cls.core.models.model_io import load_native, read_meta, sidecar_path

NEAR_TIE = 0.1  # fp32's two best logits closer than this: the pictures int8 flipped were all such near ties


def _load() -> float:
    return round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else float("nan")


def write_digits_check(out: Path, per_class: int, test: int = 300, size: int = 32, seed: int = 0) -> Path:
    """Every digit that few_images' draw puts in neither its training nor its test folder."""
    from PIL import Image
    from sklearn.datasets import load_digits

    d = load_digits()
    order = np.random.default_rng(seed).permutation(len(d.images))
    taken: dict[int, int] = {}
    for i in order[test:]:
        t = int(d.target[i])
        taken[t] = taken.get(t, 0) + 1
        if taken[t] <= per_class:
            continue  # a training digit
        arr = (d.images[i] / 16.0 * 255).astype(np.uint8)
        im = Image.fromarray(arr, "L").resize((size, size), Image.Resampling.BILINEAR).convert("RGB")
        p = out / str(t) / f"{i:05d}.jpg"
        p.parent.mkdir(parents=True, exist_ok=True)
        im.save(p, format="JPEG", quality=92)
    return out


def _decode(folder: Path, classes: tuple[str, ...], size: tuple[int, int]) -> tuple[torch.Tensor, np.ndarray]:
    d, _skipped = decode_samples(list(labeled_folder(folder, classes).samples), size)
    return d.images, d.labels.numpy()


def export_one(run: Path, calibrate: Path, judge: Path, check: Path | None, out: Path) -> dict[str, Any]:
    meta = read_meta(sidecar_path(run / "model.safetensors"))
    judge_x, judge_y = _decode(judge, meta.classes, meta.input_size)
    calib_x, _labels = _decode(calibrate, meta.classes, meta.input_size)
    images = ExportImages(judge_x, judge_y, calib_x, f"{len(judge_y)} images of {judge}")
    rows: dict[str, Any] = {"run": str(run), "load_avg_start": _load()}
    t0 = time.perf_counter()

    def said(done: int, total: int, text: str) -> None:
        print(f"{time.perf_counter() - t0:7.1f} s  load {_load():4.1f}  {text}", flush=True)

    for fmt in ("onnx", "onnx-int8"):
        start = time.perf_counter()
        res = export_model(run / "model.safetensors", fmt, out / f"{fmt}.onnx", overwrite=True, images=images,
                           progress=said)
        rows[fmt] = {k: res.report()[k] for k in ("top1_agreement", "accuracy", "reference_accuracy", "size_bytes",
                                                  "latency_ms", "reference_latency_ms", "quantization", "warning")}
        rows[fmt]["seconds"] = round(time.perf_counter() - start, 1)
        rows[fmt]["load_avg_end"] = _load()
    if check is not None:
        rows["check"] = _check_agreement(run, out / "onnx-int8.onnx", check, meta)
    return rows


def _check_agreement(run: Path, int8: Path, check: Path, meta: Any) -> dict[str, Any]:
    model, _meta = load_native(run / "model.safetensors")
    x_u8, y = _decode(check, meta.classes, meta.input_size)
    x = preprocess(x_u8, meta)
    with torch.inference_mode():
        ref = run_batched(lambda b: model.float().eval()(torch.from_numpy(b)).numpy(), x)
    got = run_batched(Predictor.load(int8, device="cpu").run_prepared, x)
    same = ref.argmax(1) == got.argmax(1)
    top2 = np.sort(ref, axis=1)[:, -2:]
    tie = (top2[:, 1] - top2[:, 0]) < NEAR_TIE  # fp32 itself barely decided: any rounding may flip these
    return {"images": len(y), "top1_agreement": round(float(same.mean()), 4),
            "lower_bound": round(agreement_lower_bound(int(same.sum()), len(y)), 4),
            "near_ties": int(tie.sum()), "disagreements_on_near_ties": int((~same & tie).sum()),
            "disagreements": int((~same).sum()), "mean_abs_dlogit": round(float(np.abs(got - ref).mean()), 4),
            "accuracy": round(float((got.argmax(1) == y).mean()), 4),
            "reference_accuracy": round(float((ref.argmax(1) == y).mean()), 4)}


def digits(out: Path, per_class: int) -> dict[str, Any]:
    from benchmarks.few_images import run_case, write_digits_few

    train, test = write_digits_few(out / "src", per_class, 300)
    check = write_digits_check(out / "check", per_class)
    trained = run_case(train, test, "auto", out / "run", [])
    return {"train": trained, **export_one(out / "run", train, test, check, out / "exported")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", nargs="?", type=Path)
    ap.add_argument("--digits", type=Path, help="write, train and export the digits draw under this folder")
    ap.add_argument("--per-class", type=int, default=20)
    ap.add_argument("--calibrate", type=Path)
    ap.add_argument("--judge", type=Path)
    ap.add_argument("--check", type=Path)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    if args.digits is not None:
        result = digits(args.digits, args.per_class)
    elif args.run and args.calibrate and args.judge and args.out:
        result = export_one(args.run, args.calibrate, args.judge, args.check, args.out)
    else:
        ap.error("give --digits OUT, or RUN with --calibrate, --judge and --out")
    text = json.dumps(result, indent=1)
    print(text)
    if args.json is not None:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()

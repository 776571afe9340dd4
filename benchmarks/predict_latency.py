"""Prediction speed: one image (file and in-memory frame) p50/p99, and a whole folder in images/s.

    python -m benchmarks.predict_latency [--device cpu|cuda] [--smoke] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from desktop_cls.core.data.demo_data import make_demo_dataset
from desktop_cls.core.inference.export import export_model
from desktop_cls.core.inference.predictor import Predictor
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.run import fit


def timed(fn: object, n: int) -> np.ndarray:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append((time.perf_counter() - t) * 1000)
    return np.asarray(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    n = 5 if args.smoke else 200
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        data = make_demo_dataset(base / "demo", images_per_class=4 if args.smoke else 60)
        run = fit(TrainConfig(epochs=1, device=args.device), data, out=base / "run").run_dir
        onnx = export_model(run, "onnx", base / "m.onnx").path
        sample = sorted((data / "ring").iterdir())[0]
        frame = np.asarray(__import__("PIL.Image", fromlist=["Image"]).open(sample).convert("RGB").resize((640, 480)))
        for name, model in (("torch", run), ("onnx", onnx)):
            p = Predictor.load(model, device=args.device)
            p.predict_paths([sample])  # warm up
            file_ms = timed(lambda p=p: p.predict_paths([sample]), n)
            frame_ms = timed(lambda p=p: p.predict_arrays([frame]), n)
            t = time.perf_counter()
            preds = p.predict_paths([data])
            folder_ips = len(preds) / (time.perf_counter() - t)
            rows.append({"backend": name, "file_p50_ms": float(np.percentile(file_ms, 50)),
                         "file_p99_ms": float(np.percentile(file_ms, 99)),
                         "frame_p50_ms": float(np.percentile(frame_ms, 50)),
                         "frame_p99_ms": float(np.percentile(frame_ms, 99)),
                         "folder_images_per_s": folder_ips, "folder_images": len(preds)})
    for r in rows:
        print(f"{r['backend']:<6} one file p50 {r['file_p50_ms']:.1f} ms p99 {r['file_p99_ms']:.1f} ms | "
              f"640x480 frame p50 {r['frame_p50_ms']:.1f} ms p99 {r['frame_p99_ms']:.1f} ms | "
              f"folder {r['folder_images_per_s']:,.0f} images/s ({r['folder_images']} images)")
    if args.json:
        args.json.write_text(json.dumps({"device": args.device, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

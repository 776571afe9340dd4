"""Which JPEG decoder the image cache should use: PIL (with draft-mode downscaling) or torchvision.io.

    python -m benchmarks.decode_speed [--smoke] [--json OUT]

Per image, one thread, decode + resize to the training size, for tiny scans and camera-sized photos.
The cache decodes in parallel on all cores; this measures the per-image cost that parallelism divides.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torchvision.io import ImageReadMode, decode_jpeg, read_file

from desktop_cls.core.data.imaging import load_resized

CASES = (((32, 32), 32), ((640, 480), 128), ((640, 480), 224), ((1920, 1080), 224))


def _write(folder: Path, size: tuple[int, int], n: int, rng: np.random.Generator) -> list[str]:
    w, h = size
    files = []
    for i in range(n):
        small = rng.integers(0, 255, (max(1, h // 8), max(1, w // 8), 3)).astype(np.uint8)
        p = folder / f"{w}x{h}_{i:04d}.jpg"
        Image.fromarray(small).resize((w, h), Image.Resampling.BILINEAR).save(p, quality=90)
        files.append(str(p))
    return files


def _per_image_ms(files: list[str], fn: Any) -> float:
    t = time.perf_counter()
    for f in files:
        fn(f)
    return (time.perf_counter() - t) / len(files) * 1e3


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    n = 3 if args.smoke else 100
    rng = np.random.default_rng(0)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for size, target in CASES:
            files = _write(Path(tmp), size, n, rng)

            def tv(f: str, target: int = target) -> None:
                x = decode_jpeg(read_file(f), mode=ImageReadMode.RGB)
                F.interpolate(x[None].float(), size=(target, target), mode="bilinear", antialias=True)

            pil = _per_image_ms(files, lambda f, target=target: load_resized(f, (target, target)))
            tvm = _per_image_ms(files, tv)
            rows.append({"image": f"{size[0]}x{size[1]}", "target": target, "pil_ms": pil, "torchvision_ms": tvm})
            print(f"{size[0]}x{size[1]} -> {target} px: PIL {pil:.2f} ms, torchvision.io {tvm:.2f} ms "
                  f"({tvm / pil:.1f}x PIL's time)")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

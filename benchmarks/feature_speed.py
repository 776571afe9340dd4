"""Which engine should compute the quick mode's features on this CPU, and how close the quick mode's
whole feature pass (decode + network, overlapped) comes to the bare network.

    python -m benchmarks.feature_speed [--smoke] [--images N] [--no-engines] [--json OUT]

The images are real pictures (Debian's openclipart-png, as `benchmarks/real_pictures.py`; random pixels
when it is not installed), decoded once at the backbone's size. Each engine runs the same batches of the
default backbone (EfficientNet-Lite2, 260 px, avg + max pooled); its features are compared with eager fp32
torch (largest absolute difference, and the largest relative to the feature's own scale). Then the quick
mode's own `FeatureExtractor.features` runs on the files with a cold cache, and its time is set beside the
bare network's on the same images. Figures come with the 1-minute load average (a shared machine).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

MODEL, SIZE, POOLING = "efficientnet_lite2", 260, "avgmax"


@contextlib.contextmanager
def thread_count(n: int) -> Iterator[None]:
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _load() -> float:
    return round(os.getloadavg()[0], 1)


class _Features(nn.Module):
    """The backbone's pooled features as a module's forward (what the exporters trace)."""

    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.net.features(x)  # type: ignore[operator]
        return out


def _files(n: int) -> list[str]:
    from benchmarks.real_pictures import SOURCE, load_manifest

    if not SOURCE.is_dir():
        return []
    m = load_manifest()
    return [str(SOURCE / f) for fs in m["draws"][0].values() for f in fs][:n]


def _inputs(files: list[str], n: int) -> torch.Tensor:
    """N x 3 x H x W float, normalised as the quick mode feeds the network."""
    from desktop_cls.core.data.imaging import load_resized
    from desktop_cls.core.models.catalog import MODELS
    from desktop_cls.core.models.preprocessing import prepare

    if files:
        u8 = np.stack([load_resized(f, (SIZE, SIZE)) for f in files])
    else:
        u8 = np.random.default_rng(0).integers(0, 255, (n, SIZE, SIZE, 3), dtype=np.uint8)
    info = MODELS[MODEL]
    return prepare(torch.from_numpy(u8).permute(0, 3, 1, 2), torch.device("cpu"), info.mean, info.std)


def _time(run: Callable[[torch.Tensor], np.ndarray], x: torch.Tensor, batch: int) -> tuple[float, np.ndarray]:
    run(x[:batch])  # warm-up (first-call allocations, kernel choice)
    t = time.perf_counter()
    outs = [run(x[i:i + batch]) for i in range(0, len(x), batch)]
    return len(x) / (time.perf_counter() - t), np.concatenate(outs)


def _engines(net: nn.Module, x: torch.Tensor, tmp: Path) -> dict[str, Callable[[torch.Tensor], np.ndarray]]:
    fused = net.fused_for_inference()  # type: ignore[operator]
    eager, fast = _Features(net).eval(), _Features(fused).eval()

    def torch_run(m: nn.Module, cl: bool = False, bf16: bool = False) -> Callable[[torch.Tensor], np.ndarray]:
        @torch.inference_mode()
        def run(b: torch.Tensor) -> np.ndarray:
            b = b.contiguous(memory_format=torch.channels_last) if cl else b
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                return m(b).float().numpy()
        return run

    engines = {"torch eager fp32": torch_run(eager), "torch eager, channels-last": torch_run(eager.to(
        memory_format=torch.channels_last), cl=True),  # type: ignore[call-overload,unused-ignore]
        "torch BN-folded + channels-last (the quick mode before)": torch_run(fast, cl=True),
        "torch BN-folded + channels-last, bf16 autocast": torch_run(fast, cl=True, bf16=True)}
    onnx_file = tmp / "features.onnx"
    with warnings.catch_warnings():  # the legacy TorchScript exporter: seconds, where dynamo takes many more
        warnings.simplefilter("ignore")
        torch.onnx.export(_Features(fused).eval(), (torch.zeros(1, 3, SIZE, SIZE),), str(onnx_file),
                          input_names=["input"], output_names=["features"],
                          dynamic_axes={"input": {0: "batch"}, "features": {0: "batch"}}, dynamo=False)
    import onnxruntime as ort

    opts = ort.SessionOptions()
    sess = ort.InferenceSession(str(onnx_file), sess_options=opts, providers=["CPUExecutionProvider"])
    engines["ONNX Runtime fp32"] = lambda b: sess.run(None, {"input": b.numpy()})[0]
    import openvino as ov

    compiled = ov.Core().compile_model(str(onnx_file), "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    engines["OpenVINO fp32"] = lambda b: np.asarray(compiled(b.numpy())[0])
    return engines


def engine_table(x: torch.Tensor, batch: int) -> list[dict[str, Any]]:
    from desktop_cls.core.models.architectures import build_model

    net = build_model(MODEL, 10, SIZE, pretrained=True, pooling=POOLING).eval()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        engines = _engines(net, x, Path(tmp))
        print(f"engines ready in {time.perf_counter() - t:.1f} s (exports included)")
        ref: np.ndarray | None = None
        for name, run in engines.items():
            speed, out = _time(run, x, batch)
            ref = out if ref is None else ref
            diff = float(np.abs(out - ref).max())
            rel = diff / float(np.abs(ref).max())
            rows.append({"engine": name, "images_per_s": round(speed, 1), "max_abs_diff": diff,
                         "max_rel_diff": rel, "load": _load()})
            print(f"{name}: {speed:.1f} images/s, max |diff| {diff:.2e} ({rel:.1e} of the largest feature)"
                  f"  (load {_load()})", flush=True)
    return rows


def quick_pass(files: list[str], x: torch.Tensor, batch: int) -> dict[str, Any]:
    """The quick mode's feature pass on the files (cold cache) next to its own engine's bare forward."""
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.quick import backbone_extractor

    cfg = TrainConfig(model=MODEL, pretrained=True, method="quick", image_size=SIZE, device="cpu")
    with tempfile.TemporaryDirectory() as tmp:
        ext = backbone_extractor(cfg, 10, torch.device("cpu"), cache_root=Path(tmp), pooling=POOLING)
        ext.compute(torch.zeros(2, 3, SIZE, SIZE, dtype=torch.uint8))  # engine chosen and warm
        u8 = (x * 0).to(torch.uint8)
        bare = {}
        for threads in sorted({1, torch.get_num_threads()}):  # the bare forward at its best thread count
            with thread_count(threads):
                t = time.perf_counter()
                ext.compute(u8, batch)
                bare[threads] = time.perf_counter() - t
        t = time.perf_counter()
        feats = ext.features(files, batch_size=batch)
        whole = time.perf_counter() - t
    best = min(bare.values())
    row = {"engine": ext.engine_name, "images": len(files), "bare_forward_s": round(best, 2),
           "bare_forward_s_by_threads": {k: round(v, 2) for k, v in bare.items()},
           "features_s": round(whole, 2), "ratio": round(whole / best, 2),
           "decode_s": round(feats.decode_seconds, 2), "network_s": round(feats.network_seconds, 2),
           "load": _load()}
    print(f"quick mode's features of {len(files)} files (cold cache): {whole:.1f} s "
          f"(decoding {feats.decode_seconds:.1f} s"
          f" in the background, the network {feats.network_seconds:.1f} s); bare forward {best:.1f} s "
          f"({bare}); {whole / best:.2f}x; engine {ext.engine_name}  (load {_load()})")
    return row


def big_pictures(count: int) -> dict[str, Any]:
    """The biggest openclipart pictures the app accepts, decoded to the network's view cold (their small
    copy written) and warm (read from it)."""
    from PIL import Image

    from benchmarks.real_pictures import SOURCE
    from desktop_cls.core.data import imaging
    from desktop_cls.core.data.imaging import MAX_PIXELS, load_resized
    from desktop_cls.core.data.small_copies import SmallCopies, is_big

    found: list[tuple[int, str]] = []
    pillow_limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None  # headers only: our limit is below
    try:
        for f in SOURCE.rglob("*.png"):
            with Image.open(f) as im:
                if is_big(im.width, im.height) and im.width * im.height <= MAX_PIXELS:
                    found.append((im.width * im.height, str(f)))
    finally:
        Image.MAX_IMAGE_PIXELS = pillow_limit
    files = [f for _n, f in sorted(found, reverse=True)[:count]]
    row: dict[str, Any] = {"pictures": len(files), "biggest_px": max((n for n, _f in found), default=0)}
    with tempfile.TemporaryDirectory() as tmp:
        imaging.SMALL_COPIES = SmallCopies(Path(tmp))
        for name in ("cold_s", "warm_s"):
            t = time.perf_counter()
            for picture in files:
                load_resized(picture, (SIZE, SIZE))
            row[name] = round(time.perf_counter() - t, 2)
    row["load"] = _load()
    print(f"{len(files)} biggest pictures ({len(found)} over the threshold): cold {row['cold_s']} s (decoded, small "
          f"copies written), warm {row['warm_s']} s (small copies read)  (load {_load()})")
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--images", type=int, default=96)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--big", type=int, default=8, help="time the small copies of this many of the biggest pictures")
    ap.add_argument("--no-engines", action="store_true", help="only the quick mode's pass against its bare forward")
    a = ap.parse_args(argv)
    n = 4 if a.smoke else a.images
    files = _files(n)
    x = _inputs(files, n)
    print(f"{len(x)} pictures at {SIZE} px, {torch.get_num_threads()} torch threads, load {_load()}")
    rows = [] if a.no_engines else engine_table(x, min(a.batch, n))
    quick = quick_pass(files, x, min(a.batch, n)) if files else {}
    big = big_pictures(2 if a.smoke else a.big) if files and a.big else {}
    if a.json:
        a.json.write_text(json.dumps({"engines": rows, "quick_mode": quick, "big_pictures": big}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

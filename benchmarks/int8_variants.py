"""int8 variants of one trained run side by side: size, one-image latency, agreement on judged and further images.

    python -m benchmarks.int8_variants RUN --calibrate DIR --judge DIR --check DIR [--counts 0 6 9 14]
        [--method MinMax] [--min-max] [--static-only] [--json OUT]
    python -m benchmarks.int8_variants --pictures-folders OUT [--draw 0]   # the real-pictures folders, no model

One calibration (the exporter's: moving-average min-max unless --min-max, or --method Percentile/Entropy) and
the exporter's block ranking, then for each count k of the most sensitive blocks kept in float: static int8
with those blocks wholly float (`static k`), the same with their weights stored as int8 per channel
(`static k, float blocks' weights int8`); and weight-only int8 of the whole network (every weight int8 per
channel, every activation float), with and without the classifier head's weights, against fp32 and fp16 ONNX.
Agreement is with the trained model in PyTorch, on the judge images (what the exporter chooses on) and on the
check images (seen by neither the calibration nor the choice), with their one-sided 95 % lower bounds and how
many disagreements are near ties (fp32's two best logits within NEAR_TIE). Latency is the best of up to 50
single images in ONNX Runtime, all variants in one process, with the 1-minute load next to each.
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import torch

from benchmarks.int8_export import NEAR_TIE, _decode, _load
from benchmarks.int8_weights import store_weights_int8
from desktop_cls.core.inference import export_onnx as eo
from desktop_cls.core.inference import int8_sensitivity as sens
from desktop_cls.core.inference.export_report import (
    agreement_lower_bound,
    preprocess,
    run_batched,
    single_image_latency_ms,
)
from desktop_cls.core.models.model_io import load_native, read_meta, sidecar_path


def _agreement(ref: np.ndarray, got: np.ndarray) -> dict[str, Any]:
    same = ref.argmax(1) == got.argmax(1)
    top2 = np.sort(ref, axis=1)[:, -2:]
    tie = (top2[:, 1] - top2[:, 0]) < NEAR_TIE
    return {"images": int(same.size), "agreed": int(same.sum()), "share": round(float(same.mean()), 4),
            "lower_bound": round(agreement_lower_bound(int(same.sum()), int(same.size)), 4),
            "disagreements_on_near_ties": int((~same & tie).sum()), "near_ties": int(tie.sum()),
            "mean_abs_dlogit": round(float(np.abs(got - ref).mean()), 4)}


def measure(path: Path, sets: dict[str, tuple[np.ndarray, np.ndarray]], x1: np.ndarray) -> dict[str, Any]:
    runner = eo.ort_runner(path)
    row: dict[str, Any] = {"size_mb": round(path.stat().st_size / 1e6, 2)}
    for name, (x, ref) in sets.items():
        row[name] = _agreement(ref, run_batched(runner, x))
    row["latency_ms"] = round(single_image_latency_ms(runner, x1), 2)
    row["load"] = _load()
    return row


def with_int8_weights(src: Path, dest: Path, nodes: set[str] | None) -> Path:
    import onnx

    proto = onnx.load(str(src))
    store_weights_int8(proto, nodes)
    onnx.save(proto, str(dest))
    return dest


def variants(run: Path, calibrate: Path, judge: Path, check: Path, counts: list[int], method: str,
             moving_average: bool, work: Path, static_only: bool = False) -> dict[str, Any]:
    meta = read_meta(sidecar_path(run / "model.safetensors"))
    model, _meta = load_native(run / "model.safetensors")
    model = model.float().eval()
    calib = preprocess(_decode(calibrate, meta.classes, meta.input_size)[0], meta)
    sets = {}
    for name, folder in (("judged", judge), ("further", check)):
        x = preprocess(_decode(folder, meta.classes, meta.input_size)[0], meta)
        with torch.inference_mode():
            sets[name] = (x, run_batched(lambda b: model(torch.from_numpy(b)).numpy(), x))
    x1 = sets["judged"][0][:1]
    out: dict[str, Any] = {"run": str(run), "method": method, "moving_average": moving_average,
                           "load_start": _load(), "rows": {}}
    fp32, prepared = work / "fp32.onnx", work / "prepared.onnx"
    example = torch.from_numpy(calib[:2])
    eo.write_fp32(model, meta, example, fp32)
    eo.prepare_for_quantization(fp32, prepared)
    eo.write_fp16(fp32, meta, work / "fp16.onnx")
    rows = out["rows"]
    rows["fp32"] = measure(fp32, sets, x1)
    rows["fp16"] = measure(work / "fp16.onnx", sets, x1)
    print(json.dumps(rows), flush=True)
    import onnx

    proto = onnx.load(str(prepared))
    head = eo.float_nodes(proto, ("head",))
    recipe = eo.Int8Recipe(True, method, ("head",), moving_average=moving_average)
    quantize = functools.partial(eo._quantize, prepared, calib, recipe, work / "ranges.json", None)
    quantize(work / "first.onnx", exclude=head)
    groups = sens.blocks(proto, head=head)
    errors = eo._block_errors(quantize, groups, prepared, calib, work / "probe.onnx", None, None)
    ranked = sens.most_sensitive(errors, 1.0)
    out["blocks"] = {b: round(errors[b], 4) for b in ranked}
    print(f"ranked {len(ranked)} blocks (load {_load()})", flush=True)
    for k in counts:
        floats = head + [n for b in ranked[:k] for n in groups[b]]
        static = work / f"static{k}.onnx"
        quantize(static, exclude=floats)
        rows[f"static {k}"] = measure(static, sets, x1)
        if not static_only:
            rows[f"static {k}, float blocks' weights int8"] = measure(
                with_int8_weights(static, work / f"static{k}w.onnx", set(floats)), sets, x1)
        print(json.dumps({k: rows[k] for k in list(rows)[-2:]}), flush=True)
    if static_only:
        return out
    rows["weight-only int8"] = measure(with_int8_weights(prepared, work / "wo.onnx", None), sets, x1)
    rows["weight-only int8, head weights float"] = measure(
        with_int8_weights(prepared, work / "wo_head.onnx", set(proto_nodes(proto)) - set(head)), sets, x1)
    rows["fp32 (again)"] = measure(fp32, sets, x1)
    out["load_end"] = _load()
    return out


def proto_nodes(proto: Any) -> list[str]:
    return [n.name for n in proto.graph.node]


def pictures_folders(out: Path, draw: int) -> Path:
    """train/ (the draw), test/ (judge) and others/ (the pool outside the draw: further) as files under `out`."""
    from benchmarks.real_pictures import SOURCE, load_manifest

    m = load_manifest()
    others = {c: sorted(set(m["pool"][c]) - set(m["draws"][draw][c])) for c in m["classes"]}
    for part, name in ((m["draws"][draw], "train"), (m["test"], "test"), (others, "others")):
        for cls, files in part.items():
            (out / name / cls).mkdir(parents=True, exist_ok=True)
            for f in files:
                shutil.copyfile(SOURCE / f, out / name / cls / f.replace("/", "__"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", nargs="?", type=Path)
    ap.add_argument("--calibrate", type=Path)
    ap.add_argument("--judge", type=Path)
    ap.add_argument("--check", type=Path)
    ap.add_argument("--counts", type=int, nargs="+", default=[0, 6, 9])
    ap.add_argument("--method", default="MinMax", choices=("MinMax", "Percentile", "Entropy"))
    ap.add_argument("--min-max", action="store_true", help="the batches' extreme ranges, not their moving average")
    ap.add_argument("--static-only", action="store_true", help="only fp32, fp16 and static int8 (calibration methods)")
    ap.add_argument("--pictures-folders", type=Path)
    ap.add_argument("--draw", type=int, default=0)
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    if a.pictures_folders is not None:
        print(pictures_folders(a.pictures_folders, a.draw))
        return
    if not (a.run and a.calibrate and a.judge and a.check):
        ap.error("give RUN with --calibrate, --judge and --check, or --pictures-folders OUT")
    work = Path(tempfile.mkdtemp(prefix="int8-variants-"))
    try:
        result = variants(a.run, a.calibrate, a.judge, a.check, a.counts, a.method,
                          a.method == "MinMax" and not a.min_max, work, a.static_only)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = json.dumps(result, indent=1)
    print(text)
    if a.json is not None:
        a.json.write_text(text + "\n")


if __name__ == "__main__":
    main()

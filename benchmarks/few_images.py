"""Few images per class: from scratch vs the quick mode vs fine-tuning, as `desktop-cls train DIR` runs them.

    python -m benchmarks.few_images [--per-class 5 10 20 50] [--test 500] [--methods auto scratch quick fine-tune]
                                    [--smoke] [--json OUT]
    python -m benchmarks.few_images --spread [--draws 10]   # the quick mode's accuracy over many draws
    python -m benchmarks.few_images --letters --per-class 20 --methods quick   # letters A-J instead of digits

Data: scikit-learn's handwritten digits (real 8x8 scans, written as 32x32 JPEGs like the other
benchmarks), N images per class in the training folder and a fixed sample of the other digits as the test
set. Seconds are command to saved model (scan, planning, features or training, calibration, model file), with
a cold feature cache: wall seconds, the process's CPU seconds (all its threads) and the load average
around each case, since a shared machine's wall time says little. The 20-per-class quick row is the
"first training of 200 images" figure. A last row times the quick mode's re-fit of its head on 1,000
cached images.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
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


def write_letters_few(out: Path, per_class: int, test: int, seed: int = 0) -> tuple[Path, Path]:
    """Letters A-J, one file per typeface of this machine (benchmarks.health_corpora): per_class typefaces of
    each letter to learn from, up to test // 10 other typefaces of it to test on (never the same face twice)."""
    import shutil

    from benchmarks.health_corpora import letters

    made = letters(out / "all", per_class + max(1, test // 10), seed=seed)
    for p in made:
        i = int(p.stem.rsplit("_", 1)[1])
        dest = out / ("train" if i < per_class else "test") / p.parent.name / p.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(p), dest)
    return out / "train", out / "test"


def _load() -> float:
    return round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else float("nan")


SCRATCH_EPOCHS = 10  # the table's scratch rows (docs/benchmarks.md); the planner alone would choose 15


def run_case(train: Path, test: Path, mode: str, run: Path, extra: list[str]) -> dict[str, Any]:
    args = ["train", str(train), "--out", str(run), "--device", "cpu", "--json", *extra]
    if mode != "auto":
        args += ["--method", mode]
    if mode == "scratch" and "--epochs" not in extra:
        args += ["--epochs", str(SCRATCH_EPOCHS)]
    err = io.StringIO()
    os.environ["DESKTOP_CLS_CACHE_DIR"] = str(run.with_name(run.name + "-cache"))  # a cold feature cache
    load_before = _load()
    t0, c0 = time.perf_counter(), time.process_time()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli_main(args)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    load_after = _load()
    if code != 0:
        raise RuntimeError(f"train failed: {err.getvalue()[-2000:]}")
    cfg = json.loads((run / "config.json").read_text())
    ev = evaluate(Predictor.load(run, device="cpu"), test)
    method = "quick" if cfg["method"] == "quick" else ("fine-tune" if cfg["pretrained"] else "scratch")
    return {"asked": mode, "method": method, "model": cfg["model"], "image_size": cfg["image_size"],
            "epochs": 1 if cfg["method"] == "quick" else cfg["epochs"], "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2), "load_avg": [load_before, load_after],
            "test_accuracy": round(float(ev.to_dict()["accuracy"]), 4), "test_images": len(ev.paths)}


def refit_seconds(base: Path, images: int, size: int) -> dict[str, Any]:
    """Head re-fit on `images` cached features (the head's cost does not depend on the image size)."""
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.run import fit

    train, _ = write_digits_few(base / "refit", images // 10, 10)
    cfg = TrainConfig(model="efficientnet_lite0", pretrained=True, method="quick", image_size=size, device="cpu",
                      val_fraction=0.0)
    os.environ["DESKTOP_CLS_CACHE_DIR"] = str(base / "refit-cache")
    fit(cfg, train, out=base / "refit-1")  # computes and caches the features
    load_before = _load()
    c0 = time.process_time()
    res = fit(cfg, train, out=base / "refit-2")
    cpu = time.process_time() - c0
    head_cpu = _head_cpu_seconds(base / "refit-2", train)
    return {"images": images, "feature_size": size, "features_computed": res.extra["features_computed"],
            "head_seconds": round(float(res.extra["head_seconds"]), 3), "head_cpu_seconds": round(head_cpu, 3),
            "run_seconds": round(res.train_seconds, 2), "run_cpu_seconds": round(cpu, 2),
            "load_avg": [load_before, _load()]}


def _head_cpu_seconds(run: Path, train: Path) -> float:
    """CPU seconds of one head fit on the run's cached features (the part a re-fit after relabelling redoes)."""
    import json as _json

    from desktop_cls.core.data.dataset import scan
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.embeddings import fit_linear_head
    from desktop_cls.core.training.quick import backbone_extractor

    info = _json.loads((run / "run.json").read_text())
    index = scan(train, val_fraction=0.0, verify="none")
    cfg = TrainConfig(model="efficientnet_lite0", pretrained=True, method="quick",
                      image_size=int(_json.loads((run / "config.json").read_text())["image_size"]), device="cpu")
    ext = backbone_extractor(cfg, len(index.classes), torch.device("cpu"), pooling=info.get("pooling", "avg"))
    feats = ext.features([s.path for s in index.samples])
    labels = {s.path: s.label for s in index.samples}
    y = np.array([labels[p] for p in feats.paths])
    c0 = time.process_time()
    fit_linear_head(feats.vectors, y, len(index.classes))
    return time.process_time() - c0


def spread(per_class: list[int], draws: int, test: int, base: Path) -> list[dict[str, Any]]:
    """The quick mode's test accuracy over `draws` random draws of the training digits (each draw as
    write_digits_few makes it, seed = draw), for average and max pooling: the features of all 1,797 digits
    are computed once, exactly as a quick run computes them, and each draw fits the run's head on them."""
    from PIL import Image
    from sklearn.datasets import load_digits

    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.embeddings import fit_linear_head, head_logits
    from desktop_cls.core.training.quick import backbone_extractor

    d = load_digits()
    paths = []
    for i, img in enumerate(d.images):
        p = base / "all" / f"{i:05d}.jpg"
        p.parent.mkdir(parents=True, exist_ok=True)
        arr = (img / 16.0 * 255).astype(np.uint8)
        Image.fromarray(arr, "L").resize((32, 32), Image.Resampling.BILINEAR).convert("RGB").save(p, "JPEG",
                                                                                                   quality=92)
        paths.append(str(p))
    cfg = TrainConfig(model="efficientnet_lite0", pretrained=True, method="quick", image_size=224, device="cpu")
    feats = {pool: backbone_extractor(cfg, 10, torch.device("cpu"), pooling=pool).features(paths).vectors
             for pool in ("avg", "max")}
    rows = []
    for n in per_class:
        for pool, x in feats.items():
            accs = []
            for seed in range(draws):
                order = np.random.default_rng(seed).permutation(len(d.target))
                test_idx, train_idx = order[:test], []
                taken: dict[int, int] = {}
                for i in order[test:]:
                    t = int(d.target[i])
                    if taken.get(t, 0) < n:
                        taken[t] = taken.get(t, 0) + 1
                        train_idx.append(i)
                w, b = fit_linear_head(x[train_idx], d.target[train_idx], 10)
                accs.append(float((head_logits(x[test_idx], w, b).argmax(1) == d.target[test_idx]).mean()))
            row = {"per_class": n, "pooling": pool, "draws": draws, "mean": round(float(np.mean(accs)), 4),
                   "std": round(float(np.std(accs)), 4), "min": round(min(accs), 4), "max": round(max(accs), 4)}
            rows.append(row)
            print(json.dumps(row), flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-class", type=int, nargs="+", default=[5, 10, 20, 50])
    ap.add_argument("--methods", nargs="+", default=["auto", "scratch", "quick", "fine-tune"])
    ap.add_argument("--test", type=int, default=500)
    ap.add_argument("--refit-images", type=int, default=1000)
    ap.add_argument("--smoke", action="store_true", help="tiny sizes: that it works, never how fast")
    ap.add_argument("--spread", action="store_true", help="quick-mode accuracy over --draws random draws")
    ap.add_argument("--draws", type=int, default=10)
    ap.add_argument("--letters", action="store_true", help="letters A-J from this machine's typefaces")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args(argv)
    if a.spread:
        with tempfile.TemporaryDirectory(prefix="few_images_") as tmp:
            os.environ["DESKTOP_CLS_CACHE_DIR"] = str(Path(tmp) / "cache")
            rows = spread(a.per_class, a.draws, a.test, Path(tmp))
        if a.json:
            a.json.write_text(json.dumps({"spread": rows}, indent=2))
        return 0
    extra: list[str] = []
    if a.smoke:
        a.per_class, a.test, a.refit_images = [3], 20, 40
        extra = ["--image-size", "32", "--epochs", "1"]
    rows = []
    with tempfile.TemporaryDirectory(prefix="few_images_") as tmp:
        base = Path(tmp)
        for n in a.per_class:
            write = write_letters_few if a.letters else write_digits_few
            train, test = write(base / f"d{n}", n, a.test)
            for mode in a.methods:
                row = {"per_class": n, **run_case(train, test, mode, base / f"run-{n}-{mode}", extra)}
                rows.append(row)
                print(json.dumps(row), flush=True)
        refit = refit_seconds(base, a.refit_images, 32 if a.smoke else 64) if a.refit_images else {}
        print(json.dumps(refit), flush=True)
    report = {"machine": platform.processor() or platform.machine(), "threads": torch.get_num_threads(),
              "cpus": os.cpu_count(),
              "torch": torch.__version__, "rows": rows, "refit": refit}
    if a.json:
        a.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

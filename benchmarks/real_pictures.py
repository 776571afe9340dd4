"""Real pictures, few of each: which quick-mode recipe learns most from 20 clip-art pictures per class.

    python -m benchmarks.real_pictures manifest              # (re)write benchmarks/real_pictures_manifest.json
    python -m benchmarks.real_pictures recipes [--json OUT]  # accuracy of each recipe over the draws
    python -m benchmarks.real_pictures train [--draw 0] [--warm 1]  # `desktop-cls train`, no options, timed

Data: Debian's `openclipart-png` package (`apt-get install openclipart-png`: public-domain clip art
drawn by many different people, transparent RGBA, grey+alpha and palette PNGs from 80 px to 16,000 px).
Ten everyday classes, each one folder of the package. A fixed test set of 25 per class is drawn first, by
title (the name without its trailing number), so the variants of one drawing never sit on both sides; the
other pictures form the pool that each draw takes 20 per class from (seeds 0-4). Pictures the app refuses
(over its 100-megapixel limit) are left out and listed. The manifest holds the file names, not images.

`recipes` decodes each picture once per input size as the app does, computes each backbone's features of
the picture and of its mirror image, and fits heads on each draw; `train` copies one draw's 200 pictures
into a folder and runs the CLI's default on it with a cold feature cache, then scores the saved model on
the test set. Figures come with the 1-minute load average (a shared 2-core machine).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

SOURCE = Path("/usr/share/openclipart/png")
MANIFEST = Path(__file__).with_name("real_pictures_manifest.json")
CLASSES = {  # class -> folder of the package (all pictures below it)
    "bird": "animals/birds", "insect": "animals/bugs", "mammal": "animals/mammals", "fruit": "food/fruit",
    "dessert": "food/desserts", "drink": "food/beverages", "vehicle": "transportation/vehicles",
    "music": "recreation/music", "sport": "recreation/sports", "plant": "plants",
}
TEST_PER_CLASS = 25
TRAIN_PER_CLASS = 20
DRAWS = 5


def _title(name: str) -> str:
    return re.sub(r"[_-]*\d*\.png$", "", name.lower())


def _usable(path: Path) -> bool:
    from PIL import Image

    from desktop_cls.core.data.imaging import MAX_PIXELS

    with Image.open(path) as im:
        return bool(im.width * im.height <= MAX_PIXELS)


def build_manifest(source: Path = SOURCE, seed: int = 0) -> dict[str, Any]:
    """Test set by whole titles (25 per class or just over), the rest the pool; duplicates by content dropped."""
    rng = np.random.default_rng(seed)
    seen: set[str] = set()
    test: dict[str, list[str]] = {}
    pool: dict[str, list[str]] = {}
    refused: list[str] = []
    for cls, folder in CLASSES.items():
        groups: dict[str, list[str]] = {}
        for p in sorted((source / folder).rglob("*.png")):
            digest = hashlib.blake2b(p.read_bytes()).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            rel = str(p.relative_to(source))
            if not _usable(p):
                refused.append(rel)
                continue
            groups.setdefault(_title(p.name), []).append(rel)
        titles = sorted(groups)
        test[cls], pool[cls] = [], []
        for i in rng.permutation(len(titles)):
            side = test[cls] if len(test[cls]) < TEST_PER_CLASS else pool[cls]
            side.extend(groups[titles[int(i)]])
    draws = [{cls: sorted(np.random.default_rng(s).choice(files, TRAIN_PER_CLASS, replace=False).tolist())
              for cls, files in pool.items()} for s in range(DRAWS)]
    return {"source": "Debian openclipart-png 1:0.18+dfsg (/usr/share/openclipart/png)", "classes": list(CLASSES),
            "folders": CLASSES, "test": test, "pool": pool, "draws": draws, "refused_over_pixel_limit": refused}


def load_manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(MANIFEST.read_text())
    return data


def _load() -> float:
    return round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else float("nan")


def _decode_variant(rel: str, size: int, view: str) -> np.ndarray:
    """The app's view ("app": transparent pictures cut to their visible part and letterboxed on white), the
    earlier one ("stretch": alpha onto white, stretched to a square), or alpha onto black, stretched."""
    from PIL import Image

    from desktop_cls.core.data import imaging

    if view == "app":
        return imaging.load_resized(SOURCE / rel, (size, size))
    with Image.open(SOURCE / rel) as im:
        rgba = im.convert("RGBA")
    back = Image.new("RGBA", rgba.size, (0, 0, 0, 255) if view == "black" else (255, 255, 255, 255))
    rgb = Image.alpha_composite(back, rgba).convert("RGB")
    return np.asarray(rgb.resize((size, size), Image.Resampling.BILINEAR), dtype=np.uint8)


def decode_all(files: list[str], size: int, view: str = "white") -> np.ndarray:
    """N x 3 x size x size uint8, two decoding threads."""
    with ThreadPoolExecutor(2) as ex:
        arrays = list(ex.map(lambda rel: _decode_variant(rel, size, view), files))
    return np.stack(arrays).transpose(0, 3, 1, 2).copy()


def backbone_features(model: str, images: np.ndarray, flips: bool, pooling: str = "avg") -> np.ndarray:
    """The quick mode's features (its extractor, BatchNorm folded); with flips, averaged with the mirror's."""
    import torch

    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.quick import backbone_extractor

    size = images.shape[-1]
    cfg = TrainConfig(model=model, pretrained=True, method="quick", image_size=size, device="cpu")
    ext = backbone_extractor(cfg, 2, torch.device("cpu"), pooling=pooling)
    x = torch.from_numpy(images)
    f = ext.compute(x)
    if flips:
        f = (f + ext.compute(torch.flip(x, dims=[3]))) / 2
    return f


def _rows(manifest: dict[str, Any], files: list[str], part: dict[str, list[str]]) -> tuple[np.ndarray, np.ndarray]:
    at = {f: i for i, f in enumerate(files)}
    idx, labels = [], []
    for c, cls in enumerate(manifest["classes"]):
        for f in part[cls]:
            idx.append(at[f])
            labels.append(c)
    return np.array(idx), np.array(labels)


def score_heads(manifest: dict[str, Any], files: list[str], feats: np.ndarray,
                heads: dict[str, Any]) -> dict[str, list[float]]:
    """Test accuracy of each head recipe on each draw."""
    te_idx, y_te = _rows(manifest, files, manifest["test"])
    out: dict[str, list[float]] = {name: [] for name in heads}
    for draw in manifest["draws"]:
        tr_idx, y_tr = _rows(manifest, files, draw)
        for name, fit in heads.items():
            w, b = fit(feats[tr_idx], y_tr, len(manifest["classes"]))
            out[name].append(float(((feats[te_idx] @ w.T + b).argmax(1) == y_te).mean()))
    return out


def _heads() -> dict[str, Any]:
    from desktop_cls.core.training.embeddings import fit_linear_head
    from desktop_cls.core.training.linear_head import STANDARDISED_C_GRID, fit_head_cv

    def fixed(c: float) -> Any:
        return lambda x, y, k: fit_linear_head(x, y, k, c=c)

    def cv(x: np.ndarray, y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        fit = fit_head_cv(x, y, k)
        return fit.weight, fit.bias

    def std_cv(x: np.ndarray, y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        fit = fit_head_cv(x, y, k, STANDARDISED_C_GRID, standardise=True)
        return fit.weight, fit.bias

    return {"C=1": fixed(1.0), "C=0.1": fixed(0.1), "C=10": fixed(10.0), "C by CV": cv,
            "standardised, C by CV": std_cv}


def _summary(accs: list[float]) -> str:
    a = np.array(accs) * 100
    return f"{a.mean():.1f} ± {a.std():.1f} % (lowest {a.min():.1f})"


CASES = {  # name -> (backbone, input side, view, mirror images averaged, pooling)
    "lite0 stretch": ("efficientnet_lite0", 224, "stretch", False, "avg"),  # the earlier default
    "lite0 black": ("efficientnet_lite0", 224, "black", False, "avg"),
    "lite0 stretch flip": ("efficientnet_lite0", 224, "stretch", True, "avg"),
    "lite0": ("efficientnet_lite0", 224, "app", False, "avg"),
    "lite0 avgmax": ("efficientnet_lite0", 224, "app", False, "avgmax"),
    "lite1 avgmax": ("efficientnet_lite1", 240, "app", False, "avgmax"),
    "lite2 stretch": ("efficientnet_lite2", 260, "stretch", False, "avg"),
    "lite2": ("efficientnet_lite2", 260, "app", False, "avg"),
    "lite2 avgmax": ("efficientnet_lite2", 260, "app", False, "avgmax"),  # the new default
    "lite2 avgmax flip": ("efficientnet_lite2", 260, "app", True, "avgmax"),
    "lite2 avgmax 320": ("efficientnet_lite2", 320, "app", False, "avgmax"),  # a second scale
}


def case_features(name: str, files: list[str], cache: Path, timings: dict[str, Any]) -> np.ndarray:
    """A case's features of every file, from an .npz of an earlier run when there is one."""
    model, size, view, flips, pooling = CASES[name]
    npz = cache / f"{name.replace(' ', '_')}.npz"
    if npz.is_file():
        with np.load(npz) as z:
            if list(z["files"]) == files:
                return np.asarray(z["features"])
    t0 = time.perf_counter()
    images = decode_all(files, size, view)
    t1 = time.perf_counter()
    feats = backbone_features(model, images, flips, pooling)
    timings[name] = {"decode_s": round(t1 - t0, 1), "features_s": round(time.perf_counter() - t1, 1),
                     "images": len(files), "load": _load()}
    cache.mkdir(parents=True, exist_ok=True)
    np.savez(npz, files=np.array(files), features=feats)
    return feats


def recipes(names: list[str], cache: Path, out_json: Path | None) -> dict[str, Any]:
    """Each case x each head on the five draws; "a+b" puts two cases' features side by side."""
    m = load_manifest()
    files = sorted({f for part in (m["test"], *m["draws"]) for fs in part.values() for f in fs})
    results: dict[str, Any] = {"load_before": _load(), "images": len(files), "timings": {}}
    for name in names:
        feats = np.concatenate([case_features(n, files, cache, results["timings"]) for n in name.split("+")], 1)
        for head, accs in score_heads(m, files, feats, _heads()).items():
            results[f"{name} | {head}"] = accs
            print(f"{name} | {head}: {_summary(accs)}  (load {_load()})", flush=True)
    results["load_after"] = _load()
    print(json.dumps(results["timings"]))
    if out_json:
        out_json.write_text(json.dumps(results, indent=1))
    return results


def train_default(draw: int, extra: list[str], warm: int = 0) -> dict[str, Any]:
    """`desktop-cls train FOLDER` (no options unless given) on one draw's 200 pictures, cold cache, timed;
    then `warm` more times on the same caches."""
    import contextlib
    import io
    import shutil
    import tempfile

    from desktop_cls.cli import main as cli_main
    from desktop_cls.core.inference.evaluation import evaluate

    m = load_manifest()
    tmp = Path(tempfile.mkdtemp(prefix="real-pictures-"))
    for part, name in ((m["draws"][draw], "train"), (m["test"], "test")):
        for cls, fs in part.items():
            (tmp / name / cls).mkdir(parents=True, exist_ok=True)
            for f in fs:
                shutil.copyfile(SOURCE / f, tmp / name / cls / f.replace("/", "__"))
    os.environ["DESKTOP_CLS_CACHE_DIR"] = str(tmp / "cache")
    load_before, timings = _load(), []
    for attempt in range(1 + warm):  # the first cold (empty caches), then warm (the same cache folder)
        run = tmp / f"run{attempt}"
        err = io.StringIO()
        t0 = time.perf_counter()
        with contextlib.redirect_stderr(err):
            code = cli_main(["train", str(tmp / "train"), "--out", str(run), *extra])
        seconds = round(time.perf_counter() - t0, 1)
        if code != 0:
            raise RuntimeError(err.getvalue()[-3000:])
        info = json.loads((run / "run.json").read_text())
        timings.append({"seconds": seconds, "load_after": _load(), "model": info.get("model"),
                        **{k: info.get(k) for k in ("feature_seconds", "decode_seconds", "network_seconds",
                                                    "head_seconds", "features_computed")}})
    seconds = timings[0]["seconds"]
    from desktop_cls.core.inference.predictor import Predictor

    first = tmp / "run0"  # the cold run's model is the one scored
    report = evaluate(Predictor.load(first, device="cpu"), tmp / "test")
    info = json.loads((first / "run.json").read_text())
    print(err.getvalue()[-3000:])
    return {"draw": draw, "seconds": seconds, "runs": timings, "test_accuracy": report.report["accuracy"],
            "test_ece": report.report["ece"],
            "model": info.get("model"), "load_before": load_before, "load_after": _load(), "run": info}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=("manifest", "recipes", "train"))
    ap.add_argument("--json", type=Path)
    ap.add_argument("--draw", type=int, default=0)
    ap.add_argument("--warm", type=int, default=0, help="train: this many more runs on the same caches")
    ap.add_argument("--cases", nargs="+", default=[*CASES, "lite0 avgmax+lite2 avgmax"])
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "real_pictures_features")
    ap.add_argument("--extra", nargs=argparse.REMAINDER, default=[])
    a = ap.parse_args()
    if a.what == "manifest":
        MANIFEST.write_text(json.dumps(build_manifest(), indent=1) + "\n")
        print(f"wrote {MANIFEST}")
    elif a.what == "recipes":
        recipes(a.cases, a.cache, a.json)
    else:
        r = train_default(a.draw, a.extra, a.warm)
        print(json.dumps({k: v for k, v in r.items() if k != "run"}, indent=1))
        if a.json:
            a.json.write_text(json.dumps(r, indent=1, default=str))


if __name__ == "__main__":
    main()

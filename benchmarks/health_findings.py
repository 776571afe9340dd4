"""Precision and recall of the copy findings on real pictures, and the time of a first scan and a rescan.

For each corpus (benchmarks/health_corpora.py): scan the distinct pictures (every copy finding there is
a false one), then plant copies (exact, JPEG 60, resized +-10 %, cropped <= 5 %, brightened, plus
borders, contrast and crop+JPEG) half in the original's class and half in another class, and count
which are found as the right kind. Figures go to docs/reliability.md.

--scale N times the health check on N small files (32 px mosaics of four scikit-learn digit scans, so
no two are the same picture, with 1 % planted copies): the first scan (parallel, progress counted) and
the rescan of the unchanged folder (caches), with wall and CPU time and the load average next to them,
as the machine may be shared. Figures go to docs/benchmarks.md.

    python -m benchmarks.health_findings [--smoke] [--json out.json]
    python -m benchmarks.health_findings --scale 50000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from benchmarks import health_corpora as hc
from desktop_cls.core.data.dataset import scan
from desktop_cls.core.data.health import COPY_KINDS, with_health


def _findings(root: Path) -> tuple[list[Any], float, float, int]:
    t = time.perf_counter()
    idx = with_health(scan(root, val_fraction=0.0))
    first = time.perf_counter() - t
    t = time.perf_counter()
    with_health(scan(root, val_fraction=0.0))
    again = time.perf_counter() - t
    return [p for p in idx.problems if p.kind in COPY_KINDS], first, again, len(idx.samples)


def measure(name: str, root: Path, originals: list[Path]) -> dict[str, Any]:
    found, first, again, n = _findings(root)
    classes = sorted({o.parent.name for o in originals})
    half = len(originals) // 2
    planted = hc.plant_copies(originals[:half], lambda o: o.parent, per_kind=6, seed=1)
    crossed = hc.plant_copies(originals[half:], lambda o: o.parent.with_name(
        classes[(classes.index(o.parent.name) + 1) % len(classes)]), per_kind=3, seed=2, tag="other")
    after, _, _, _ = _findings(root)
    pairs = {frozenset({p.path, str(p.duplicate_of)}): p.kind for p in after}
    recall: dict[str, list[int]] = {}
    for copies, want in ((planted, ("duplicate", "near_duplicate")), (crossed, ("label_conflict",))):
        for copy, (how, orig) in copies.items():
            kind = pairs.get(frozenset({str(copy.resolve()), str(orig.resolve())}))
            hit = recall.setdefault(how, [0, 0])
            hit[0] += kind in want
            hit[1] += 1
    planted_files = {str(c.resolve()) for c in [*planted, *crossed]}
    extra = [p for p in after if p.path not in planted_files and p.duplicate_of not in planted_files]
    return {"corpus": name, "images": n, "false_findings": len(found), "false_share": len(found) / max(n, 1),
            "false_by_kind": dict(Counter(p.kind for p in found)), "first_scan_s": round(first, 1),
            "rescan_s": round(again, 2), "recall": {k: f"{v[0]}/{v[1]}" for k, v in recall.items()},
            "false_after_planting": len(extra)}


def mosaics(out: Path, n: int, seed: int = 0) -> list[Path]:
    """n distinct 32 px pictures: four random digit scans in a 2x2 mosaic, a random shade; class = top left."""
    from sklearn.datasets import load_digits

    d = load_digits()
    tiles = [np.asarray(Image.fromarray((im / 16 * 255).astype(np.uint8)).resize((16, 16), Image.Resampling.BILINEAR),
                        dtype=np.float32) / 255 for im in d.images]
    rng = random.Random(seed)
    paths = []
    for i in range(n):
        picks = [rng.randrange(len(tiles)) for _ in range(4)]
        grid = np.block([[tiles[picks[0]], tiles[picks[1]]], [tiles[picks[2]], tiles[picks[3]]]])
        fg, bg = rng.uniform(160, 255), rng.uniform(0, 90)
        im = Image.fromarray((bg + grid * (fg - bg)).astype(np.uint8), "L")
        paths.append(hc.save_png(im, out / str(d.target[picks[0]]) / f"m{i:06d}.png"))
    return paths


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (worker processes)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _timed_health(root: Path) -> tuple[dict[str, Any], Any]:
    phases: dict[str, int] = {}

    def progress(done: int, total: int, what: str) -> None:
        phases[what] = phases.get(what, 0) + 1

    load = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), _cpu()
    idx = scan(root, val_fraction=0.0)
    scanned = time.perf_counter() - wall
    idx = with_health(idx, progress)
    return {"wall_s": round(time.perf_counter() - wall, 2), "cpu_s": round(_cpu() - cpu, 2),
            "scan_s": round(scanned, 2), "load_before": round(load, 2), "load_after": round(os.getloadavg()[0], 2),
            "progress_calls": phases}, idx


def scale(n: int) -> dict[str, Any]:
    base = Path(tempfile.mkdtemp(prefix="health_scale_"))
    os.environ["DESKTOP_CLS_CACHE_DIR"] = str(base / "cache")  # a cold cache, and the user's left alone
    try:
        t = time.perf_counter()
        originals = mosaics(base / "data", n - n // 100)
        planted = hc.plant_copies(originals, lambda o: o.parent, per_kind=max(1, n // 100 // len(hc.COPIES)), seed=3)
        made = time.perf_counter() - t
        first, idx = _timed_health(base / "data")
        again, idx2 = _timed_health(base / "data")
        found = [p for p in idx.problems if p.kind in COPY_KINDS]
        assert Counter(p.kind for p in found) == Counter(p.kind for p in idx2.problems if p.kind in COPY_KINDS)
        pairs = {frozenset({p.path, str(p.duplicate_of)}) for p in found}
        missed = Counter(k for c, (k, o) in planted.items()
                         if frozenset({str(c.resolve()), str(o.resolve())}) not in pairs)
        hits = len(planted) - sum(missed.values())
        marked = {str(c.resolve()) for c in planted}
        false = [p for p in found if p.path not in marked and p.duplicate_of not in marked]
        return {"images": len(idx.samples), "generated_s": round(made, 1), "first_scan": first, "rescan": again,
                "copy_findings": dict(Counter(p.kind for p in found)), "planted_found": f"{hits}/{len(planted)}",
                "missed_by_kind": dict(missed),
                "false_findings": len(false), "cpus": os.cpu_count()}
    finally:
        shutil.rmtree(base, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true", help="tiny corpora (seconds)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--scale", type=int, metavar="N", help="time the first scan and the rescan of N small files")
    args = ap.parse_args()
    if args.scale:
        row = scale(args.scale)
        print(json.dumps(row))
        if args.json:
            args.json.write_text(json.dumps(row, indent=1))
        return
    base = Path(tempfile.mkdtemp(prefix="health_"))
    try:
        fonts = hc.font_files()
        rows = []
        digits = hc.digits(base / "digits", limit=60 if args.smoke else None)
        rows.append(measure("digits (sklearn, 32 px)", base / "digits", digits))
        letters = hc.letters(base / "letters", 6 if args.smoke else len(fonts), fonts=fonts)
        rows.append(measure(f"letters A-J ({len(fonts)} typefaces)", base / "letters", letters))
        photos = hc.photo_crops(base / "photos", per_photo=6 if args.smoke else 24)
        rows.append(measure("crops of china.jpg / flower.jpg", base / "photos", photos))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    for r in rows:
        print(json.dumps(r))
    if args.json:
        args.json.write_text(json.dumps({"rows": rows}, indent=1))


if __name__ == "__main__":
    main()

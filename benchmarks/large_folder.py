"""Large folders: how the folder walk and the health check grow with the number of images, next to references.

    python -m benchmarks.large_folder [--sizes 10000,30000,100000] [--folder DIR] [--smoke] [--json OUT]
                                      [--photo] [--peer-python PY] [--skip health,cleanvision]

For each size it writes that many distinct small PNGs (10 classes of drawn shapes on varied backgrounds,
each image unique by construction; ``--photo``: photo-sized JPEGs, 640x480) once, then measures, each in a
fresh process so peak memory is its own, with the 1-minute load average before and after each figure (the
machine may be shared: read the ratios, each measured in the same run as its reference):

* ``bare_walk``: a bare ``os.scandir`` walk that stats every file (the reference);
* ``walk_train``: the app's folder walk as training runs it (names, classes, counts, links, empty files);
* ``walk``: the same with header checks, what ``desktop-cls scan --quick`` runs;
* ``health``: what ``desktop-cls scan`` runs (the walk decoding every image, then the health check), cold
  (empty caches), then warm; its peak memory is the command's;
* ``cleanvision``: Cleanlab's cleanvision (exact + near duplicates) on the same folder, as the peer
  reference: from ``--peer-python`` (an interpreter whose environment has ``pip install cleanvision``; it
  pins its own numpy and pandas, so keep it out of the app's environment), else when importable here.

Each walk (the reference too) runs ``WALK_REPEATS`` times in its process, after the imports; its fastest
wall-clock and fastest CPU seconds are kept and both ratios to the reference are reported: on a shared
machine the CPU ratio is the steadier one. Existing complete folders under ``--folder`` are reused (a
folder there may be a link to one made before); they are never rewritten or deleted.

Figures go to docs/benchmarks.md ("Large folders"). No figure here is a test: CI runs ``--smoke`` only.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

CLASSES = ("circle", "square", "triangle", "cross", "ring", "bar", "dots", "diamond", "stripes", "checker")


def _draw(kind: str, rng: np.random.Generator, side: int) -> np.ndarray:
    """One picture of `kind`: a random background gradient and colour, the shape at a random place and size."""
    yy, xx = np.mgrid[0:side, 0:side].astype(np.float32) / side
    bg = rng.uniform(0, 255, 3)
    tilt = rng.uniform(-80, 80, 3)
    img = bg + tilt * (xx[..., None] * rng.uniform(-1, 1) + yy[..., None] * rng.uniform(-1, 1))
    cx, cy, r = rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7), rng.uniform(0.15, 0.3)
    dx, dy = xx - cx, yy - cy
    masks = {
        "circle": dx**2 + dy**2 < r**2,
        "ring": np.abs(np.sqrt(dx**2 + dy**2) - r) < r * 0.25,
        "square": (np.abs(dx) < r) & (np.abs(dy) < r),
        "diamond": np.abs(dx) + np.abs(dy) < r,
        "triangle": (dy > -r) & (dy < r) & (np.abs(dx) < (dy + r) / 2),
        "cross": ((np.abs(dx) < r / 4) | (np.abs(dy) < r / 4)) & (np.abs(dx) < r) & (np.abs(dy) < r),
        "bar": (np.abs(dx) < r) & (np.abs(dy) < r / 3),
        "dots": (np.sin(xx * 40 * r) * np.sin(yy * 40 * r)) > 0.6,
        "stripes": np.sin((xx + yy) * 30 * r) > 0,
        "checker": ((xx * 6 // 1 + yy * 6 // 1) % 2) == 0,
    }
    img[masks[kind]] = rng.uniform(0, 255, 3)
    img += rng.normal(0, 6, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def write_folder(root: Path, n: int, side: int = 32, seed: int = 0, photo: bool = False) -> Path:
    """n distinct images, n / 10 per class (photo: 640x480 JPEGs); an existing complete folder is reused."""
    from PIL import Image

    marker = root / ".complete"
    tag = f"{n} {side} {seed}" + (" photo" if photo else "")
    if marker.is_file() and marker.read_text() == tag:
        return root
    rng = np.random.default_rng(seed)
    for i in range(n):
        kind = CLASSES[i % len(CLASSES)]
        path = root / kind / f"{kind}_{i:06d}.{'jpg' if photo else 'png'}"
        path.parent.mkdir(parents=True, exist_ok=True)
        if photo:  # drawn small, enlarged: the pixel count and file size of a phone picture
            im = Image.fromarray(_draw(kind, rng, 160)).resize((640, 480), Image.Resampling.BICUBIC)
            im.save(path, quality=90)
        else:
            Image.fromarray(_draw(kind, rng, side)).save(path, optimize=False, compress_level=1)
    marker.write_text(tag)
    return root


def bare_walk(root: str) -> int:
    """The reference: every entry listed and stat()ed, nothing else."""
    count, stack = 0, [root]
    while stack:
        with os.scandir(stack.pop()) as it:
            for entry in it:
                st = entry.stat(follow_symlinks=False)
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif st.st_size >= 0:
                    count += 1
    return count


def _cleanvision(root: str) -> int:
    from cleanvision import Imagelab

    lab = Imagelab(data_path=root)
    lab.find_issues({"exact_duplicates": {}, "near_duplicates": {}}, n_jobs=2)
    flagged = lab.issues[[c for c in lab.issues.columns if c.startswith("is_")]].any(axis=1)
    return int(flagged.sum())


def _copy_findings(found: list[Any]) -> int:
    return sum(1 for p in found if p.kind in ("duplicate", "near_duplicate", "label_conflict", "leak"))


WALK_REPEATS = 3  # each walk runs this many times in its process; the fastest counts (wall and CPU apart)


def _best_of(fn: Any, repeats: int) -> tuple[Any, float, float]:
    """fn()'s result and its fastest wall-clock and CPU seconds over `repeats` runs: on a shared machine the
    load moves single runs by a factor, the fastest of a few is what the code itself costs."""
    best_wall = best_cpu = float("inf")
    result = None
    for _ in range(repeats):
        result = None  # the last run's index is let go first: peak memory is one walk's
        w, c = time.perf_counter(), time.process_time()
        result = fn()
        best_wall, best_cpu = min(best_wall, time.perf_counter() - w), min(best_cpu, time.process_time() - c)
    return result, best_wall, best_cpu


def measure(what: str, root: str) -> dict[str, Any]:
    """Run in a child process: one measurement, its seconds and the child's own peak memory.

    The app's modules are imported before the clock starts: a walk row is the walk, not the imports. The peer's
    interpreter (cleanvision) has none of them."""
    if what != "cleanvision":
        from desktop_cls.core.data.dataset import scan
    if what.startswith("health"):
        from desktop_cls.core.data.health import with_health
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    extra: dict[str, Any] = {}
    if what in ("bare_walk", "walk", "walk_train"):
        verify = "header" if what == "walk" else "none"
        walk = (lambda: bare_walk(root)) if what == "bare_walk" else (lambda: len(scan(root, verify=verify).samples))
        extra["files" if what == "bare_walk" else "images"], seconds, cpu = _best_of(walk, WALK_REPEATS)
        extra["cpu_seconds"] = cpu  # this thread's and the header checks' threads' CPU, best run
        extra["repeats"] = WALK_REPEATS
    elif what in ("health_cold", "health_warm"):
        index = scan(root, verify="full")  # what `desktop-cls scan` runs, in its order
        extra["full_walk_seconds"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        extra["findings"] = _copy_findings(list(with_health(index).problems))
    elif what == "cleanvision":
        extra["flagged"] = _cleanvision(root)
    if what not in ("bare_walk", "walk", "walk_train"):
        seconds = time.perf_counter() - t0
    extra["seconds"] = seconds
    extra["process_cpu_seconds"] = time.process_time()  # imports included
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    extra["worker_cpu_seconds"] = kids.ru_utime + kids.ru_stime  # worker processes, waited for
    extra["load_before"], extra["load_after"] = load, os.getloadavg()[0]
    extra["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    extra["worker_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # largest worker
    return extra


def _child(what: str, root: Path, env: dict[str, str], python: str = sys.executable) -> dict[str, Any] | None:
    r = subprocess.run([python, "-m", "benchmarks.large_folder", "--measure", what, str(root)],
                       capture_output=True, text=True, env=env, cwd=Path(__file__).resolve().parents[1])
    if r.returncode != 0:
        print(f"  {what}: failed: {r.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    return json.loads(r.stdout.strip().splitlines()[-1])


def _peer_python(given: str | None) -> str | None:
    if given:
        return given
    try:
        import cleanvision  # noqa: F401
    except ImportError:
        return None
    return sys.executable


def run_size(n: int, base: Path, smoke: bool, peer: str | None, photo: bool = False,
             skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    root = write_folder(base / f"{'photos' if photo else 'images'}-{n}", n, photo=photo)
    cache = Path(tempfile.mkdtemp(prefix="desktop_cls_large_cache_"))
    env = dict(os.environ, DESKTOP_CLS_CACHE_DIR=str(cache), DESKTOP_CLS_DATA_DIR=str(cache / "data"))
    row: dict[str, Any] = {"images": n}
    for what in ("bare_walk", "walk_train", "walk", "bare_walk", "health_cold", "health_warm"):
        if what.startswith("health") and "health" in skip:
            continue
        m = _child(what, root, env)
        best = row.get(what)  # the reference is walked before and after the app's walks: the faster counts
        row[what] = m if not isinstance(best, dict) or not m or m["seconds"] < best["seconds"] else best
    if peer and not smoke and "cleanvision" not in skip:
        row["cleanvision"] = _child("cleanvision", root, env, peer)
    else:
        row["cleanvision"] = "not run (no --peer-python with cleanvision, or skipped)"
    for walk in ("walk", "walk_train"):
        if row.get("bare_walk") and row.get(walk):
            row[f"{walk}_vs_bare"] = row[walk]["seconds"] / max(row["bare_walk"]["seconds"], 1e-6)
            row[f"{walk}_cpu_vs_bare"] = row[walk]["cpu_seconds"] / max(row["bare_walk"]["cpu_seconds"], 1e-6)
    shutil.rmtree(cache, ignore_errors=True)  # the caches this size made (never the images)
    cv = row.get("cleanvision")
    if isinstance(cv, dict) and row.get("health_cold"):
        row["health_vs_cleanvision"] = row["health_cold"]["seconds"] / max(cv["seconds"], 1e-6)
    return row


def _print(row: dict[str, Any]) -> None:
    parts = [f"{row['images']:>7} images"]
    for what in ("bare_walk", "walk_train", "walk", "health_cold", "health_warm", "cleanvision"):
        m = row.get(what)
        if isinstance(m, dict):
            cpu = f", CPU {m['cpu_seconds']:.3f} s" if "cpu_seconds" in m else ""
            parts.append(f"{what} {m['seconds']:.2f} s{cpu} ({m['peak_rss_mb']:.0f} MB, load {m['load_before']:.1f}"
                         f"-{m['load_after']:.1f})")
    for walk in ("walk_train", "walk"):
        if f"{walk}_vs_bare" in row:
            parts.append(f"{walk}/bare {row[f'{walk}_vs_bare']:.2f}x (CPU {row[f'{walk}_cpu_vs_bare']:.2f}x)")
    if "health_vs_cleanvision" in row:
        parts.append(f"health/cleanvision {row['health_vs_cleanvision']:.2f}x")
    print(" | ".join(parts), flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,30000,100000")
    ap.add_argument("--folder", type=Path, help="where the generated folders are kept (reused between runs)")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--peer-python", help="an interpreter with cleanvision installed (the peer reference)")
    ap.add_argument("--photo", action="store_true", help="photo-sized JPEGs (640x480) instead of 32 px PNGs")
    ap.add_argument("--skip", default="", help="comma-separated: health, cleanvision (the long steps)")
    ap.add_argument("--measure", nargs=2, metavar=("WHAT", "FOLDER"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return 0
    sizes = [60] if args.smoke else [int(s) for s in args.sizes.split(",")]
    base = args.folder or Path(tempfile.mkdtemp(prefix="desktop_cls_large_"))
    rows = []
    for n in sizes:
        rows.append(run_size(n, base, args.smoke, _peer_python(args.peer_python), args.photo,
                             frozenset(filter(None, args.skip.split(",")))))
        _print(rows[-1])
    if args.json:
        args.json.write_text(json.dumps({"rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

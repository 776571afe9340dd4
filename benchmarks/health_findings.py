"""Precision and recall of the copy findings on real pictures, and the time of a first scan and a rescan.

For each corpus (benchmarks/health_corpora.py): scan the distinct pictures (every copy finding there is
a false one), then plant copies (exact, JPEG 60, resized +-10 %, cropped <= 5 %, brightened, plus
borders, contrast and crop+JPEG) half in the original's class and half in another class, and count
which are found as the right kind. Figures go to docs/reliability.md.

    python -m benchmarks.health_findings [--smoke] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true", help="tiny corpora (seconds)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
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

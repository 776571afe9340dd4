"""Opening a dataset replays its labeling journal: the time must grow with the journal's length, not its square.

    python -m benchmarks.journal_replay [--steps 2000 4000 8000 16000] [--smoke] [--json OUT]

Each journal holds N committed labeling steps, every one followed by a `forget` of an earlier step (what
emptying the trash or an undo of a vanished file writes), and ends with a burst of undos. No file moves:
this measures the replay alone (Workspace(root) on an otherwise empty folder).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from desktop_cls.core.data.labeling import JOURNAL, STATE_DIR, Workspace


def write_journal(root: Path, steps: int) -> None:
    (root / STATE_DIR).mkdir(parents=True)
    with open(root / STATE_DIR / JOURNAL, "w") as f:
        for i in range(1, steps + 1):
            f.write(json.dumps({"type": "begin", "id": i, "kind": "assign", "description": f"{i}",
                                "moves": [[f"a{i}.png", f"cat/a{i}.png"]]}) + "\n")
            f.write(json.dumps({"type": "commit", "id": i}) + "\n")
            f.write(json.dumps({"type": "forget", "ids": [max(1, i // 2)]}) + "\n")
        for j in range(steps + 1, steps + 200):
            target = steps - (j - steps - 1)
            f.write(json.dumps({"type": "begin", "id": j, "kind": "undo", "description": "u", "target": target,
                                "moves": [[f"cat/a{target}.png", f"a{target}.png"]]}) + "\n")
            f.write(json.dumps({"type": "commit", "id": j}) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, nargs="+", default=[2000, 4000, 8000, 16000])
    ap.add_argument("--smoke", action="store_true", help="tiny journals: that it runs, not how fast")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    rows = []
    print("steps  open_s  per_step_us")
    for n in ([50, 100] if args.smoke else args.steps):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "ds"
            (root / "cat").mkdir(parents=True)
            write_journal(root, n)
            t = time.perf_counter()
            Workspace(root)
            s = time.perf_counter() - t
            print(f"{n:5d}  {s:6.2f}  {s / n * 1e6:8.1f}")
            rows.append({"steps": n, "open_s": s})
    if args.json:
        args.json.write_text(json.dumps({"rows": rows}, indent=2))


if __name__ == "__main__":
    main()

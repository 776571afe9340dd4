"""`desktop-cls serve` on loopback: latency for one client and for 32 at once, throughput, the server's peak
memory, next to `predict`'s own time per image in the same run. Bounded in requests and in seconds.

    python -m benchmarks.serve [--smoke] [--clients 32] [--requests 400] [--seconds 30] [--json OUT]

The server runs as its own process (`desktop-cls serve --port 0`), as users run it; the clients are threads
of this process on the same machine, so on a small machine they compete with the server for the cores.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from desktop_cls.core.data.demo_data import make_demo_dataset
from desktop_cls.core.inference.predictor import Predictor
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.run import fit


def start_server(run: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "desktop_cls", "serve", str(run), "--host", "127.0.0.1",
                             "--port", "0", *extra], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        m = re.search(r"(http://127\.0\.0\.1:\d+).*Ctrl\+C", line)  # the "listening on" line, in any language
        if m:
            return proc, m.group(1)
    raise RuntimeError("the server did not start")


def peak_rss_mb(pid: int) -> float | None:
    """VmHWM: the most resident memory the process has had (Linux)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    m = re.search(r"VmHWM:\s+(\d+) kB", text)
    return int(m.group(1)) / 1024 if m else None


def load(url: str, images: list[bytes], clients: int, requests: int, seconds: float) -> dict[str, Any]:
    """`clients` threads send images until `requests` answers or `seconds` have passed."""
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    counter = iter(range(requests))

    def client() -> None:
        with httpx.Client(base_url=url, timeout=60) as c:
            for i in counter:
                if time.perf_counter() > deadline:
                    return
                t = time.perf_counter()
                r = c.post("/predict", content=images[i % len(images)])
                r.raise_for_status()
                with lock:
                    latencies.append((time.perf_counter() - t) * 1000)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    ms = np.asarray(latencies)
    return {"clients": clients, "requests": len(ms), "p50_ms": float(np.percentile(ms, 50)),
            "p99_ms": float(np.percentile(ms, 99)), "requests_per_s": len(ms) / wall}


def predict_ms(run: Path, sample: Path, n: int) -> float:
    """`predict`'s own time for one file (the engine, no HTTP), median of n."""
    p = Predictor.load(run, device="cpu")
    p.predict_paths([sample])
    times = []
    for _ in range(n):
        t = time.perf_counter()
        p.predict_paths([sample])
        times.append((time.perf_counter() - t) * 1000)
    return float(np.median(times))


def measure(run: Path, images: list[bytes], args: argparse.Namespace, max_batch: int) -> dict[str, Any]:
    proc, url = start_server(run, "--max-batch", str(max_batch))
    try:
        with httpx.Client(base_url=url) as c:
            model = c.get("/model").json()
            for img in images[:5]:  # warm up
                c.post("/predict", content=img).raise_for_status()
        one = load(url, images, 1, args.requests, args.seconds)
        many = load(url, images, args.clients, args.requests, args.seconds)
        with httpx.Client(base_url=url) as c:
            served = c.get("/health").json().get("served", {})
        return {"max_batch": max_batch, "runtime": model["runtime"], "one_client": one, "many_clients": many,
                "images_per_model_call": served.get("images", 0) / max(served.get("model_calls", 1), 1),
                "peak_rss_mb": peak_rss_mb(proc.pid)}
    finally:
        proc.terminate()
        proc.wait(30)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--requests", type=int, default=600, help="at most this many requests per measurement")
    ap.add_argument("--seconds", type=float, default=30.0, help="and at most this long")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    if args.smoke:
        args.clients, args.requests, args.seconds = 4, 20, 10.0
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        data = make_demo_dataset(base / "demo", images_per_class=4 if args.smoke else 20)
        run = fit(TrainConfig(epochs=1, device="cpu"), data, out=base / "run").run_dir
        files = sorted(p for p in data.rglob("*") if p.is_file())
        images = [p.read_bytes() for p in files]
        report = {"predict_one_file_ms": predict_ms(Path(run), files[0], 5 if args.smoke else 100),
                  "rows": [measure(Path(run), images, args, mb) for mb in (32, 1)],
                  "cpus": os.cpu_count()}
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Where `desktop-cls serve RUN` spends its start-up: imports, loading the model, the ONNX export, the
ONNX Runtime session and the timing loops; run twice on one cache folder, the second start shows the
cached export at work.

    python -m benchmarks.serve_startup RUN   (a run folder, e.g. from `desktop-cls train`)
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any

T0 = time.perf_counter()
from desktop_cls.core.inference import export_onnx as eo  # noqa: E402  (the imports are timed)
from desktop_cls.core.inference.predictor import Predictor  # noqa: E402
from desktop_cls.core.serving import runtime as rt  # noqa: E402

IMPORTS_S = time.perf_counter() - T0


def main(run: str) -> None:
    spent: dict[str, float] = {"imports": IMPORTS_S}

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - t
        return call

    eo.write_fp32 = timed("ONNX export", eo.write_fp32)
    eo.ort_session = timed("ONNX Runtime session", eo.ort_session)
    rt._best_ms = timed("timing loops", rt._best_ms)
    t = time.perf_counter()
    predictor = Predictor.load(run, device="cpu")
    spent["Predictor.load"] = time.perf_counter() - t
    t = time.perf_counter()
    sha = rt.cache_key(predictor)
    _runner, choice = rt.choose_runtime(predictor, "auto", sha)
    spent["choose_runtime (all of the above but load)"] = time.perf_counter() - t
    spent["total"] = time.perf_counter() - T0
    print(f"load average {os.getloadavg()[0]:.1f}; {choice.runtime}: {choice.reason} {choice.timings_ms}")
    for name, s in spent.items():
        print(f"{name:44s} {s:7.2f} s")


if __name__ == "__main__":
    main(sys.argv[1])

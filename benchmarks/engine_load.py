"""How long the GUI's engine task takes to load (torch and the core), each run in a fresh process.

    python -m benchmarks.engine_load [--runs 5] [--json OUT]

Each run does what the app does around the task: imports the engine module (Qt's core) and loads torch's
libraries early, as `run_app` does before the window, then times `engine.load_engine` (wall and CPU seconds)
and notes whether torch's compiler stack (`torch._dynamo`) and sympy were imported on the way. No window is
shown, so the figures are the task's own, not its share of a busy start; the 1-minute load is printed with
each run, as the machine's other work changes them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = """
import json, sys, time
from desktop_cls.gui.shell import engine
engine.preload_torch_libraries()
wall, cpu = time.perf_counter(), time.process_time()
engine.load_engine(None, None)
print(json.dumps({"seconds": time.perf_counter() - wall, "cpu_seconds": time.process_time() - cpu,
                  "modules": len(sys.modules), "dynamo": "torch._dynamo" in sys.modules,
                  "sympy": "sympy" in sys.modules}))
"""


def one_run() -> dict[str, object]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, check=True,
                         timeout=600)
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    result["load"] = os.getloadavg()[0]
    return result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--json", type=Path)
    args = p.parse_args()
    runs = []
    for i in range(args.runs):
        r = one_run()
        runs.append(r)
        print(f"run {i + 1}: {r['seconds']:.2f} s ({r['cpu_seconds']:.2f} s CPU), {r['modules']} modules, "
              f"torch._dynamo {r['dynamo']}, sympy {r['sympy']}, load {r['load']:.1f}", flush=True)
    seconds = [float(str(r["seconds"])) for r in runs]
    median = statistics.median(seconds)
    print(f"median {median:.2f} s, min {min(seconds):.2f} s, max {max(seconds):.2f} s")
    if args.json:
        args.json.write_text(json.dumps({"median_s": median, "runs": runs}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

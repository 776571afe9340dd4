"""Race for a run folder in a child process (test helper; imports no torch, so it starts fast).

    python lock_helper.py new OUT START        claim OUT (an --out folder) at time START, hold it briefly
    python lock_helper.py auto RUNS START      claim a fresh folder under RUNS (no --out) at time START
    python lock_helper.py hold RUN             claim RUN, print 'held', then wait to be killed
Prints 'ok PATH' or 'refused MESSAGE'; a traceback means the race was lost badly.
"""

import os
import sys
import time
from pathlib import Path

from desktop_cls.core import run_dir as rd
from desktop_cls.core.errors import UserError

mode, where = sys.argv[1], Path(sys.argv[2])
if mode == "hold":
    rd.claim_run(where)
    print("held", flush=True)
    time.sleep(600)
start = float(sys.argv[3])
while time.time() < start:  # every child leaves the line at the same instant
    pass
try:
    if mode == "auto":
        os.environ["DESKTOP_CLS_DATA_DIR"] = str(where)
        run = rd.new_run_dir(None, "m")
    else:
        run = rd.new_run_dir(where, "m")
except UserError as e:
    print("refused", e, flush=True)
    sys.exit(0)
(run / "config.json").write_text(str(os.getpid()))  # what fit() does first
time.sleep(0.3)
(run / "run.json").write_text(str(os.getpid()))
print("ok", run, flush=True)

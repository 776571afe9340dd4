"""Train in a child process that dies by SIGKILL (test helper).

    python crash_helper.py DATA OUT EPOCHS MODE     MODE: run | die-mid-checkpoint
"""

import os
import signal
import sys
from pathlib import Path

import torch

from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.trainer import fit

data, out, epochs, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
if mode == "die-mid-checkpoint":
    real_save = torch.save
    calls = {"n": 0}

    def half_then_die(obj: object, f: object, *a: object, **k: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:  # epoch 1 wrote last.pt and best.pt; die while writing epoch 2's last.pt
            real_save(obj, f, *a, **k)
            p = Path(str(f))
            p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])
            os.kill(os.getpid(), signal.SIGKILL)
        real_save(obj, f, *a, **k)

    torch.save = half_then_die  # type: ignore[assignment]
cfg = TrainConfig(model="simple_cnn", epochs=epochs, batch_size=2, image_size=16, seed=3)
fit(cfg, data, out=out)

"""Train in a child process that dies by SIGKILL (test helper).

    python crash_helper.py DATA OUT EPOCHS MODE
    MODE: run | die-mid-checkpoint | die-before-first-epoch
          | die-before:NAME   killed instead of the 2nd rename into place of NAME (best.pt,
                              model.safetensors or model.json): one epoch's files half committed
"""

import os
import signal
import sys
from pathlib import Path
from typing import Any

import torch

from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.run import fit

data, out, epochs, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
if mode == "die-mid-checkpoint":
    real_save = torch.save
    calls = {"n": 0}

    def half_then_die(obj: object, f: Any, *a: Any, **k: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 3:  # epoch 1 wrote last.pt and best.pt; die while writing epoch 2's last.pt
            real_save(obj, f, *a, **k)
            if hasattr(f, "flush"):  # the checkpoint writer hands torch a file it opened itself
                f.flush()
            p = Path(str(getattr(f, "name", f)))
            os.truncate(p, p.stat().st_size // 2)
            os.kill(os.getpid(), signal.SIGKILL)
        real_save(obj, f, *a, **k)

    torch.save = half_then_die
val_fraction = 0.2
if mode.startswith("die-before:"):
    target = mode.split(":", 1)[1]
    real_replace = os.replace
    seen = {"n": 0}
    val_fraction = 0.0  # the best metric is then the training loss: a new best every epoch

    def die_at_second(src: object, dst: object, **at: object) -> None:
        if Path(str(dst)).name == target:
            seen["n"] += 1
            if seen["n"] == 2:
                os.kill(os.getpid(), signal.SIGKILL)
        real_replace(src, dst, **at)  # type: ignore[arg-type]

    os.replace = die_at_second
if mode == "die-before-first-epoch":
    from desktop_cls.core.training import trainer as _trainer

    def die_in_the_first_step(self: object, *a: object, **k: object) -> object:
        os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError("unreachable")

    _trainer.Trainer._train_batch = die_in_the_first_step  # type: ignore[method-assign,assignment]
cfg = TrainConfig(model="simple_cnn", epochs=epochs, batch_size=2, image_size=16, seed=3, val_fraction=val_fraction)
fit(cfg, data, out=out)

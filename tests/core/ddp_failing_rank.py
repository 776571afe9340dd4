"""Run `desktop-cls train` under torchrun with rank 1 failing in its first validation (test helper)."""

import os
import sys

from desktop_cls.cli import main
from desktop_cls.core.training import trainer

if os.environ.get("RANK") == "1":
    def broken(self: object, *a: object, **k: object) -> None:
        raise RuntimeError("simulated failure on rank 1")

    trainer.Trainer._validate = broken  # type: ignore[method-assign,assignment]

sys.exit(main(sys.argv[1:]))

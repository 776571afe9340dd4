"""Entry point for `python -m desktop_cls`, the `desktop-cls` script and the bundled app."""

from __future__ import annotations

import multiprocessing
import os
import sys
from typing import NoReturn


def main() -> int:
    # core.training.distributed.launched_by_torchrun's test, without importing torch before the window
    if all(k in os.environ for k in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")):
        _torchrun_worker_main()
    return _run()


def _run() -> int:
    multiprocessing.freeze_support()
    from .core.i18n import set_language

    set_language(None)  # the command line follows LANGUAGE/LC_ALL/LC_MESSAGES/LANG; the window then uses its setting
    if sys.platform == "win32":
        import torch  # noqa: F401  # torch's DLLs must load before Qt's on Windows

    if "--self-test" in sys.argv[1:]:  # hidden: checks a build, see packaging/README.md
        from .self_test import self_test

        return self_test()
    from .cli import main as cli_main

    return cli_main()


def gui_main() -> int:
    multiprocessing.freeze_support()
    from .cli import main as cli_main

    return cli_main(["gui", *sys.argv[1:]])


def _torchrun_worker_main() -> NoReturn:
    """A torchrun worker whose work is done leaves with os._exit: interpreter teardown can abort in
    the distributed library's C++ threads (SIGABRT, "terminate called without an active exception")
    after every file was written, and torchrun would then report a finished job as failed. The
    fault handler prints where a worker died if it ever does."""
    import faulthandler
    import logging

    faulthandler.enable()
    try:
        code = _run()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())

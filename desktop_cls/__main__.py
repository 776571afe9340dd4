"""Entry point for `python -m desktop_cls`, the `desktop-cls` script and the bundled app."""

from __future__ import annotations

import multiprocessing
import sys


def main() -> int:
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


if __name__ == "__main__":
    sys.exit(main())

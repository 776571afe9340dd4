"""Entry script of the bundle: the same entry point as `python -m desktop_cls`."""

import sys

from desktop_cls.__main__ import main

if __name__ == "__main__":
    sys.exit(main())

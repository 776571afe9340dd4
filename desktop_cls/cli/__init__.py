"""The `desktop-cls` command line: parse, call the core, print. One module per command group.

With --json, stdout carries JSON only; progress goes to stderr. User errors exit 2 with one line.
"""

from __future__ import annotations

from desktop_cls.cli.output import EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_USER_ERROR
from desktop_cls.cli.parser import build_parser, main

__all__ = ["EXIT_FINDINGS", "EXIT_INTERRUPTED", "EXIT_USER_ERROR", "build_parser", "main"]

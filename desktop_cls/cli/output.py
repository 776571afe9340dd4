"""What every command shares: exit codes, JSON on stdout, and the refusal to replace a file silently."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _

EXIT_FINDINGS = 1  # scan --fail-on: a finding of a listed kind
EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130


def clean(obj: Any) -> Any:
    """JSON has no NaN: report missing numbers as null."""
    if isinstance(obj, float) and (math.isnan(obj) or math.isinf(obj)):
        return None
    if isinstance(obj, dict):
        return {k: clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [clean(v) for v in obj]
    return obj


def print_json(obj: Any) -> None:
    """With --json, stdout carries this one line of JSON and nothing else (progress goes to stderr)."""
    sys.stdout.write(json.dumps(clean(obj), ensure_ascii=False) + "\n")
    sys.stdout.flush()


def refuse_existing(out: str | Path, overwrite: bool) -> None:
    """A file the user already has is replaced only when they said --overwrite."""
    if Path(out).exists() and not overwrite:
        raise UserError(_("{path} already exists; choose another file or add --overwrite").format(path=out))

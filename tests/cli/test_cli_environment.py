"""The command line where its surroundings fight back: a reader that stops reading, a C locale, no HOME."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_cli(args: list[str], env: dict[str, str], stdout: int = subprocess.PIPE) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "desktop_cls", *args], env=env, stdout=stdout,
                          stderr=subprocess.PIPE, timeout=120, cwd=REPO)


def base_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "LC_", "LANG"))}
    env.update(PYTHONPATH=str(REPO), XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CACHE_HOME=str(tmp_path / "cache"))
    return env


def test_a_reader_that_stops_reading_is_no_traceback(tmp_path: Path) -> None:
    """`desktop-cls models | head -1`: the pipe closes after the first line; that is not an error."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line
    try:
        proc = run_cli(["models"], base_env(tmp_path), stdout=write)
    finally:
        os.close(write)
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert proc.returncode == 0

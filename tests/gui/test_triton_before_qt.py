"""A GTK desktop's Qt theme loads the graphics driver's LLVM for every symbol to see; triton (CUDA builds of
torch) carries its own, and imported after it, the process died at start-up. Here the driver's LLVM is loaded
as Qt's theme loads it (RTLD_GLOBAL), then torch's compiler front end is imported, as the engine task does."""

from __future__ import annotations

import glob
import importlib.util
import subprocess
import sys

import pytest

SCRIPT = """
import ctypes, sys
if sys.argv[2] == "fixed":
    from desktop_cls.gui.shell.engine import load_triton_before_qt
    load_triton_before_qt()
ctypes.CDLL(sys.argv[1], mode=ctypes.RTLD_GLOBAL)
import torch._dynamo
"""


def system_llvm() -> str | None:
    found = sorted(glob.glob("/usr/lib/*/libLLVM*.so*") + glob.glob("/lib/*/libLLVM*.so*"))
    return found[-1] if found else None


def run(llvm: str, mode: str) -> int:
    return subprocess.run([sys.executable, "-c", SCRIPT, llvm, mode], capture_output=True, timeout=300).returncode


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a Linux desktop's graphics stack")
def test_the_app_survives_the_drivers_llvm_loaded_before_torchs_compiler() -> None:
    llvm = system_llvm()
    if llvm is None or importlib.util.find_spec("triton") is None:
        pytest.skip("needs triton (a CUDA build of torch) and a system LLVM")
    if run(llvm, "as before") == 0:
        pytest.skip(f"this machine's {llvm} and triton do not clash")
    assert run(llvm, "fixed") == 0

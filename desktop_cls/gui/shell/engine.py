"""Loading the engine (torch and the core) on a task once the window shows, and keeping what it
loaded out of the cycle collector's way."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer


def load_engine(progress: object, cancel: object) -> list[Any]:
    """Imports torch and the core on a task so the window appears first; the devices it found.

    What it loads is then frozen out of the cycle collector (`gc.freeze`): with Qt, torch and torchvision loaded
    the process holds about 350,000 objects the collector tracks, and each full collection walked all of them
    in one step that keeps the interpreter lock, 0.2-0.5 s here, on whichever thread it fell (the window's
    included): the UI thread could run no Python meanwhile. From here on a full collection walks only what was
    made later. The collector is paused while loading, as the loading made five such collections.

    The health check's modules load here too: the check's thread imported them when the first folder was
    checked, and their classes (each dataclass compiles its methods, keeping the lock) held the UI thread up
    while it switched pages (a stall of 120 ms at 3 s, load 6).

    Nothing here builds a model or imports torchvision: either brings in torch's compiler stack and sympy
    (torchvision's ops import `torch._dynamo`; a model built on the meta device reaches it through `nn.init`),
    2.2 s of the 5 s this task took, and nothing the window asks for needs them now. The Train form's parameter
    counts come from the catalogue's table, and the check for a backbone's downloaded weights from its known file
    name (tests/gui/test_engine_warmup.py); training a torchvision backbone imports torchvision on its own task."""
    from desktop_cls.core.data.collector import gc_paused

    with gc_paused():
        from desktop_cls.core.data import health  # noqa: F401  (see below)
        from desktop_cls.core.devices import list_devices
        from desktop_cls.core.inference import evaluation, export, predictor  # noqa: F401
        from desktop_cls.core.training import trainer  # noqa: F401

        devices = list_devices()
        gc.freeze()
    return devices


# A window that is never painted (built hidden) still loads the engine after this long.
UNPAINTED_START_MS = 1000


class AfterFirstPaint(QObject):
    """Calls `start` once, when the event loop is next free after `window` was first painted (or after
    UNPAINTED_START_MS when it is not painted by then).

    The engine task imported torch from the moment the window was built: on a loaded two-core machine its thread
    took the CPU and the interpreter lock while the UI thread laid out and painted the window for the first
    time (30-50 ms of the UI thread's own work), and that first frame came 105-350 ms late in 9 of 10 runs of
    benchmarks/startup_stalls.py (load 3-10)."""

    def __init__(self, window: QObject, start: Callable[[], object]) -> None:
        super().__init__(window)
        self._start = start
        self._started = False
        window.installEventFilter(self)
        QTimer.singleShot(UNPAINTED_START_MS, self, self._start_once)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._started:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self._start_once)
        return False

    def _start_once(self) -> None:
        if not self._started:
            self._started = True
            self._start()


def preload_torch_libraries() -> None:
    """Load torch's shared libraries (libtorch and what it links) on this thread, before the window exists.

    Loading a shared library runs its static initialisers inside one call that keeps the interpreter lock, by
    any route (import, ctypes): libtorch's took 0.25 s on a quiet machine and 0.9 s at a load of 10, and from the
    engine task that was a freeze of the window just shown. Here it is start-up time before the first paint; the
    rest of torch's import (seconds of Python, which hands the lock round) stays on the engine task. Where the
    libraries are not found as expected (another platform, another layout) nothing is loaded early."""
    _load_library_early("torch", "lib/libtorch_python.so")


def quicker_pyside_import_check() -> None:
    """Make PySide's look at each module imported read the file's bytes, not the module's source through inspect.

    After PySide6 loads, each module imported is checked for the word "PySide6" in its source (its switchable
    features); by `inspect.getsource`, which files every line of every module in `linecache` for the rest of the
    process. The engine's import of torch and torchvision put 1,850 files and 1.1 million lines there: about 95 MB
    held for nothing, and CPU the engine task took while the window had just shown. The answer stays the same
    (the word in the file); modules without a .py file are asked the original way. Nothing happens where PySide's
    check is not found (another PySide version)."""
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or original is None or getattr(original, "reads_bytes", False):
        return

    def uses_pyside(module: object) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            with contextlib.suppress(OSError):
                return b"PySide6" in Path(path).read_bytes()
        return bool(original(module))

    uses_pyside.reads_bytes = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]


def load_triton_before_qt() -> None:
    """Load triton's compiler library before Qt starts, where torch's build brings triton (CUDA builds on Linux).

    On a GTK desktop (GNOME and its kin) Qt's platform theme brings in the graphics driver's LLVM (Mesa's
    libLLVM) for every symbol to see. Triton carries its own LLVM; when torch imported it later (its compiler
    front end loads on the first model built, in the engine task) triton's start-up code ran against the
    driver's LLVM and the app died with a segmentation fault before the user could do anything. Loaded first,
    triton's library keeps its own LLVM. It costs about 0.2 s of start-up; nothing happens without triton."""
    _load_library_early("triton", "_C/libtriton.so")


def _load_library_early(package: str, library: str) -> None:
    """Load `library` (a path inside `package`) on Linux, before the import that would load it; where the package
    or the file is not found as expected (another platform, another layout) nothing is loaded early, and the
    package's own import loads it as before."""
    if not sys.platform.startswith("linux"):
        return
    spec = importlib.util.find_spec(package)  # finds the package without running it
    if spec is None or spec.origin is None:
        return
    path = Path(spec.origin).parent / library
    if path.is_file():
        with contextlib.suppress(OSError):
            ctypes.CDLL(str(path))

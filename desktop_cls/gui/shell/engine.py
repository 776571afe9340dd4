"""Loading the engine (torch, torchvision and the core) on a task once the window shows, and keeping what it
loaded out of the cycle collector's way."""

from __future__ import annotations

import gc
from typing import Any

from desktop_cls.core.models.catalog import MODELS


def first_torchvision_model() -> str:
    return next(m.name for m in MODELS.values() if m.torchvision)


def load_engine(progress: object, cancel: object) -> list[Any]:
    """Imports torch and the core on a task so the window appears first; the devices it found.

    What it loads is then frozen out of the cycle collector (`gc.freeze`): with Qt, torch and torchvision loaded
    the process holds about 350,000 objects the collector tracks, and each full collection walked all of them
    in one step that keeps the interpreter lock, 0.2-0.5 s here, on whichever thread it fell (the window's
    included): the UI thread could run no Python meanwhile. From here on a full collection walks only what was
    made later. The collector is paused while loading, as the loading made five such collections."""
    from desktop_cls.core.data.dataset import gc_paused

    with gc_paused():
        from desktop_cls.core.devices import list_devices
        from desktop_cls.core.inference import evaluation, export, predictor  # noqa: F401
        from desktop_cls.core.models.architectures import parameter_count
        from desktop_cls.core.training import trainer  # noqa: F401

        # The first model built on torch's meta device loads its meta kernels (2.7 s here), and the first
        # torchvision one imports torchvision's model zoo (0.27 s): here, not on the UI thread when the Train form
        # first describes a model for the dataset just opened or the model the user picked.
        parameter_count("quicknet", 2)
        parameter_count(first_torchvision_model(), 2)
        devices = list_devices()
        gc.freeze()
    return devices

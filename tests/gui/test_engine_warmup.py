"""What the engine task does before the window may build models on the UI thread: the first model on torch's
meta device (2.7 s) and the first torchvision one (0.27 s, importing the model zoo) are built there, so the
Train form describing a model the user picked does not freeze the window."""

from __future__ import annotations

import pytest


def test_the_engine_task_builds_a_meta_model_and_a_torchvision_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.core.models import architectures
    from desktop_cls.core.models.catalog import MODELS
    from desktop_cls.gui.shell import engine

    built: list[str] = []

    def count(name: str, num_classes: int = 10, image_size: int = 32) -> int:
        built.append(name)
        return 0

    monkeypatch.setattr(architectures, "parameter_count", count)
    engine.load_engine(None, None)
    assert "quicknet" in built
    assert any(MODELS[name].torchvision for name in built)


def test_what_the_engine_loaded_is_frozen_out_of_the_cycle_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    """A full collection walked every object of torch, torchvision and Qt in one step that keeps the interpreter
    lock (0.2-0.5 s, on whichever thread it fell, the window's included): once the engine has loaded, those are
    in the collector's permanent generation, and the collector is on again as before."""
    import gc

    import torch

    from desktop_cls.core.models import architectures
    from desktop_cls.gui.shell import engine

    monkeypatch.setattr(architectures, "parameter_count", lambda *args, **kwargs: 0)
    was_on = gc.isenabled()
    try:
        engine.load_engine(None, None)
        walked = {id(o) for o in gc.get_objects()}  # what a full collection walks: the permanent generation is not
        assert id(torch.nn.Module) not in walked
        assert id(vars(torch.nn.Module)) not in walked
        assert gc.get_freeze_count() > 0
        assert gc.isenabled() == was_on
    finally:
        gc.unfreeze()  # the other tests' objects go back where they were

"""What the engine task does before the window may build models on the UI thread: the first model on torch's
meta device (2.7 s) and the first torchvision one (0.27 s, importing the model zoo) are built there, so the
Train form describing a model the user picked does not freeze the window."""

from __future__ import annotations

import pytest


def test_the_engine_task_builds_a_meta_model_and_a_torchvision_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.core.models import architectures
    from desktop_cls.core.models.catalog import MODELS
    from desktop_cls.gui.shell import main_window

    built: list[str] = []

    def count(name: str, num_classes: int = 10, image_size: int = 32) -> int:
        built.append(name)
        return 0

    monkeypatch.setattr(architectures, "parameter_count", count)
    main_window.load_engine(None, None)
    assert "quicknet" in built
    assert any(MODELS[name].torchvision for name in built)

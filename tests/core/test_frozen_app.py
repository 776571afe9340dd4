"""What the bundled (frozen) app turns off because the bundle cannot carry it (packaging/README.md)."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

from desktop_cls.core.training.run import fit
from tests.core.test_trainer import FAST, Recorder


def test_torch_compile_is_skipped_with_a_reason_in_the_bundle(tiny_folder: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    rec = Recorder()
    res = fit(replace(FAST, epochs=1, compile=True), tiny_folder, out=tmp_path / "run", callbacks=[rec])
    assert res.epochs_done == 1
    assert any("bundled app cannot compile" in n.message for n in rec.notices)

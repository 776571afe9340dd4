"""`export --overwrite` replaces the model and its metadata as one unit: cut between the two, the
folder never holds a new model with the old model's class names; staging folders a killed export
left behind are removed by the next export."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from desktop_cls.core.errors import ModelFileError


def test_a_cut_between_model_and_metadata_never_mixes_them(tmp_path: Path, trained_run: tuple[Path, Path],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.core.inference import export_staging
    from desktop_cls.core.inference.export import export_model
    from desktop_cls.core.models.model_io import load_native

    run, data = trained_run
    dest = tmp_path / "m.safetensors"
    export_model(run, "safetensors", dest, data=data)
    old = json.loads(dest.with_suffix(".json").read_text())
    dest.with_suffix(".json").write_text(json.dumps({**old, "classes": ["x", "y", "z"]}))  # "the old model's"
    real_replace = os.replace

    def cut_after_the_model(src: object, dst: object, **fds: object) -> None:
        real_replace(src, dst, **fds)  # type: ignore[arg-type]  # contained's own renames pass dir_fd
        if not fds and Path(str(dst)) == dest:
            raise SystemExit("killed")

    monkeypatch.setattr(export_staging.os, "replace", cut_after_the_model)
    with pytest.raises(SystemExit):
        export_model(run, "safetensors", dest, overwrite=True, data=data)
    monkeypatch.undo()
    with pytest.raises(ModelFileError, match="metadata file missing"):
        load_native(dest)  # refused, where it used to load with the classes x, y, z
    export_model(run, "safetensors", dest, overwrite=True, data=data)
    assert load_native(dest)[1].classes == tuple(old["classes"])


def test_staging_folders_of_killed_exports_are_removed(tmp_path: Path, trained_run: tuple[Path, Path]) -> None:
    from desktop_cls.core.inference.export import export_model

    run, data = trained_run
    dead = tmp_path / f".m.safetensors.export-{2**22 + 999}-abc"  # above any pid_max: a process that is gone
    live = tmp_path / f".m.safetensors.export-{os.getpid()}-def"
    for d in (dead, live):
        d.mkdir()
        (d / "m.safetensors").write_bytes(b"half")
    export_model(run, "safetensors", tmp_path / "m.safetensors", data=data)
    assert not dead.exists() and live.exists()

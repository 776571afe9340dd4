"""`export --overwrite` replaces the model and its metadata as one unit: cut between the two, the
folder never holds a new model with the old model's class names; staging folders a killed export
left behind are removed by the next export."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from desktop_cls.core.errors import ModelFileError
from tests.security.conftest import needs_symlinks


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


def test_a_staging_folder_whose_pid_was_reused_is_removed_and_only_that_pattern(
        tmp_path: Path, trained_run: tuple[Path, Path]) -> None:
    """A restarted app often gets the pid of the one killed mid-export: the folder's start time tells them apart.
    Nothing that is not a staging folder of this exact pattern is touched, and no link is followed."""
    from desktop_cls.core.inference.export import export_model
    from desktop_cls.core.run_dir import process_started

    run, data = trained_run
    me, started = os.getpid(), process_started(os.getpid())
    assert started is not None
    reused = tmp_path / f".m.safetensors.export-{me}.{started + 1}-abc"  # this pid, another process's start
    mine = tmp_path / f".m.safetensors.export-{me}.{started}-def"
    odd = tmp_path / f".m.safetensors.export-{2**22 + 999}x-ghi"  # not the pattern: left alone
    outside = tmp_path / "outside"
    for d in (reused, mine, odd, outside):
        d.mkdir()
        (d / "keep").write_bytes(b"x")
    link = tmp_path / f".m.safetensors.export-{2**22 + 998}-jkl"
    link.symlink_to(outside, target_is_directory=True)
    export_model(run, "safetensors", tmp_path / "m.safetensors", data=data)
    assert not reused.exists()
    assert mine.exists() and odd.exists() and link.is_symlink() and (outside / "keep").exists()
    assert [p.name for p in tmp_path.iterdir() if ".export-" in p.name and p not in (mine, odd, link)] == []


def test_verifying_reports_progress_that_moves(tmp_path: Path, trained_run: tuple[Path, Path],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Between "verifying" and "measuring latency" the export reports each batch of validation images it ran
    (first through the trained model, then through the export), so a bar does not sit still for minutes."""
    from desktop_cls.core.inference import export

    monkeypatch.setattr(export, "VERIFY_BATCH", 1, raising=False)
    said: list[tuple[int, int, str]] = []
    run, data = trained_run
    export.export_model(run, "safetensors", tmp_path / "m.safetensors", data=data,
                        progress=lambda d, t, w: said.append((d, t, w)))
    stages = [i for i, (_d, t, _w) in enumerate(said) if t == export.STAGES]
    begin = next(i for i in stages if said[i][0] == 2)
    end = next(i for i in stages if said[i][0] == 3)
    fine = said[begin + 1:end]
    assert len(fine) >= 4
    assert all(t != export.STAGES for _d, t, _w in fine)
    fractions = [d / t for d, t, _w in fine]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and fractions[0] < 0.5
    assert any("of" in w for _d, _t, w in fine)


@needs_symlinks
def test_a_stale_staging_folder_nested_thousands_deep_is_removed(tmp_path: Path) -> None:
    """An export folder from someone else may hold a folder of the staging pattern nested deeper than a recursive
    delete goes: the export went on to a RecursionError instead of removing it."""
    from desktop_cls.core.inference.export_staging import clean_stale_staging

    dead = tmp_path / f".m.onnx.export-{2**22 + 999}-abc"
    dead.mkdir()
    fd = os.open(dead, os.O_RDONLY)
    try:
        for _level in range(3000):
            os.mkdir("d", dir_fd=fd)
            fd, old = os.open("d", os.O_RDONLY, dir_fd=fd), fd
            os.close(old)
        os.symlink(tmp_path / "outside", "link", dir_fd=fd)
    finally:
        os.close(fd)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "keep").write_bytes(b"x")
    assert clean_stale_staging(tmp_path) == [dead]
    assert not dead.exists() and (tmp_path / "outside" / "keep").read_bytes() == b"x"

"""A file name the app writes to that is already a link whose target is gone (a link to a drive not plugged in,
or one planted in a folder from someone else) is taken, as any file there: without --overwrite it is neither
replaced nor written through, and a free name is chosen beside it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop_cls.core.errors import UserError
from tests.security.conftest import needs_symlinks

pytestmark = needs_symlinks


def _dangling(path: Path, target: Path) -> Path:
    os.symlink(target, path)
    assert not path.exists() and path.is_symlink()
    return path


def test_a_fresh_name_skips_a_link_whose_target_is_gone(tmp_path: Path) -> None:
    from desktop_cls.core.storage import unique_destination

    link = _dangling(tmp_path / "capture.jpg", tmp_path / "usb" / "capture.jpg")
    assert unique_destination(link) == tmp_path / "capture (2).jpg"
    _dangling(tmp_path / "capture (2).jpg", tmp_path / "usb" / "other.jpg")
    assert unique_destination(link) == tmp_path / "capture (3).jpg"


def test_an_output_file_that_is_a_dangling_link_needs_overwrite(tmp_path: Path) -> None:
    from desktop_cls.cli.output import refuse_existing

    link = _dangling(tmp_path / "predictions.csv", tmp_path / "usb" / "predictions.csv")
    with pytest.raises(UserError, match="already exists"):
        refuse_existing(link, overwrite=False)
    refuse_existing(link, overwrite=True)
    assert os.readlink(link) == str(tmp_path / "usb" / "predictions.csv")


def test_an_export_onto_a_dangling_link_needs_overwrite(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    from desktop_cls.core.inference.export import check_destination

    run, _ = trained_run
    model = _dangling(tmp_path / "model.onnx", tmp_path / "usb" / "model.onnx")
    with pytest.raises(UserError, match="already exists"):
        check_destination(run, "onnx", model)
    sidecar = _dangling(tmp_path / "other.json", tmp_path / "usb" / "other.json")
    with pytest.raises(UserError, match="already exists"):
        check_destination(run, "onnx", tmp_path / "other.onnx")
    assert check_destination(run, "onnx", model, overwrite=True) == model and sidecar.is_symlink()


def test_a_run_folder_named_by_a_dangling_link_is_refused_in_words(tmp_path: Path) -> None:
    """train --out onto such a link ended in a traceback (mkdir: File exists)."""
    from desktop_cls.core.run_dir import new_run_dir

    link = _dangling(tmp_path / "run", tmp_path / "usb" / "run")
    with pytest.raises(UserError, match="already exists"):
        new_run_dir(link, "simple_cnn")
    assert link.is_symlink() and not (tmp_path / "usb").exists()

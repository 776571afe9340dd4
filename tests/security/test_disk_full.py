"""A full disk, a file size limit (ulimit -f, EFBIG) and a read-only folder give one clear message in
every command that writes, with nothing half-written left in place and no traceback.

A full disk and a read-only folder are real small tmpfs mounts (skipped where mounting is not
allowed); the size limit is RLIMIT_FSIZE in a child process, which works for any user."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

posix_only = pytest.mark.skipif(os.name != "posix" or not hasattr(os, "geteuid"), reason="POSIX mounts and rlimits")


def _mount(target: Path, options: str) -> bool:
    target.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True)
    return done.returncode == 0


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KB file system, filled to the last block."""
    disk = tmp_path / "full"
    if not _mount(disk, "size=64k"):
        pytest.skip("mounting a small tmpfs needs root (or is not allowed here)")
    try:
        fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            with pytest.raises(OSError):
                while True:
                    os.write(fd, b"\0" * 4096)
        finally:
            os.close(fd)
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A read-only file system (root ignores chmod, but not this)."""
    disk = tmp_path / "ro"
    if not _mount(disk, "ro,size=64k"):
        pytest.skip("mounting a read-only tmpfs needs root (or is not allowed here)")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def _commands(run: Path, image: Path, out: Path) -> dict[str, list[str]]:
    return {
        "predict --csv": ["predict", str(run), str(image), "--csv", str(out / "p.csv")],
        "explain": ["explain", str(run), str(image), "--out", str(out / "heat.png")],
        "export safetensors": ["export", str(run), "--format", "safetensors", "--out", str(out / "m.safetensors")],
        "export onnx": ["export", str(run), "--format", "onnx", "--out", str(out / "m.onnx")],
        "export torchscript": ["export", str(run), "--format", "torchscript", "--out", str(out / "m.torchscript")],
        "demo-data": ["demo-data", str(out / "demo")],
        "train --out": ["train", str(image.parent.parent), "--out", str(out / "run"), "--epochs", "1"],
    }


def _leftovers(folder: Path, before: set[str]) -> set[str]:
    return {p.name for p in folder.iterdir()} - before


@posix_only
@pytest.mark.parametrize("which", ["full_disk", "read_only"])
def test_each_write_gives_one_clear_message(which: str, request: pytest.FixtureRequest, trained_run: tuple[Path, Path],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from desktop_cls.cli import main

    disk: Path = request.getfixturevalue(which)
    run, data = trained_run
    image = next((data / "cat").iterdir())
    before = {p.name for p in disk.iterdir()}
    reason = "the disk is full" if which == "full_disk" else "read-only"
    for name, argv in _commands(run, image, disk).items():
        if name.startswith("export") and which == "full_disk":
            argv += ["--data", str(data)]
        code = main(argv)
        err = capsys.readouterr().err
        assert code == 2, (name, err)
        assert err.count("error:") == 1 and reason in err and "Traceback" not in err, (name, err)
        assert _leftovers(disk, before) == set(), name  # no temp file, staging folder or half a dataset


@posix_only
def test_a_file_size_limit_is_a_message_not_a_killed_process(tmp_path: Path, trained_run: tuple[Path, Path]) -> None:
    run, data = trained_run
    image = next((data / "cat").iterdir())
    out = tmp_path / "out"
    out.mkdir()
    script = ("import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048)); "
              "from desktop_cls.cli import main; sys.exit(main(sys.argv[1:]))")
    for name in ("export torchscript", "export safetensors", "demo-data"):
        argv = _commands(run, image, out)[name]
        done = subprocess.run([sys.executable, "-B", "-c", script, *argv], capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parents[2], timeout=300)
        assert done.returncode == 2, (name, done.returncode, done.stderr[-2000:])  # not -SIGXFSZ, not a c10 abort
        assert "larger than this system allows" in done.stderr and "Traceback" not in done.stderr, name
        assert list(out.iterdir()) == [], name

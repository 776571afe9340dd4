"""Shared fixtures. Every test runs with its own user folders, so none touches real settings or runs."""

from __future__ import annotations

import os

# Qt's offscreen screen is 800x800 unless told otherwise; the window sizes itself to the screen, so the
# tests give it an ordinary desktop screen (tests of small screens resize the window or start their own)
if os.environ.setdefault("QT_QPA_PLATFORM", "offscreen") == "offscreen" and os.name != "nt":
    os.environ["QT_QPA_PLATFORM"] = "offscreen:configfile=" + os.path.join(os.path.dirname(__file__),
                                                                             "desktop_screen.json")

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image


@pytest.fixture(autouse=True)
def english_engine_messages() -> Iterator[None]:
    """A test that switches the language (the app's setting, set_language) leaves English for the next one,
    whose assertions read the engine's English messages."""
    yield
    from desktop_cls.core import i18n

    if i18n.current_language() != "en":
        i18n.set_language("en")


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    base = tmp_path_factory.mktemp("user")
    for name in ("DATA", "CACHE", "CONFIG", "LOG"):
        monkeypatch.setenv(f"DESKTOP_CLS_{name}_DIR", str(base / name.lower()))
    return base


def write_image(path: Path, arr: np.ndarray, fmt: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(arr).save(path, format=fmt)
    return path


def make_tiny_folder(root: Path, classes: tuple[str, ...] = ("cat", "dog", "fish"), per_class: int = 8,
                     size: int = 16, seed: int = 0) -> Path:
    """Classes differ by colour, so a tiny model learns them in a couple of epochs."""
    rng = np.random.default_rng(seed)
    colours = [(230, 40, 40), (40, 230, 40), (40, 40, 230), (230, 230, 40), (40, 230, 230)]
    for ci, c in enumerate(classes):
        for i in range(per_class):
            base = np.array(colours[ci % len(colours)], dtype=np.float64)
            arr = np.clip(base + rng.normal(0, 25, (size, size, 3)), 0, 255).astype(np.uint8)
            write_image(root / c / f"{c}_{i:02d}.png", arr)
    return root


@pytest.fixture
def tiny_folder(tmp_path: Path) -> Path:
    return make_tiny_folder(tmp_path / "tiny")


@pytest.fixture(autouse=True)
def shared_run_kept_clean(request: pytest.FixtureRequest) -> Iterator[None]:
    """Evaluate and Export keep their last results in the run folder (evaluation.json, exports.json): a test that
    evaluates or exports the shared trained_run leaves the next test the run as training left it."""
    yield
    if "trained_run" in request.fixturenames:
        run = request.getfixturevalue("trained_run")[0]
        for name in ("evaluation.json", "exports.json"):
            (run / name).unlink(missing_ok=True)


@pytest.fixture(scope="session")
def trained_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One small finished run shared by read-only tests: (run_dir, dataset)."""
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.run import fit

    base = tmp_path_factory.mktemp("shared_run")
    data = make_tiny_folder(base / "data", per_class=10)
    cfg = TrainConfig(epochs=4, batch_size=8, image_size=16, seed=1, cache_images="ram")
    res = fit(cfg, data, out=base / "run")
    return Path(res.run_dir), data


def make_digits_folder(root: Path, per_class: int = 20, size: int = 16, start: int = 0) -> Path:
    """scikit-learn's handwritten digits (real scans, 8x8, 16 grey levels) as classes "0" … "9"."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    taken = {c: 0 for c in range(10)}
    for image, target in zip(digits.images, digits.target, strict=True):
        c = int(target)
        taken[c] += 1
        if not start < taken[c] <= start + per_class:
            continue
        grey = np.clip(image * 16, 0, 255).astype(np.uint8)
        big = np.asarray(Image.fromarray(grey).resize((size, size), Image.Resampling.NEAREST))
        write_image(root / str(c) / f"{c}_{taken[c]:03d}.png", np.stack([big] * 3, axis=-1))
    return root


def fill_disk_on_save(monkeypatch: pytest.MonkeyPatch, after: int, error: BaseException) -> None:
    """torch.save works `after` - 1 times, then raises `error` (how a full disk shows up mid-checkpoint)."""
    import torch

    real_save = torch.save
    calls = {"n": 0}

    def full(obj: object, f: Any, *a: Any, **k: Any) -> None:
        calls["n"] += 1
        if calls["n"] >= after:
            raise error
        real_save(obj, f, *a, **k)

    monkeypatch.setattr(torch, "save", full)


@pytest.fixture
def split_root(tmp_path: Path) -> Path:
    """scikit-learn digits in ROOT/train/<digit>/ and ROOT/test/<digit>/, plus 3 unlabeled images in ROOT."""
    import shutil

    from benchmarks.few_images import write_digits_few

    root = tmp_path / "digits"
    write_digits_few(root, per_class=3, test=20)
    for i, src in enumerate(sorted((root / "train" / "7").iterdir())[:3]):
        shutil.copy(src, root / f"loose_{i}.jpg")
    return root


@pytest.fixture
def thumbnail_decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files whose thumbnails were decoded (not found in the cache), in order."""
    from desktop_cls.core.data import thumbnail_cache

    names: list[str] = []
    real = thumbnail_cache.decode_thumbnail

    def counting(path: str, side: int) -> thumbnail_cache.Thumbnail:
        names.append(Path(path).name)
        return real(path, side)

    monkeypatch.setattr(thumbnail_cache, "decode_thumbnail", counting)
    return names


def reading_in_processes(monkeypatch: pytest.MonkeyPatch, module: Any) -> list[str]:
    """Make `module` read even a few files in worker processes (its _PROCESS_FILES threshold at 1) and record the
    kind of each pool its reading_pool makes: the returned list fills as the code under test reads."""
    from concurrent.futures import Executor

    pools: list[str] = []
    real = module.reading_pool

    def recording(items: int, from_items: int, threads: int) -> Executor:
        pool = real(items, from_items, threads)
        pools.append(type(pool).__name__)
        return pool

    monkeypatch.setattr(module, "reading_pool", recording)
    monkeypatch.setattr(module, "_PROCESS_FILES", 1)
    return pools

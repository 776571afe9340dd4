"""Where a quick run's features came from, said as it was: the first training after labeling with the Label page's
live suggestions said the features "came from the cache (kept from an earlier run)", though no run had computed
them; the suggestions had, moments before."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.embeddings import FOR_SUGGESTIONS, UNKNOWN_ORIGIN, FeatureCache
from desktop_cls.core.training.fit_result import FitResult
from desktop_cls.core.training.live_suggestions import suggest_labels
from desktop_cls.core.training.run import fit
from desktop_cls.gui.pages.train.quick_summary import summary_view
from tests.conftest import make_tiny_folder

SIZE = 64


def _result(**extra: object) -> FitResult:
    return FitResult(run_dir="run", classes=("cat", "dog"), epochs=1, epochs_done=1, best_val_accuracy=0.8,
                     best_epoch=1, train_seconds=2.0, extra={"method": "quick", "feature_seconds": 0.2,
                                                             "head_seconds": 1.0, **extra})


def test_the_first_training_after_live_suggestions_says_the_suggestions_computed_its_features(
        tmp_path: Path) -> None:
    data = make_tiny_folder(tmp_path / "data", per_class=5, size=24)
    shutil.copy(data / "fish" / "fish_00.png", data / "loose_0.png")
    assert suggest_labels(data, ["loose_0.png"], image_size=SIZE).suggestions  # the Label page, live
    from desktop_cls.core.data.dataset import scan
    from desktop_cls.core.training.backbone_choice import choose_backbone

    index = scan(data)
    model = choose_backbone(index.typical_size, len(index.samples) + 1).model  # the backbone the suggestions used
    cfg = TrainConfig(model=model, image_size=SIZE, pretrained=True, method="quick", seed=0)
    result = fit(cfg, index, out=tmp_path / "run")
    assert result.extra["features_computed"] == 0
    assert result.extra["features_cached_for_suggestions"] == 15 and result.extra["features_cached_from_runs"] == 0
    line = summary_view(result).time_line
    assert "came from the cache (computed earlier for the Label page's suggestions)" in line, line
    assert "earlier run" not in line


def test_each_source_is_named_and_an_unknown_one_is_not_guessed() -> None:
    runs = summary_view(_result(features_computed=0, features_cached=80, features_cached_from_runs=80)).time_line
    assert "all 80 images came from the cache (kept from an earlier run), so no image" in runs
    both = summary_view(_result(features_computed=0, features_cached=80, features_cached_from_runs=30,
                                features_cached_for_suggestions=50)).time_line
    assert "(computed earlier, for the Label page's suggestions and by earlier runs)" in both
    some = summary_view(_result(features_computed=20, features_cached=5, features_cached_for_suggestions=5,
                                network_seconds=6.5)).time_line
    assert "; 5 more came from the cache (computed earlier for the Label page's suggestions)." in some
    older = summary_view(_result(features_computed=0, features_cached=80)).time_line  # a run from before
    assert "all 80 images came from the cache, so no image was read again" in older and "(" not in older
    hostile = summary_view(_result(features_computed=0, features_cached=80, features_cached_from_runs="80")).time_line
    assert "earlier run" not in hostile


def test_the_words_are_chinese_in_chinese(qtbot: QtBot) -> None:
    from desktop_cls.gui.shell.language import install_language

    install_language("zh_CN")
    try:
        line = summary_view(_result(features_computed=0, features_cached=15,
                                    features_cached_for_suggestions=15)).time_line
    finally:
        install_language("en")
    assert "Label" not in line and "cache" not in line and "标注" in line, line


def test_an_entry_from_before_the_origin_is_read_with_an_unknown_one(tmp_path: Path) -> None:
    """Entries written before they said who computed them are still hits (no image is computed again)."""
    cache = FeatureCache("k", tmp_path, origin=FOR_SUGGESTIONS)
    vector = np.arange(4, dtype=np.float32)
    cache.put("ab" * 20, vector)
    found = cache.lookup("ab" * 20)
    assert found is not None and found[1] == FOR_SUGGESTIONS and np.array_equal(found[0], vector)
    old = vector.tobytes()
    entry = np.frombuffer(cache._tag("cd" * 20, old) + old, dtype=np.uint8)
    path = tmp_path / "k" / "cd" / f"{'cd' * 20}.npy"
    path.parent.mkdir(parents=True)
    np.save(path, entry, allow_pickle=False)
    found = cache.lookup("cd" * 20)
    assert found is not None and found[1] == UNKNOWN_ORIGIN and np.array_equal(found[0], vector)


def test_suggestions_keep_their_features_in_the_cache_folder_of_now(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The suggestions' loaded backbone is kept between calls; its cache once stayed in the folder of its first call,
    so after the cache folder changed (Preferences; each test has its own) a quick run found none of them."""
    data = make_tiny_folder(tmp_path / "data", per_class=5, size=24)
    shutil.copy(data / "fish" / "fish_00.png", data / "loose_0.png")
    monkeypatch.setenv("DESKTOP_CLS_CACHE_DIR", str(tmp_path / "first"))
    assert suggest_labels(data, ["loose_0.png"], image_size=SIZE).suggestions
    monkeypatch.setenv("DESKTOP_CLS_CACHE_DIR", str(tmp_path / "now"))
    assert suggest_labels(data, ["loose_0.png"], image_size=SIZE).suggestions
    assert len(list((tmp_path / "now").rglob("*.npy"))) == 15  # one per content (the loose one is a copy)

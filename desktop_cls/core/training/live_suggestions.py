"""The Label page's live suggestions: the quick run's recipe on the folder's labeled images, refitted after
each label, with confidences a user may act on.

The head is the one a quick run would fit (the same backbone, pooling, standardised features and strength C
chosen by cross-validation); its temperature is fitted on the cross-validated logits as the run's is (from
100 labeled images on, calibration.MIN_CALIBRATION_IMAGES); and every confidence is then checked against
those cross-validated predictions (sure_suggestions), so *Accept above 90 %* moves only suggestions that
the labeled images show to be right that often.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from desktop_cls.core.events import CancelToken
from desktop_cls.core.inference.calibration import calibrate_logits, softmax
from desktop_cls.core.inference.sure_suggestions import PrecisionCheck, precision_check
from desktop_cls.core.training.choices import choose_pooling
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.embeddings import (
    FOR_SUGGESTIONS,
    FeatureCache,
    FeatureExtractor,
    cross_validated_logits,
    fit_linear_head,
    head_logits,
)
from desktop_cls.core.training.linear_head import STANDARDISED_C_GRID, cv_folds_for, fit_head_cv


@dataclass(frozen=True)
class Suggester:
    """A fitted head, the temperature its confidences are calibrated with, and the check that caps them."""

    weight: np.ndarray
    bias: np.ndarray
    temperature: float
    check: PrecisionCheck

    def suggest(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(class index, honest confidence) of each feature row."""
        label, conf, _lowered = self.suggest_marked(x)
        return label, conf

    def suggest_marked(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(class index, honest confidence, whether the check lowered the model's own) of each feature row."""
        probs = softmax(head_logits(x, self.weight, self.bias), self.temperature)
        sure = probs.max(1)
        return probs.argmax(1), self.check.honest(sure), self.check.lowered(sure)


def fit_suggester(x: np.ndarray, y: np.ndarray, num_classes: int, pooling: str = "avgmax",
                  seed: int = 0, cancel: CancelToken | None = None) -> Suggester:
    """The quick run's head on labeled features, calibrated and checked on its out-of-fold logits. cancel: heard
    at each step of each fit (CancelledError), as in a quick run."""
    y = np.asarray(y, dtype=np.int64)
    if pooling != "max":  # pictures: standardised features, C by cross-validation, as the run fits them
        fit = fit_head_cv(x, y, num_classes, STANDARDISED_C_GRID, seed=seed, standardise=True, cancel=cancel)
        weight, bias, oof = fit.weight, fit.bias, fit.cv_logits
    else:  # small scans: the run's fixed C, cross-validated only to check the confidences
        folds = cv_folds_for(y)
        oof = cross_validated_logits(x, y, num_classes, folds, seed=seed, cancel=cancel) if folds else None
        weight, bias = fit_linear_head(x, y, num_classes, cancel=cancel)
    temperature = 1.0
    if oof is not None:
        cal = calibrate_logits(oof, y, cross_validated=True)
        temperature = cal.temperature if cal.applied else 1.0
    return Suggester(weight, bias, temperature, precision_check(oof, y, temperature))


@dataclass(frozen=True)
class LiveSuggestions:
    """File name -> (class, honest confidence), the check behind the confidences (for why none is sure), and the
    names whose confidence the check lowered (the model was surer)."""

    suggestions: dict[str, tuple[str, float]] = field(default_factory=dict)
    check: PrecisionCheck | None = None
    lowered: frozenset[str] = frozenset()


_extractors: dict[tuple[str, int, int, str], FeatureExtractor] = {}


def _extractor(model: str, size: int, classes: int, pooling: str) -> FeatureExtractor:
    """One loaded backbone per question, kept between calls, its cache in the cache folder of now: one made before
    the cache folder changed (Preferences) kept the suggestions' features in the old folder, and the next quick run
    computed them all again."""
    from desktop_cls.core.training.quick import backbone_extractor

    key = (model, size, classes, pooling)
    if (ext := _extractors.get(key)) is None:
        cfg = TrainConfig(model=model, pretrained=True, method="quick", image_size=size, device="cpu")
        ext = _extractors[key] = backbone_extractor(cfg, classes, torch.device("cpu"), pooling=pooling,
                                                    origin=FOR_SUGGESTIONS)
    if (now := FeatureCache(ext.cache.key, origin=FOR_SUGGESTIONS)).dir != ext.cache.dir:
        ext.cache = now
    return ext


def suggest_labels(root: str | Path, names: Sequence[str], image_size: int | None = None,
                   progress: Any = None, cancel: CancelToken | None = None) -> LiveSuggestions:
    """Live labelling: the quick run's head fitted on the folder's labeled images (cached features of the
    backbone a quick run on this folder would use) suggests a class for each loose image in names; nothing
    until two classes have images. image_size: that backbone's own size unless given."""
    from desktop_cls.core.data.dataset import scan
    from desktop_cls.core.training.backbone_choice import choose_backbone

    root = Path(root)
    index = scan(root, val_fraction=0.0, verify="none", unlabeled_only=True)  # (a pile: no class yet)
    labeled = list(index.samples)
    if len({s.label for s in labeled}) < 2:
        return LiveSuggestions()
    backbone = choose_backbone(index.typical_size, len(labeled) + len(names))
    pooling = choose_pooling(index.typical_size, backbone.model).pooling
    ext = _extractor(backbone.model, image_size or backbone.image_size, len(index.classes), pooling)
    paths = [s.path for s in labeled] + [str(root / n) for n in names]
    feats = ext.features(paths, progress=progress or (lambda d, t, w: None), cancel=cancel)
    label_of = {s.path: s.label for s in labeled}
    rows = [i for i, p in enumerate(feats.paths) if p in label_of]
    y = np.array([label_of[feats.paths[i]] for i in rows], dtype=np.int64)
    suggester = fit_suggester(feats.vectors[rows], y, len(index.classes), pooling, cancel=cancel)
    loose = [i for i, p in enumerate(feats.paths) if p not in label_of]
    out: dict[str, tuple[str, float]] = {}
    lowered: set[str] = set()
    if loose:
        label, conf, low = suggester.suggest_marked(feats.vectors[loose])
        for i, k, c, was_lowered in zip(loose, label, conf, low, strict=True):
            name = Path(feats.paths[i]).name
            out[name] = (index.classes[int(k)], float(c))
            if was_lowered:
                lowered.add(name)
    return LiveSuggestions(out, suggester.check, frozenset(lowered))

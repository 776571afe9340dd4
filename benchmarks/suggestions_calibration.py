"""How sure is sure: the Label page's suggestions on real pictures with few labelled, and what
*Accept above 90 %* would move.

    python -m benchmarks.suggestions_calibration [--json OUT] [--threshold 0.9]

The situation of the Label page: a few pictures per class labelled, the rest loose. Labelled: k pictures per
class (3, 5, 10, 20) drawn (seeded) from each of the five draws of benchmarks/real_pictures_manifest.json;
loose: its 250 test pictures, which the suggestions are scored on. Features: the cached Lite2 260 px avg + max
features of `python -m benchmarks.real_pictures recipes` (the backbone and pooling the live suggestions use on
pictures; computed there if missing). One more case labels only half the classes (10 each) while the loose
pictures hold all ten: the early Label page, where no check on labelled pictures can see the classes not yet
labelled.

Suggesters, each fitted on the labelled features only:
- *live, before*: the head the live suggestions fitted until now (standardised features, C by cross-validation,
  softmax confidences as they come);
- *quick run's model*: the same head with the quick run's temperature (fitted on the out-of-fold logits from
  100 labelled images on), what suggestions with a run trained on those labels give;
- *live, now*: `core.training.live_suggestions.fit_suggester`, the app's code: the run's head and temperature,
  each confidence capped by the precision the labelled pictures' out-of-fold predictions support.

Per case, mean ± sd over the draws: accuracy, the expected calibration error of the confidence shown (15
bins), how many loose pictures are at or above the threshold (what Accept would move) and how many of those
are right (precision; over all draws pooled as right / moved too).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.real_pictures import _rows, case_features, load_manifest
from desktop_cls.core.inference.metrics import calibration_error

PER_CLASS = (3, 5, 10, 20)
FEATURES = "lite2 avgmax"
Shown = tuple[np.ndarray, np.ndarray, float]  # class index and confidence of each loose picture, the most shown
Suggest = Callable[[np.ndarray, np.ndarray, int, np.ndarray], Shown]


def _load() -> float:
    return round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else float("nan")


def live_before(x: np.ndarray, y: np.ndarray, k: int, x_loose: np.ndarray) -> Shown:
    from desktop_cls.core.inference.calibration import softmax
    from desktop_cls.core.training.embeddings import head_logits
    from desktop_cls.core.training.linear_head import STANDARDISED_C_GRID, fit_head_cv

    fit = fit_head_cv(x, y, k, STANDARDISED_C_GRID, standardise=True)
    p = softmax(head_logits(x_loose, fit.weight, fit.bias))
    return p.argmax(1), p.max(1), float("nan")  # not capped


def quick_model(x: np.ndarray, y: np.ndarray, k: int, x_loose: np.ndarray) -> Shown:
    from desktop_cls.core.inference.calibration import calibrate_logits, softmax
    from desktop_cls.core.training.embeddings import head_logits
    from desktop_cls.core.training.linear_head import STANDARDISED_C_GRID, fit_head_cv

    fit = fit_head_cv(x, y, k, STANDARDISED_C_GRID, standardise=True)
    t = 1.0
    if fit.cv_logits is not None and (cal := calibrate_logits(fit.cv_logits, y, cross_validated=True)).applied:
        t = cal.temperature
    p = softmax(head_logits(x_loose, fit.weight, fit.bias), t)
    return p.argmax(1), p.max(1), float("nan")  # not capped


def live_now(x: np.ndarray, y: np.ndarray, k: int, x_loose: np.ndarray) -> Shown:
    from desktop_cls.core.training.live_suggestions import fit_suggester

    suggester = fit_suggester(x, y, k, pooling="avgmax")
    return (*suggester.suggest(x_loose), suggester.check.ceiling)


SUGGESTERS: dict[str, Suggest] = {"live, before": live_before, "quick run's model": quick_model,
                                  "live, now": live_now}


def _cases(m: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """name -> (labelled per class, classes labelled)."""
    n = len(m["classes"])
    return {**{f"{k} per class": (k, n) for k in PER_CLASS}, f"10 per class, {n // 2} of {n} classes": (10, n // 2)}


def run_case(m: dict[str, Any], files: list[str], feats: np.ndarray, per_class: int, labelled_classes: int,
             threshold: float) -> dict[str, dict[str, list[float]]]:
    te, y_te = _rows(m, files, m["test"])
    out: dict[str, dict[str, list[float]]] = {s: {"accuracy": [], "ece": [], "moved": [], "right": [],
                                                  "ceiling": []}
                                              for s in SUGGESTERS}
    for d, draw in enumerate(m["draws"]):
        rng = np.random.default_rng(100 + d)
        part = {c: sorted(rng.choice(draw[c], per_class, replace=False).tolist()) if i < labelled_classes else []
                for i, c in enumerate(m["classes"])}
        tr, y_tr = _rows(m, files, part)
        for name, suggest in SUGGESTERS.items():
            label, conf, ceiling = suggest(feats[tr], y_tr, labelled_classes, feats[te])
            right = label == y_te
            sure = conf >= threshold
            r = out[name]
            r["accuracy"].append(float(right.mean()))
            r["ece"].append(calibration_error(conf, right))
            r["moved"].append(int(sure.sum()))
            r["right"].append(int((sure & right).sum()))
            r["ceiling"].append(ceiling)
    return out


def _pm(values: list[float], scale: float = 100.0, digits: int = 1) -> str:
    a = np.asarray(values, dtype=np.float64) * scale
    return f"{a.mean():.{digits}f} ± {a.std():.{digits}f}"


def table(results: dict[str, Any], threshold: float) -> str:
    lines = [f"| labelled | suggester | accuracy | ECE | moved at ≥ {threshold:.0%} (of 250) | precision of those "
             "(mean ± sd; pooled) | surest shown |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for case, by in results["cases"].items():
        for name, r in by.items():
            prec = [ri / mi for ri, mi in zip(r["right"], r["moved"], strict=True) if mi]
            pooled = f"{sum(r['right'])}/{sum(r['moved'])}" if sum(r["moved"]) else "–"
            lines.append(f"| {case} | {name} | {_pm(r['accuracy'])} % | {_pm(r['ece'])} % | "
                         f"{_pm(r['moved'], 1.0)} | {(_pm(prec) + ' %') if prec else '–'}; {pooled} | "
                         f"{(_pm(r['ceiling']) + ' %') if not np.isnan(r['ceiling']).any() else '–'} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--threshold", type=float, default=0.9)
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "real_pictures_features")
    a = ap.parse_args()
    m = load_manifest()
    files = sorted({f for part in (m["test"], *m["draws"]) for fs in part.values() for f in fs})
    timings: dict[str, Any] = {}
    feats = case_features(FEATURES, files, a.cache, timings)
    results: dict[str, Any] = {"load_before": _load(), "threshold": a.threshold, "cases": {}}
    t0 = time.perf_counter()
    for case, (k, n) in _cases(m).items():
        results["cases"][case] = run_case(m, files, feats, k, n, a.threshold)
        print(f"{case} done ({time.perf_counter() - t0:.0f} s, load {_load()})", flush=True)
    results["load_after"], results["seconds"] = _load(), round(time.perf_counter() - t0, 1)
    print(table(results, a.threshold))
    print(f"load {results['load_before']} -> {results['load_after']}, {results['seconds']} s")
    if a.json:
        a.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()

"""Real pictures: other heads and pseudo-labels on the features `real_pictures recipes` cached.

    python -m benchmarks.real_pictures_heads [--cases "lite2 avgmax" ...] [--json OUT]

A case "a+b" puts two cases' features side by side, "a&b" averages them (one backbone at two scales).

Every head here is linear in the features (so it becomes the network's last nn.Linear like today's):
shrinkage LDA, nearest class mean by cosine, a linear SVM, PCA-whitened logistic regression, and averages
of heads' probabilities. *Pseudo-labels*: for each draw the pool pictures no draw of it uses (those of the
other draws, about 195, whose features are cached) are the unlabelled images a user leaves on the Label
page; the head labels them, only those above a confidence threshold join the 200, and the head is fitted
again. The threshold is calibrated on the labelled images alone (out-of-fold), never on the test pictures,
whose features are used only to score.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.real_pictures import _rows, _summary, case_features, load_manifest

Head = Callable[[np.ndarray, np.ndarray, int], tuple[np.ndarray, np.ndarray]]


def _std(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mean, scale = x.mean(0), x.std(0) + 1e-6
    return (x - mean) / scale, mean, scale


def _unstd(w: np.ndarray, b: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    w2 = w / scale
    return w2.astype(np.float32), (b - w2 @ mean).astype(np.float32)


def std_cv(x: np.ndarray, y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    from desktop_cls.core.training.linear_head import STANDARDISED_C_GRID, fit_head_cv

    fit = fit_head_cv(x, y, k, STANDARDISED_C_GRID, standardise=True)
    return fit.weight, fit.bias


def lda(shrinkage: float | str) -> Head:
    def fit(x: np.ndarray, y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

        xs, mean, scale = _std(x)
        m = LinearDiscriminantAnalysis(solver="lsqr", shrinkage=shrinkage).fit(xs, y)
        return _unstd(m.coef_, m.intercept_, mean, scale)
    return fit


def ncm_cosine(x: np.ndarray, y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Class means of the standardised features, scored by cosine: a linear head up to each image's norm,
    which argmax ignores (scaled by 10 so softmax is not flat)."""
    xs, mean, scale = _std(x)
    cm = np.stack([xs[y == c].mean(0) for c in range(k)])
    cm /= np.linalg.norm(cm, axis=1, keepdims=True)
    return _unstd(cm * 10, np.zeros(k), mean, scale)


def svm(c: float) -> Head:
    def fit(x: np.ndarray, y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        from sklearn.svm import LinearSVC

        xs, mean, scale = _std(x)
        m = LinearSVC(C=c, max_iter=5000).fit(xs, y)
        return _unstd(m.coef_, m.intercept_, mean, scale)
    return fit


def pca_whiten_logistic(dims: int) -> Head:
    def fit(x: np.ndarray, y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        from desktop_cls.core.training.linear_head import STANDARDISED_C_GRID, fit_head_cv

        mean = x.mean(0)
        _u, s, vt = np.linalg.svd(x - mean, full_matrices=False)
        d = min(dims, len(s) - 1)
        proj = vt[:d].T / (s[:d] / np.sqrt(len(x)))  # D x d, whitening
        z = ((x - mean) @ proj).astype(np.float32)
        h = fit_head_cv(z, y, k, STANDARDISED_C_GRID)
        w = h.weight @ proj.T
        return w.astype(np.float32), (h.bias - w @ mean).astype(np.float32)
    return fit


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def score(manifest: dict[str, Any], files: list[str], feats: np.ndarray, heads: dict[str, Head],
          ensembles: dict[str, list[str]]) -> dict[str, list[float]]:
    te_idx, y_te = _rows(manifest, files, manifest["test"])
    out: dict[str, list[float]] = {n: [] for n in [*heads, *ensembles]}
    k = len(manifest["classes"])
    for draw in manifest["draws"]:
        tr_idx, y_tr = _rows(manifest, files, draw)
        probs = {}
        for name, fit in heads.items():
            w, b = fit(feats[tr_idx], y_tr, k)
            z = feats[te_idx] @ w.T + b
            probs[name] = _softmax(z)
            out[name].append(float((z.argmax(1) == y_te).mean()))
        for name, parts in ensembles.items():
            p = sum(probs[q] for q in parts)
            out[name].append(float((np.asarray(p).argmax(1) == y_te).mean()))
    return out


def _threshold(x: np.ndarray, y: np.ndarray, k: int, precision: float) -> float:
    """The lowest confidence at which the out-of-fold predictions of the labelled images are right at least
    `precision` of the time (calibrated on the labelled images only)."""
    from desktop_cls.core.training.linear_head import STANDARDISED_C_GRID, fit_head_cv

    fit = fit_head_cv(x, y, k, STANDARDISED_C_GRID, standardise=True)
    assert fit.cv_logits is not None
    p = _softmax(fit.cv_logits)
    conf, right = p.max(1), p.argmax(1) == y
    for t in np.sort(conf):
        kept = conf >= t
        if kept.any() and right[kept].mean() >= precision:
            return float(t)
    return 1.0


def pseudo_labels(manifest: dict[str, Any], files: list[str], feats: np.ndarray, precision: float,
                  rounds: int = 1) -> tuple[list[float], list[int]]:
    te_idx, y_te = _rows(manifest, files, manifest["test"])
    k = len(manifest["classes"])
    test = set(te_idx.tolist())
    accs, added = [], []
    for draw in manifest["draws"]:
        tr_idx, y_tr = _rows(manifest, files, draw)
        pool = np.array([i for i in range(len(files)) if i not in test and i not in set(tr_idx.tolist())])
        t = _threshold(feats[tr_idx], y_tr, k, precision)
        x, y = feats[tr_idx], y_tr
        for _ in range(rounds):
            w, b = std_cv(x, y, k)
            p = _softmax(feats[pool] @ w.T + b)
            keep = p.max(1) >= t
            x = np.concatenate([feats[tr_idx], feats[pool[keep]]])
            y = np.concatenate([y_tr, p.argmax(1)[keep]])
        w, b = std_cv(x, y, k)
        accs.append(float(((feats[te_idx] @ w.T + b).argmax(1) == y_te).mean()))
        added.append(int(len(y) - len(y_tr)))
    return accs, added


HEADS: dict[str, Head] = {
    "std CV logistic": std_cv, "LDA auto shrink": lda("auto"), "LDA 0.5": lda(0.5), "LDA 0.9": lda(0.9),
    "NCM cosine": ncm_cosine, "SVM C=0.001": svm(0.001), "SVM C=0.01": svm(0.01),
    "PCA-whiten 128 + logistic": pca_whiten_logistic(128),
}
ENSEMBLES = {"logistic + LDA auto": ["std CV logistic", "LDA auto shrink"],
             "logistic + NCM": ["std CV logistic", "NCM cosine"],
             "logistic + LDA + NCM": ["std CV logistic", "LDA auto shrink", "NCM cosine"]}


def _features(case: str, files: list[str], cache: Path) -> np.ndarray:
    """"a+b": two cases' features side by side; "a&b": averaged (the same backbone at two scales)."""
    def one(part: str) -> np.ndarray:
        return np.mean([case_features(n, files, cache, {}) for n in part.split("&")], 0)
    return np.concatenate([one(p) for p in case.split("+")], 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", nargs="+", default=["lite2 avgmax"])
    ap.add_argument("--heads", nargs="*", default=list(HEADS))
    ap.add_argument("--pseudo", nargs="*", type=float, default=[0.9, 0.95])
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "real_pictures_features")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    m = load_manifest()
    files = sorted({f for part in (m["test"], *m["draws"]) for fs in part.values() for f in fs})
    results: dict[str, Any] = {}
    for case in a.cases:
        feats = _features(case, files, a.cache)
        heads = {h: HEADS[h] for h in a.heads}
        ens = {n: p for n, p in ENSEMBLES.items() if all(q in heads for q in p)}
        for name, accs in score(m, files, feats, heads, ens).items():
            results[f"{case} | {name}"] = accs
            print(f"{case} | {name}: {_summary(accs)}", flush=True)
        for prec in a.pseudo:
            accs, added = pseudo_labels(m, files, feats, prec)
            results[f"{case} | pseudo-labels at {prec:.0%} precision"] = {"accs": accs, "added": added}
            print(f"{case} | pseudo-labels at {prec:.0%}: {_summary(accs)}  added {added}", flush=True)
    if a.json:
        a.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()

"""Every metric the app shows, checked against scikit-learn (the oracle), ties and input order included."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve

from desktop_cls.core.inference.metrics import (
    average_precision,
    classification_report,
    expected_calibration_error,
    pr_curve,
    roc_curve,
    top_k_accuracy,
)

TOL = 1e-6


def tied_probabilities(n: int, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities rounded to one decimal, many saturated at 1.0: ties everywhere, as overconfident models give."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    logits = rng.normal(0, 1, (n, k)) + 2.5 * np.eye(k)[y] * rng.random((n, 1))
    logits[rng.random(n) < 0.3] *= 40  # saturated: a 1.0 and zeros
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = np.round(p / p.sum(axis=1, keepdims=True), 1)
    p[p.sum(axis=1) == 0, 0] = 1.0
    return y, p / p.sum(axis=1, keepdims=True)


def test_roc_auc_and_average_precision_do_not_depend_on_the_order_of_tied_scores() -> None:
    labels = np.array([1, 0, 1, 1])
    scores = np.array([1.0, 1.0, 0.4, 1.0])  # one negative tied with the positives at 1.0
    aucs = set()
    aps = set()
    for order in ([0, 1, 2, 3], [1, 0, 3, 2], [3, 2, 1, 0], [2, 1, 0, 3]):
        aucs.add(round(roc_curve(labels[order] == 1, scores[order])[2], 12))
        aps.add(round(average_precision(labels[order] == 1, scores[order]), 12))
    assert aucs == {round(skm.roc_auc_score(labels, scores), 12)}
    assert aps == {round(skm.average_precision_score(labels, scores), 12)}


@pytest.mark.parametrize("seed", range(6))
def test_binary_curves_match_scikit_learn_with_ties(seed: int) -> None:
    y, p = tied_probabilities(300, 2, seed)
    positive = y == 1
    score = p[:, 1]
    for perm in (np.arange(len(y)), np.random.default_rng(seed).permutation(len(y))):
        fpr, tpr, auc = roc_curve(positive[perm], score[perm])
        sk_fpr, sk_tpr, _ = skm.roc_curve(positive, score, drop_intermediate=False)
        np.testing.assert_allclose(fpr, sk_fpr, atol=TOL)
        np.testing.assert_allclose(tpr, sk_tpr, atol=TOL)
        assert abs(auc - skm.roc_auc_score(positive, score)) < TOL
        precision, recall, thresholds = pr_curve(positive[perm], score[perm])
        sk_p, sk_r, sk_t = skm.precision_recall_curve(positive, score)
        np.testing.assert_allclose(precision, sk_p[::-1], atol=TOL)
        np.testing.assert_allclose(recall, sk_r[::-1], atol=TOL)
        np.testing.assert_allclose(thresholds[1:], sk_t[::-1], atol=TOL)
        assert abs(average_precision(positive[perm], score[perm]) - skm.average_precision_score(positive, score)) < TOL


def test_roc_area_is_undefined_with_one_class() -> None:
    assert np.isnan(roc_curve(np.ones(5, dtype=bool), np.linspace(0, 1, 5))[2])


@pytest.mark.parametrize("seed", range(4))
def test_report_matches_scikit_learn(seed: int) -> None:
    k = 4
    y, p = tied_probabilities(250, k, seed)
    if seed == 3:  # a class never seen but predicted, and one never predicted
        y = np.where(y == 3, 0, y)
        p[:20] = np.eye(k)[3]
    classes = [f"c{i}" for i in range(k)]
    rep = classification_report(y, p, classes, top_k=2)
    pred = p.argmax(axis=1)
    assert abs(rep["accuracy"] - skm.accuracy_score(y, pred)) < TOL
    assert rep["confusion_matrix"] == skm.confusion_matrix(y, pred, labels=range(k)).tolist()
    pr, rc, f1, support = skm.precision_recall_fscore_support(y, pred, labels=range(k), zero_division=0)
    for i, c in enumerate(classes):
        row = rep["per_class"][c]
        assert abs(row["precision"] - pr[i]) < TOL and row["support"] == support[i]
        assert abs(row["f1"] - f1[i]) < TOL
        assert row["recall"] is None if support[i] == 0 else abs(row["recall"] - rc[i]) < TOL
    present = sorted(set(y.tolist()))  # the averages leave out a class without images
    for avg in ("macro", "weighted"):
        sk = skm.precision_recall_fscore_support(y, pred, labels=present, average=avg, zero_division=0)
        got = rep["averages"][avg]
        assert [round(got[m], 9) for m in ("precision", "recall", "f1")] == [round(float(v), 9) for v in sk[:3]], avg
    assert abs(rep["top2_accuracy"] - skm.top_k_accuracy_score(y, p, k=2, labels=range(k))) < TOL
    assert abs(top_k_accuracy(y, p, 3) - skm.top_k_accuracy_score(y, p, k=3, labels=range(k))) < TOL


def test_a_class_without_images_has_no_recall_and_stays_out_of_the_macro_average() -> None:
    """Class 2 has no images and is never predicted; class 3 has none but is predicted (false positives)."""
    classes = ["a", "b", "c", "d"]
    y = np.array([0, 0, 0, 1, 1, 1, 1, 0])
    pred = np.array([0, 0, 1, 1, 1, 3, 1, 3])
    rep = classification_report(y, np.eye(4)[pred], classes)
    assert rep["per_class"]["c"] == {"precision": None, "recall": None, "f1": None, "support": 0}
    assert rep["per_class"]["d"] == {"precision": 0.0, "recall": None, "f1": 0.0, "support": 0}
    sk = skm.classification_report(y, pred, labels=[0, 1], output_dict=True, zero_division=0)
    for name, i in (("a", "0"), ("b", "1")):
        got = rep["per_class"][name]
        assert [round(got[m], 9) for m in ("precision", "recall", "f1")] == [
            round(sk[i][m], 9) for m in ("precision", "recall", "f1-score")]
    for avg in ("macro", "weighted"):
        got = rep["averages"][avg]
        assert [round(got[m], 9) for m in ("precision", "recall", "f1")] == [
            round(sk[f"{avg} avg"][m], 9) for m in ("precision", "recall", "f1-score")], avg
    assert rep["averages"]["macro"]["recall"] == (2 / 4 + 3 / 4) / 2  # not divided by 3 or 4 classes
    assert skm.precision_score(y, pred, labels=[3], average=None, zero_division=0)[0] == 0.0


@pytest.mark.parametrize("seed", range(4))
def test_expected_calibration_error_matches_scikit_learn_bins(seed: int) -> None:
    y, p = tied_probabilities(400, 3, seed)
    conf = p.max(axis=1)
    correct = (p.argmax(axis=1) == y).astype(int)
    bins = 15
    acc, mean_conf = calibration_curve(correct, conf, n_bins=bins, strategy="uniform")
    counts = np.bincount(np.searchsorted(np.linspace(0, 1, bins + 1)[1:-1], conf), minlength=bins)
    counts = counts[counts > 0]
    reference = float(np.sum(counts / len(y) * np.abs(acc - mean_conf)))
    assert abs(expected_calibration_error(y, p, bins=bins) - reference) < TOL

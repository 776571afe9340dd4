"""Temperature scaling (Guo et al., 2017): one scalar T, fitted on validation logits, so that
softmax(logits / T) gives confidences that match how often the model is right."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from desktop_cls.core.i18n import _, ngettext

# Fewer validation images than this and the temperature is not fitted. A model's accuracy measured on
# n images is uncertain by about ±1.96·sqrt(p(1-p)/n): ±16 points on 24 images at 80 % accuracy, more
# than the miscalibration temperature scaling corrects (typically 5-15 points), so the fit would chase
# noise (24 images gave T = 0.05, the search bound, and a "64.5 % -> 33.7 %" that meant nothing).
# At 100 images the uncertainty is under ±10 points at any accuracy; the 10-bin calibration error
# then also has about 10 images per bin to stand on.
MIN_CALIBRATION_IMAGES = 100
LO_T, HI_T = 0.05, 20.0


@dataclass(frozen=True, slots=True)
class CalibrationResult:
    """What calibrate_run did: applied, or why not (reason, in words for the user)."""

    applied: bool
    images: int
    temperature: float = 1.0
    ece_before: float = float("nan")
    ece_after: float = float("nan")
    reason: str = ""
    cross_validated: bool = False  # the logits were out-of-fold ones of every labelled image, not a split's
    already_calibrated: bool = False  # not applied because the model's own confidences are as good: nothing to fix

    def message(self) -> str:
        if self.applied and self.cross_validated:
            return (_("confidences calibrated on the cross-validated predictions of {images} images: temperature "
                      "{temperature:.2f}, calibration error {ece_before:.1%} -> {ece_after:.1%}").format(
                images=self.images, temperature=self.temperature, ece_before=self.ece_before,
                ece_after=self.ece_after))
        if self.applied:
            return (_("confidences calibrated on {images} validation images: temperature {temperature:.2f}, "
                      "calibration error {ece_before:.1%} -> {ece_after:.1%}").format(
                images=self.images, temperature=self.temperature, ece_before=self.ece_before,
                ece_after=self.ece_after))
        return _("confidences not calibrated: {reason}").format(reason=self.reason)


def _nll(logits: np.ndarray, labels: np.ndarray, t: float) -> float:
    z = logits / t
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-logp[np.arange(len(labels)), labels].mean())


def _mean_confidence(logits: np.ndarray, t: float) -> float:
    return float(softmax(logits, t).max(axis=1).mean())


def fit_temperature(logits: np.ndarray, labels: np.ndarray, lo: float = LO_T, hi: float = HI_T) -> float:
    """Minimise validation NLL over log T, then never claim more confidence than the validation set shows.

    With few or no validation mistakes the NLL keeps falling as T -> 0, which would make every future
    prediction "100 %". So the mean confidence is capped at the Laplace estimate of accuracy,
    (correct + 1) / (n + 2): 120 of 120 right allows at most 99.2 % on average.
    """
    if len(labels) == 0:
        return 1.0
    logits = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    t = _min_nll_temperature(logits, labels, lo, hi)
    correct = int((logits.argmax(axis=1) == labels).sum())
    cap = (correct + 1) / (len(labels) + 2)
    if _mean_confidence(logits, t) <= cap:
        return t
    a, b = np.log(t), np.log(hi)  # mean confidence falls as T grows: bisect for the cap
    for _step in range(60):
        m = (a + b) / 2
        if _mean_confidence(logits, float(np.exp(m))) > cap:
            a = m
        else:
            b = m
    return float(np.exp(b))


def _min_nll_temperature(logits: np.ndarray, labels: np.ndarray, lo: float, hi: float) -> float:
    """Golden-section search over log T (the NLL is unimodal in log T)."""
    a, b = np.log(lo), np.log(hi)
    g = (np.sqrt(5) - 1) / 2
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = _nll(logits, labels, float(np.exp(c))), _nll(logits, labels, float(np.exp(d)))
    for _step in range(60):
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = _nll(logits, labels, float(np.exp(c)))
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = _nll(logits, labels, float(np.exp(d)))
    return float(np.exp((a + b) / 2))


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = np.asarray(logits, dtype=np.float64) / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def reliability_bins(y_true: np.ndarray, probs: np.ndarray, bins: int = 10) -> dict[str, list[float]]:
    """Per confidence bin: mean confidence, accuracy and share of images (the reliability diagram)."""
    conf = probs.max(axis=1) if len(probs) else np.zeros(0)
    correct = (probs.argmax(axis=1) == y_true) if len(probs) else np.zeros(0, dtype=bool)
    edges = np.linspace(0, 1, bins + 1)
    out: dict[str, list[float]] = {"lower": [], "upper": [], "confidence": [], "accuracy": [], "share": []}
    n = max(len(conf), 1)
    for lo_, hi_ in itertools.pairwise(edges):
        m = (conf > lo_) & (conf <= hi_)
        out["lower"].append(float(lo_))
        out["upper"].append(float(hi_))
        out["confidence"].append(float(conf[m].mean()) if m.any() else float("nan"))
        out["accuracy"].append(float(correct[m].mean()) if m.any() else float("nan"))
        out["share"].append(float(m.sum() / n))
    return out


def calibrate_logits(z: np.ndarray, y: np.ndarray, min_images: int = MIN_CALIBRATION_IMAGES,
                     cross_validated: bool = False) -> CalibrationResult:
    """The temperature for validation logits z and labels y, or why none is trustworthy: too few images,
    or a fit that ran to the edge of its search range. Every training recipe calibrates through here.
    cross_validated: z are out-of-fold logits of every labeled image, so no validation share can add any."""
    from desktop_cls.core.inference.metrics import expected_calibration_error

    n = len(y)
    if n < min_images:
        return CalibrationResult(False, n, reason=_too_few(n, min_images, cross_validated),
                                 cross_validated=cross_validated)
    t = fit_temperature(z, y)
    before = expected_calibration_error(y, softmax(z))
    after = expected_calibration_error(y, softmax(z, t))
    if not LO_T * 1.01 < t < HI_T / 1.01:
        return CalibrationResult(False, n, t, before, after, reason=(
            _("the fit on {count} validation images ran to the edge of the range (temperature {temperature:.2f}), so "
              "it is not trustworthy; confidences are left as the model gives them").format(count=n, temperature=t)),
            cross_validated=cross_validated)
    if not after < before:  # the fit lowers the loss but not the error the app shows: keep the model's own
        return CalibrationResult(False, n, t, before, after, reason=_(
            "the model's own confidences are already as well calibrated on {count} images (calibration error "
            "{ece_before:.1%}; the fitted temperature {temperature:.2f} would give {ece_after:.1%}), so they are "
            "left as they are").format(count=n, ece_before=before, temperature=t, ece_after=after),
            cross_validated=cross_validated, already_calibrated=True)
    return CalibrationResult(True, n, t, before, after, cross_validated=cross_validated)


def _too_few(n: int, min_images: int, cross_validated: bool) -> str:
    """Why n images cannot calibrate, with the fix that applies: more images, or (with a split) a larger share."""
    if cross_validated:
        return _("{count} labeled images, all of them already cross-validated, are too few to fit it reliably (at "
                 "least {min_images} are needed; with fewer, the measured accuracy itself is uncertain by more than "
                 "10 points). Add images to calibrate").format(count=n, min_images=min_images)
    return ngettext("{count} validation image is too few to fit it reliably (at least {min_images} are needed; "
                    "with fewer, the measured accuracy itself is uncertain by more than 10 points). Add images or "
                    "raise the validation share to calibrate",
                    "{count} validation images are too few to fit it reliably (at least {min_images} are needed; "
                    "with fewer, the measured accuracy itself is uncertain by more than 10 points). Add images or "
                    "raise the validation share to calibrate", n).format(count=n, min_images=min_images)


def calibrate_run(run: Path, batches: Iterable[tuple[torch.Tensor, torch.Tensor]], device: torch.device,
                  mean: tuple[float, ...], std: tuple[float, ...],
                  min_images: int = MIN_CALIBRATION_IMAGES) -> CalibrationResult:
    """Fit the temperature of RUN/model.safetensors on validation batches and store it in model.json.

    model.json is left as it is (temperature 1) when there are too few images, or when the fit ends on
    a bound of the search, which says the data could not pin the temperature down.
    """
    from dataclasses import replace

    from desktop_cls.core.models.model_io import load_native, sidecar_path
    from desktop_cls.core.models.preprocessing import normalize, to_float
    from desktop_cls.core.storage import write_json

    model_file = run / "model.safetensors"
    model, meta = load_native(model_file)
    model.to(device)
    logits, labels = [], []
    with torch.inference_mode():
        for x_u8, y in batches:
            logits.append(model(normalize(to_float(x_u8), mean, std)).float().cpu())
            labels.append(y.cpu())
    result = calibrate_logits(torch.cat(logits).numpy(), torch.cat(labels).numpy(), min_images)
    if not result.applied:
        return result
    t, before, after, n = result.temperature, result.ece_before, result.ece_after, result.images
    extra = json.loads(sidecar_path(model_file).read_text(encoding="utf-8"))
    keep = {k: extra[k] for k in ("epoch", "val_accuracy") if k in extra}
    write_json(sidecar_path(model_file), replace(meta, temperature=t).to_dict(
        "safetensors", **keep, ece_uncalibrated=before, ece_calibrated=after))
    return CalibrationResult(True, n, t, before, after)

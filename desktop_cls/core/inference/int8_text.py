"""How an int8 file was made, in words built from the facts it keeps: its recipe (weights per channel or per
tensor, calibration method, the parts and blocks kept in float), the training images it was calibrated on, and
what its choice of blocks was judged on. An export keeps the facts, so the window says them in its own language
when it reads the export back, not in the one it was exported in. Torch-free (the window reads kept exports
before the engine loads)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from desktop_cls.core.i18n import _, join_list, ngettext

BOUND_TARGET = 0.98  # see export_report: what the growth's lower bound must reach
BOUND_CONFIDENCE = 0.95
PARTS = ("head", "stem", "depthwise")
METHODS = ("MinMax", "Percentile", "Entropy", "Distribution")
MAX_BLOCKS = 10_000
MAX_NAME = 1_000


def measured_on(kind: str, images: int) -> str:
    """The images int8 is judged on, counted, as what they are (ExportImages.kind): a run that held nothing out
    (a quick run that cross-validated) is judged on one in two of the dataset, which are no validation images."""
    if kind == "test":
        return ngettext("{n} test image", "{n} test images", images).format(n=images)
    if kind == "half":
        return ngettext("{n} image of the dataset, one in two (none was held out)",
                        "{n} images of the dataset, one in two (none was held out)", images).format(n=images)
    if kind == "all":
        return ngettext("{n} image of the dataset (none was held out)",
                        "{n} images of the dataset (none was held out)", images).format(n=images)
    return ngettext("{n} validation image", "{n} validation images", images).format(n=images)


def recipe_text(per_channel: bool, method: str, moving_average: bool, in_float: Sequence[str],
                sensitive: Sequence[str] = ()) -> str:
    """A recipe in words; sensitive: the blocks the measurement kept in float (named, most sensitive first)."""
    text = _("per-channel weights, {method} calibration") if per_channel else \
        _("per-tensor weights, {method} calibration")
    parts = {"head": _("the classifier head"), "stem": _("the first convolution"),
             "depthwise": _("the depthwise convolutions")}
    kept = [parts[p] for p in in_float]
    if sensitive:
        kept.append(_("the {count} most sensitive blocks ({names})").format(
            count=len(sensitive), names=join_list(sensitive)))
    words = method.lower()
    if moving_average:
        words = _("{method} (moving average)").format(method=words)
    text = text.format(method=words)
    return _("{recipe}; kept in float: {parts}").format(recipe=text, parts=join_list(kept)) if kept else text


def judged_text(kind: str, agreed: int, images: int, bound: float, met: bool) -> str:
    """What the choice of float blocks was measured on (`kind`: see measured_on), and what that measurement can
    promise (`bound`: the lower bound of the agreement on further images)."""
    text = _("; blocks chosen on {measured}: {share:.1%} agree with the trained model, so at least {bound:.1%} of "
             "further images will ({confidence:.0%} confidence)") if met else \
        _("; blocks chosen on {measured}: {share:.1%} agree with the trained model, so at least {bound:.1%} of "
          "further images will ({confidence:.0%} confidence), short of the {target:.0%} asked even with the most "
          "blocks allowed in float")
    return text.format(measured=measured_on(kind, images), share=agreed / images if images else 0.0, bound=bound,
                       confidence=BOUND_CONFIDENCE, target=BOUND_TARGET)


def quantization_text(facts: Mapping[str, Any]) -> str:
    """An int8 file's making in words, from the facts it keeps (int8_facts)."""
    text = _("static int8 (QDQ): {method} on {count} training images").format(
        method=recipe_text(facts["per_channel"], facts["method"], facts["moving_average"], facts["in_float"],
                           facts["sensitive"]), count=facts["calibration"])
    judged = facts.get("judged")
    if judged:
        text += judged_text(facts["kind"], judged["agreed"], judged["images"], judged["bound"], judged["met"])
    return text


def checked_facts(value: object) -> dict[str, Any] | None:
    """The facts as int8_facts writes them, or None where a kept file holds something else: the sentence it
    keeps is then shown instead."""
    if not isinstance(value, dict):
        return None
    v = value
    lists = (v.get("in_float"), v.get("sensitive"))
    if not (isinstance(v.get("per_channel"), bool) and isinstance(v.get("moving_average"), bool)
            and v.get("method") in METHODS and _whole(v.get("calibration")) and isinstance(v.get("kind"), str)
            and all(isinstance(x, list) and len(x) <= MAX_BLOCKS for x in lists)
            and all(p in PARTS for p in v["in_float"])
            and all(isinstance(n, str) and len(n) <= MAX_NAME for n in v["sensitive"])):
        return None
    judged = v.get("judged")
    if judged is not None and not (isinstance(judged, dict) and _whole(judged.get("agreed"))
                                   and _whole(judged.get("images")) and isinstance(judged.get("met"), bool)
                                   and isinstance(judged.get("bound"), float) and 0.0 <= judged["bound"] <= 1.0):
        return None
    return v


def _whole(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and 0 <= x <= 2**40


def shown_quantization(export: Mapping[str, Any]) -> str | None:
    """An export's quantization in the current language; a kept sentence where no facts are."""
    facts = checked_facts(export.get("int8"))
    return quantization_text(facts) if facts is not None else export.get("quantization")

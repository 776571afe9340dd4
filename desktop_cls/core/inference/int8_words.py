"""The int8 export's words: its progress through calibration, measurement and growth, and what the chosen
file's agreement was measured on. Kept apart from the export's steps so each stays one concern."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop_cls.core.events import ProgressFn
from desktop_cls.core.i18n import _, ngettext
from desktop_cls.core.inference import int8_sensitivity as sens
from desktop_cls.core.inference.int8_text import BOUND_TARGET, judged_text, measured_on


def judged_facts(growth: sens.Growth | None) -> dict[str, Any] | None:
    """What the choice of float blocks was judged to agree, as facts an export keeps (int8_text.judged_text)."""
    if growth is None:
        return None
    a = growth.agreement
    return {"agreed": a.agreed, "images": a.images, "bound": float(a.lower_bound()), "met": bool(growth.met)}


def judged(growth: sens.Growth | None, kind: str = "val") -> str:
    """What the choice of float blocks was measured on (`kind`: see measured_on), and what that measurement can
    promise."""
    if growth is None:
        return ""
    a = growth.agreement
    return judged_text(kind, a.agreed, a.images, a.lower_bound(), growth.met)


# The parts of int8's writing stage, as shares of it: calibrating once, measuring each block (most of the minutes
# on a big network), then judging candidates. Each part moves the bar through its own share, so the bar only moves
# forward through the stage (the measurement's blocks restarting at 0 of the stage took it back from 89 % to 87 %).
CALIBRATING, MEASURING, GROWING = (0.0, 0.1), (0.1, 0.6), (0.6, 1.0)


def _within(part: tuple[float, float], fine: int, done: int, total: int) -> int:
    """`done` of `total` of a part of the stage, in `fine`ths of the whole stage."""
    low, high = part
    return round(fine * (low + (high - low) * (done / total if total else 0.0)))


def said_calibrating(progress: ProgressFn, images: int, fine: int) -> Callable[[int, int], None]:
    """The calibration's batches as `fine`ths of the writing stage (its time left estimated from them): a count
    of batches could equal the export's count of stages and be read as a stage."""
    def calibrating(done: int, total: int) -> None:
        text = _("int8: calibrating on {images} images, batch {done} of {total}")
        progress(_within(CALIBRATING, fine, done, total), fine, text.format(images=images, done=done, total=total))
    return calibrating


def said_measured(progress: ProgressFn, stages: int, fine: int) -> Callable[[int, int], None]:
    """Each block measured, as `fine`ths of the writing stage: a count of blocks could equal the export's count
    of stages (`stages`) and be read as a stage. The stage is named again first, so the time left is estimated
    from the measurement's own steps, not from the calibration's before it."""
    def measured(done: int, total: int) -> None:
        if done == 0:
            progress(1, stages, _("int8: measuring what 8 bits cost each block of the network"))
        progress(_within(MEASURING, fine, done, total), fine,
                 _("int8: measuring what 8 bits cost each block of the network, block {done} of {total}").format(
                     done=done, total=total))
    return measured


def said_grown(progress: ProgressFn, stages: int, fine: int, kind: str = "val") -> sens.GrowthProgress:
    """Each candidate judged while blocks are put back in float one at a time, as `fine`ths of the writing stage
    (named again first, for the time left): a count of steps or blocks could equal the count of stages. `kind`:
    what the judging images are (see measured_on)."""
    def grown(step: int, steps: int, kept: int, agreed: sens.Agreement) -> None:
        if step == 1:
            progress(1, stages, _("int8: keeping the blocks 8 bits cost most in float, one more at a time"))
        text = ngettext(
            "int8: with {kept} block in float it agrees with the trained model on {agreed:.1%} of {measured}, so "
            "on at least {bound:.1%} of further images (target {target:.0%}); candidate {step} of at most {steps}",
            "int8: with {kept} blocks in float it agrees with the trained model on {agreed:.1%} of {measured}, so "
            "on at least {bound:.1%} of further images (target {target:.0%}); candidate {step} of at most {steps}",
            kept)
        progress(_within(GROWING, fine, step, steps), fine, text.format(
            kept=kept, agreed=agreed.share, measured=measured_on(kind, agreed.images), bound=agreed.lower_bound(),
            target=BOUND_TARGET, step=step, steps=steps))
    return grown

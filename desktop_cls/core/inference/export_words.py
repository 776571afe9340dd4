"""What an export was measured on, and what its agreement means, in the language of whoever reads it.

An export keeps the facts (which images: their kind, folder and count; its agreement and accuracies), and the
sentences are built from them when they are shown: the last exports kept in a run folder are read back in the
window's language, not in the one they were exported in. Kept files from before the facts were kept hold the
sentence itself, which is shown as it is. Torch-free: the window reads kept exports before the engine loads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from desktop_cls.core.i18n import _, ngettext
from desktop_cls.core.inference.export_result import AGREEMENT_TARGET

HELD_OUT = ("val", "test")  # kinds of images the model did not learn from
NOT_HELD_OUT = ("half", "all")  # kinds the model may have learned from: their accuracy is not a held-out one
NONE = ("no-run", "gone")  # no images, and why
UNREADABLE = "unreadable:"  # + the kind of the images none of which could be read


class Described(NamedTuple):
    """What the measured images are, alone ("validation images of /d") and with their count, as one sentence
    a translator can put in order ("/d 的 18 张验证集图像"): a count put before a description cannot be."""

    alone: str
    counted: Callable[[int], str]
    folder: str = ""  # the dataset folder named in them, as a path on this computer
    kind: str = ""  # which images: "val", "test", "half", "all"; or why there are none (NONE)


def _why(kind: str, folder: str = "") -> Described:
    """No images: the reason, whatever the count."""
    if kind == "gone":
        text = _("no validation images: the dataset folder {root} is not there any more").format(root=folder)
    else:
        text = _("no validation images: the model is not in a run folder (choose a dataset folder)")
    return Described(text, lambda n: text, folder, kind)


def described(kind: str, root: Path) -> Described:
    if kind in NONE:
        return _why(kind, str(root) if kind == "gone" else "")
    if kind == "val":
        return Described(_("validation images of {root}").format(root=root), lambda n: ngettext(
            "{n} validation image of {root}", "{n} validation images of {root}", n).format(n=n, root=root), str(root),
            kind)
    if kind == "test":
        return Described(_("test images of {root}").format(root=root), lambda n: ngettext(
            "{n} test image of {root}", "{n} test images of {root}", n).format(n=n, root=root), str(root), kind)
    if kind == "half":
        return Described(_("images of {root}, one in two (not a held-out split: the model may have learned them)"
                           ).format(root=root), lambda n: ngettext(
            "{n} image of {root}, one in two (not a held-out split: the model may have learned it)",
            "{n} images of {root}, one in two (not a held-out split: the model may have learned them)", n
        ).format(n=n, root=root), str(root), kind)
    return Described(_("images of {root} (not a held-out split)").format(root=root), lambda n: ngettext(
        "{n} image of {root} (not a held-out split)", "{n} images of {root} (not a held-out split)", n
    ).format(n=n, root=root), str(root), "all")


def int8_note(kind: str) -> str:
    """What int8 calibrates on, where that needs saying (read after "46 images of …")."""
    return _("int8 calibrates on the other half") if kind == "half" else ""


def images_text(kind: str, folder: str, count: int, fmt: str = "") -> str:
    """Which images an export of format `fmt` was measured on, counted; or why there were none. "" for a kind
    this version does not know (a kept file's sentence is then shown instead)."""
    if kind.startswith(UNREADABLE) and kind[len(UNREADABLE):] in HELD_OUT + NOT_HELD_OUT:
        return _("no readable {what}").format(what=described(kind[len(UNREADABLE):], Path(folder)).alone)
    if kind not in HELD_OUT + NOT_HELD_OUT + NONE or (kind not in NONE and not folder):
        return ""
    text = described(kind, Path(folder)).counted(count)
    note = int8_note(kind) if fmt == "onnx-int8" else ""
    return _("{images}; {int8_note}").format(images=text, int8_note=note) if note else text


def shown_images(export: Mapping[str, Any]) -> str:
    """An export's (ExportResult.to_dict()) images in the current language; a kept sentence where no facts are."""
    return images_text(str(export.get("images_kind") or ""), str(export.get("images_folder") or ""),
                       int(export.get("num_images") or 0), str(export.get("format") or "")) or str(export["images"])


def agreement_warning(agreement: float | None, images: int, accuracy: float | None = None,
                      reference_accuracy: float | None = None) -> str | None:
    """Why an agreement below the target matters, with the count it was measured on: one image of 35 is 97.1 %.
    Where the export was right at least as often as the trained model on the same images, it says so: the
    export is not worse there, only different."""
    if agreement is None or images <= 0 or agreement >= AGREEMENT_TARGET:
        return None
    differ = images - round(agreement * images)
    text = ngettext(
        "picks another class than the trained model on {differ} of {images} image ({agreement:.1%} agree, below "
        "the {target:.0%} an export should keep)",
        "picks another class than the trained model on {differ} of {images} images ({agreement:.1%} agree, below "
        "the {target:.0%} an export should keep)", images).format(
        differ=differ, images=images, agreement=agreement, target=AGREEMENT_TARGET)
    if accuracy is not None and reference_accuracy is not None and accuracy >= reference_accuracy:
        return _("{warning}; on those same images it was right as often or more often ({accuracy:.1%} against "
                 "{reference:.1%}), but its answers differ, so prefer a lossless format (onnx) where they must be "
                 "the trained model's").format(warning=text, accuracy=accuracy, reference=reference_accuracy)
    return _("{warning}; prefer a lossless format (onnx) for this model").format(warning=text)


def shown_warning(export: Mapping[str, Any]) -> str | None:
    """An export's agreement warning in the current language, from its numbers; a kept sentence where the
    numbers are not of images (verified on random inputs only)."""
    if int(export.get("num_images") or 0) > 0:
        return agreement_warning(export.get("top1_agreement"), int(export["num_images"]), export.get("accuracy"),
                                 export.get("reference_accuracy"))
    return export.get("warning") or None

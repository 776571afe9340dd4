"""The formats the Export page offers: what each is for, the file each writes, and one check box per format
(those this copy cannot write are off and say why). Texts keep the page's translation context."""

from __future__ import annotations

import importlib.util
from collections.abc import Collection
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel

from desktop_cls.gui.settings import EXPORT_DEFAULTS

SUFFIXES = {"safetensors": ".safetensors", "torchscript": ".torchscript", "onnx": ".onnx", "onnx-int8": ".onnx",
            "onnx-fp16": ".onnx", "openvino": ".xml", "web": "-web"}  # web: a folder
translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


def format_names() -> dict[str, str]:
    """Each format's name as people call it: the check boxes, the progress line and the results table use it."""
    return {
        "safetensors": translate("ExportPage", "safetensors + JSON"),
        "torchscript": translate("ExportPage", "TorchScript"),
        "onnx": translate("ExportPage", "ONNX"),
        "onnx-int8": translate("ExportPage", "ONNX int8"),
        "onnx-fp16": translate("ExportPage", "ONNX fp16"),
        "openvino": translate("ExportPage", "OpenVINO (.xml + .bin)"),
        "web": translate("ExportPage", "Web page"),
    }


def format_name(fmt: str) -> str:
    """The name of a format id ("onnx-int8" -> "ONNX int8"); an unknown id as it is."""
    return format_names().get(fmt, fmt)


def format_uses() -> dict[str, str]:
    """What each format is for: the words beside its check box (which names the format)."""
    return {
        "safetensors": translate("ExportPage", "weights for desktop_cls and any PyTorch code"),
        "torchscript": translate("ExportPage", "runs in C++ / mobile PyTorch without Python"),
        "onnx": translate("ExportPage", "runs in ONNX Runtime, OpenCV, TensorRT, …"),
        # 2-4x: the layers int8 would change most stay in float, and never so many that the file reaches fp16's half.
        # No promise of speed: int8 measured 55.9 ms against fp32 ONNX's 28 ms on one CPU; the table shows its time
        "onnx-int8": translate("ExportPage", "2–4× smaller (the layers int8 would change most stay in float); "
                               "its speed depends on the CPU and is measured here when it is exported; calibrated "
                               "on your training images"),
        "onnx-fp16": translate("ExportPage", "half the size, for GPUs and accelerators that prefer it"),
        "openvino": translate("ExportPage", "Intel CPUs, GPUs and NPUs"),
        "web": translate("ExportPage", "classifies images and the webcam in any browser, offline (a folder to open "
                         "or put on a web server)"),
    }


def web_runtime_present() -> bool:
    """ONNX Runtime Web's files ship with releases; a source checkout fetches them (python dev.py web-runtime)."""
    from desktop_cls.resources_path import resources_dir

    return (resources_dir() / "web" / "onnxruntime-web" / "VERSION").is_file()


def openvino_installed() -> bool:
    return importlib.util.find_spec("openvino") is not None


def export_targets(formats: list[str], dest: Path, name: str) -> dict[str, Path]:
    """One format: dest/name.ext; several: dest/<format>/name.ext (ONNX variants and sidecars never collide)."""
    if len(formats) == 1:
        return {formats[0]: dest / f"{name}{SUFFIXES[formats[0]]}"}
    return {f: dest / f / f"{name}{SUFFIXES[f]}" for f in formats}


def format_checks(ticked: Collection[str] = EXPORT_DEFAULTS) -> dict[str, QCheckBox]:
    """One check box per format, named by the format (what it is for in its description, and beside it: see
    `format_grid`), those in `ticked` ticked; those this copy cannot write are off, unticked, and say why."""
    checks: dict[str, QCheckBox] = {}
    uses = format_uses()
    for fmt, name in format_names().items():
        c = QCheckBox(name)
        c.setObjectName(f"{fmt.replace('-', '_')}Check")
        c.setAccessibleDescription(uses[fmt])
        c.setChecked(fmt in ticked)
        checks[fmt] = c
    if not openvino_installed():
        ov = checks["openvino"]
        ov.setChecked(False)
        ov.setEnabled(False)
        ov.setToolTip(translate("ExportPage", "OpenVINO is not installed with this copy (pip install openvino); it "
                                "also reads the ONNX file directly"))
    if not web_runtime_present():
        checks["web"].setChecked(False)
        checks["web"].setEnabled(False)
        # begins with the name, as OpenVINO's does: the words beside the box put it after "Not available:"
        checks["web"].setToolTip(web_runtime_missing())
    return checks


def web_runtime_missing() -> str:
    """Why the web page cannot be exported, and what the user can do: a copy installed from a release has ONNX
    Runtime Web; the command that fetches it is said only in a source checkout, where it can be run."""
    from desktop_cls.resources_path import source_checkout

    text = translate("ExportPage", "ONNX Runtime Web is not part of this copy of desktop_cls (the released "
                     "installers include it); the ONNX export also runs in a web page of your own")
    if source_checkout() is not None:
        text = translate("ExportPage", "{0} (in this source checkout, python dev.py web-runtime fetches it)").format(
            text)
    return text


def format_grid(checks: dict[str, QCheckBox]) -> QGridLayout:
    """Each check box with what its format is for beside it, in words that wrap: one sentence on a check box was
    as wide as the sentence (780 px for ONNX int8), wider than a laptop at 150 % text size leaves the page."""
    grid = QGridLayout()
    grid.setColumnStretch(1, 1)
    uses = format_uses()
    for row, (fmt, check) in enumerate(checks.items()):
        # a format this copy cannot write says why in the words beside it, not only in a tooltip
        use = QLabel(uses[fmt] if check.isEnabled() or not check.toolTip() else translate(
            "ExportPage", "{0}. Not available: {1}").format(uses[fmt], check.toolTip()))
        use.setObjectName(f"{fmt.replace('-', '_')}Use")
        use.setTextFormat(Qt.TextFormat.PlainText)
        use.setWordWrap(True)
        use.setEnabled(check.isEnabled())
        use.setToolTip(check.toolTip())
        grid.addWidget(check, row, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(use, row, 1, Qt.AlignmentFlag.AlignTop)
    return grid


def chosen(checks: dict[str, QCheckBox]) -> list[str]:
    """The formats ticked that this copy can write."""
    return [f for f, c in checks.items() if c.isChecked() and c.isEnabled()]


def ticks_to_remember(checks: dict[str, QCheckBox], remembered: Collection[str]) -> list[str]:
    """The formats to tick at the next start: those ticked now, and those remembered that this copy cannot
    write (a copy without OpenVINO forgets no one's choice made where it is installed)."""
    return [f for f, c in checks.items()
            if (c.isChecked() and c.isEnabled()) or (f in remembered and not c.isEnabled())]

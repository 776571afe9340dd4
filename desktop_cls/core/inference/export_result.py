"""What one export wrote and measured (`ExportResult`), without torch: the window keeps the last exports of a run
(saved_exports) and reads them back before the engine is loaded."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

AGREEMENT_TARGET = 0.99  # the share of images an export must classify as the trained model does
EXPORT_FORMATS = ("safetensors", "torchscript", "onnx", "onnx-int8", "onnx-fp16", "openvino", "web")


@dataclass(frozen=True)
class ExportResult:
    format: str
    path: str
    sidecar: str
    size_bytes: int  # every file of the model (an OpenVINO .xml and its .bin together)
    verified: bool
    max_abs_diff: float  # largest logit difference from the fp32 model on random inputs
    top1_agreement: float  # on the validation images when there are some, else on the random inputs
    seconds: float
    files: tuple[str, ...] = ()
    snippet: str | None = None
    num_images: int = 0
    images: str = ""  # which images accuracy and agreement were measured on, or why not
    accuracy: float | None = None
    reference_accuracy: float | None = None  # the fp32 torch model on the same images
    latency_ms: float = 0.0  # one image through the exported model's runtime on this machine
    reference_latency_ms: float = 0.0  # the same for the fp32 torch model
    runtime: str = ""
    quantization: str | None = None
    warning: str | None = None
    # the facts `images` is built from (export_words.images_text), so it is shown in the reader's language
    images_kind: str = ""  # "val", "test", "half", "all"; without images, why ("no-run", "gone", "unreadable:…")
    images_folder: str = ""  # the dataset folder, as a path on this computer
    int8: dict[str, Any] | None = None  # the facts `quantization` is built from (int8_text.quantization_text)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def report(self) -> dict[str, Any]:
        """The measured part, also stored in the sidecar JSON."""
        keys = ("num_images", "images", "top1_agreement", "accuracy", "reference_accuracy", "size_bytes",
                "latency_ms", "reference_latency_ms", "max_abs_diff", "runtime", "quantization", "warning")
        d = self.to_dict()
        return {**{k: d[k] for k in keys}, "agreement_target": AGREEMENT_TARGET}

"""`desktop-cls --self-test`: prove a build works end to end, headless, in a temporary folder.

Prints one summary line and exits 0, or exits 1 naming the step that failed.
"""

from __future__ import annotations

import sys
import tempfile
import time
import traceback
from pathlib import Path

from desktop_cls.core.i18n import _


def self_test() -> int:
    t0 = time.perf_counter()
    step = "start"
    try:
        with tempfile.TemporaryDirectory(prefix="desktop_cls_selftest_") as tmp:
            base = Path(tmp)
            import os

            for name in ("DATA", "CACHE", "CONFIG", "LOG"):
                os.environ[f"DESKTOP_CLS_{name}_DIR"] = str(base / name.lower())
            step = "demo data"
            from desktop_cls.core.data.demo_data import make_demo_dataset

            data = make_demo_dataset(base / "demo", images_per_class=8)
            step = "scan"
            from desktop_cls.core.data.dataset import scan

            index = scan(data, verify="full")
            step = "train"
            from desktop_cls.core.training.config import TrainConfig
            from desktop_cls.core.training.run import fit

            result = fit(TrainConfig(epochs=1, batch_size=16, num_workers=0), index, out=base / "run")
            step = "export"
            from desktop_cls.core.inference.export import export_model

            onnx = export_model(result.run_dir, "onnx", base / "onnx" / "m.onnx")
            script = export_model(result.run_dir, "torchscript", base / "torchscript" / "m.torchscript")
            step = _("export int8 (ONNX Runtime quantization)")
            int8 = export_model(result.run_dir, "onnx-int8", base / "int8" / "m.onnx")
            step = "predict"
            from desktop_cls.core.inference.predictor import Predictor

            probe = sorted((data / index.classes[0]).iterdir())[0]
            labels = []
            for model, trust in ((result.run_dir, False), (onnx.path, False), (script.path, True)):
                pred = Predictor.load(model, device="cpu", allow_code=trust).predict_paths([probe])[0]
                if pred.label is None:
                    raise RuntimeError(f"no prediction from {model}: {pred.error}")
                labels.append(pred.label)
            if len(set(labels)) != 1:
                raise RuntimeError(f"the exports disagree: {labels}")
            step = _("video files (PyAV)")
            frames = _check_video_file(result.run_dir, base / "clip.mp4")
            step = _("bundled pretrained backbone")
            quick = _check_bundled_backbone(index, base, probe)
            step = _("video (Qt Multimedia)")
            _check_video()
    except Exception as e:
        print(_("self-test FAILED at step '{step}': {name}: {error}").format(
                step=step, name=type(e).__name__, error=e), file=sys.stderr)
        traceback.print_exc()
        return 1
    print(_("self-test OK: {images} images, {classes} classes, 1 epoch, ONNX and TorchScript agree ({labels}), "
            "int8 agrees on {agreement:.0%} of {validation} validation images, {frames} video frames classified, "
            "bundled EfficientNet-Lite0 quick run {quick:.0%} on validation and its ONNX export agrees, video "
            "backend loads, {seconds:.1f} s").format(
        images=len(index.samples), classes=len(index.classes), labels=labels[0], agreement=int8.top1_agreement,
        validation=int8.num_images, frames=frames, quick=quick, seconds=time.perf_counter() - t0))
    return 0


def _check_video_file(run: str, path: Path) -> int:
    """predict on a video decodes it with PyAV (its FFmpeg libraries): write a few frames, classify them."""
    import av
    import numpy as np

    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        for i in range(5):
            frame = np.full((32, 32, 3), 50 * i, np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    from desktop_cls.core.inference.predictor import Predictor
    from desktop_cls.core.inference.video_predict import predict_video

    result = predict_video(Predictor.load(run, device="cpu"), path)
    if len(result.frames) != 5:
        raise RuntimeError(f"{len(result.frames)} of 5 video frames decoded")
    return len(result.frames)


def _check_bundled_backbone(index: object, base: Path, probe: Path) -> float:
    """The ImageNet weights shipped inside the app load strictly, a quick run on them works, and its
    ONNX export predicts what the run predicts."""
    from desktop_cls.core.inference.export import export_model
    from desktop_cls.core.inference.predictor import Predictor
    from desktop_cls.core.models.catalog import bundled_weights_path
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.run import fit

    bundled_weights_path()  # a clear error when the bundle left the weights out
    cfg = TrainConfig(model="efficientnet_lite0", pretrained=True, method="quick", image_size=96, device="cpu")
    result = fit(cfg, index, out=base / "quick")  # type: ignore[arg-type]
    import json

    method = json.loads((Path(result.run_dir) / "run.json").read_text(encoding="utf-8")).get("method")
    model = json.loads((Path(result.run_dir) / "model.json").read_text(encoding="utf-8")).get("model")
    if (method, model) != ("quick", "efficientnet_lite0"):
        raise RuntimeError(f"the quick run did not use the bundled backbone ({method}, {model})")
    onnx = export_model(result.run_dir, "onnx", base / "onnx" / "quick.onnx")
    a = Predictor.load(result.run_dir, device="cpu").predict_paths([probe])[0].label
    b = Predictor.load(onnx.path, device="cpu").predict_paths([probe])[0].label
    if a is None or a != b:
        raise RuntimeError(f"the quick run and its ONNX export disagree: {a} vs {b}")
    return result.best_val_accuracy or 0.0


def _check_video() -> None:
    """The webcam page needs Qt Multimedia and its backend plugin: a bundle missing either fails here."""
    from PySide6.QtCore import QCoreApplication

    app = QCoreApplication.instance() or QCoreApplication([])  # noqa: F841 (Qt Multimedia needs one)
    from desktop_cls.gui.pages.classify.webcam import multimedia_problem

    problem = multimedia_problem()
    if problem:
        raise RuntimeError(problem)

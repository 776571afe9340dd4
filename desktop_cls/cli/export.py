"""`desktop-cls export`: a trained model as safetensors, TorchScript, ONNX (fp32, int8, fp16), OpenVINO or a
web page (ONNX Runtime Web), verified and measured against the trained model before it is moved into place."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop_cls.cli.kept import add_keep_arg, run_to_keep_in, say_kept, was_link
from desktop_cls.cli.output import print_json, say
from desktop_cls.cli.progress import Progress
from desktop_cls.core.i18n import _
from desktop_cls.core.names import for_shell

FORMATS = ("safetensors", "torchscript", "onnx", "onnx-int8", "onnx-fp16", "openvino", "web")


def cmd_export(args: argparse.Namespace) -> int:
    from desktop_cls.core.inference.export import export_model
    from desktop_cls.core.inference.export_web import export_web

    pr = Progress()
    target = Path(args.out).expanduser() if args.format == "web" else model_file(args.out, args.format)
    if args.format == "web":
        result = export_web(args.model, target, overwrite=args.overwrite, data=args.data, progress=pr.progress)
    else:
        result = export_model(args.model, args.format, target, overwrite=args.overwrite, data=args.data,
                              progress=pr.progress)
    pr.end()
    if args.json:
        print_json(result.to_dict())
    else:
        for line in _report(args.format, result):
            say(line)
    if (run := run_to_keep_in(args)) is not None:
        _keep(run, target.parent, result, args.json)
    return 0


def _keep(run: Path, dest: Path, result: Any, json_output: bool) -> None:
    """This export, kept in the run folder as the window keeps one written into DEST (in place of the last ones)."""
    from desktop_cls.core.inference import saved_exports as sx

    link = was_link(run / sx.EXPORTS)
    try:
        why = sx.keep_exports(str(run), dest, [sx.shown_export(result)])
    except OSError as e:  # its sidecar or script gone since it was written, say
        why = str(e)
    say_kept(run / sx.EXPORTS, why, replaced_link=link, json_output=json_output)


def model_file(out: str, fmt: str) -> Path:
    """Where --out puts the model: a folder (one that exists, or a name without an extension, which the export
    makes once it has a verified model to put there) gets model.<extension> inside it, as the window's Export page
    names it; a file name is used as it is."""
    from desktop_cls.core.inference.export import FORMATS as SUFFIXES

    path = Path(out).expanduser()
    if path.is_dir() or (not path.exists() and path.suffix == ""):
        return path / f"model{SUFFIXES[fmt]}"
    return path


def _report(fmt: str, result: Any) -> list[str]:
    files = " + ".join(result.files or (result.path,))
    lines = [_("exported {format} to {files} ({mb:.2f} MB), metadata {sidecar}").format(
        format=fmt, files=files, mb=result.size_bytes / 1e6, sidecar=result.sidecar)]
    if result.num_images:
        lines.append(_("on {images}: top-1 agreement with the trained model {agreement:.1%}, accuracy "
                       "{accuracy:.1%} (trained model {reference:.1%})").format(
            images=result.images, agreement=result.top1_agreement, accuracy=result.accuracy or 0.0,
            reference=result.reference_accuracy or 0.0))
    else:
        lines.append(_("verified on random inputs (max difference {diff:.1e}); accuracy not measured: "
                       "{images}").format(diff=result.max_abs_diff, images=result.images))
    lines.append(_("one image: {ms:.2f} ms in {runtime} (trained model in PyTorch: {reference_ms:.2f} ms) on this "
                   "machine").format(ms=result.latency_ms, runtime=result.runtime,
                                     reference_ms=result.reference_latency_ms))
    if result.quantization:
        lines.append(_("quantization: {details}").format(details=result.quantization))
    if fmt == "web":
        lines.append(_("open {page} in a browser (works offline, from file:// or any static web server)").format(
            page=result.path))
    elif result.snippet:
        lines.append(_("use it elsewhere: python {snippet} IMAGE").format(snippet=for_shell(result.snippet)))
    if result.warning:
        lines.append(_("warning: {message}").format(message=result.warning))
    return lines


def add_parser(sub: Any) -> None:
    x = sub.add_parser("export", help=_("export a trained model for use elsewhere"))
    x.add_argument("model", help=_("run folder or .safetensors model"))
    x.add_argument("--format", required=True, choices=list(FORMATS),
                   help=_("onnx-int8: quantized, calibrated on training images; onnx-fp16: half precision; "
                          "openvino: an OpenVINO .xml + .bin pair; web: a folder with a page that classifies "
                          "images and the webcam in any browser, offline"))
    x.add_argument("--out", required=True, metavar="PATH", help=_(
        "a folder to write into (an existing one, or a name without an extension, which is created): the model goes "
        "in as model.onnx (or the format's extension) with its metadata model.json and an example script; or a file "
        "name with the format's extension; for web: the folder. Existing files are kept unless --overwrite"))
    x.add_argument("--data", metavar="DIR", help=_("labeled folder to calibrate and measure on (default: the "
                                                   "run's own dataset, whose validation images give the figures)"))
    x.add_argument("--overwrite", action="store_true", help=_(
        "replace the existing files that have the names the export writes; no other file is removed"))
    x.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    add_keep_arg(x)
    x.set_defaults(func=cmd_export)

"""`desktop-cls predict` and `explain`: classify files, folders or a video frame by frame with a trained
model, and show the image regions behind a prediction. Also the model arguments `eval` shares."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from desktop_cls.cli.output import EXIT_FINDINGS, number_in, print_json, refuse_existing, say
from desktop_cls.cli.progress import Progress
from desktop_cls.cli.terminal_text import pad
from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import N_, _, join_list, ngettext
from desktop_cls.core.names import for_terminal as shown

MODEL_HELP = N_("run folder or exported model file")


def add_open_args(sp: argparse.ArgumentParser) -> None:
    """How a model file is opened: --trust-torchscript (TorchScript files are programs) and --device."""
    sp.add_argument("--trust-torchscript", action="store_true",
                    help=_("allow opening TorchScript files (they contain code: only from sources you trust)"))
    sp.add_argument("--device", choices=["auto", "cpu", "cuda", "mps"], default="auto",
                    help=_("where the model runs (default auto: a GPU when there is one)"))


def load_predictor(args: argparse.Namespace) -> Any:
    """The model named on the command line, opened as --device and --trust-torchscript say."""
    from desktop_cls.core.inference.predictor import Predictor

    return Predictor.load(args.model, device=args.device, allow_code=args.trust_torchscript)


def cmd_predict(args: argparse.Namespace) -> int:
    from desktop_cls.core.data.video import is_video_name
    from desktop_cls.core.inference.prediction_csv import write_predictions_csv

    videos = [p for p in args.paths if is_video_name(p) and not Path(p).is_dir()]
    if videos and (len(videos) > 1 or len(args.paths) > 1):
        raise UserError(_("give one video file at a time (images and folders go in a separate call)"))
    pr = Progress()
    predictor = load_predictor(args)
    if videos:
        return _predict_video(args, predictor, videos[0], pr)
    if args.csv:  # before the classifying, which can take minutes
        refuse_existing(args.csv, args.overwrite)
    preds = predictor.predict_paths(args.paths, top_k=args.top_k, progress=pr.progress, threshold=args.threshold)
    pr.end()
    if not preds:  # an empty folder, or one of videos or documents: said, rather than an empty answer and exit 0
        raise UserError(_("no images found in {paths}; give image files, or folders that hold images (sub-folders "
                          "are read too)").format(paths=join_list(shown(p) for p in args.paths)))
    if args.csv:
        write_predictions_csv(Path(args.csv), preds)
        pr.line(ngettext("wrote {n} prediction to {path}", "wrote {n} predictions to {path}", len(preds)).format(
            n=len(preds), path=Path(args.csv)))
    if args.json:
        print_json([p.to_dict() for p in preds])
    elif not args.csv:
        for p in preds:
            if p.error:
                say(_("{path}: error: {error}").format(path=shown(p.path), error=shown(p.error)))
            else:
                say(_prediction_line(p, args.threshold))
    return 1 if preds and all(p.error for p in preds) else 0


def _prediction_line(p: Any, threshold: float) -> str:
    """"path: label (confidence)  [the next likeliest]" in the user's language; below --threshold the label is
    the word "unknown" in that language (CSV and JSON keep the machine value "unknown"). Names from a model file
    or a folder are escaped, so they cannot drive the terminal."""
    below = bool(p.top_k) and p.top_k[0][1] < threshold
    label = _("unknown") if below else shown(p.label or "")
    line = _("{path}: {label} ({confidence:.1%})").format(path=shown(p.path), label=label, confidence=p.confidence)
    others = join_list(f"{shown(lab)} {prob:.0%}" for lab, prob in p.top_k[1:])
    return line + ("  " + _("[{others}]").format(others=others) if others else "")


def _predict_video(args: argparse.Namespace, predictor: Any, video: str, pr: Progress) -> int:
    """Per-frame top class: a CSV (frame, time, class, confidence), JSON, or readable segments."""
    from desktop_cls.core.inference.video_predict import predict_video

    if args.csv:
        refuse_existing(args.csv, args.overwrite)
    vp = predict_video(predictor, video, every=args.every, threshold=args.threshold, progress=pr.progress)
    pr.end()
    if args.csv:
        n = vp.write_csv(Path(args.csv))
        pr.line(_("wrote {n} frame predictions to {path}").format(n=n, path=args.csv))
    if args.json:
        print_json(vp.to_dict())
    elif not args.csv:
        say(_("{video}: {n} frames classified ({fps:.3g} frames/s)").format(video=video, n=len(vp.frames),
                                                                            fps=vp.fps))
        for seg in vp.segments():
            label = pad(_segment_label(seg["label"], vp.classes), 20)
            say(_("  {start:8.2f} – {end:8.2f} s  {label} {frames:>6} frames, mean confidence "
                  "{confidence:.0%}").format(start=seg["start_s"], end=seg["end_s"], label=label,
                                             frames=seg["frames"], confidence=seg["mean_confidence"]))
    if vp.incomplete:  # a truncated file ends without an error: say so, and do not exit 0
        sys.stderr.write(_("desktop-cls: warning: {message}").format(message=shown(vp.shortfall_message())) + "\n")
        return EXIT_FINDINGS
    return 0


def _segment_label(label: str, classes: Any) -> str:
    """A segment's class, or "unknown" in the user's language for frames below --threshold."""
    return _("unknown") if label == "unknown" and label not in classes else shown(label)


def cmd_explain(args: argparse.Namespace) -> int:
    from PIL import Image

    from desktop_cls.core.inference.explain import explain_file
    from desktop_cls.core.storage import write_atomic_with

    if not Path(args.image).expanduser().exists():  # before the model loads, in predict's words
        raise UserError(_("not found: {path}").format(path=args.image))
    out = Path(args.out)
    refuse_existing(out, args.overwrite)  # before the minutes a large model's heatmap can take
    predictor = load_predictor(args)
    ex, label, conf, picture = explain_file(predictor, args.image)
    write_atomic_with(out, lambda p: Image.fromarray(picture).save(p, format="PNG"))
    if args.json:
        print_json({"path": args.image, "label": label, "confidence": conf, "method": ex.method, "out": str(out)})
    else:
        say(_("{image}: {label} ({confidence:.1%}); {method} heatmap written to {out}").format(
            image=shown(args.image), label=shown(label), confidence=conf, method=ex.method, out=out))
    return 0


def add_predict_parser(sub: Any) -> None:
    pr = sub.add_parser("predict", help=_("classify image files or folders, or a video frame by frame"),
                        epilog=_("Exit status: 0 when at least one image was classified (an unreadable file is "
                                 "reported on its own line or row and does not stop the others), 1 when every "
                                 "file failed, 2 for a usage error such as a missing model or path, or no image "
                                 "in them."))
    pr.add_argument("model", help=_(MODEL_HELP))
    pr.add_argument("paths", nargs="+", metavar="PATH", help=_("image files, folders of images, or one video file"))
    pr.add_argument("--top-k", type=number_in(int, 1, 1000), default=3,
                    help=_("how many of the likeliest classes to list (default 3)"))
    out = pr.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help=_("print the predictions as JSON"))
    out.add_argument("--csv", metavar="FILE", help=_("write the predictions to a CSV file (one row per image, or "
                                                     "per frame of a video) instead of printing them"))
    pr.add_argument("--overwrite", action="store_true", help=_("replace an existing CSV file"))
    pr.add_argument("--threshold", type=number_in(float, 0, 1), default=0.0,
                    help=_("below this confidence (0-1) the label is 'unknown'"))
    pr.add_argument("--every", type=number_in(int, 1, 1_000_000), default=1, metavar="N",
                    help=_("video: classify every N-th frame (default 1: every frame)"))
    add_open_args(pr)
    pr.set_defaults(func=cmd_predict)


def add_explain_parser(sub: Any) -> None:
    xp = sub.add_parser("explain", help=_("heatmap of the image regions behind a prediction (Grad-CAM)"))
    xp.add_argument("model", help=_(MODEL_HELP))
    xp.add_argument("image", help=_("the image to explain"))
    xp.add_argument("--out", required=True, metavar="FILE.png", help=_("where to write the heat map image"))
    xp.add_argument("--overwrite", action="store_true", help=_("replace an existing FILE.png"))
    xp.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    add_open_args(xp)
    xp.set_defaults(func=cmd_explain)

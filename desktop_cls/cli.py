"""`desktop-cls` command line: parse, call the core, print. No sub-command opens the app.

With --json, stdout carries JSON only; progress goes to stderr. User errors exit 2 with one line.
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from desktop_cls.core.errors import UserError

from . import __version__
from .cli_progress import Progress as _Progress

EXIT_FINDINGS = 1  # scan --fail-on: a finding of a listed kind
EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130
HEALTH_ONLY_KINDS = frozenset({"duplicate", "near_duplicate", "label_conflict", "leak", "imbalance", "too_small"})
TRUST_HELP = "allow opening TorchScript files (they contain code: only from sources you trust)"


def _clean(obj: Any) -> Any:
    """JSON has no NaN: report missing numbers as null."""
    if isinstance(obj, float) and (math.isnan(obj) or math.isinf(obj)):
        return None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    return obj


def _print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(_clean(obj), ensure_ascii=False) + "\n")
    sys.stdout.flush()


# ---- commands ----------------------------------------------------------------------------------
def _fail_on_kinds(text: str | None) -> set[str]:
    from desktop_cls.core.data.health import PROBLEM_KINDS

    if not text:
        return set()
    kinds = {k.strip() for k in text.split(",") if k.strip()}
    if "any" in kinds:
        return set(PROBLEM_KINDS)
    unknown = sorted(kinds - set(PROBLEM_KINDS))
    if unknown:
        raise UserError(f"--fail-on: unknown kind(s) {', '.join(unknown)}; choose from any, {', '.join(PROBLEM_KINDS)}")
    return kinds


def _scan_exit_code(idx: Any, fail_on: set[str]) -> int:
    tripped = Counter(p.kind for p in idx.problems if p.kind in fail_on)
    if not tripped:
        return 0
    sys.stderr.write("desktop-cls: scan found " + ", ".join(f"{n} {k}" for k, n in sorted(tripped.items()))
                     + " (--fail-on)\n")
    return EXIT_FINDINGS


def cmd_scan(args: argparse.Namespace) -> int:
    from desktop_cls.core.data.dataset import scan

    fail_on = _fail_on_kinds(args.fail_on)
    if args.quick and fail_on & HEALTH_ONLY_KINDS:
        raise UserError("--fail-on " + ", ".join(sorted(fail_on & HEALTH_ONLY_KINDS))
                        + " needs the full scan: drop --quick")
    pr = _Progress()
    idx = scan(args.dir, val_fraction=args.val_split, seed=args.seed, verify="header" if args.quick else "full",
               progress=pr.progress)
    if not args.quick:
        from desktop_cls.core.data.health import with_health

        idx = with_health(idx, progress=pr.progress)
    pr.line("")
    s = idx.summary()
    if args.json:
        _print_json({"classes": s["classes"], "counts": s["counts"], "num_images": s["num_images"],
                     "problems": s["problems"], "layout": s["layout"], "splits": s["splits"],
                     "unlabeled": s["unlabeled"], "fingerprint": idx.fingerprint["sha256"],
                     "typical_image_size": s["typical_image_size"]})
        return _scan_exit_code(idx, fail_on)
    size = f", typically {idx.typical_size[0]}×{idx.typical_size[1]} px" if idx.typical_size else ""
    print(f"{idx.root}: {s['num_images']} images in {len(idx.classes)} classes ({idx.layout.replace('_', ' ')})"
          + size)
    biggest = max(s["counts"].values())
    for name, n in s["counts"].items():
        bar = "#" * max(1, round(30 * n / biggest)) if biggest else ""
        print(f"  {name:<24} {n:>7}  {bar}")
    print(f"split: {s['splits']['train']} train, {s['splits']['val']} validation, {s['splits']['test']} test"
          + _split_source(idx))
    if s["unlabeled"]:
        print(f"{s['unlabeled']} unlabeled image(s) directly in the folder (not used for training)")
    if idx.problems:
        print(f"{len(idx.problems)} problem(s):")
        for p in idx.problems:
            print(f"  [{p.kind}] {p.path}: {p.message}")
    return _scan_exit_code(idx, fail_on)


def _split_source(idx: Any) -> str:
    if idx.layout != "split_folders":
        return f" (random {idx.val_fraction:.0%} of each class held out)"
    test = "; test/ is kept for evaluation" if idx.split("test") else ""
    if idx.val_fraction > 0:
        return f" (no val/ folder: {idx.val_fraction:.0%} of train/ per class held out for validation{test})"
    return f" (from the train/ and val/ folders{test})"


def _train_config(args: argparse.Namespace) -> Any:
    """--config (or the defaults), then every option flag given on the command line."""
    from desktop_cls.core.models.catalog import MODELS
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.options import flatten, options, unflatten

    cfg = TrainConfig.load(args.config) if args.config else TrainConfig()
    given = {o.key: getattr(args, o.name) for o in options(TrainConfig) if getattr(args, o.name, None) is not None}
    if "model" in given and args.image_size is None and not args.config:
        given["image_size"] = MODELS[given["model"]].default_image_size if given["model"] in MODELS else 32
    if not given:
        return cfg.validate()
    return TrainConfig.from_dict(unflatten({**flatten(cfg.to_dict()), **given}))


def _add_option_flags(sp: argparse.ArgumentParser) -> None:
    """One flag per declared training option (core.training.options): basic ones first."""
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.options import BASIC, FILE_ONLY, options

    groups = {BASIC: sp.add_argument_group("training options"),
              "advanced": sp.add_argument_group("advanced training options")}
    for o in options(TrainConfig):
        if o.level == FILE_ONLY:
            continue
        limits = f" [{o.range_text()}]" if o.lo is not None and o.hi is not None else ""
        kw: dict[str, Any] = {"dest": o.name, "default": None, "help": (o.help + limits).replace("%", "%%")}
        if o.kind is bool:
            kw["action"] = argparse.BooleanOptionalAction
        else:
            kw["type"] = o.kind
            if isinstance(o.choices, tuple) and o.choices:
                kw["choices"] = o.choices
            else:
                kw["metavar"] = "FILE" if o.optional else o.cli_flag[2:].upper().replace("-", "_")
        groups[BASIC if o.level == BASIC else "advanced"].add_argument(o.cli_flag, **kw)


def _choose_recipe(cfg: Any, args: argparse.Namespace, idx: Any, pr: _Progress, distributed: bool) -> Any:
    """--mode, or (left open) the recipe that serves this data best, printed with its reason."""
    from desktop_cls.core.training.defaults import choose_recipe, recipe_for

    mode = getattr(args, "recipe", None) or "auto"  # not "mode": that is TrainConfig.mode, set from the recipe
    if mode == "auto" and (args.config or args.model or args.pretrained is not None or args.weights_file):
        return cfg  # the user chose the model: respect it as before
    if mode == "auto" and distributed:
        pr.line("launched by torchrun: training from scratch (the quick mode runs on one process; "
                "--mode fine-tune starts from the pretrained backbone)")
        return cfg
    if mode == "auto":
        from desktop_cls.core.models.efficientnet_lite import bundled_weights_available

        recipe = choose_recipe(idx.counts("train"), idx.typical_size, bundled_weights_available(),
                                requested_size=args.image_size)
    else:
        recipe = recipe_for(mode.replace("-", "_"), args.model)
    pr.line(recipe.reason)
    changes: dict[str, Any] = {"model": recipe.model, "pretrained": recipe.pretrained, "mode": recipe.mode}
    if recipe.recipe == "fine_tune" and args.epochs is None:
        changes["epochs"] = 5  # pretrained networks need few epochs; each is slow on a CPU
    if recipe.model != cfg.model and args.image_size is None:
        from desktop_cls.core.models.catalog import MODELS

        changes["image_size"] = MODELS[recipe.model].default_image_size
    return cfg.replace(**changes)


def _fit_to_data(cfg: Any, args: argparse.Namespace, idx: Any, pr: _Progress) -> Any:
    """Options the user left open follow the data (and say why): image size, and flips, which would
    change the meaning of digits, letters or left/right classes. A --config file is used as written."""
    if args.config:
        return cfg
    from dataclasses import replace

    from desktop_cls.core.training.defaults import choose_flips, choose_image_size

    if args.image_size is None:
        choice = choose_image_size(cfg.model, idx.typical_size, cfg.pretrained)
        pr.line(choice.reason)
        cfg = cfg.replace(image_size=choice.value)
    if getattr(args, "hflip", None) is not None or getattr(args, "vflip", None) is not None:
        return cfg  # --hflip/--no-hflip or --vflip given: the user decided
    flips = choose_flips(idx.classes, idx.root)
    pr.line(flips.reason + " (--hflip / --no-hflip to choose)")
    return cfg.replace(augmentation=replace(cfg.augmentation, hflip=flips.hflip, vflip=flips.vflip))


def cmd_train(args: argparse.Namespace) -> int:
    from desktop_cls.core.events import CancelToken
    from desktop_cls.core.training.trainer import fit, resume

    pr = _Progress()
    cancel = CancelToken()

    def on_sigint(signum: int, frame: Any) -> None:
        if cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()
        pr.line("stopping after this batch (Ctrl+C again to abort)...")

    ctx = None
    from desktop_cls.core.training.distributed import DistContext, launched_by_torchrun

    if launched_by_torchrun():
        ctx = DistContext.from_env(args.device or "auto")
        if ctx.rank != 0:
            pr.quiet = True
    callbacks = [] if pr.quiet else [pr]
    old = signal.signal(signal.SIGINT, on_sigint)
    finished = False
    try:
        if args.resume:
            result = resume(args.resume, callbacks=callbacks, cancel=cancel, epochs=args.epochs, distributed=ctx)
        else:
            if not args.dir:
                raise UserError("train needs a dataset folder (or --resume RUN)")
            from desktop_cls.core.data.dataset import scan

            cfg = _train_config(args)
            # no header check here: decoding for training reports every unreadable file anyway
            idx = scan(args.dir, val_fraction=cfg.val_fraction, seed=cfg.seed, verify="none", progress=pr.progress)
            test = len(idx.split("test"))
            cfg = _choose_recipe(cfg, args, idx, pr, ctx is not None)
            pr.line(f"{len(idx.samples)} images in {len(idx.classes)} classes: {len(idx.split('train'))} train, "
                    f"{len(idx.split('val'))} validation" + (f", {test} test (not used for training)" if test else "")
                    + f"; model {cfg.model}"
                    + (" (quick mode)" if cfg.mode == "quick" else " (fine-tune)" if cfg.pretrained else ""))
            cfg = _fit_to_data(cfg, args, idx, pr)
            result = fit(cfg, idx, out=args.out, callbacks=callbacks, cancel=cancel, distributed=ctx)
        finished = True
    finally:
        signal.signal(signal.SIGINT, old)
        if ctx is not None:
            ctx.close(wait_for_peers=finished)
    if ctx is not None and ctx.rank != 0:
        return EXIT_INTERRUPTED if result.cancelled else 0
    summary = result.summary()
    summary["world_size"] = result.world_size
    if args.json:
        _print_json({k: summary[k] for k in ("run_dir", "classes", "epochs", "best_val_accuracy", "train_seconds",
                                             "cancelled", "world_size")})
    else:
        acc = summary["best_val_accuracy"]
        pr.line(f"run saved in {result.run_dir}" + (f"; best validation accuracy {acc:.1%}" if acc is not None else ""))
    if result.cancelled:
        pr.line(f"stopped; continue with: desktop-cls train --resume {result.run_dir}")
        return EXIT_INTERRUPTED
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from desktop_cls.core.inference.evaluation import evaluate
    from desktop_cls.core.inference.predictor import Predictor

    pr = _Progress()
    predictor = Predictor.load(args.model, device=args.device, allow_code=args.trust_torchscript)
    ev = evaluate(predictor, args.dir, top_k=args.top_k, progress=pr.progress)
    pr.line("")
    d = ev.to_dict()
    if args.json:
        _print_json(d)
        return 0
    print(f"accuracy {d['accuracy']:.2%} on {d['num_images']} {ev.split} images")
    print(f"{'class':<24}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}")
    for name, r in d["per_class"].items():
        print(f"{name:<24}{r['precision']:>10.3f}{r['recall']:>10.3f}{r['f1']:>10.3f}{r['support']:>9}")
    for avg, r in d["averages"].items():
        print(f"{avg + ' avg':<24}{r['precision']:>10.3f}{r['recall']:>10.3f}{r['f1']:>10.3f}{r['support']:>9}")
    print("confusion matrix (rows = true, columns = predicted):")
    for name, row in zip(d["classes"], d["confusion_matrix"], strict=True):
        print(f"  {name:<20} " + " ".join(f"{v:>5}" for v in row))
    if d["misclassified"]:
        print(f"{len(d['misclassified'])} misclassified, most confident first:")
        for m in d["misclassified"][:10]:
            print(f"  {m['path']}: {m['true']} -> {m['predicted']} ({m['confidence']:.0%})")
    return 0


def cmd_predict(args: argparse.Namespace) -> int:
    from desktop_cls.core.data.video import is_video_name
    from desktop_cls.core.inference.prediction_csv import write_predictions_csv
    from desktop_cls.core.inference.predictor import Predictor

    videos = [p for p in args.paths if is_video_name(p) and not Path(p).is_dir()]
    if videos and (len(videos) > 1 or len(args.paths) > 1):
        raise UserError("give one video file at a time (images and folders go in a separate call)")
    pr = _Progress()
    predictor = Predictor.load(args.model, device=args.device, allow_code=args.trust_torchscript)
    if videos:
        return _predict_video(args, predictor, videos[0], pr)
    preds = predictor.predict_paths(args.paths, top_k=args.top_k, progress=pr.progress, threshold=args.threshold)
    pr.line("")
    if args.csv:
        out = Path(args.csv)
        if out.exists() and not args.overwrite:
            raise UserError(f"{out} already exists; choose another file or add --overwrite")
        write_predictions_csv(out, preds)
        pr.line(f"wrote {len(preds)} predictions to {out}")
    if args.json:
        _print_json([p.to_dict() for p in preds])
    elif not args.csv:
        for p in preds:
            if p.error:
                print(f"{p.path}: error: {p.error}")
            else:
                others = ", ".join(f"{lab} {prob:.0%}" for lab, prob in p.top_k[1:])
                print(f"{p.path}: {p.label} ({p.confidence:.1%})" + (f"  [{others}]" if others else ""))
    return 1 if preds and all(p.error for p in preds) else 0


def _predict_video(args: argparse.Namespace, predictor: Any, video: str, pr: _Progress) -> int:
    """Per-frame top class: a CSV (frame, time, class, confidence), JSON, or readable segments."""
    from desktop_cls.core.inference.video_predict import predict_video

    if args.csv and Path(args.csv).exists() and not args.overwrite:
        raise UserError(f"{args.csv} already exists; choose another file or add --overwrite")
    vp = predict_video(predictor, video, every=args.every, threshold=args.threshold, progress=pr.progress)
    pr.line("")
    if args.csv:
        n = vp.write_csv(Path(args.csv))
        pr.line(f"wrote {n} frame predictions to {args.csv}")
    if args.json:
        _print_json(vp.to_dict())
    elif not args.csv:
        print(f"{video}: {len(vp.frames)} frames classified ({vp.fps:.3g} frames/s)")
        for seg in vp.segments():
            print(f"  {seg['start_s']:8.2f} – {seg['end_s']:8.2f} s  {seg['label']:<20} "
                  f"{seg['frames']:>6} frames, mean confidence {seg['mean_confidence']:.0%}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from desktop_cls.core.inference.export import export_model

    pr = _Progress()
    result = export_model(args.model, args.format, args.out, overwrite=args.overwrite, data=args.data,
                          progress=pr.progress)
    pr.line("")
    if args.json:
        _print_json(result.to_dict())
        return 0
    files = " + ".join(result.files or (result.path,))
    print(f"exported {args.format} to {files} ({result.size_bytes / 1e6:.2f} MB), metadata {result.sidecar}")
    if result.num_images:
        acc, ref = result.accuracy or 0.0, result.reference_accuracy or 0.0
        print(f"on {result.images}: top-1 agreement with the trained model {result.top1_agreement:.1%}, "
              f"accuracy {acc:.1%} (trained model {ref:.1%})")
    else:
        print(f"verified on random inputs (max difference {result.max_abs_diff:.1e}); accuracy not measured: "
              f"{result.images}")
    print(f"one image: {result.latency_ms:.2f} ms in {result.runtime} (trained model in PyTorch: "
          f"{result.reference_latency_ms:.2f} ms) on this machine")
    if result.quantization:
        print(f"quantization: {result.quantization}")
    if result.snippet:
        print(f"use it elsewhere: python {result.snippet} IMAGE")
    if result.warning:
        print(f"warning: {result.warning}")
    return 0


def cmd_lr_find(args: argparse.Namespace) -> int:
    from desktop_cls.core.training.lr_finder import find_lr

    pr = _Progress()
    from desktop_cls.core.data.dataset import scan

    cfg = _train_config(args)
    idx = scan(args.dir, val_fraction=cfg.val_fraction, seed=cfg.seed, progress=pr.progress)
    cfg = _fit_to_data(cfg, args, idx, pr)
    res = find_lr(cfg, idx, steps=args.steps, progress=pr.progress)
    pr.line("")
    if args.json:
        _print_json(res.to_dict())
    else:
        print(f"suggested learning rate: {res.recommended_lr:.2e} (tried {res.lrs[0]:.0e} to {res.lrs[-1]:.0e}, "
              f"{len(res.lrs)} steps); use it with: desktop-cls train {args.dir} --lr {res.recommended_lr:.2g}")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from PIL import Image

    from desktop_cls.core.inference.explain import explain_file
    from desktop_cls.core.inference.predictor import Predictor
    from desktop_cls.core.storage import write_atomic_with

    predictor = Predictor.load(args.model, device=args.device, allow_code=args.trust_torchscript)
    ex, label, conf, picture = explain_file(predictor, args.image)
    out = Path(args.out)
    if out.exists() and not args.overwrite:
        raise UserError(f"{out} already exists; choose another file or add --overwrite")
    write_atomic_with(out, lambda p: Image.fromarray(picture).save(p, format="PNG"))
    if args.json:
        _print_json({"path": args.image, "label": label, "confidence": conf, "method": ex.method, "out": str(out)})
    else:
        print(f"{args.image}: {label} ({conf:.1%}); {ex.method} heatmap written to {out}")
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    from desktop_cls.core.data.demo_data import make_demo_dataset

    out = make_demo_dataset(args.dir)
    print(f"demo dataset written to {out}")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from desktop_cls.core.models.architectures import MODELS, parameter_count

    rows: list[dict[str, Any]] = [
        {"name": m.name, "description": m.description, "default_image_size": m.default_image_size,
         "parameters": parameter_count(m.name, 10, m.default_image_size)} for m in MODELS.values()]
    if args.json:
        _print_json(rows)
    else:
        for r in rows:
            size = f"{r['default_image_size']:>4}px"
            print(f"{r['name']:<20}{r['parameters'] / 1e6:>7.2f}M params  {size}  {r['description']}")
    return 0


def cmd_devices(args: argparse.Namespace) -> int:
    from desktop_cls.core.devices import list_devices

    devs = list_devices()
    if args.json:
        _print_json([{"id": d.id, "name": d.name, "memory_mb": d.memory_mb} for d in devs])
    else:
        for d in devs:
            print(f"{d.id:<8} {d.name}" + (f" ({d.memory_mb:,} MB)" if d.memory_mb else ""))
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    import os

    if (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))):
        raise UserError("no display found, so the window cannot open here; the command line works "
                        "(desktop-cls --help), and `python -m desktop_cls.demo` shows the whole flow")
    try:
        from .gui.app import run_app
    except ImportError as e:
        raise UserError(f"the desktop app cannot start here ({e}); the command line works: "
                        "desktop-cls --help") from None
    return run_app(getattr(args, "path", None))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="desktop-cls", description="Train, evaluate and use image classifiers offline.")
    p.add_argument("--version", action="version", version=f"desktop-cls {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def device_arg(sp: argparse.ArgumentParser, default: str | None = "auto") -> None:
        sp.add_argument("--device", choices=["auto", "cpu", "cuda", "mps"], default=default)

    s = sub.add_parser("scan", help="list classes, counts and problems of an image folder")
    s.add_argument("dir")
    s.add_argument("--json", action="store_true")
    s.add_argument("--val-split", type=float, default=0.2)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--quick", action="store_true",
                   help="check file headers only: no decoding, no duplicate or health checks")
    s.add_argument("--fail-on", metavar="KINDS",
                   help="exit 1 when a finding of these kinds is present (comma-separated, e.g. "
                        "corrupt,duplicate,near_duplicate,leak,label_conflict; 'any' for all kinds)")
    s.set_defaults(func=cmd_scan)

    t = sub.add_parser("train", help="train a model on a folder (one sub-folder per class)")
    t.add_argument("dir", nargs="?")
    t.add_argument("--out", help="run folder to create (default: under the user data folder)")
    t.add_argument("--resume", metavar="RUN", help="continue a stopped run")
    t.add_argument("--config", metavar="FILE", help="training options saved as JSON (from the app)")
    _add_option_flags(t)
    t.add_argument("--mode", dest="recipe", choices=["auto", "quick", "fine-tune", "scratch"], default=None,
                   help="quick: a pretrained backbone stays frozen and only a new last layer learns (seconds); "
                   "fine-tune: the last layer first, then the whole pretrained network (slower, often better with "
                   "many images); scratch: train a network from random weights. Default auto: chosen from your "
                   "images, with the reason printed")
    t.add_argument("--json", action="store_true")
    t.set_defaults(func=cmd_train)

    e = sub.add_parser("eval", help="accuracy, per-class scores and confusion matrix on a labeled folder")
    e.add_argument("model", help="run folder or exported model file")
    e.add_argument("dir")
    e.add_argument("--top-k", type=int, default=5)
    e.add_argument("--json", action="store_true")
    e.add_argument("--trust-torchscript", action="store_true", help=TRUST_HELP)
    device_arg(e)
    e.set_defaults(func=cmd_eval)

    pr = sub.add_parser("predict", help="classify image files or folders, or a video frame by frame")
    pr.add_argument("model", help="run folder or exported model file")
    pr.add_argument("paths", nargs="+", metavar="PATH")
    pr.add_argument("--top-k", type=int, default=3)
    out = pr.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true")
    out.add_argument("--csv", metavar="FILE")
    pr.add_argument("--overwrite", action="store_true", help="replace an existing CSV file")
    pr.add_argument("--threshold", type=float, default=0.0,
                    help="below this confidence (0-1) the label is 'unknown'")
    pr.add_argument("--every", type=int, default=1, metavar="N",
                    help="video: classify every N-th frame (default 1: every frame)")
    pr.add_argument("--trust-torchscript", action="store_true", help=TRUST_HELP)
    device_arg(pr)
    pr.set_defaults(func=cmd_predict)

    x = sub.add_parser("export", help="export a trained model for use elsewhere")
    x.add_argument("model", help="run folder or .safetensors model")
    x.add_argument("--format", required=True,
                   choices=["safetensors", "torchscript", "onnx", "onnx-int8", "onnx-fp16", "openvino"],
                   help="onnx-int8: quantized, calibrated on training images; onnx-fp16: half precision; "
                   "openvino: an OpenVINO .xml + .bin pair")
    x.add_argument("--out", required=True, metavar="FILE")
    x.add_argument("--data", metavar="DIR", help="labeled folder to calibrate and measure on (default: the "
                   "run's own dataset, whose validation images give the figures)")
    x.add_argument("--overwrite", action="store_true")
    x.add_argument("--json", action="store_true")
    x.set_defaults(func=cmd_export)

    lf = sub.add_parser("lr-find", help="suggest a learning rate with a short range test")
    lf.add_argument("dir")
    lf.add_argument("--config", metavar="FILE", help="training options saved as JSON (from the app)")
    lf.add_argument("--steps", type=int, default=100)
    _add_option_flags(lf)
    lf.add_argument("--json", action="store_true")
    lf.set_defaults(func=cmd_lr_find)

    xp = sub.add_parser("explain", help="heatmap of the image regions behind a prediction (Grad-CAM)")
    xp.add_argument("model")
    xp.add_argument("image")
    xp.add_argument("--out", required=True, metavar="FILE.png")
    xp.add_argument("--overwrite", action="store_true")
    xp.add_argument("--trust-torchscript", action="store_true", help=TRUST_HELP)
    xp.add_argument("--json", action="store_true")
    device_arg(xp)
    xp.set_defaults(func=cmd_explain)

    d = sub.add_parser("demo-data", help="write the built-in demo dataset into a new folder")
    d.add_argument("dir")
    d.set_defaults(func=cmd_demo_data)

    m = sub.add_parser("models", help="list the available models")
    m.add_argument("--json", action="store_true")
    m.set_defaults(func=cmd_models)

    dv = sub.add_parser("devices", help="list CPU and GPUs usable for training")
    dv.add_argument("--json", action="store_true")
    dv.set_defaults(func=cmd_devices)

    from .cli_runs import add_parser as add_runs_parser

    add_runs_parser(sub)

    g = sub.add_parser("gui", help="open the desktop app (the default)")
    g.add_argument("path", nargs="?", help="dataset folder to open")
    g.set_defaults(func=cmd_gui)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args.func = cmd_gui
    try:
        return int(args.func(args))
    except UserError as e:
        sys.stderr.write(f"desktop-cls: error: {e.for_cli()}\n")
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("desktop-cls: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # output piped into head & co.
        sys.stderr.close()
        return 0

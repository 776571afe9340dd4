"""`desktop-cls models` and `devices`: what this installation can train, and on which hardware."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_cls.cli.output import print_json, say
from desktop_cls.core.i18n import _


def cmd_models(args: argparse.Namespace) -> int:
    from desktop_cls.core.models.architectures import MODELS, parameter_count

    rows: list[dict[str, Any]] = [
        {"name": m.name, "description": m.description, "default_image_size": m.default_image_size,
         "parameters": parameter_count(m.name, 10, m.default_image_size)} for m in MODELS.values()]
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        params = _("{millions:>7.2f}M params").format(millions=r["parameters"] / 1e6)
        say(f"{r['name']:<20}{params}  {r['default_image_size']:>4}px  {_(r['description'])}")
    return 0


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

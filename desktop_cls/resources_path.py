"""Find resources/ from a source checkout, an editable or wheel install, and a PyInstaller bundle."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    candidates = []
    if bundle:
        candidates.append(Path(bundle) / "desktop_cls" / "resources")
    # A source checkout's own resources first: the code and its catalogues then come from the same tree,
    # even when another checkout of desktop_cls is installed (editable) in the same environment.
    candidates.append(Path(__file__).resolve().parent.parent / "resources")
    try:
        from importlib.resources import files

        candidates.append(Path(str(files("desktop_cls.resources"))))
    except (ModuleNotFoundError, TypeError):
        pass
    for c in candidates:
        if (c / "demo_recipe.json").is_file():
            return c
    raise FileNotFoundError("desktop_cls resources not found; reinstall desktop_cls")


def resource(name: str) -> Path:
    return resources_dir() / name


@cache
def source_checkout() -> Path | None:
    """The source checkout this copy runs from (the folder with dev.py beside the package), or None for an
    installed copy or a bundle: only there do developer commands (python dev.py …) mean anything."""
    if getattr(sys, "_MEIPASS", None):
        return None
    root = Path(__file__).resolve().parent.parent
    return root if (root / "dev.py").is_file() and (root / "pyproject.toml").is_file() else None

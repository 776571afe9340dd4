"""resources/ must be found from a wheel (non-editable) install, not only from the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_wheel_carries_resources_and_finds_them(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                        "-w", str(tmp_path / "wheel"), str(REPO)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    wheel = next((tmp_path / "wheel").glob("desktop_cls-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for f in ("demo_recipe.json", "icon.svg", "icon.png", "icon.ico", "icon.icns", "desktop-cls.desktop"):
        assert f"desktop_cls/resources/{f}" in names, f
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import desktop_cls.resources_path as r, desktop_cls.core.data.demo_data as d; "
            "print(r.resources_dir()); print(len(d.load_recipe()['classes']))")
    env = dict(os.environ, PYTHONPATH=str(site))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    found, n = out.stdout.split()
    assert Path(found) == site / "desktop_cls" / "resources" and n == "10"


def test_desktop_launcher_command_line_opens_the_window_with_a_folder(tmp_path: Path) -> None:
    """The launcher's Exec line, with %f expanded the way a file manager does, must parse as `gui FOLDER`."""
    import shlex

    from desktop_cls.cli import build_parser

    entry = (REPO / "resources" / "desktop-cls.desktop").read_text(encoding="utf-8")
    exec_line = next(line.split("=", 1)[1] for line in entry.splitlines() if line.startswith("Exec="))
    argv = shlex.split(exec_line.replace("%f", str(tmp_path)))
    assert argv[0] == "desktop-cls"
    args = build_parser().parse_args(argv[1:])
    assert args.command == "gui" and args.path == str(tmp_path)
    # launched with no file, the field code expands to nothing and the window opens empty
    args = build_parser().parse_args(shlex.split(exec_line.replace("%f", ""))[1:])
    assert args.command == "gui" and args.path is None


def test_one_version_source() -> None:
    import tomllib

    import desktop_cls

    meta = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in meta["project"] and "version" in meta["project"]["dynamic"]
    assert meta["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "desktop_cls.__version__"}
    assert meta["project"]["license"] == "MIT" and (REPO / "LICENSE").is_file()
    assert desktop_cls.__version__.count(".") == 2

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

"""Build the one-folder bundle dist/desktop-cls/ and check it with --self-test.

    .venv/bin/python packaging/build.py [--skip-test]

Run it with the project's own venv python (PyInstaller is installed into it on first use).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist" / "desktop-cls"


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def self_test(exe: Path) -> int:
    """Run the bundle outside the venv with a clean environment, as on a machine without Python."""
    env = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp"), "QT_QPA_PLATFORM": "offscreen",
           "LANG": "C.UTF-8"}
    if sys.platform == "win32":
        env = {"SYSTEMROOT": os.environ.get("SYSTEMROOT", r"C:\\Windows"), "QT_QPA_PLATFORM": "offscreen"}
    r = subprocess.run([str(exe), "--self-test"], env=env, cwd="/" if os.name != "nt" else None,
                       capture_output=True, text=True, timeout=900)
    print(r.stdout.strip() or r.stderr.strip()[-2000:])
    return r.returncode


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-test", action="store_true")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from desktop_cls.gui.app import broken_qt_binding

    broken = broken_qt_binding()
    if broken:  # the bundle would carry the crash to every user
        print(f"refusing to build: {broken}", file=sys.stderr)
        return 1
    if shutil.which("pyinstaller") is None and subprocess.call(
            [sys.executable, "-m", "PyInstaller", "--version"], stdout=subprocess.DEVNULL) != 0:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "pyinstaller>=6.10"])
    png = ROOT / "resources" / "icon.png"
    if not png.exists():
        from PySide6.QtGui import QGuiApplication, QIcon

        app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841
        QIcon(str(ROOT / "resources" / "icon.svg")).pixmap(256, 256).save(str(png))
    subprocess.check_call([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
                           "--distpath", str(ROOT / "dist"), "--workpath", str(ROOT / "build" / "pyinstaller"),
                           str(ROOT / "packaging" / "desktop_cls.spec")])
    exe = DIST / ("desktop-cls-cli.exe" if sys.platform == "win32" else "desktop-cls")  # Windows: the console twin
    print(f"bundle: {DIST} ({folder_size(DIST) / 1e9:.2f} GB)")
    if args.skip_test:
        return 0
    return self_test(exe)


if __name__ == "__main__":
    raise SystemExit(main())

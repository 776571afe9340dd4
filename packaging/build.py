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
# the measured bundle is 4.3 GB (CUDA build of torch) plus PyInstaller's work folder; leave room for the self-test
NEEDED_BYTES = 6 * 1024**3


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def room_problem(folder: Path, needed: int = NEEDED_BYTES) -> str | None:
    """Say up front when the disk cannot hold the bundle: PyInstaller fails half-way with a traceback, and the
    full disk then breaks whatever else runs beside it."""
    free = shutil.disk_usage(folder).free
    if free >= needed:
        return None
    return (f"refusing to build: the bundle needs about {needed / 1024**3:.0f} GB free next to {folder}, and "
            f"{free / 1024**3:.1f} GB is free; free some space (old dist/ and build/ folders, pip caches) and "
            "build again")


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


def window_language(cmd: list[str], lang: str, env: dict[str, str] | None = None) -> tuple[str, str]:
    """Start the window offscreen with LANG=lang and an empty settings folder, as a first start on a machine in
    that language; returns (the language the app chose, the File menu's text as shown)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="desktop_cls_lang_") as tmp:
        run_env = dict(env if env is not None else os.environ, QT_QPA_PLATFORM="offscreen", LANG=lang,
                       LC_ALL=lang, LANGUAGE="", DESKTOP_CLS_STARTUP_PROBE="1", DESKTOP_CLS_CONFIG_DIR=tmp,
                       DESKTOP_CLS_DATA_DIR=tmp, DESKTOP_CLS_CACHE_DIR=tmp, DESKTOP_CLS_LOG_DIR=tmp)
        r = subprocess.run(cmd, env=run_env, capture_output=True, text=True, timeout=300,
                           cwd="/" if os.name != "nt" else None)
    for line in r.stdout.splitlines():
        if line.startswith("window-language "):
            _, language, menu = line.split(" ", 2)
            return language, menu
    raise RuntimeError(f"the window did not start (exit {r.returncode}): {(r.stdout + r.stderr)[-2000:]}")


def check_languages(cmd: list[str], env: dict[str, str] | None = None) -> int:
    """The window follows the system's language: Simplified Chinese on a zh_CN system, English elsewhere."""
    zh = window_language(cmd, "zh_CN.UTF-8", env)
    en = window_language(cmd, "C.UTF-8", env)
    print(f"window language: {zh[0]} ({zh[1]}) on a zh_CN system, {en[0]} ({en[1]}) on a C one")
    return 0 if zh[0] == "zh_CN" and en[0] == "en" and zh[1] != en[1] else 1


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-test", action="store_true")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from desktop_cls.gui.shell.app import broken_qt_binding

    broken = broken_qt_binding()
    if broken:  # the bundle would carry the crash to every user
        print(f"refusing to build: {broken}", file=sys.stderr)
        return 1
    shutil.rmtree(DIST, ignore_errors=True)  # a previous bundle is rebuilt anyway; its space counts as free
    no_room = room_problem(ROOT)
    if no_room:
        print(no_room, file=sys.stderr)
        return 1
    if shutil.which("pyinstaller") is None and subprocess.call(
            [sys.executable, "-m", "PyInstaller", "--version"], stdout=subprocess.DEVNULL) != 0:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "pyinstaller>=6.10"])
    # ONNX Runtime Web for `export --format web` (the spec copies resources/ whole; fetched, not committed)
    if subprocess.call([sys.executable, str(ROOT / "dev.py"), "web-runtime"]) != 0:
        print("warning: the bundle will lack ONNX Runtime Web, so it cannot export web pages", file=sys.stderr)
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
    failed = self_test(exe)
    if failed or sys.platform == "win32":  # Windows takes the language from its settings, not LANG
        return failed
    return check_languages([str(exe), "gui"], {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp")})


if __name__ == "__main__":
    raise SystemExit(main())

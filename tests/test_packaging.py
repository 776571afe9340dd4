"""What gets installed and bundled: resources from a wheel, the Qt packages pyproject allows, the spec's Qt parts."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[1]


def test_wheel_carries_resources_and_finds_them(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                        "-w", str(tmp_path / "wheel"), str(REPO)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    wheel = next((tmp_path / "wheel").glob("desktop_cls-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for f in ("demo_recipe.json", "icon.svg", "icon.png", "icon.ico", "icon.icns", "desktop-cls.desktop",
              "locale/zh_CN/LC_MESSAGES/desktop_cls.mo", "web/index.html", "web/app.js",
              "web/onnxruntime-web/LICENSE"):
        assert f"desktop_cls/resources/{f}" in names, f
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import desktop_cls.resources_path as r, desktop_cls.core.data.demo_data as d, desktop_cls.core.i18n as t; "
            "print(r.resources_dir()); print(len(d.load_recipe()['classes'])); t.set_language('zh_CN'); "
            "print(t._('export done'))")
    env = dict(os.environ, PYTHONPATH=str(site), PYTHONIOENCODING="utf-8")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path,
                         timeout=120, encoding="utf-8")
    assert out.returncode == 0, out.stderr
    found, n, translated = out.stdout.split()
    assert Path(found) == site / "desktop_cls" / "resources" and n == "10" and translated == "导出完成"


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


def _requirements() -> list[Requirement]:
    tomllib = pytest.importorskip("tomllib")
    from packaging.requirements import Requirement

    with open(REPO / "pyproject.toml", "rb") as f:
        return [Requirement(r) for r in tomllib.load(f)["project"]["dependencies"]]


@pytest.mark.parametrize("python", ["3.10", "3.11", "3.12", "3.13"])
def test_qt_dependency_ships_multimedia_and_skips_the_none_refcount_bug(python: str) -> None:
    """PySide6-Essentials has no QtMultimedia (the webcam); PySide6 6.12.0 aborts Python < 3.12 (none_dealloc)."""
    from packaging.utils import canonicalize_name

    env = {"python_version": python, "python_full_version": python + ".0"}
    active = [r for r in _requirements() if r.marker is None or r.marker.evaluate(env)]
    qt = {canonicalize_name(r.name): r.specifier for r in active if canonicalize_name(r.name).startswith("pyside6")}
    assert "pyside6-addons" in qt or "pyside6" in qt, qt
    broken = tuple(int(p) for p in python.split(".")) < (3, 12)
    for name, spec in qt.items():
        assert spec.contains("6.11.3"), name
        assert spec.contains("6.12.0") is not broken, (name, python)


def test_bundle_spec_keeps_what_the_multimedia_hook_needs() -> None:
    """The spec excludes unused Qt modules; none of them may be one the webcam's QtMultimedia pulls in."""
    pytest.importorskip("PyInstaller")
    import ast

    import PyInstaller.hooks
    from PyInstaller.utils.hooks.qt import add_qt6_dependencies

    spec = (REPO / "packaging" / "desktop_cls.spec").read_text(encoding="utf-8")
    strings = {n.value for n in ast.walk(ast.parse(spec)) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    excluded = {f"PySide6.{s}" for s in strings if s.startswith("Qt")}
    assert "PySide6.QtMultimedia" in strings and "PySide6.QtMultimedia" not in excluded
    hook = Path(PyInstaller.hooks.__file__).parent / "hook-PySide6.QtMultimedia.py"
    hidden, binaries, _datas = add_qt6_dependencies(str(hook))
    assert not set(hidden) & excluded, set(hidden) & excluded
    assert any("ffmpegmediaplugin" in Path(src).name for src, _dst in binaries), binaries  # the video backend


def test_bundle_collects_the_icon_fonts() -> None:
    """The icons are glyphs of qtawesome's fonts: PyInstaller's hook for it must bring the font we draw from
    and its character map, and the spec must not exclude qtawesome or QtPy."""
    pytest.importorskip("PyInstaller")
    import runpy

    import PyInstaller.hooks

    from desktop_cls.gui.widgets.icons import PAGE_ICONS

    hook = Path(PyInstaller.hooks.__file__).parent / "hook-qtawesome.py"
    datas = runpy.run_path(str(hook))["datas"]
    names = {Path(src).name for src, _dst in datas}
    assert all(name.startswith("mdi6.") for name in PAGE_ICONS.values())  # Material Design Icons 6
    prefix = "materialdesignicons6-webfont"
    assert any(n.startswith(prefix) and n.endswith(".ttf") for n in names), names
    assert any(n.startswith(prefix) and n.endswith(".json") for n in names), names
    spec = (REPO / "packaging" / "desktop_cls.spec").read_text(encoding="utf-8")
    assert '"qtawesome"' not in spec and '"qtpy"' not in spec


def test_bundle_carries_our_catalogues_and_qts_own() -> None:
    """The window starts in the system language in the bundle too: our .qm travels inside resources/, and Qt's
    qtbase_*.qm (the standard dialogs' buttons) comes with PyInstaller's QtCore hook, which must stay in."""
    pytest.importorskip("PyInstaller")
    import ast

    import PyInstaller.hooks
    from PyInstaller.utils.hooks.qt import add_qt6_dependencies

    spec = (REPO / "packaging" / "desktop_cls.spec").read_text(encoding="utf-8")
    assert '(str(ROOT / "resources"), "desktop_cls/resources")' in spec
    assert (REPO / "resources" / "i18n" / "desktop_cls_zh_CN.qm").is_file()
    assert (REPO / "resources" / "locale" / "zh_CN" / "LC_MESSAGES" / "desktop_cls.mo").is_file()  # the engine's
    strings = {n.value for n in ast.walk(ast.parse(spec)) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    assert "QtCore" not in strings and "PySide6.QtCore" not in strings  # never excluded
    hook = Path(PyInstaller.hooks.__file__).parent / "hook-PySide6.QtCore.py"
    _hidden, _binaries, datas = add_qt6_dependencies(str(hook))
    shipped = {Path(dst).as_posix() for src, dst in datas if Path(src).name == "qtbase_zh_CN.qm"}
    # PySide6/Qt/translations (PySide6/translations on Windows): the Qt prefix of the bundled PySide6
    assert any(d.startswith("PySide6/") and d.endswith("/translations") for d in shipped), shipped


def test_the_broken_pyside_is_named_with_its_fix() -> None:
    from desktop_cls.gui.shell.app import broken_qt_binding

    message = broken_qt_binding("6.12.0", (3, 11))
    assert message is not None and "pip install" in message and "!=6.12.0" in message
    assert broken_qt_binding("6.12.0", (3, 12)) is None  # None is immortal from 3.12 on
    assert broken_qt_binding("6.11.3", (3, 11)) is None


def test_build_refuses_to_bundle_a_broken_pyside(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util

    import desktop_cls.gui.shell.app

    spec = importlib.util.spec_from_file_location("build_script", REPO / "packaging" / "build.py")
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    monkeypatch.setattr(desktop_cls.gui.shell.app, "broken_qt_binding", lambda: "PySide6 6.12.0 has a bug")
    monkeypatch.setattr(sys, "argv", ["build.py", "--skip-test"])

    def no_build(*a: object, **k: object) -> None:
        raise AssertionError("PyInstaller must not run")

    monkeypatch.setattr(subprocess, "check_call", no_build)
    monkeypatch.setattr(subprocess, "call", lambda *a, **k: 0)
    assert build.main() == 1
    assert "refusing to build: PySide6 6.12.0" in capsys.readouterr().err

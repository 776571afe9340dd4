"""dev.py installs the system libraries Qt needs on Debian/Ubuntu: without the xcb helpers no window opens."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
# the library families Qt's window (xcb) and video (FFmpeg, PulseAudio) plugins link from the system
QT_FACING = re.compile(r"^lib(xcb|X11|xkbcommon|EGL|GL|fontconfig|freetype|glib-2|dbus-1|pulse)[-.]")


def load_dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dev_script", REPO / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("ldd"), reason="Linux with ldd")
def test_every_system_library_of_the_qt_plugins_has_a_package() -> None:
    import PySide6

    dev = load_dev()
    plugins = Path(PySide6.__file__).parent / "Qt" / "plugins"
    needed: set[str] = set()
    for rel in dev.QT_PLUGINS_TO_CHECK:
        out = subprocess.run(["ldd", str(plugins / rel)], capture_output=True, text=True, check=True).stdout
        needed |= {line.split()[0] for line in out.splitlines() if "=>" in line}
    qt_facing = {lib for lib in needed if QT_FACING.match(lib)}
    assert {"libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libpulse.so.0"} <= qt_facing
    assert qt_facing - set(dev.DEBIAN_PACKAGES) == set()


def test_missing_libraries_are_installed_with_apt(monkeypatch: pytest.MonkeyPatch) -> None:
    dev = load_dev()
    present = "\n".join(f"\t{lib} (libc6,x86-64) => /lib/{lib}" for lib in dev.DEBIAN_PACKAGES
                        if lib not in ("libxcb-cursor.so.0", "libxcb-icccm.so.4"))
    calls: list[list[str]] = []
    monkeypatch.setattr(dev.platform, "system", lambda: "Linux")
    monkeypatch.setattr(dev.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(dev.os, "geteuid", lambda: 0)
    monkeypatch.setattr(dev.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, present, ""))
    monkeypatch.setattr(dev, "run", lambda cmd, **k: calls.append([str(c) for c in cmd]) or 0)
    monkeypatch.setattr(dev, "has_cjk_font", lambda: True)
    dev.ensure_system_libraries()
    assert calls[-1] == ["apt-get", "install", "-y", "-qq", "libxcb-cursor0", "libxcb-icccm4"]
    monkeypatch.setattr(dev, "has_cjk_font", lambda: False)  # the Chinese window would show empty boxes
    dev.ensure_system_libraries()
    assert calls[-1] == ["apt-get", "install", "-y", "-qq", "libxcb-cursor0", "libxcb-icccm4", "fonts-wqy-microhei"]


def test_a_cjk_font_is_found_by_its_file_name(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    dev = load_dev()
    monkeypatch.setattr(dev.Path, "home", lambda: tmp_path)
    fonts = tmp_path / ".local/share/fonts"
    fonts.mkdir(parents=True)
    (fonts / "DejaVuSans.ttf").write_bytes(b"")
    system_has_one = dev.has_cjk_font()  # the machine's own folders count too
    (fonts / "NotoSansCJK-Regular.ttc").write_bytes(b"")
    assert dev.has_cjk_font()
    if not system_has_one:
        (fonts / "NotoSansCJK-Regular.ttc").unlink()
        assert not dev.has_cjk_font()


def test_run_offers_the_demo_only_on_a_first_start(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The app reopens the last dataset and model: `dev.py run` hands the demo over only for a first start."""
    dev = load_dev()
    calls: list[list[str]] = []
    monkeypatch.setattr(dev, "ROOT", tmp_path)
    (tmp_path / "demo-data").mkdir()
    for name in ("ensure_system_libraries", "report_missing_qt_libraries"):
        monkeypatch.setattr(dev, name, lambda *a: None)
    monkeypatch.setattr(dev, "ensure_venv", lambda dev: "python")
    monkeypatch.setattr(dev, "has_display", lambda: True)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(dev, "run", lambda cmd, **k: calls.append([str(c) for c in cmd]) or 0)
    dev.cmd_run([])
    assert calls[-1] == ["python", "-m", "desktop_cls", "gui", "--first-start", str(tmp_path / "demo-data")]

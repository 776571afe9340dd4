"""dev.py installs the system libraries Qt needs on Debian/Ubuntu: without the xcb helpers no window opens."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest


def recorder(calls: list[list[str]]) -> Callable[..., int]:
    """A stand-in for dev.run that records each command line and succeeds."""

    def run(cmd: list[object], **k: object) -> int:
        calls.append([str(c) for c in cmd])
        return 0

    return run

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
    monkeypatch.setattr(dev, "run", recorder(calls))
    monkeypatch.setattr(dev, "has_cjk_font", lambda: True)
    dev.ensure_system_libraries()
    assert calls[-1] == ["apt-get", "install", "-y", "-qq", "libxcb-cursor0", "libxcb-icccm4"]
    monkeypatch.setattr(dev, "has_cjk_font", lambda: False)  # the Chinese window would show empty boxes
    dev.ensure_system_libraries()
    assert calls[-1] == ["apt-get", "install", "-y", "-qq", "libxcb-cursor0", "libxcb-icccm4", "fonts-wqy-microhei"]


def test_a_cjk_font_is_found_by_its_file_name_without_fontconfig(monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_path: Path) -> None:
    dev = load_dev()
    monkeypatch.setattr(dev.Path, "home", lambda: tmp_path)
    monkeypatch.setattr(dev.shutil, "which", lambda name: None)
    fonts = tmp_path / ".local/share/fonts"
    fonts.mkdir(parents=True)
    (fonts / "DejaVuSans.ttf").write_bytes(b"")
    system_has_one = dev.has_cjk_font()  # the machine's own folders count too
    (fonts / "NotoSansCJK-Regular.ttc").write_bytes(b"")
    assert dev.has_cjk_font()
    if not system_has_one:
        (fonts / "NotoSansCJK-Regular.ttc").unlink()
        assert not dev.has_cjk_font()


def test_tests_get_a_headless_browser_from_apt(monkeypatch: pytest.MonkeyPatch) -> None:
    """`dev.py test` installs Chromium and its driver (the web export's test) where they are missing."""
    dev = load_dev()
    calls: list[list[str]] = []
    monkeypatch.setattr(dev.platform, "system", lambda: "Linux")
    absent = ("chromium", "chromedriver")
    monkeypatch.setattr(dev.shutil, "which", lambda name: None if name in absent else f"/usr/bin/{name}")
    monkeypatch.setattr(dev.os, "geteuid", lambda: 0)
    monkeypatch.setattr(dev, "run", recorder(calls))
    dev.ensure_test_browser()
    assert calls[-1] == ["apt-get", "install", "-y", "-qq", "chromium", "chromium-driver"]
    calls.clear()
    monkeypatch.setattr(dev.shutil, "which", lambda name: f"/usr/bin/{name}")
    dev.ensure_test_browser()
    assert calls == []


def test_a_cjk_font_counts_only_when_it_covers_every_chinese_character_shown(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A Japanese font (or a partial fallback) found by name left the window in boxes: fontconfig is asked
    for a family with a glyph for every character of the zh_CN catalogues."""
    dev = load_dev()
    asked: list[list[str]] = []
    answer = {"out": ""}

    def fake_run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
        asked.append(cmd)
        return subprocess.CompletedProcess(cmd, 0, answer["out"], "")

    monkeypatch.setattr(dev.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(dev.subprocess, "run", fake_run)
    assert not dev.has_cjk_font()  # no family covers them all (M PLUS has no 注 or 简)
    answer["out"] = "WenQuanYi Micro Hei,文泉驛微米黑\n"
    assert dev.has_cjk_font()
    cmd = asked[-1]
    assert cmd[0] == "fc-list" and cmd[-1] == "family" and cmd[1].startswith(":charset=")
    codes = set(cmd[1].removeprefix(":charset=").split())
    assert {f"{ord(ch):x}" for ch in "简体中文注估"} <= codes and len(codes) > 300


def torch_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *, driver_file: bool, nvidia_smi: bool,
                  cpu_index_answers: bool, system: str = "Linux", loads: bool = True) -> tuple[str, list[list[str]]]:
    """What install_torch chooses, with a fake pip: returns (choice, the commands it ran)."""
    dev = load_dev()
    calls: list[list[str]] = []
    proc_file = tmp_path / "version"
    if driver_file:
        proc_file.write_text("NVRM version: 550")
    monkeypatch.setattr(dev, "NVIDIA_DRIVER_FILE", proc_file)
    monkeypatch.setattr(dev.platform, "system", lambda: system)
    monkeypatch.setattr(dev.shutil, "which", lambda name: "/usr/bin/nvidia-smi" if nvidia_smi else None)

    def fake_run(cmd: list[object], **kw: object) -> int:
        calls.append([str(c) for c in cmd])
        if str(cmd[1]) == "-c":  # the check that torch and torchvision load together
            return 0 if loads else 1
        return 0 if cpu_index_answers else 1  # pip's exit status when the index cannot be reached

    monkeypatch.setattr(dev, "run", fake_run)
    return dev.install_torch(Path("py")), calls


def test_without_an_nvidia_driver_torch_comes_from_the_cpu_index(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    choice, calls = torch_install(monkeypatch, tmp_path, driver_file=False, nvidia_smi=False, cpu_index_answers=True)
    assert choice == "cpu" and len(calls) == 2 and calls[1][1] == "-c"  # installed, then checked
    cmd = calls[0]
    assert cmd[:4] == ["py", "-m", "pip", "install"]
    assert cmd[cmd.index("--index-url") + 1] == "https://download.pytorch.org/whl/cpu"
    assert cmd[cmd.index("--timeout") + 1] == "15" and cmd[cmd.index("--retries") + 1] == "0"  # a short try
    assert {re.split(r"[<>=!~]", c)[0] for c in cmd if c.startswith("torch")} == {"torch", "torchvision"}
    assert "CPU build" in capsys.readouterr().out


def test_an_unreachable_cpu_index_falls_back_to_the_default_one(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    choice, calls = torch_install(monkeypatch, tmp_path, driver_file=False, nvidia_smi=False,
                                  cpu_index_answers=False)
    assert choice == "default" and len(calls) == 1  # the project's own install then takes torch as usual
    assert "could not be reached" in capsys.readouterr().out


@pytest.mark.parametrize(("driver_file", "nvidia_smi"), [(True, False), (False, True)])
def test_with_an_nvidia_driver_the_default_cuda_build_is_kept(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                              driver_file: bool, nvidia_smi: bool) -> None:
    choice, calls = torch_install(monkeypatch, tmp_path, driver_file=driver_file, nvidia_smi=nvidia_smi,
                                  cpu_index_answers=True)
    assert choice == "default" and calls == []


def test_other_systems_keep_the_default_wheels(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    choice, calls = torch_install(monkeypatch, tmp_path, driver_file=False, nvidia_smi=False,
                                  cpu_index_answers=True, system="Windows")
    assert choice == "default" and calls == []


def test_torch_goes_in_before_the_project(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The project's install finds torch already there and keeps it (the CPU build satisfies >=)."""
    dev = load_dev()
    order: list[str] = []
    monkeypatch.setattr(dev, "VENV", tmp_path / "venv")
    monkeypatch.setattr(dev, "venv_python", lambda: tmp_path / "python")
    (tmp_path / "python").write_text("")
    (tmp_path / "venv").mkdir()
    def install_torch(py: object) -> str:
        order.append("torch")
        return "cpu"

    def run(cmd: list[object], **k: object) -> int:
        order.append(" ".join(str(c) for c in cmd[3:]))
        return 0

    monkeypatch.setattr(dev, "install_torch", install_torch)
    monkeypatch.setattr(dev, "run", run)
    dev.ensure_venv(dev=False)
    assert order[0] == "install -q --upgrade pip" and order[1] == "torch"
    assert order[2].startswith("install -q -e ")


def test_run_offers_the_demo_only_on_a_first_start(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The app reopens the last dataset and model: `dev.py run` hands the demo over only for a first start."""
    dev = load_dev()
    calls: list[list[str]] = []
    monkeypatch.setattr(dev, "ROOT", tmp_path)
    (tmp_path / "demo-data").mkdir()
    for name in ("ensure_system_libraries", "report_missing_qt_libraries", "ensure_web_runtime"):
        monkeypatch.setattr(dev, name, lambda *a: None)
    monkeypatch.setattr(dev, "ensure_venv", lambda dev: "python")
    monkeypatch.setattr(dev, "has_display", lambda: True)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(dev, "run", recorder(calls))
    dev.cmd_run([])
    assert calls[-1] == ["python", "-m", "desktop_cls", "gui", "--first-start", str(tmp_path / "demo-data")]


def test_a_cpu_build_that_does_not_load_is_removed_for_the_default_one(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A mirror answering for the CPU index paired torch with a torchvision whose operators do not load
    ("operator torchvision::nms does not exist"): that pair is removed and the default index used."""
    choice, calls = torch_install(monkeypatch, tmp_path, driver_file=False, nvidia_smi=False, cpu_index_answers=True,
                                  loads=False)
    assert choice == "default"
    assert calls[-1][:5] == ["py", "-m", "pip", "uninstall", "-y"] and {"torch", "torchvision"} <= set(calls[-1])
    assert "does not load" in capsys.readouterr().out

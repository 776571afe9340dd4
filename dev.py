#!/usr/bin/env python3
"""One-command setup for desktop_cls, using only the Python standard library.

    python3 dev.py run    install everything into .venv and start the app (the demo dataset on a first start)
                          (no display: a short command-line demo instead)
    python3 dev.py test   install everything (with test tools) and run the whole test suite
    python3 dev.py translations
                          refresh the translation catalogues from the sources and compile them
    python3 dev.py web-runtime
                          fetch ONNX Runtime Web (npm, pinned, checked) for `export --format web`
                          (run and test do it too; a wheel or app bundle built after it carries the files)

Extra arguments after `test` go to pytest. The install is skipped when pyproject.toml is unchanged.
"""

from __future__ import annotations

import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
# The system libraries Qt loads on Linux (checked with ldd on PySide6's platforms/libqxcb.so and
# multimedia/libffmpegmediaplugin.so): without the xcb helpers no window opens on X11, and Qt Multimedia
# (the webcam) needs PulseAudio's client library. Minimal desktop installs lack some of them.
DEBIAN_PACKAGES = {
    "libpulse.so.0": "libpulse0", "libEGL.so.1": "libegl1", "libGL.so.1": "libgl1",
    "libxkbcommon.so.0": "libxkbcommon0", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libfontconfig.so.1": "libfontconfig1", "libfreetype.so.6": "libfreetype6", "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0", "libX11.so.6": "libx11-6", "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1", "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0", "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0", "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0", "libxcb-sync.so.1": "libxcb-sync1", "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0", "libxcb-xkb.so.1": "libxcb-xkb1",
}
# Without a font that covers Chinese, the zh_CN window and CJK class names show empty boxes; minimal
# Debian installs have none. WenQuanYi Micro Hei is small (about 5 MB).
CJK_FONT_PACKAGE = "fonts-wqy-microhei"
CJK_FONT_NAMES = ("wqy", "notosanscjk", "notoserifcjk", "sourcehan", "droidsansfallback", "uming", "ukai",
                  "arphic", "ipag", "unifont")
# `export --format web` embeds ONNX Runtime Web: its single-file ES module (the Emscripten glue inside)
# and its SIMD WebAssembly binary, taken from the npm package at this version and checked against npm's
# sha512 so a changed package is noticed. Not committed (15 MB of binary); resources/web/ gets them here.
ORT_WEB_VERSION = "1.31.1"
ORT_WEB_INTEGRITY = "sha512-5GeH+bWQ+HxM10z7erGlsWqryrwMbSvm/1tkIsKTT48g0fI19VXVVC435t4t7VsPdSQeS7NmuZPXrQ73k82URw=="
ORT_WEB_FILES = ("ort.wasm.bundle.min.mjs", "ort-wasm-simd-threaded.wasm")
ORT_WEB_DIR = ROOT / "resources" / "web" / "onnxruntime-web"
# The browser the web export's test drives (Debian's packages; the test skips without them)
BROWSER_PACKAGES = {"chromium": "chromium", "chromedriver": "chromium-driver"}


# Without an NVIDIA driver the CUDA build of PyTorch (the default on Linux) brings about 3 GB of NVIDIA
# libraries that cannot be used: PyTorch's CPU index has the same versions without them.
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
NVIDIA_DRIVER_FILE = Path("/proc/driver/nvidia/version")
ZH_CATALOGUES = ("resources/i18n/desktop_cls_zh_CN.ts", "resources/locale/zh_CN/LC_MESSAGES/desktop_cls.po")
QT_PLUGINS_TO_CHECK = ("platforms/libqxcb.so", "multimedia/libffmpegmediaplugin.so")


def say(msg: str) -> None:
    print(f"[dev] {msg}", flush=True)


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(cmd: Sequence[object], **kw: Any) -> int:
    return subprocess.call([str(c) for c in cmd], **kw)


def ensure_system_libraries() -> None:
    """On Debian/Ubuntu, install the few shared libraries Qt needs when they are missing."""
    if platform.system() != "Linux" or not shutil.which("apt-get") or not shutil.which("ldconfig"):
        return
    try:
        known = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=False).stdout
    except OSError:
        return
    missing = sorted({pkg for lib, pkg in DEBIAN_PACKAGES.items() if lib not in known})
    if not has_cjk_font():
        missing.append(CJK_FONT_PACKAGE)
    apt_install(missing, "the window, the webcam and Chinese text need them")


def apt_install(packages: list[str], why: str) -> None:
    """apt-get install on Debian/Ubuntu, with sudo when not root; says so when it cannot."""
    if platform.system() != "Linux" or not shutil.which("apt-get") or not packages:
        return
    prefix: list[str] = []
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        if not shutil.which("sudo"):
            say(f"please install: {' '.join(packages)} (needs root; {why})")
            return
        prefix = ["sudo"]
    say(f"installing {' '.join(packages)} ({why})")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run([*prefix, "apt-get", "update", "-qq"], env=env)
    if run([*prefix, "apt-get", "install", "-y", "-qq", *packages], env=env) != 0:
        say(f"could not install {' '.join(packages)}")


def ensure_test_browser() -> None:
    """Headless Chromium and its driver, which the web export's test opens the page in."""
    apt_install([pkg for exe, pkg in BROWSER_PACKAGES.items() if not shutil.which(exe)],
                "the web export is tested in headless Chromium")


def ensure_web_runtime() -> int:
    """ONNX Runtime Web's files in resources/web/onnxruntime-web, from npm at the pinned version."""
    import base64
    import tarfile
    import tempfile

    stamp = ORT_WEB_DIR / "VERSION"
    if stamp.is_file() and stamp.read_text().strip() == ORT_WEB_VERSION and all(
            (ORT_WEB_DIR / f).is_file() for f in ORT_WEB_FILES):
        return 0
    npm = shutil.which("npm")
    if npm is None:
        say("npm not found: `export --format web` stays unavailable (install Node.js, then: python dev.py web-runtime)")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        package = f"onnxruntime-web@{ORT_WEB_VERSION}"
        if run([npm, "pack", "--silent", package], cwd=tmp, stdout=subprocess.DEVNULL) != 0:
            say("npm pack onnxruntime-web failed: `export --format web` will be unavailable")
            return 1
        tgz = next(Path(tmp).glob("onnxruntime-web-*.tgz"))
        digest = "sha512-" + base64.b64encode(hashlib.sha512(tgz.read_bytes()).digest()).decode()
        if digest != ORT_WEB_INTEGRITY:
            say(f"onnxruntime-web {ORT_WEB_VERSION} from npm does not match its pinned checksum; not used")
            return 1
        ORT_WEB_DIR.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tgz) as tar:
            for name in ORT_WEB_FILES:
                member = tar.extractfile(f"package/dist/{name}")
                assert member is not None
                tmp_out = ORT_WEB_DIR / f".{name}.tmp"
                tmp_out.write_bytes(member.read())
                os.replace(tmp_out, ORT_WEB_DIR / name)
    stamp.write_text(ORT_WEB_VERSION + "\n")
    say(f"onnxruntime-web {ORT_WEB_VERSION} ready in {ORT_WEB_DIR.relative_to(ROOT)}")
    return 0


def cmd_web_runtime(args: list[str]) -> int:
    return ensure_web_runtime()


def shown_chinese() -> str:
    """Every Chinese character the app shows in its own texts: all CJK in the zh_CN catalogues (their
    sources are English) and the language menu's name for Chinese."""
    texts = ["简体中文"]
    for rel in ZH_CATALOGUES:
        if (ROOT / rel).is_file():
            texts.append((ROOT / rel).read_text(encoding="utf-8", errors="replace"))
    return "".join(sorted({ch for text in texts for ch in text if ord(ch) >= 0x2E80}))


def has_cjk_font() -> bool:
    """Is there a font with a glyph for every Chinese character the app shows? Asked of fontconfig by
    coverage: a Japanese font or a partial fallback does not count (the window would show boxes)."""
    if not shutil.which("fc-list"):
        return has_cjk_font_file()
    charset = " ".join(f"{ord(ch):x}" for ch in shown_chinese())
    try:
        out = subprocess.run(["fc-list", f":charset={charset}", "family"], capture_output=True, text=True,
                             check=False).stdout
    except OSError:
        return has_cjk_font_file()
    return bool(out.strip())


def has_cjk_font_file() -> bool:
    """Without fontconfig's fc-list: is a font that covers Chinese installed (by the file names of the common ones)?"""
    folders = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts",
               Path.home() / ".local/share/fonts"]
    for folder in folders:
        if folder.is_dir():
            for f in folder.rglob("*"):
                name = f.name.lower().replace("-", "").replace("_", "")
                if f.suffix.lower() in (".ttf", ".ttc", ".otf") and any(n in name for n in CJK_FONT_NAMES):
                    return True
    return False


def report_missing_qt_libraries(py: Path) -> None:
    """After the install: name any library Qt's window or video plugin still cannot find (ldd)."""
    if platform.system() != "Linux" or not shutil.which("ldd"):
        return
    r = subprocess.run([str(py), "-c", "import PySide6, os; print(os.path.dirname(PySide6.__file__))"],
                       capture_output=True, text=True, check=False)
    plugins = Path(r.stdout.strip() or ".") / "Qt" / "plugins"
    missing: set[str] = set()
    for rel in QT_PLUGINS_TO_CHECK:
        if (plugins / rel).is_file():
            out = subprocess.run(["ldd", str(plugins / rel)], capture_output=True, text=True, check=False).stdout
            missing |= {line.split()[0] for line in out.splitlines() if "not found" in line}
    for lib in sorted(missing):
        pkg = DEBIAN_PACKAGES.get(lib)
        say(f"Qt cannot find {lib}: install " + (pkg if pkg else "the package that provides it")
            + " (without it the window or the webcam does not work)")


def ensure_venv(dev: bool) -> Path:
    py = venv_python()
    if not py.exists():
        say("creating .venv")
        if run([sys.executable, "-m", "venv", VENV]) != 0:
            sys.exit("[dev] could not create a virtual environment; install python3-venv and try again")
    extra = "[dev]" if dev else ""
    stamp = VENV / f".installed{'-dev' if dev else ''}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return py
    say("installing desktop_cls and its dependencies (first time: a few minutes)")
    if run([py, "-m", "pip", "install", "-q", "--upgrade", "pip"]) != 0:
        sys.exit("[dev] pip upgrade failed")
    install_torch(py)
    if run([py, "-m", "pip", "install", "-q", "-e", f"{ROOT}{extra}"]) != 0:
        sys.exit("[dev] installing the project failed (see pip's message above)")
    stamp.write_text(digest)
    return py


def has_nvidia_driver() -> bool:
    return NVIDIA_DRIVER_FILE.exists() or shutil.which("nvidia-smi") is not None


def torch_requirements() -> list[str]:
    """pyproject's requirements of torch and torchvision, as written there."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return re.findall(r'"(torch(?:vision)?\s*[<>=!~][^"]*)"', text)


def install_torch(py: Path) -> str:
    """Before the project: on Linux without an NVIDIA driver, PyTorch's CPU build from its own index (a few
    seconds' try; the default index when that one cannot be reached). Returns 'cpu' or 'default' (the
    CUDA build on Linux, the CPU one elsewhere), and says which it chose."""
    if platform.system() != "Linux":
        return "default"  # Windows and macOS: the default wheels carry no CUDA libraries
    if has_nvidia_driver():
        say("NVIDIA driver found: PyTorch with CUDA from the default index")
        return "default"
    if run([py, "-m", "pip", "install", "-q", "--timeout", "15", "--retries", "0", "--index-url", TORCH_CPU_INDEX,
            *torch_requirements()]) == 0:
        if torch_works(py):
            say(f"no NVIDIA driver: installed PyTorch's CPU build from {TORCH_CPU_INDEX}")
            return "cpu"
        # a mirror that answers for that index may pair builds that do not load together
        say(f"PyTorch from {TORCH_CPU_INDEX} does not load here (torchvision's operators are missing): "
            "removed; PyTorch from the default index instead")
        run([py, "-m", "pip", "uninstall", "-y", "-q", "torch", "torchvision"])
        return "default"
    say(f"no NVIDIA driver, but {TORCH_CPU_INDEX} could not be reached: PyTorch from the default index "
        "(on Linux the CUDA build, about 3 GB more; it runs on the CPU all the same)")
    return "default"


def torch_works(py: Path) -> bool:
    """torch and torchvision import and run one of torchvision's compiled operators together."""
    return run([py, "-c", "import torch, torchvision; "
                          "torchvision.ops.nms(torch.zeros(1, 4), torch.zeros(1), 0.5)"]) == 0


def has_display() -> bool:
    if platform.system() in ("Windows", "Darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def cmd_run(args: list[str]) -> int:
    ensure_system_libraries()
    ensure_web_runtime()
    py = ensure_venv(dev=False)
    report_missing_qt_libraries(py)
    demo = ROOT / "demo-data"
    if not demo.exists():
        run([py, "-m", "desktop_cls", "demo-data", demo])
    if has_display() and os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        # the demo only on a first start: afterwards the app reopens the last dataset and model
        return run([py, "-m", "desktop_cls", "gui", "--first-start", demo, *args])
    say("no display found: running the command-line demo instead of the window")
    return run([py, "-m", "desktop_cls.demo", demo, *args])


def cmd_test(args: list[str]) -> int:
    ensure_system_libraries()
    ensure_test_browser()
    ensure_web_runtime()
    py = ensure_venv(dev=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    say("ruff")
    if run([py, "-m", "ruff", "check", "desktop_cls", "tests", "benchmarks", "dev.py", "docs"], cwd=ROOT) != 0:
        return 1
    say("mypy")
    if run([py, "-m", "mypy"], cwd=ROOT) != 0:
        return 1
    say("import contracts")
    if run([py.parent / ("lint-imports.exe" if os.name == "nt" else "lint-imports")], cwd=ROOT) != 0:
        return 1
    say("pytest")
    workers = ["-n", "2"] if (os.cpu_count() or 1) >= 2 else []
    return run([py, "-m", "pytest", *workers, "--durations=15", *args], cwd=ROOT, env=env)


TRANSLATED = ("zh_CN",)
GUI_TS = "resources/i18n/desktop_cls_{lang}.ts"
ENGINE_POT = "resources/locale/desktop_cls.pot"


def engine_sources() -> list[str]:
    """The files whose messages go through gettext: the engine and the command line."""
    files = sorted(ROOT.glob("desktop_cls/core/**/*.py")) + sorted(ROOT.glob("desktop_cls/cli/*.py"))
    return [str(f.relative_to(ROOT)) for f in files] + ["desktop_cls/self_test.py", "desktop_cls/__main__.py"]


def gui_sources() -> list[str]:
    return [str(f.relative_to(ROOT)) for f in sorted(ROOT.glob("desktop_cls/gui/**/*.py"))]


def cmd_translations(args: list[str]) -> int:
    """Refresh the catalogues from the sources (new strings appear untranslated) and compile them."""
    py = ensure_venv(True)
    bindir = py.parent
    # English is the source language; its catalogue holds only the plural forms ("%n image(s)" -> "1 image")
    catalogues: list[tuple[str, list[str]]] = [(lang, []) for lang in TRANSLATED]
    catalogues.append(("en", ["-pluralonly", "-target-language", "en"]))
    for lang, only in catalogues:
        ts = ROOT / GUI_TS.format(lang=lang)
        ts.parent.mkdir(parents=True, exist_ok=True)
        if run([bindir / "pyside6-lupdate", *gui_sources(), "-ts", ts, "-no-obsolete", "-locations", "none", *only,
                # no guesses from other contexts' texts: an entry is translated by a person or not at all
                "-disable-heuristic", "sametext", "-disable-heuristic", "similartext", "-silent"], cwd=ROOT) != 0:
            return 1
        if run([bindir / "pyside6-lrelease", "-silent", ts, "-qm", ts.with_suffix(".qm")], cwd=ROOT) != 0:
            return 1
    pot = ROOT / ENGINE_POT
    pot.parent.mkdir(parents=True, exist_ok=True)
    babel = [py, "-m", "babel.messages.frontend"]
    if run([*babel, "extract", "--no-location", "--omit-header", "--sort-output", "-k", "_", "-k", "N_",
            "-k", "ngettext:1,2", "-o", pot, *engine_sources()], cwd=ROOT) != 0:
        return 1
    for lang in TRANSLATED:
        po = pot.parent / lang / "LC_MESSAGES" / "desktop_cls.po"
        verb = "update" if po.exists() else "init"
        extra = ["--no-fuzzy-matching", "--ignore-obsolete"] if verb == "update" else []
        before = po.read_text(encoding="utf-8") if po.exists() else ""
        if run([*babel, verb, "-i", pot, "-d", pot.parent, "-D", "desktop_cls", "-l", lang, *extra], cwd=ROOT) != 0:
            return 1
        if _without_pot_date(po.read_text(encoding="utf-8")) == _without_pot_date(before):
            po.write_text(before, encoding="utf-8")  # nothing changed but the date: keep the file (and its .mo) as is
    return run([*babel, "compile", "-d", pot.parent, "-D", "desktop_cls", "--statistics"], cwd=ROOT)


def _without_pot_date(po_text: str) -> list[str]:
    return [line for line in po_text.splitlines() if not line.startswith('"POT-Creation-Date:')]


def main() -> int:
    commands = {"run": cmd_run, "test": cmd_test, "translations": cmd_translations, "web-runtime": cmd_web_runtime}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())

"""Start the desktop app: logging, exception hooks, QApplication, the main window."""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import multiprocessing
import os
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, NoReturn

from desktop_cls import __version__
from desktop_cls.core import contained, i18n
from desktop_cls.core.storage import ignore_file_size_signal, user_config_dir, user_log_dir
from desktop_cls.gui.widgets.dialogs import inform, warn

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from desktop_cls.gui.settings import Settings
    from desktop_cls.gui.shell.main_window import MainWindow
    from desktop_cls.gui.shell.single_instance import InstanceGuard

# Kept in step with pyproject.toml: these take a reference from None on every Qt call that returns
# nothing, and on Python < 3.12 the interpreter aborts after ~20 minutes of live plots (none_dealloc).
BROKEN_PYSIDE = ("6.12.0",)


def broken_qt_binding(pyside_version: str | None = None,
                      python: tuple[int, int] = (sys.version_info.major, sys.version_info.minor)) -> str | None:
    """Why the installed PySide6 will crash the app, with the fix; None when it is fine."""
    if pyside_version is None:
        import PySide6

        pyside_version = PySide6.__version__
    if python >= (3, 12) or pyside_version not in BROKEN_PYSIDE:
        return None
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate(
        "App", "PySide6 {version} has a bug that crashes this app after about 20 minutes on Python {python}. "
        "Install another version: {command}").format(
        version=pyside_version, python=f"{python[0]}.{python[1]}",
        command=f"pip install \"PySide6-Essentials!={pyside_version}\" \"PySide6-Addons!={pyside_version}\"")


APP_LOG_HANDLER = "desktop_cls-app-log"


def setup_logging() -> str:
    """The log file's path, or "" when the log folder cannot be written (read-only, full, a file) or the log
    file is a link, a FIFO or a device: then the log goes to stderr and the app starts all the same."""
    log_dir = user_log_dir()
    log_file = log_dir / "desktop_cls.log"
    path: Path | None = log_file
    handler: logging.Handler
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        # a link, FIFO or device in the log's place is refused (contained.Refused), never appended through; a
        # FIFO kept the window from starting
        os.close(contained.open_regular(log_dir, log_file.name, os.O_WRONLY | os.O_APPEND | os.O_CREAT))
        handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError as e:
        from PySide6.QtCore import QCoreApplication

        print(QCoreApplication.translate("App", "desktop_cls: cannot write the log in {0} ({1}); logging to "
                                         "the terminal instead").format(log_dir, e.strerror or e), file=sys.stderr)
        handler, path = logging.StreamHandler(sys.stderr), None
    handler.set_name(APP_LOG_HANDLER)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(message)s"))
    root = logging.getLogger("desktop_cls")
    if not any(h.get_name() == APP_LOG_HANDLER for h in root.handlers):
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    return str(path) if path is not None else ""


def install_exception_hooks() -> None:
    """Uncaught errors on any thread are logged and shown, instead of silently killing a thread."""
    log = logging.getLogger("desktop_cls")

    def report(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("uncaught exception\n%s", details)
        with contextlib.suppress(Exception):  # the box is a courtesy: reporting must never raise
            show_uncaught(exc)

    sys.excepthook = report

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            report(args.exc_type, args.exc_value, args.exc_traceback)

    threading.excepthook = thread_hook


def show_uncaught(exc: BaseException) -> None:
    """The error box for an error nothing caught: a user error as its plain sentence, a bug as a plain sentence with
    the traceback folded away (never "ValueError: ..." as the message)."""
    from PySide6.QtCore import QCoreApplication, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop_cls.gui.widgets.dialogs import show_error
    from desktop_cls.gui.work.tasks import describe_failure

    if QApplication.instance() is None:
        return
    message, details = describe_failure(exc, log=False)
    title = (QCoreApplication.translate("App", "Unexpected error") if details else
             QCoreApplication.translate("App", "Cannot continue"))
    QTimer.singleShot(0, lambda: show_error(_owner(), title, message, details))


def _owner() -> QWidget | None:
    """The window an error box belongs to: the active one, else the main window. A box without an owner was
    dropped at once when nothing held it (no window was active: a start-up error, a window manager without focus)."""
    from PySide6.QtWidgets import QApplication, QMainWindow

    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()]
    return QApplication.activeWindow() or (shown[0] if shown else None)


def start_language() -> tuple[Settings, str | None]:
    """Load the settings and install their language before any widget exists: texts are translated when a
    widget is built, so a window built first would stay English. Returns (settings, notice) for the window."""
    from desktop_cls.gui.settings import load_settings
    from desktop_cls.gui.shell.language import install_language

    settings, notice = load_settings()
    install_language(settings.language)
    return settings, notice


PAINT_THREADS_FROM_CORES = 8  # Qt's painting threads (a quarter of the cores) are kept from this many cores on


def paint_on_the_ui_thread(cores: int | None = None) -> None:
    """Before the QApplication: with few cores, Qt paints on the UI thread alone. Its raster engine hands parts
    of a large fill or pixmap to a pool of a quarter of the cores (one thread on two cores) and waits for them:
    with the cores busy (a health check, training) the UI thread waited there while scrolling the grid, about a
    tenth of its painting time in a profile. On 8 cores and more the pool has two threads and is kept."""
    if (cores if cores is not None else os.cpu_count() or 1) < PAINT_THREADS_FROM_CORES:
        os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")


def name_app(app: QApplication) -> None:
    """The names, version and icon the desktop shows for the app."""
    from PySide6.QtGui import QIcon

    from desktop_cls.resources_path import resource

    app.setApplicationName("desktop_cls")
    app.setOrganizationName("desktop_cls")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("desktop-cls")  # resources/desktop-cls.desktop: Wayland finds the icon by it
    icon = resource("icon.svg")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))


def run_app(path: str | None = None, first_start: str | None = None) -> NoReturn:
    """The GUI's one entry point: `python -m desktop_cls`, the CLI's `gui` command and the bundle all land here."""
    from PySide6.QtCore import QCoreApplication, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop_cls.gui.shell import engine, restart
    from desktop_cls.gui.shell.main_window import MainWindow
    from desktop_cls.gui.widgets.theme import apply_theme

    engine.quicker_pyside_import_check()  # before the window's modules and the engine task's torch are imported
    ignore_file_size_signal()
    setup_logging()
    install_exception_hooks()
    paint_on_the_ui_thread()
    engine.load_triton_before_qt()  # before Qt's platform theme loads the graphics driver's LLVM
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    settings, notice = start_language()
    guard = claim_settings(app, path)
    from desktop_cls.gui.shell.cjk_font import prefer_covering_font

    chinese_font = prefer_covering_font()  # before any widget: Chinese from a font that has its glyphs
    if chinese_font:
        logging.getLogger("desktop_cls").info("Chinese text drawn with %s", chinese_font)
    broken = broken_qt_binding()
    if broken:  # pyproject excludes it; someone installed it by hand
        logging.getLogger("desktop_cls").warning(broken)
        print(f"warning: {broken}", file=sys.stderr)
    name_app(app)
    engine.preload_torch_libraries()  # its lock-holding part before the window shows, not in the window's first seconds
    window = MainWindow(settings)
    apply_theme(settings.theme)  # before the first paint: no flash of the other scheme
    window.show()
    if notice:  # the window was handed its settings, so it leaves telling about a bad file to us
        QTimer.singleShot(0, lambda: inform(
            window, QCoreApplication.translate("App", "Settings"), notice))
    if broken:
        QTimer.singleShot(0, lambda: warn(
            window, QCoreApplication.translate("App", "Unsupported PySide6"), broken))
    if os.environ.get("DESKTOP_CLS_STARTUP_PROBE"):  # benchmarks/startup.py: report "shown" and leave

        def shown() -> None:
            print("window-shown", flush=True)
            # the bundle's build checks the window starts in the system's language (packaging/build.py)
            menu = window.menuBar().actions()[0].text()
            print(f"window-language {i18n.current_language()} {menu}", flush=True)
            window.shutdown()
            app.quit()

        QTimer.singleShot(0, shown)
    guard.requested.connect(lambda folder: come_forward(window, folder))
    if path:
        restart.started_on(path)  # a restart comes back to what is open then, not to this folder
        QTimer.singleShot(0, lambda: window.reopen_last(path))
    elif not os.environ.get("DESKTOP_CLS_STARTUP_PROBE"):
        QTimer.singleShot(0, lambda: window.reopen_last(first_start=first_start))
    code = int(app.exec())
    guard.release()
    end_process(code)


def claim_settings(app: QApplication, folder: str | None) -> InstanceGuard:
    """Be the app for this settings folder; or, when another window is open on it, hand it `folder` (it comes
    forward) and end this process here."""
    from desktop_cls.gui.shell.single_instance import InstanceGuard

    guard = InstanceGuard(user_config_dir(), app)
    if not guard.acquire():
        end_process(hand_over(guard, folder))
    return guard


def hand_over(guard: InstanceGuard, folder: str | None) -> int:
    """A second start: the app already open on these settings gets the folder and comes forward; when it does not
    answer (busy, or hung), say so rather than open a second window over its settings. The exit code."""
    if guard.forward(folder):
        return 0
    from PySide6.QtCore import QCoreApplication

    warn(None, "desktop_cls", QCoreApplication.translate(
        "App", "desktop_cls is already open (process {0}) and does not answer. Switch to its window, or close it "
        "and start again.").format(guard.holder()))
    return 1


def come_forward(window: MainWindow, folder: str) -> None:
    """Another start of the app handed over: show this window in front, opening the folder it was started on."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
    if folder:
        window.open_recent(folder)


def end_process(code: int, exit_: Callable[[int], object] = os._exit) -> NoReturn:
    """Leave once the window has closed. Closing it (MainWindow.shutdown) stopped training and left it resumable,
    joined the tasks that write, and wrote the settings: what is left is the log to flush and worker processes that
    decode images (a health check's; they write nothing), ended here, as they would outlive os._exit.

    The interpreter's teardown is skipped: with torch, torchvision and Qt loaded it frees a million objects one by
    one: seconds with the window already gone (7 s at a load of 10)."""
    for child in multiprocessing.active_children():
        with contextlib.suppress(OSError):
            child.terminate()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed or broken terminal
            stream.flush()
    exit_(code)
    raise SystemExit(code)  # only where exit_ returned (a test's)

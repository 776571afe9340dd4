"""Each user action's own UI-thread time in an ordinary session on an ordinary folder (issue "The GUI never
freezes": anything over about 50 ms runs off the UI thread).

    python -m benchmarks.ui_session --folder FOLDER [--watchdog STACKS] [--json OUT] [--repeat N]
    python -m benchmarks.ui_session --smoke          (a tiny generated folder, the quick steps only)

FOLDER holds a few hundred pictures in class folders and some loose ones to label (the clip-art set of
`benchmarks/real_pictures_manifest.json` copied out, say). It is worked on a copy: the session labels, renames a
class and writes a run. The window does what a user would, one action at a time: open the folder, every page,
scroll the grid, the viewer, label 20 pictures by key, undo, rename a class, quick training, Evaluate (confusion
matrix cell, gallery, heat maps), Classify a folder and one image, one ONNX export, the theme and language,
the preferences, shortcuts and about dialogs. The 10 ms timer of `benchmarks.ui_latency` files each tick's
lateness under the action that ran; with --watchdog every thread's stack is written whenever the UI thread
misses 50 ms, headed by the action. Dialogs that would wait for an answer are answered by the script (a class
list and a name for the rename, No to the restart question, OK to about).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks.ui_latency import Ticks, open_window, pump

LATE_S = 0.050  # the bar: stacks for every gap over it


class Session:
    """Runs actions on the window; each one's ticks are filed under its name."""

    def __init__(self, app: Any, w: Any, ticks: Ticks, smoke: bool, profile: bool = False) -> None:
        self.app, self.w, self.ticks, self.smoke = app, w, ticks, smoke
        self.order: list[str] = []
        self.profiles: dict[str, cProfile.Profile] = {}  # with --profile: the UI thread's calls, per action
        self.profile = profile

    def act(self, name: str, do: Callable[[], object], until: Callable[[], bool] | None = None,
            settle_s: float = 0.4, limit_s: float = 300.0) -> None:
        """Do it, wait for what it started (at most limit_s), then let the window settle."""
        self.ticks.phase = name
        if name not in self.order:
            self.order.append(name)
        prof = self.profiles.setdefault(name, cProfile.Profile()) if self.profile else None
        if prof is not None:
            prof.enable()  # (this thread's calls only: the UI thread's)
        do()
        if until is not None:
            pump(self.app, until=until, limit_s=limit_s)
        pump(self.app, settle_s)
        if prof is not None:
            prof.disable()
        self.ticks.phase = "between actions"


def answer_modal(app: Any, after_ms: int, accept: bool) -> None:
    """Close the modal dialog shown by then (a message box's question or an about box) as a user would."""
    from PySide6.QtCore import QTimer

    def close() -> None:
        box = app.activeModalWidget()
        if box is None:
            QTimer.singleShot(50, close)
        elif accept:
            box.accept()
        else:
            box.reject()

    QTimer.singleShot(after_ms, close)


def data_steps(s: Session, folder: Path) -> None:
    from desktop_cls.gui.state import PageKey
    from desktop_cls.gui.widgets.image_viewer import viewer_of

    w = s.w
    s.act("open the folder", lambda: w.open_dataset(folder), until=lambda: w.state.dataset is not None)
    s.act("health check (waiting)", lambda: None, until=lambda: not w.dataset_page.model.checking, limit_s=120)
    for key in PageKey:
        s.act(f"page: {key.value}", partial(w.show_page, key))
    page = w.dataset_page
    s.act("page: data", lambda: w.show_page(PageKey.DATA))
    bar = page.thumbs.verticalScrollBar()
    for step in range(21):
        s.act("scroll the grid", partial(bar.setValue, bar.maximum() * step // 20), settle_s=0.08)
    s.act("viewer: open", lambda: page.view_thumbnail(3))
    viewer = viewer_of(page)
    if viewer is not None:
        for _ in range(3):
            s.act("viewer: next picture", viewer._next)
        s.act("viewer: close", viewer.close)


def label_steps(s: Session, folder: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from desktop_cls.gui.pages.label import label_classes

    w = s.w
    lp = w.label_page
    s.act("page: label", lambda: w.show_page("label"))
    w.activateWindow()
    lp.setFocus()
    keys = [getattr(Qt.Key, f"Key_{n}") for n in range(1, 10)]
    for i in range(min(20, len(lp.model.queue))):
        s.act("label: number key", partial(QTest.keyClick, lp, keys[i % 9]), settle_s=0.15)
    s.act("label: undo (Ctrl+Z)", lambda: QTest.keyClick(lp, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier))
    pump(s.app, until=lambda: w.state.dataset is not None and not lp.model.moving, limit_s=30)
    classes = sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    old = classes[-1]
    label_classes.ask_item = lambda *_a, **_k: (old, True)  # the dialogs' answers
    label_classes.ask_text = lambda *_a, **_k: (old + "_renamed", True)
    s.act("label: rename a class", lp.classes.rename_class,
          until=lambda: (folder / (old + "_renamed")).is_dir(), settle_s=1.5, limit_s=30)


def train_steps(s: Session) -> None:
    w = s.w
    tp = w.train_page
    s.act("page: train", lambda: w.show_page("train"))
    combo = tp.form.method_choice.combo
    s.act("train: choose the quick method", lambda: combo.setCurrentIndex(combo.findData("quick")))
    if s.smoke:
        tp.form.image_size_spin.setValue(64)
    s.act("train: device cpu", lambda: tp.form.device_combo.setCurrentIndex(tp.form.device_combo.findData("cpu")))
    before = w.state.run
    s.act("train: quick training (running)", tp.start,
          until=lambda: tp.training.task is None and w.state.run not in (None, before), limit_s=600, settle_s=1.0)


def evaluate_steps(s: Session) -> None:
    w = s.w
    ev = w.evaluate_page
    s.act("page: evaluate", lambda: w.show_page("evaluate"))
    s.act("evaluate (running)", ev.evaluate, until=lambda: ev.model.result is not None, limit_s=300, settle_s=1.0)
    s.act("evaluate: a confusion-matrix cell", lambda: ev.show_cell(0, 1))
    gallery = ev.mistakes
    tabs = gallery.parentWidget()
    while tabs is not None and not hasattr(tabs, "setCurrentWidget"):
        tabs = tabs.parentWidget()
    if tabs is not None:
        s.act("evaluate: the images tab", lambda: tabs.setCurrentWidget(gallery))
    s.act("evaluate: heat maps (running)", lambda: gallery.heatmap_check.setChecked(True),
          until=lambda: bool(gallery.heatmap_pictures), limit_s=120, settle_s=1.0)
    if gallery.shown:
        s.act("evaluate: a mistake selected", lambda: gallery.view.setCurrentIndex(gallery.model.index(0, 0))
              if hasattr(gallery, "view") and hasattr(gallery, "model") else None)


def classify_steps(s: Session, folder: Path) -> None:
    w = s.w
    cp = w.classify_page
    s.act("page: classify", lambda: w.show_page("classify"), until=lambda: cp.model.loaded, limit_s=60)
    sub = next(p for p in sorted(folder.iterdir()) if p.is_dir())
    ended: list[bool] = []
    files_ended = cp._files_ended

    def classify(paths: list[str]) -> None:
        ended.clear()
        def files_done(finished: bool) -> None:
            ended.append(finished)
            files_ended(finished)

        cp._files_ended = files_done
        cp.classify_paths(paths)

    done = lambda: bool(ended)  # noqa: E731
    s.act("classify a folder (running)", lambda: classify([str(sub)]), until=done, limit_s=120)
    s.act("classify: a result row", lambda: cp.results.table.selectRow(2) if hasattr(cp.results, "table") else None)
    one = next(sub.iterdir())
    s.act("classify one image (running)", lambda: classify([str(one)]), until=done, limit_s=60)


def export_steps(s: Session, dest: Path) -> None:
    w = s.w
    xp = w.export_page
    s.act("page: export", lambda: w.show_page("export"))
    xp.dest_edit.setText(str(dest))
    for fmt, c in xp.checks.items():
        c.setChecked(fmt == "onnx")
    s.act("export ONNX (running)", xp.export, until=xp.buttons["exportButton"].isEnabled, limit_s=300)


def window_steps(s: Session) -> None:
    from desktop_cls.gui.shell.shortcut_list import show_shortcuts

    w, menus = s.w, s.w.menus
    for theme in ("dark", "light"):
        if theme in menus.theme_actions:
            s.act(f"theme: {theme}", partial(menus.choose_theme, theme))
    other = next((k for k in menus.language_actions if k != w.state.settings.language), None)
    if other is not None:
        answer_modal(s.app, 300, accept=False)  # "restart now?": no
        s.act("language: another (no restart)", lambda: menus.choose_language(other))
    dialog: list[Any] = []
    s.act("preferences: open", lambda: dialog.append(menus.show_preferences()))
    s.act("preferences: close", lambda: dialog[0].reject())
    s.act("keyboard shortcuts: open", lambda: dialog.append(show_shortcuts(w)))
    s.act("keyboard shortcuts: close", lambda: dialog[-1].close())
    answer_modal(s.app, 300, accept=True)
    s.act("about", menus.about)


def session(s: Session, folder: Path, tmp: Path) -> None:
    data_steps(s, folder)
    label_steps(s, folder)
    if s.smoke:
        return
    train_steps(s)
    evaluate_steps(s)
    classify_steps(s, folder)
    export_steps(s, tmp / "exports")
    window_steps(s)


def report(ticks: Ticks, order: list[str]) -> list[dict[str, Any]]:
    rows = []
    for name in order:
        late = ticks.late.get(name, [0.0])
        rows.append({"action": name, "ticks": len(late), "max_ms": round(max(late), 1),
                     "over_50ms": sum(x > 50 for x in late)})
    return rows


def profiles(s: Session, rows: list[dict[str, Any]]) -> str:
    """The UI thread's own calls (cumulative, the 25 costliest) in each action that stalled over 50 ms."""
    out = io.StringIO()
    for r in rows:
        if r["over_50ms"] and r["action"] in s.profiles:
            out.write(f"##### {r['action']}: max {r['max_ms']} ms\n")
            stats = pstats.Stats(s.profiles[r["action"]], stream=out)
            stats.sort_stats("cumulative").print_stats(r"desktop_cls|PySide6|pyqtgraph|qtawesome", 25)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folder", type=Path, help="class folders and loose pictures (worked on a copy)")
    ap.add_argument("--smoke", action="store_true", help="a small generated folder; data and label steps only")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--profile", type=Path, help="the UI thread's calls in each action over 50 ms, written here")
    ap.add_argument("--watchdog", type=Path, help="every thread's stack whenever the UI thread misses 50 ms")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="desktop_cls_session_"))
    for name in ("DATA", "CONFIG", "CACHE", "LOG"):
        os.environ[f"DESKTOP_CLS_{name}_DIR"] = str(tmp / name.lower())
    folder = tmp / "data"
    if args.folder is not None:
        shutil.copytree(args.folder, folder)
    else:
        from benchmarks.large_folder import write_folder

        write_folder(folder, 60)
        for i, src in enumerate(sorted(folder.glob("*/*.png"))[:8]):
            shutil.copy(src, folder / f"loose_{i}.png")

    app, w = open_window()
    load_before = os.getloadavg()
    ticks = Ticks(args.watchdog, late_s=LATE_S)
    s = Session(app, w, ticks, args.smoke, profile=args.profile is not None)
    ticks.start()
    try:
        session(s, folder, tmp)
    finally:
        ticks.stop()
        w.shutdown()
    rows = report(ticks, s.order)
    print(f"load (1, 5, 15 min) before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
          f"after {os.getloadavg()[0]:.2f}")
    for r in sorted(rows, key=lambda r: -r["max_ms"]):
        print(f"  {r['action']:<40} max {r['max_ms']:7.1f} ms  over 50 ms {r['over_50ms']:3d} of {r['ticks']}")
    if args.profile is not None:
        args.profile.write_text(profiles(s, rows))
    if args.json:
        args.json.write_text(json.dumps({"load_before": load_before, "load_after": os.getloadavg(), "actions": rows},
                                        indent=2))
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

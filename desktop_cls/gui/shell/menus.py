"""The window's menus: File, Edit, View, Go, Train, Help, and what their choices change.

Standard keys come from QKeySequence.StandardKey where the platform has one (⌘ on macOS), with the
usual key where it has none; Preferences, About and Quit carry their menu roles, so macOS puts them in
the application menu. View → Language saves the choice and offers a restart (a language is loaded at
start); View → Theme switches at once. Every choice is written to the settings as it is made.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu

from desktop_cls.core.i18n import isolated
from desktop_cls.gui.shell import restart
from desktop_cls.gui.shell.labeling_undo import LabelingUndo
from desktop_cls.gui.shell.language import LANGUAGE_NAMES
from desktop_cls.gui.shell.shortcut_list import show_shortcuts
from desktop_cls.gui.state import PageKey
from desktop_cls.gui.widgets import theme
from desktop_cls.gui.widgets.dialogs import inform
from desktop_cls.gui.widgets.literal_text import action_text, literal

LANGUAGES = ("system", "en", "zh_CN")
LANGUAGE_OBJECTS = {"system": "languageSystem", "en": "languageEn", "zh_CN": "languageZh"}
THEME_OBJECTS = {"system": "themeSystem", "light": "themeLight", "dark": "themeDark"}


def standard_keys(key: QKeySequence.StandardKey, fallback: str) -> list[QKeySequence]:
    """The platform's keys for a standard action, or `fallback` where it has none (Quit on Windows,
    Preferences outside macOS)."""
    keys = QKeySequence.keyBindings(key)
    return keys or [QKeySequence(fallback)]


class WindowMenus(QObject):
    """Builds the menu bar of `window` (a MainWindow: its pages, state and actions) and keeps its actions."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.state = window.state
        self.actions: dict[str, QAction] = {}
        self.language_actions: dict[str, QAction] = {}
        self.theme_actions: dict[str, QAction] = {}
        self.preferences_dialog: Any = None
        mb = window.menuBar()
        self._file_menu(mb.addMenu(self.tr("&File")))
        self._edit_menu(mb.addMenu(self.tr("&Edit")))
        self._view_menu(mb.addMenu(self.tr("&View")))
        self._go_menu(mb.addMenu(self.tr("&Go")))
        self._train_menu(mb.addMenu(self.tr("&Train")))
        self._help_menu(mb.addMenu(self.tr("&Help")))

    def _add(self, menu: QMenu, name: str, text: str, slot: Any, keys: Any = None) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        if isinstance(keys, list):
            action.setShortcuts(keys)
        elif keys is not None:
            action.setShortcut(keys)
        action.triggered.connect(lambda _=False: slot())
        menu.addAction(action)
        self.actions[name] = action
        return action

    # ---- the menus -----------------------------------------------------------------------------
    def _file_menu(self, menu: QMenu) -> None:
        w = self.window
        for a in (a for a in w.pages[PageKey.DATA].page_actions() if a.in_menu):  # Open folder, demo dataset
            self._add(menu, a.object_name, a.text, a.slot, QKeySequence(a.shortcut) if a.shortcut else None)
        self.recent_menu = menu.addMenu(self.tr("Open &recent"))
        self.recent_menu.setObjectName("recentFoldersMenu")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.recent_runs_menu = menu.addMenu(self.tr("Recent r&uns"))
        self.recent_runs_menu.setObjectName("recentRunsMenu")
        self.recent_runs_menu.aboutToShow.connect(self._fill_recent_runs)
        self._add(menu, "openModelAction", self.tr("Open &model or run…"), self.open_model, QKeySequence("Ctrl+M"))
        menu.addSeparator()
        quit_ = self._add(menu, "quitAction", self.tr("&Quit"), w.close,
                          standard_keys(QKeySequence.StandardKey.Quit, "Ctrl+Q"))
        quit_.setMenuRole(QAction.MenuRole.QuitRole)

    def _edit_menu(self, menu: QMenu) -> None:
        w = self.window
        self.undo = LabelingUndo(self.state, w.label_page.undo, w.label_page.redo, w, w.label_page.steps.busy)
        w.label_page.steps.busy_changed.connect(self.undo.update)
        for action, label in ((self.undo.undo_action, self.tr("Undo the last labeling step")),
                              (self.undo.redo_action, self.tr("Redo the labeling step undone last"))):
            action.setProperty("shortcutLabel", label)  # the F1 list: the menu text changes with each step
            menu.addAction(action)
            self.actions[action.objectName()] = action
        menu.addSeparator()
        prefs = self._add(menu, "preferencesAction", self.tr("&Preferences…"), self.show_preferences,
                          standard_keys(QKeySequence.StandardKey.Preferences, "Ctrl+,"))
        prefs.setMenuRole(QAction.MenuRole.PreferencesRole)

    def _view_menu(self, menu: QMenu) -> None:
        s = self.state.settings
        languages = menu.addMenu(self.tr("&Language"))
        languages.setObjectName("languageMenu")
        group = QActionGroup(self)
        names = {"system": self.tr("System"), **LANGUAGE_NAMES}  # a language's name in its own language
        for code in LANGUAGES:
            a = self._add(languages, LANGUAGE_OBJECTS[code], names[code], lambda c=code: self.choose_language(c))
            a.setCheckable(True)
            a.setChecked(s.language == code)
            group.addAction(a)
            self.language_actions[code] = a
        themes = menu.addMenu(self.tr("&Theme"))
        themes.setObjectName("themeMenu")
        group = QActionGroup(self)
        labels = {"system": self.tr("System"), "light": self.tr("Light"), "dark": self.tr("Dark")}
        for code in theme.THEMES:
            a = self._add(themes, THEME_OBJECTS[code], labels[code], lambda c=code: self.choose_theme(c))
            a.setCheckable(True)
            a.setChecked(s.theme == code)
            group.addAction(a)
            self.theme_actions[code] = a

    def _go_menu(self, menu: QMenu) -> None:
        w = self.window
        for i, key in enumerate(w.page_keys()):
            self._add(menu, f"go{key.capitalize()}Action", w.page_title(key), lambda k=key: w.show_page(k),
                      QKeySequence(f"Ctrl+{i + 1}"))

    def _train_menu(self, menu: QMenu) -> None:
        """What the Train and Evaluate pages declare (PageAction), in their order."""
        w = self.window
        for key in (PageKey.TRAIN, PageKey.EVALUATE):
            for a in (a for a in w.pages[key].page_actions() if a.in_menu):
                slot = (lambda a=a, key=key: (w.show_page(key), a.slot())) if a.shows_page else a.slot
                action = self._add(menu, a.object_name, a.text, slot,
                                   QKeySequence(a.shortcut) if a.shortcut else None)
                if a.tip:
                    action.setToolTip(a.tip)

    def _help_menu(self, menu: QMenu) -> None:
        self._add(menu, "shortcutsAction", self.tr("&Keyboard shortcuts"), lambda: show_shortcuts(self.window),
                  QKeySequence("F1"))
        about = self._add(menu, "aboutAction", self.tr("&About desktop_cls"), self.about)
        about.setMenuRole(QAction.MenuRole.AboutRole)

    # ---- choices -------------------------------------------------------------------------------
    def choose_language(self, choice: str) -> None:
        """Save the language and offer to restart into it (the window is built in one language)."""
        s = self.state.settings
        self.language_actions[choice].setChecked(True)
        if s.language == choice:
            return
        s.language = choice
        self.state.settings_changed.emit(True)
        text = self.tr("The new language is used from the next start. Restart desktop_cls now? A running "
                       "training is asked about first.")
        if restart.offer_restart(self.window, text):
            restart.restart_app(self.window)

    def choose_theme(self, choice: str) -> None:
        """Switch at once (the palette, and the views that follow it) and remember the choice."""
        self.theme_actions[choice].setChecked(True)
        theme.apply_theme(choice)
        if self.state.settings.theme != choice:
            self.state.settings.theme = choice
            self.state.settings_changed.emit(True)

    def show_preferences(self) -> Any:
        from desktop_cls.gui.shell.preferences import PreferencesDialog

        if self.preferences_dialog is None:
            self.preferences_dialog = PreferencesDialog(self.window, self)
        self.preferences_dialog.refresh()
        self.preferences_dialog.open()
        return self.preferences_dialog

    # ---- File menu helpers ---------------------------------------------------------------------
    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        folders = self.state.settings.recent_folders
        if not folders:
            self.recent_menu.addAction(self.tr("No recent folders")).setEnabled(False)
        for f in folders:
            a = self.recent_menu.addAction(action_text(f))
            a.triggered.connect(lambda _=False, p=f: self.window.open_recent(p))

    def _fill_recent_runs(self) -> None:
        self.recent_runs_menu.clear()
        runs = [r for r in self.state.settings.recent_runs if Path(r).exists()]
        if not runs:
            self.recent_runs_menu.addAction(self.tr("No recent runs")).setEnabled(False)
        for r in runs:  # the folder each was trained on, and which one the pages use now (a path said neither)
            a = self.recent_runs_menu.addAction(action_text(self._run_label(r)))
            a.setToolTip(literal(r))
            a.setCheckable(True)
            a.setChecked(r == self.state.run)
            a.triggered.connect(lambda _=False, p=r: self.state.set_run(p))
        self.recent_runs_menu.setToolTipsVisible(True)

    def _run_label(self, run: str) -> str:
        from desktop_cls.gui.state import RunInfo

        root = RunInfo.read(run).dataset_root
        return self.tr("{run} (trained on {folder})").format(run=isolated(Path(run).name),
                                                                      folder=isolated(Path(root).name)) if root \
            else Path(run).name

    def open_model(self) -> None:
        from desktop_cls.core.storage import default_runs_dir

        runs = default_runs_dir()
        path, _ = QFileDialog.getOpenFileName(self.window, self.tr("Open a model"),
                                              str(runs if runs.is_dir() else Path.home()),
                                              self.tr("Models") + " (*.safetensors *.onnx *.torchscript *.pt *.pth "
                                                                  "run.json)")
        if path:
            from desktop_cls.gui.pages.train.run_without_model import run_without_model

            p = Path(path)
            chosen = str(p.parent if p.name == "run.json" else p)
            if (why := run_without_model(chosen)) is not None:  # as Past runs says it: Evaluate could not open it
                inform(self.window, self.tr("No model in this run"), why)
                return
            self.state.set_run(chosen)

    def about(self) -> None:
        from desktop_cls import __version__

        inform(self.window, self.tr("About desktop_cls"),
               self.tr("desktop_cls {version}\nTrain image classifiers on your own computer, "
                       "offline.").format(version=__version__) + "\n\n" +
               self.tr("Bundled network weights: EfficientNet-Lite0 and EfficientNet-Lite2 (ImageNet), "
                       "Apache License 2.0, © 2020 ML Illustrated, converted from Google's "
                       "TensorFlow checkpoints."))

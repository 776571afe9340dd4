"""Edit → Preferences: language, theme, default device and the data folder, each saved as it changes.

Language and theme go through the same choices as the View menu (so both always agree). The default
device is what the Train form starts on; the data folder is where new runs, models and caches go
(core.storage), checked for real before it is taken, with the folder and the fix named when it cannot be.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStatusBar,
    QVBoxLayout,
)

from desktop_cls.core import storage
from desktop_cls.core.data import data_folder
from desktop_cls.core.i18n import isolated
from desktop_cls.gui.settings import Settings
from desktop_cls.gui.shell.language import LANGUAGE_NAMES
from desktop_cls.gui.widgets.dialogs import existing_folder, warn
from desktop_cls.gui.widgets.literal_text import literal
from desktop_cls.gui.widgets.theme import THEMES
from desktop_cls.gui.work.tasks import Lane, TaskRunner

if TYPE_CHECKING:
    from desktop_cls.gui.state import AppState


def apply_data_folder(settings: Settings) -> str | None:
    """Point the engine at the chosen data folder; when it cannot be written (a disk unplugged), the
    default folder is used this time and the notice says so (the setting stays for next time)."""
    folder = settings.data_folder
    problem = data_folder.problem(folder) if folder else None  # (a settings file may come from someone else)
    storage.set_data_folder(folder if folder and problem is None else None)
    if problem is None:
        return None
    return QCoreApplication.translate(
        "PreferencesDialog", "The data folder {folder} cannot be used ({reason}); new runs go to {default} this time. "
        "Choose another folder in Preferences, or connect the disk it is on.").format(
        folder=isolated(folder), reason=problem, default=isolated(str(storage.default_data_dir())))


def show_settings_problem(label: QLabel, problem: str) -> None:
    """The settings could not be written (or can again, `problem` empty): a short word in the status bar, the
    file and the fix in its tooltip and, the first time it happens, in a message the user cannot miss."""
    full = QCoreApplication.translate("Preferences", "Your settings could not be saved: {problem}. The app goes on "
                                      "with them and tries again at the next change.").format(problem=problem)
    first = not label.text()
    label.setText(QCoreApplication.translate("Preferences", "Settings not saved") if problem else "")
    label.setToolTip(literal(full) if problem else "")
    if problem and first:
        warn(label.window(), QCoreApplication.translate("Preferences", "Settings"), full)


def watch_cache_folder(bar: QStatusBar, tasks: TaskRunner, state: AppState) -> QLabel:
    """The cache folder (thumbnails, image features) cannot be written (XDG_CACHE_HOME on a file, a read-only
    disk): the caches quietly did nothing and the app was slower. Tried at the start and whenever Preferences
    chooses another data folder (the caches move with it), off the UI thread (it may be a network folder); when
    it fails, a word in the status bar with the folder and the fix in its tooltip, gone when a later folder works."""
    label = QLabel("")
    label.setObjectName("cacheStatus")
    bar.addPermanentWidget(label)

    def show(folder: Path, problem: str | None) -> None:
        if not shiboken6.isValid(label) or folder != storage.user_cache_dir():
            return  # closed, or the answer about a folder since left
        label.setText(QCoreApplication.translate("Preferences", "No cache") if problem else "")
        label.setToolTip(literal(QCoreApplication.translate(
            "Preferences", "The cache folder {folder} cannot be written ({reason}), so thumbnails and image features "
            "are worked out again each time and the app is slower. Make that folder writable and restart the app "
            "(on Linux, XDG_CACHE_HOME says where it is), or choose another data folder in Preferences.").format(
            folder=isolated(str(folder)), reason=problem)) if problem else "")

    def check() -> None:
        folder = storage.user_cache_dir()
        # the settings lane: the app's own files, one request at a time, not shown as the user's work
        tasks.start("cache folder", lambda progress, cancel: storage.writable_problem(folder),
                    lambda problem: show(folder, problem), lane=Lane.SETTINGS)

    check()
    state.data_folder_changed.connect(check)
    return label


class PreferencesDialog(QDialog):
    """`menus` is the window's WindowMenus (its choose_language / choose_theme)."""

    def __init__(self, window: Any, menus: Any) -> None:
        super().__init__(window)
        self.window_ = window
        self.menus = menus
        self.state = window.state
        self.setObjectName("preferencesDialog")
        self.setWindowTitle(self.tr("Preferences"))
        self._filling = False
        self._add_choices()
        form = QFormLayout()
        form.addRow(self.tr("&Language:"), self.language_combo)
        form.addRow(self.tr("&Theme:"), self.theme_combo)
        form.addRow(self.tr("Default &device:"), self.device_combo)
        self._add_data_folder_row(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 55)
        self.state.core_ready.connect(self.refresh)

    def _add_choices(self) -> None:
        """Language, theme and default device: combo boxes that take effect as they change."""
        self.language_combo = QComboBox()
        self.language_combo.setObjectName("languageCombo")
        self.language_combo.addItem(self.tr("System"), "system")
        for code, name in LANGUAGE_NAMES.items():
            self.language_combo.addItem(name, code)
        self.language_combo.setToolTip(self.tr("Used from the next start; asked about when this dialog closes"))
        self.theme_combo = QComboBox()
        self.theme_combo.setObjectName("themeCombo")
        labels = {"system": self.tr("System"), "light": self.tr("Light"), "dark": self.tr("Dark")}
        for code in THEMES:
            self.theme_combo.addItem(labels[code], code)
        self.theme_combo.currentIndexChanged.connect(self._theme_changed)
        self.device_combo = QComboBox()
        self.device_combo.setObjectName("defaultDeviceCombo")
        self.device_combo.setToolTip(self.tr("The device the Train form starts on; each run can still choose "
                                             "another"))
        self.device_combo.currentIndexChanged.connect(self._device_changed)

    def _add_data_folder_row(self, form: QFormLayout) -> None:
        """Where new runs, models and caches go: the folder, Choose…, Use the default, and what a change does."""
        self.folder_edit = QLineEdit()
        self.folder_edit.setObjectName("dataFolderEdit")
        self.folder_edit.setReadOnly(True)
        choose = QPushButton(self.tr("Choose…"))
        choose.setObjectName("chooseDataFolderButton")
        choose.clicked.connect(self.browse_data_folder)
        self.default_button = QPushButton(self.tr("Use the default"))
        self.default_button.setObjectName("defaultDataFolderButton")
        self.default_button.clicked.connect(lambda: self.set_data_folder(""))
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(choose)
        folder_row.addWidget(self.default_button)
        folder_note = QLabel(self.tr("New runs and models are saved here, caches in its “cache” folder. "
                                     "Runs already made stay where they are."))
        folder_note.setWordWrap(True)
        folder_label = QLabel(self.tr("Data &folder:"))
        folder_label.setBuddy(choose)  # a row of several widgets gets no buddy by itself: Alt+F needs one
        form.addRow(folder_label, folder_row)
        form.addRow("", folder_note)

    def refresh(self) -> None:
        """Show the settings as they are now (the View menu or a restart may have changed them)."""
        s = self.state.settings
        self._filling = True
        try:
            if not self.isVisible():  # open, the box holds a choice that closing the dialog applies
                self.language_combo.setCurrentIndex(max(self.language_combo.findData(s.language), 0))
            self.theme_combo.setCurrentIndex(max(self.theme_combo.findData(s.theme), 0))
            self._fill_devices(s.default_device)
            self.folder_edit.setText(s.data_folder or str(storage.default_data_dir()))
            self.folder_edit.setToolTip(literal(self.folder_edit.text()))
            self.default_button.setEnabled(bool(s.data_folder))
        finally:
            self._filling = False

    def _fill_devices(self, current: str) -> None:
        combo = self.device_combo
        combo.clear()
        combo.addItem(self.tr("Automatic (GPU if present)"), "auto")
        combo.addItem(self.tr("CPU"), "cpu")
        for d in self.state.devices:
            if d.id != "cpu":
                mem = self.tr(" ({gb:.0f} GB)").format(gb=d.memory_mb / 1024) if d.memory_mb else ""
                combo.addItem(f"{d.id} — {d.name}{mem}", d.id)
        if combo.findData(current) < 0:  # a GPU the engine has not reported (yet, or any more)
            text = (self.tr("{device} (not found yet)") if not self.state.core_loaded
                    else self.tr("{device} (not found on this computer)"))
            combo.addItem(text.format(device=current), current)
        combo.setCurrentIndex(combo.findData(current))

    # ---- changes -------------------------------------------------------------------------------
    def done(self, result: int) -> None:
        """Closing (Close, Esc, the title bar) applies a new language once: arrowing through the list must not
        ask about a restart at every step."""
        choice = self.language_combo.currentData()
        super().done(result)
        if choice is not None and choice != self.state.settings.language:
            self.menus.choose_language(choice)

    def _theme_changed(self) -> None:
        if not self._filling:
            self.menus.choose_theme(self.theme_combo.currentData())

    def _device_changed(self) -> None:
        device = self.device_combo.currentData()
        if self._filling or device is None or device == self.state.settings.default_device:
            return
        self.state.settings.default_device = device
        self.state.settings_changed.emit(True)
        self.window_.use_default_device()

    def browse_data_folder(self) -> None:
        start = existing_folder(self.state.settings.data_folder or storage.default_data_dir())
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder for runs, models and caches"), start)
        if folder:
            self.set_data_folder(folder)

    def set_data_folder(self, folder: str) -> bool:
        """Take `folder` ("" for the default) when files can be written there; else say which folder, why
        and what to do, and keep the current one."""
        problem = data_folder.problem(folder, create=True) if folder else None
        if problem is not None:
            warn(self, self.tr("Cannot use this folder"),
                 self.tr("desktop_cls cannot use {folder} for its runs and caches ({reason}).\n\n"
                         "Choose a folder you can write to (one in your home folder, or on a disk "
                         "with free space).")
                                .format(folder=isolated(str(folder)), reason=problem))
            return False
        self.state.settings.data_folder = folder
        storage.set_data_folder(folder or None)
        self.state.settings_changed.emit(True)
        self.state.data_folder_changed.emit()
        self.refresh()
        return True


"""The window's language: our .qm catalogue plus Qt's own (standard dialogs), and the engine's gettext.

English is the source language, but its catalogue holds the plural forms of the texts that count something
(Qt's numerus: `tr("%n image(s)", "", n)` reads "1 image" / "2 images" only through a translator).

One call, `install_language`, sets all three, so the GUI's strings, the buttons of Qt's standard
dialogs and the messages that come from the engine agree.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLibraryInfo, QLocale, QTranslator

from desktop_cls.core import i18n
from desktop_cls.resources_path import resource

# Display names are shown in their own language, as language menus do.
LANGUAGE_NAMES = {"en": "English", "zh_CN": "简体中文"}

_installed: list[QTranslator] = []

# Qt 6's file dialog labels with accelerators, and the type its file list gives a folder (a context Qt 6 renamed),
# which Qt's own zh_CN catalogue lacks; ours carries them (it is asked first), so the dialog is not half English.
QT_CATALOGUE_GAPS = (QT_TRANSLATE_NOOP("QFileDialog", "&Look in:"),
                     QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:"),
                     QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "Folder"),
                     QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "Drive"),
                     QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "File"))


def qm_path(language: str) -> str:
    return str(resource("i18n") / f"desktop_cls_{language}.qm")


def qt_translation_dirs() -> list[str]:
    """Where Qt's own catalogues (qtbase_*.qm: standard buttons, the file dialog) may be: where Qt says (the qt.conf
    PySide6 embeds points it into the package, in a wheel, an editable install and the bundle alike), then the
    package's own folders (PySide6/Qt/translations on Linux and macOS, PySide6/translations on Windows), should
    Qt's answer be a build machine's path."""
    import PySide6

    package = Path(PySide6.__file__).resolve().parent
    found = [QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
             str(package / "Qt" / "translations"), str(package / "translations")]
    return list(dict.fromkeys(d for d in found if d))


def load_qt_catalogue(translator: QTranslator, language: str) -> bool:
    """Qt's own catalogue for `language` into `translator`, from the first folder that has it."""
    return any(translator.load(f"qtbase_{language}", folder) for folder in qt_translation_dirs())


def system_language() -> str:
    """The supported language the system asks for: Qt's locale (the OS setting), else the environment."""
    for name in QLocale.system().uiLanguages():
        match = i18n.match_language(name)
        if match:
            return match
    return i18n.system_language()


def install_language(choice: str | None) -> str:
    """Load the translators for `choice` ('en', 'zh_CN' or None/'system'); returns the language in use."""
    app = QCoreApplication.instance()
    language = (i18n.match_language(choice) if choice and choice != "system" else None) or system_language()
    for translator in _installed:
        if app is not None:
            app.removeTranslator(translator)
    _installed.clear()
    i18n.set_language(language)
    if app is not None:
        if language != "en":  # Qt's own texts first: ours, installed last, is asked first
            qt = QTranslator(app)
            if load_qt_catalogue(qt, language):
                app.installTranslator(qt)
                _installed.append(qt)
        # English needs a catalogue too, for its plural forms only: "%n image(s)" -> "1 image", "2 images"
        ours = QTranslator(app)
        if ours.load(f"desktop_cls_{language}", str(resource("i18n"))):
            app.installTranslator(ours)
            _installed.append(ours)
    if app is not None:
        QLocale.setDefault(QLocale(language))
    return language

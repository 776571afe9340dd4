"""The window's language: our .qm catalogue plus Qt's own (standard dialogs), and the engine's gettext.

English is the source language, but its catalogue holds the plural forms of the texts that count something
(Qt's numerus: `tr("%n image(s)", "", n)` reads "1 image" / "2 images" only through a translator).

One call, `install_language`, sets all three, so the GUI's strings, the buttons of Qt's standard
dialogs and the messages that come from the engine agree.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLibraryInfo, QLocale, QTranslator

from desktop_cls.core import i18n
from desktop_cls.resources_path import resource

# Display names are shown in their own language, as language menus do.
LANGUAGE_NAMES = {"en": "English", "zh_CN": "简体中文"}

_installed: list[QTranslator] = []

# Qt 6's file dialog labels with accelerators, which Qt's own zh_CN catalogue only has without them;
# ours carries them (it is asked first), so the dialog is not half English.
QT_CATALOGUE_GAPS = (QT_TRANSLATE_NOOP("QFileDialog", "&Look in:"),
                     QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:"))


def qm_path(language: str) -> str:
    return str(resource("i18n") / f"desktop_cls_{language}.qm")


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
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        # English needs a catalogue too, for its plural forms only: "%n image(s)" -> "1 image", "2 images"
        catalogues = [(f"desktop_cls_{language}", str(resource("i18n")))]
        if language != "en":
            catalogues.insert(0, (f"qtbase_{language}", qt_dir))
        for name, folder in catalogues:
            translator = QTranslator(app)
            if translator.load(name, folder):
                app.installTranslator(translator)
                _installed.append(translator)
    if app is not None:
        QLocale.setDefault(QLocale(language))
    return language

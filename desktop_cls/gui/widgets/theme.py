"""Light or dark: follow the system's colour scheme, or the user's choice from the View menu.

Qt 6.8's `QStyleHints.setColorScheme` switches where the platform can, and there the platform's own
style and palette stay (the native look); where it cannot (offscreen, some Linux desktops, a style with
no dark look) Fusion with an explicit palette does the same, so the choice always takes effect.
With the choice "system", a change of the system's scheme while the app runs is followed at once.

Views that paint with their own colours (plots, the confusion matrix, icons) repaint through
`follow_palette(widget, restyle)`, which calls `restyle` whenever the widget's palette changes (plots out of sight
when they are next shown); objects that are not widgets can connect to `theme_changes().changed`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

from desktop_cls.gui.widgets.colours import contrast
from desktop_cls.gui.widgets.indicator_style import VisibleIndicatorStyle, style_name

THEMES = ("system", "light", "dark")
MIN_TEXT_CONTRAST = 4.5  # WCAG AA for text


class ThemeNotifier(QObject):
    """Says when the app switched between light and dark: QApplication.palette() is the new one already;
    widgets get it (and their PaletteChange) as the event loop runs."""

    changed = Signal(bool)  # dark


class _State:
    choice = "system"
    notifier: ThemeNotifier | None = None
    notifier_app: QObject | None = None  # the application the notifier belongs to
    following_system = False  # connected to QStyleHints.colorSchemeChanged
    native_style: str | None = None  # the platform's style, before any switch to Fusion
    applying = False


def theme_changes() -> ThemeNotifier:
    """The app-wide notifier (one per QApplication; it lives as the application's child)."""
    app = QApplication.instance()
    if _State.notifier is None or _State.notifier_app is not app:
        _State.notifier, _State.notifier_app = ThemeNotifier(app), app
    return _State.notifier


def current_choice() -> str:
    """What apply_theme was last asked for: 'system', 'light' or 'dark'."""
    return _State.choice


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def dark_palette() -> QPalette:
    p = QPalette()
    window, base, text = QColor(45, 45, 48), QColor(30, 30, 32), QColor(230, 230, 230)
    for role, color in ((QPalette.ColorRole.Window, window), (QPalette.ColorRole.WindowText, text),
                        (QPalette.ColorRole.Base, base), (QPalette.ColorRole.AlternateBase, window),
                        (QPalette.ColorRole.Text, text), (QPalette.ColorRole.Button, window),
                        (QPalette.ColorRole.ButtonText, text), (QPalette.ColorRole.ToolTipBase, base),
                        (QPalette.ColorRole.ToolTipText, text), (QPalette.ColorRole.Highlight, QColor(42, 130, 218)),
                        (QPalette.ColorRole.HighlightedText, QColor(255, 255, 255)),
                        (QPalette.ColorRole.PlaceholderText, QColor(150, 150, 150)),
                        (QPalette.ColorRole.Link, QColor(110, 170, 255)),
                        (QPalette.ColorRole.LinkVisited, QColor(190, 150, 255)),
                        (QPalette.ColorRole.BrightText, QColor(255, 110, 110)),
                        (QPalette.ColorRole.Light, QColor(70, 70, 74)),
                        (QPalette.ColorRole.Midlight, QColor(58, 58, 62)), (QPalette.ColorRole.Mid, QColor(38, 38, 40)),
                        (QPalette.ColorRole.Dark, QColor(22, 22, 24)),
                        (QPalette.ColorRole.Shadow, QColor(0, 0, 0))):
        p.setColor(role, color)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(120, 120, 120))
    return p


def light_palette() -> QPalette:
    """Fusion's light palette, spelled out: on a dark desktop Fusion's own standard palette may be dark."""
    p = QPalette(QColor(239, 239, 239))
    for role, color in ((QPalette.ColorRole.Window, QColor(239, 239, 239)),
                        (QPalette.ColorRole.Base, QColor(255, 255, 255)),
                        (QPalette.ColorRole.AlternateBase, QColor(247, 247, 247)),
                        (QPalette.ColorRole.Text, QColor(0, 0, 0)), (QPalette.ColorRole.WindowText, QColor(0, 0, 0)),
                        (QPalette.ColorRole.ButtonText, QColor(0, 0, 0)),
                        (QPalette.ColorRole.Highlight, QColor(48, 140, 198)),
                        (QPalette.ColorRole.HighlightedText, QColor(255, 255, 255)),
                        (QPalette.ColorRole.ToolTipBase, QColor(255, 255, 220)),
                        (QPalette.ColorRole.ToolTipText, QColor(0, 0, 0)),
                        (QPalette.ColorRole.PlaceholderText, QColor(118, 118, 118))):
        p.setColor(role, color)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(190, 190, 190))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base, QColor(239, 239, 239))
    return p


def _show(dark: bool) -> None:
    """The platform's own style and palette where they show the scheme (native look, and Qt keeps them in
    step with the system); else Fusion with an explicit palette, which shows it everywhere."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if _State.native_style is None:
        _State.native_style = style_name(app.style())
    wanted = Qt.ColorScheme.Dark if dark else Qt.ColorScheme.Light
    native = QGuiApplication.styleHints().colorScheme() == wanted  # the platform says it shows this scheme
    if native:
        _native_style(app)
        app.setPalette(_readable_links(platform_palette()) if dark else platform_palette())
        native = is_dark(app.palette()) == dark  # a style without a dark look (Windows 10) keeps a light one
    if not native:
        if not isinstance(app.style(), VisibleIndicatorStyle):
            app.setStyle(VisibleIndicatorStyle())  # Fusion, with check boxes that show on a dark palette
        app.setPalette(dark_palette() if dark else light_palette())
    _tooltips_follow(app, dark)
    theme_changes().changed.emit(dark)


def platform_palette() -> QPalette:
    """The platform's own palette (what an application palette set earlier hides)."""
    return QPalette()


def _readable_links(palette: QPalette) -> QPalette:
    """A dark platform palette may keep the light one's link blue (Qt's GTK theme: #308cc6, 3.5:1 on its
    window): a link that reads under 4.5:1 on the window or the base takes our dark palette's colour."""
    ours = dark_palette()
    backgrounds = (palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.Base))
    for role in (QPalette.ColorRole.Link, QPalette.ColorRole.LinkVisited):
        if min(contrast(palette.color(role), bg) for bg in backgrounds) < MIN_TEXT_CONTRAST:
            palette.setColor(role, ours.color(role))
    return palette


def _tooltips_follow(app: QApplication, dark: bool) -> None:
    """Tooltips in the palette just set. Qt gives its tooltips a palette of their own, the platform theme's
    (Qt's GTK theme: light yellow with black text), which the application's palette does not reach: a dark
    window showed light yellow tooltips. In the dark, a light tooltip takes our dark palette's colours."""
    palette = QPalette(app.palette())
    base, text = QPalette.ColorRole.ToolTipBase, QPalette.ColorRole.ToolTipText
    if dark and palette.color(base).lightness() >= 128:
        ours = dark_palette()
        for role in (base, text):
            palette.setColor(role, ours.color(role))
    QToolTip.setPalette(palette)


def _native_style(app: QApplication) -> None:
    """The platform's style again. Where that is Fusion (Linux desktops), Fusion with visible indicators and focus
    frame: the same look, but a dark platform palette hides Fusion's own check box outlines as it hides ours, and
    its focus frame is faint in either scheme."""
    native = _State.native_style or ""
    if native.lower() == "fusion":
        if not isinstance(app.style(), VisibleIndicatorStyle):
            app.setStyle(VisibleIndicatorStyle())
    elif style_name(app.style()) != native:
        app.setStyle(native)


def _follow_system() -> None:
    if _State.following_system:
        return
    QGuiApplication.styleHints().colorSchemeChanged.connect(system_scheme_changed)
    _State.following_system = True


def system_scheme_changed(scheme: Qt.ColorScheme) -> None:
    """The system switched light/dark while the app runs: follow it when the user left the choice to the
    system (an explicit light or dark stays)."""
    if _State.choice != "system" or _State.applying:
        return
    if scheme == Qt.ColorScheme.Unknown:
        scheme = QGuiApplication.styleHints().colorScheme()
    _show(scheme == Qt.ColorScheme.Dark)


def apply_theme(choice: str) -> str:
    """Apply 'system', 'light' or 'dark'; returns the scheme now shown ('light' or 'dark')."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return "light"
    choice = choice if choice in THEMES else "system"
    _State.choice = choice
    _follow_system()
    hints = QGuiApplication.styleHints()
    wanted = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(choice, Qt.ColorScheme.Unknown)
    _State.applying = True  # setColorScheme may report the change back through colorSchemeChanged
    try:
        if hasattr(hints, "setColorScheme"):  # Qt >= 6.8; before it the palette below does it all
            hints.setColorScheme(wanted)
    finally:
        _State.applying = False
    dark = choice == "dark" or (choice == "system" and system_is_dark())
    _show(dark)
    return "dark" if dark else "light"


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether the palette in use is a dark one (plots and heat maps pick their colours by it)."""
    pal = palette or QApplication.palette()
    return pal.color(QPalette.ColorRole.Window).lightness() < 128


class _PaletteWatcher(QObject):
    """Lives as the widget's child (so it goes with it) and calls back on every palette change; when `when_shown`,
    for a widget out of sight (another page, another tab) once it is shown again, before it paints."""

    def __init__(self, widget: QWidget, restyle: Callable[[], None], when_shown: bool) -> None:
        super().__init__(widget)
        self.setObjectName("paletteWatcher")
        self._restyle = restyle
        self._when_shown = when_shown
        self._busy = False
        self.stale = False  # the palette changed while the widget was hidden
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.PaletteChange and not self._busy:
            if self._when_shown and isinstance(watched, QWidget) and not watched.isVisible():
                self.stale = True
            else:
                self._run()
        elif kind == QEvent.Type.Show and self.stale:
            self._run()
        return False

    def _run(self) -> None:
        self.stale = False
        self._busy = True  # a restyle that touches the palette must not call itself again
        try:
            self._restyle()
        finally:
            self._busy = False


def follow_palette(widget: QWidget, restyle: Callable[[], None], now: bool = True, when_shown: bool = False) -> None:
    """Call `restyle()` now (unless now=False) and whenever WIDGET's palette changes: a theme switch, the
    system's scheme, or a palette set on the widget itself. With `when_shown`, a change while WIDGET is hidden is
    followed when it is next shown, before it paints (for what only paints: a plot on another page or tab)."""
    _PaletteWatcher(widget, restyle, when_shown)
    if now:
        restyle()


def readable_on(background: QColor, palette: QPalette) -> QColor:
    """The palette's Text or Base colour, whichever reads better on BACKGROUND (text on a tinted cell)."""
    text, base = palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base)
    return text if contrast(text, background) >= contrast(base, background) else base

"""The Label page's class button: a click files the image shown into its class, a drop files the images dropped.

A class can have a 200-character name: the button shows it cut in the middle with "…" to fit its width (its
tooltip names the class whole), and asks for no more room than a short name would; a button as wide as the
name widened the page and the window. `ElidedButton` does that for other buttons named after a class (the
Classify page's capture buttons)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent, QPaintEvent, QPalette
from PySide6.QtWidgets import QPushButton, QSizePolicy, QStyle, QStyleOptionButton, QStylePainter

from desktop_cls.gui.widgets.common import accept_as_copy
from desktop_cls.gui.widgets.literal_text import action_text, literal
from desktop_cls.gui.widgets.thumbnail_drag import carries_files, dropped_paths

WIDEST = 24  # the letters a button asks room for ("1  " and a class name of 21): a longer name is elided


class ElidedButton(QPushButton):
    """A push button whose text (a class name) is cut in the middle with "…" when the button is narrower than it;
    it asks room for WIDEST letters at most, and may shrink to a few (a layout gives it less than its text)."""

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)  # narrower than its name

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        widest = self.fontMetrics().horizontalAdvance("M" * WIDEST)
        return QSize(min(hint.width(), widest + self._padding()), hint.height())

    def minimumSizeHint(self) -> QSize:
        """Room for a few letters and the "…": a long name is elided, it never widens the page."""
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self.fontMetrics().horizontalAdvance("M" * 6) + self._padding()),
                     hint.height())

    def _padding(self) -> int:
        """What the style draws around the text: the button's width less its text's."""
        return super().sizeHint().width() - self.fontMetrics().horizontalAdvance(self._shown())

    def _shown(self) -> str:
        """The text as drawn: the '&&' of action_text shows one '&'."""
        return self.text().replace("&&", "&")

    def style_option(self) -> QStyleOptionButton:
        """The style's option for the button, its text cut in the middle to the room there is (its end stays)."""
        option = QStyleOptionButton()
        self.initStyleOption(option)
        room, text = self.width() - self._padding(), self._shown()
        if self.fontMetrics().horizontalAdvance(text) > room:
            option.text = action_text(self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideMiddle, room))
        return option

    def paintEvent(self, event: QPaintEvent) -> None:
        QStylePainter(self).drawControl(QStyle.ControlElement.CE_PushButton, self.style_option())


class ClassDropButton(ElidedButton):
    """A class button that also takes images dropped on it (from any thumbnail grid or the file manager).

    With no image left to label a click has nothing to put in the class: `set_labeling(False)` greys the button
    and ignores clicks, yet leaves it enabled, since Qt hands no drop to a disabled widget and dropping images on
    a class still brings them into it. While a drag is over it, it shows as it does when it can act."""

    files_dropped = Signal(str, list)  # class name, file paths

    def __init__(self, text: str, class_name: str, name: str, tip: str = "") -> None:
        super().__init__(action_text(text))  # a class "R&D" shows its '&' (and takes no Alt+D)
        self.class_name, self._text = class_name, text
        self.setObjectName(name)
        self.setAccessibleName(text)
        self.setToolTip(literal(tip))
        self.setAcceptDrops(True)
        self.labeling = True
        self.dragged_over = False
        self._tip = tip

    def show_class(self, class_name: str, text: str, name: str, tip: str) -> None:
        """This button now stands for CLASS_NAME (a class renamed keeps its button); unchanged parts are left alone."""
        if (class_name, text, name, tip) == (self.class_name, self._text, self.objectName(), self._tip):
            return
        self.class_name, self._text, self._tip = class_name, text, tip
        self.setText(action_text(text))
        self.setObjectName(name)
        self.setAccessibleName(text)
        if self.labeling:  # (otherwise the page's set_labeling gives the drop tip of the new name)
            self.setToolTip(literal(tip))

    def set_labeling(self, on: bool, drop_tip: str) -> None:
        """Whether a click labels; when it cannot, the tip and the accessible description say what a drop does."""
        self.labeling = on
        self.setToolTip(literal(self._tip if on else drop_tip))
        self.setAccessibleDescription("" if on else drop_tip)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus if on else Qt.FocusPolicy.NoFocus)
        if not on and self.hasFocus():
            self.clearFocus()
        self.update()

    def hitButton(self, pos: QPoint) -> bool:
        return self.labeling and super().hitButton(pos)

    def paintEvent(self, event: QPaintEvent) -> None:
        option = self.style_option()
        if not (self.labeling or self.dragged_over):
            option.state &= ~QStyle.StateFlag.State_Enabled  # the greyed look of a button that cannot act
            option.state &= ~QStyle.StateFlag.State_MouseOver
            option.palette.setCurrentColorGroup(QPalette.ColorGroup.Disabled)
        QStylePainter(self).drawControl(QStyle.ControlElement.CE_PushButton, option)

    def _drag_over(self, on: bool) -> None:
        self.dragged_over = on
        self.update()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if carries_files(event.mimeData()):
            accept_as_copy(event)
            self._drag_over(True)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._drag_over(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._drag_over(False)
        paths = dropped_paths(event.mimeData())
        if paths:
            self.files_dropped.emit(self.class_name, paths)
            accept_as_copy(event)

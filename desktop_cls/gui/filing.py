"""The Label page's key presses still being filed (label_steps), as every page sees them: how many images wait, and
the work that must see them on disk first (opening a folder, training, evaluating, suggesting, an import, emptying
the trash, the Data page's changes, a capture's filing), held back until the last one is filed, then started in the
order asked.

Nothing here waits on the UI thread: held work is a callback run when the count falls to zero, so the window keeps
answering while a slow drive catches up, and the status bar says how many images are still being filed.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

from PySide6.QtCore import QCoreApplication, QObject, Signal

from desktop_cls.core.i18n import isolated


class Filing(QObject):
    """`count`: the labeling lane's steps not filed yet, as `images` (what its key presses and drops file) and
    `steps` (queued steps that name no image: a class step, an undo or a redo)."""

    changed = Signal(int)  # the count, or what follows it, changed (0: all filed)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.count = 0
        self.images = 0
        self.steps = 0
        self._held: list[tuple[str | None, Callable[[], object], str]] = []  # (key, work, what it is), in order

    def hold(self, work: Callable[[], object], what: str = "", key: str | None = None) -> bool:
        """Hold `work` back until the last image is filed (True), or nothing waits to be filed: the caller goes on
        now (False). A later request with the same `key` replaces the one held (pressing Train twice trains once);
        without a key each is kept (two imports are two). `what` says on the status bar what follows the filing."""
        if not self.count:
            return False
        if key is not None:
            self._held = [h for h in self._held if h[0] != key]
        self._held.append((key, work, what))
        self.changed.emit(self.count)
        return True

    def hold_opening(self, open_folder: Callable[[str, bool], object], path: str, reread: bool) -> bool:
        """Hold the opening of a folder back (True) until the keys still being filed are on disk: a folder reopened
        meanwhile would get a second labeling engine beside the one still filing, and a walk would miss the last
        images where the keys put them. The open folder read again after a step (`reread`) never replaces an
        opening asked for."""
        if reread and self.holds("open"):
            return True
        what = "" if reread else QCoreApplication.translate("Filing", "opening {0}").format(isolated(Path(path).name))
        return self.hold(functools.partial(open_folder, path, reread), what, "open")

    def holds(self, key: str) -> bool:
        """Whether work under `key` waits for the filing."""
        return any(h[0] == key for h in self._held)

    def next_up(self) -> str:
        """What starts once the filing is over (the latest held work that said what it is), or ""."""
        return next((what for _key, _work, what in reversed(self._held) if what), "")

    def forget_held(self) -> None:
        """The window is closing: the images are still filed (quitting waits for them), but nothing held starts."""
        self._held.clear()

    def set_count(self, images: int, steps: int = 0) -> None:
        """The labeling lane's images and other steps not filed yet; at zero the held work starts, in the order
        asked (work that queues steps of its own holds the rest back again)."""
        if (images, steps) == (self.images, self.steps):
            return
        self.images, self.steps = images, steps
        count = self.count = images + steps
        self.changed.emit(count)
        while self._held and not self.count:
            _key, work, _what = self._held.pop(0)
            try:
                work()
            except Exception:  # a bug in one must not keep the others (an import the user asked for) from starting
                logging.getLogger("desktop_cls").exception("work held for the labeling steps failed")


def _next_words() -> dict[str, str]:
    """What the status bar says follows the filing, by the key of the work held (translated when asked)."""
    return {"train": QCoreApplication.translate("Filing", "training"),
            "evaluate": QCoreApplication.translate("Filing", "evaluating"),
            "suggest": QCoreApplication.translate("Filing", "suggesting labels"),
            "import": QCoreApplication.translate("Filing", "importing images"),
            "emptyTrash": QCoreApplication.translate("Filing", "emptying the trash"),
            "change": QCoreApplication.translate("Filing", "changing the dataset")}


F = TypeVar("F", bound=Callable[..., Any])


def after_filing(key: str, replace: bool = True) -> Callable[[F], F]:
    """A method (of a page, or of a helper with its `page`) that must see every key press on disk (it reads or
    changes the dataset folder): called while images are still being filed, it runs once they are, with the same
    arguments. `replace`: a later call held replaces this one (Train pressed twice trains once); else each runs (two
    imports are two)."""

    def wrap(method: F) -> F:
        @functools.wraps(method)
        def held_back(self: Any, *args: Any, **kwargs: Any) -> Any:
            again = functools.partial(held_back, self, *args, **kwargs)
            state = self.state if hasattr(self, "state") else self.page.state
            if state.filing.hold(again, _next_words().get(key, ""), key if replace else None):
                return None
            return method(self, *args, **kwargs)

        return cast(F, held_back)

    return wrap

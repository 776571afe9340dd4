"""Every change the app makes to a dataset folder: assign, move, rename, merge, delete — undoable.

Rules: nothing is overwritten (name clashes get " (2)"), nothing is deleted (deleting moves into
DATASET/.desktop_cls/trash/, which `empty_trash` hands to the OS trash), and every operation is
written to a journal (DATASET/.desktop_cls/journal.jsonl) *before* its files move. Opening the folder
again replays the journal: undo/redo survive a restart, and an operation cut short by a crash is
finished (its moves are renames, so a file is always in exactly one place). With split folders
(train/, test/, val/) the classes are those of train/, and a new label files an image into train/<class>/.

A step that fails half-way (a file vanished, another is in the way, a permission) is rolled back and
journaled as aborted, so it is never replayed; an interrupted step that cannot be finished on opening
is rolled back the same way. Opening never fails because of the journal: a damaged one is set aside
(`notices` says so). Undo of a step whose files are gone takes it off the list and says so.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from desktop_cls.core import contained
from desktop_cls.core.data import labeling_journal, labeling_state, labeling_trash, step_words
from desktop_cls.core.data.folder_layout import check_class_name, check_new_class_name, is_hidden, sibling
from desktop_cls.core.data.imaging import is_image_name
from desktop_cls.core.data.labeling_journal import Move, Operation, StepFailed, parse_begin, reason, rollback_tolerant
from desktop_cls.core.data.labeling_state import JOURNAL, STATE_DIR, TRASH, FolderShape, Watch, apply_moves, free_name
from desktop_cls.core.data.step_words import StepFacts
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelledError
from desktop_cls.core.i18n import _
from desktop_cls.core.storage import append_jsonl, read_jsonl

__all__ = ["JOURNAL", "STATE_DIR", "TRASH", "Workspace"]


class Workspace:
    """The labeling engine for one dataset folder (single writer at a time).

    Every operation is journaled under the folder's state directory before a file moves, so a crash
    mid-operation is finished on the next open, and each one can be undone and redone.
    No file is ever overwritten: a name already taken gets a free one. Operations raise UserError
    naming the file or class when they cannot be done (unknown class, taken name, file gone)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser().resolve()
        if not self.root.is_dir():
            raise UserError(_("folder not found: {root}").format(root=self.root))
        self.state_dir = self.root / STATE_DIR
        self.journal = self.state_dir / JOURNAL
        self.ops: dict[int, Operation] = {}
        self.history: list[int] = []  # applied user operations, oldest first
        self.redo_stack: list[int] = []
        self.next_id = 1
        self.recovered = 0  # interrupted steps finished on opening
        self.skipped_records = 0  # malformed journal records ignored
        self.notices: list[str] = []  # what opening had to repair, for the user
        # called (no arguments, on the changing thread) when what undo/redo would do changes: the Edit menu
        self.listeners: list[Callable[[], None]] = []
        self.read_only = ""  # why labeling is off in this folder (another app labels it, a control file...)
        self.shape = FolderShape(self.root)  # layout and classes as last read: a key press lists no folder
        self.watch: Watch | None = None  # told of each move of the steps (set on a worker thread)
        self._locked = False
        self._open_state()
        self._replay()

    def _open_state(self) -> None:
        """Set aside control files that are links, then take the writer lock if the state folder exists."""
        try:
            self.notices += labeling_state.set_aside_control_files(self.root)
            if contained.is_dir(self.root, STATE_DIR):
                self._take_lock()
        except UserError as e:
            self.read_only = str(e)
            self.notices.append(self.read_only)
        except OSError as e:  # a read-only folder: nothing can be labeled, the dataset still opens
            self.read_only = _("labeling is off in {root}: {reason}").format(root=self.root, reason=reason(e))

    def _take_lock(self) -> None:
        if not self._locked and not labeling_state.hold_writer_lock(self.root, self):
            owner = labeling_state.lock_owner(self.root)
            who = _(" (process {owner})").format(owner=owner) if owner else ""
            self.read_only = _("{root} is being labeled in another window of the app{who}; labeling is off here "
                               "until that window closes the folder, then open it again").format(root=self.root,
                                                                                                who=who)
            raise UserError(self.read_only)
        self._locked = True

    # ---- paths ---------------------------------------------------------------------------------
    def rel(self, path: str | Path) -> str:
        """path relative to the root; its folder is resolved, its own name kept (a link is moved, not followed)."""
        return contained.relative(self.root, path)

    def abs(self, rel: str) -> Path:
        return self.root / rel

    def classes(self) -> list[str]:
        """The class folders as last read (this app's own steps keep them up to date; `reread` for others')."""
        return self.shape.classes()

    def unlabeled(self) -> list[str]:
        return sorted(e.name for e in os.scandir(self.root) if e.is_file() and is_image_name(e.name, extra=True)
                      and not is_hidden(e.name))

    def reread(self, loose: bool = True) -> tuple[list[str], list[str]]:
        """The loose images and classes as they are on disk now, changes from outside the app included (it lists
        the folder: run it off the UI thread); not `loose`: the classes only, the loose images left unlisted."""
        classes = self.shape.read(self.next_id, lambda: self.next_id).classes  # (kept unless a step came meanwhile)
        return self.unlabeled() if loose else [], classes

    # ---- journal -------------------------------------------------------------------------------
    def _append(self, record: dict[str, Any], sync: bool = True) -> None:
        """Journal one record; the first write makes the state folder and takes the writer lock."""
        if self.read_only:
            raise UserError(self.read_only)
        with labeling_state.said_unwritable(self.root):
            if not self._locked:
                contained.mkdir(self.root, STATE_DIR)
                self._take_lock()
            append_jsonl(self.journal, record, root=self.root, sync=sync)

    def _replay(self) -> None:
        """Rebuild history from the journal. Never raises: opening a dataset must not depend on it."""
        if self.read_only or not contained.lexists(self.root, f"{STATE_DIR}/{JOURNAL}"):
            return  # (read-only: another app instance may be in the middle of a step; never finish it here)
        try:
            if (bad := labeling_state.journal_problem(self.root, self.notices)) is not None:
                raise bad
            pending = self._read_journal()
            for op, target in pending.values():  # cut short by a crash: finish it, or roll it back
                self._recover(op, target)
        except Exception as e:  # a journal we cannot make sense of: keep it aside, start afresh
            self._set_aside(e)

    def _read_journal(self) -> dict[int, tuple[Operation, int | None]]:
        """One pass, linear in the journal's length: forgotten steps are only trimmed off the stacks' ends
        as the replay reaches them, and filtered out once at the end."""
        pending: dict[int, tuple[Operation, int | None]] = {}
        dropped: set[int] = set()
        for rec in read_jsonl(self.journal):
            kind = rec.get("type")
            if kind == "begin":
                parsed = parse_begin(rec)
                if parsed is None:
                    self.skipped_records += 1
                    continue
                pending[parsed[0].id] = parsed
                self.next_id = max(self.next_id, parsed[0].id + 1)
            elif kind in ("commit", "abort") and labeling_journal.int_or_none(rec.get("id")) in pending:
                op, target = pending.pop(rec["id"])
                if kind == "commit":
                    labeling_journal.trim(self.history, dropped)
                    labeling_journal.trim(self.redo_stack, dropped)
                    self._account(op, target)
            elif kind == "forget" and isinstance(rec.get("ids"), list):
                dropped.update(i for i in rec["ids"] if labeling_journal.int_or_none(i) is not None)
            elif kind != "commit":  # (a commit whose begin was skipped is expected)
                self.skipped_records += 1
        if dropped:
            self._forget(dropped)
        return pending

    def _recover(self, op: Operation, target: int | None) -> None:
        try:
            apply_moves(self.root, op.moves, [], tolerant=True)
        except Exception as e:
            rollback_tolerant(self.root, op.moves)
            self._append({"type": "abort", "id": op.id, "recovered": True})
            self.notices.append(_("An interrupted labeling step ({description}) could not be finished ({reason}) and "
                                  "was rolled back.").format(description=op.words(), reason=reason(e)))
            return
        self._append({"type": "commit", "id": op.id, "recovered": True})
        self._account(op, target)
        self.recovered += 1

    def _set_aside(self, error: Exception) -> None:
        self.ops, self.history, self.redo_stack = {}, [], []
        aside = self.journal.with_name(f"{JOURNAL}.damaged-{labeling_state.stamp()}")
        with contextlib.suppress(OSError):
            contained.rename(self.root, f"{STATE_DIR}/{JOURNAL}", f"{STATE_DIR}/{aside.name}", replace=True)
        self.notices.append(_("The labeling history of this folder could not be read ({reason}); it was kept aside "
                              "as {name} and undo starts afresh. No image was touched.").format(reason=reason(error),
                                                                                               name=aside.name))

    def _account(self, op: Operation, target: int | None) -> None:
        self.ops[op.id] = op
        self.shape.after(op, self.ops)
        if op.kind == "undo" and target is not None:
            if self.history and self.history[-1] == target:
                self.history.pop()
            self.redo_stack.append(target)
        elif op.kind == "redo" and target is not None:
            if self.redo_stack and self.redo_stack[-1] == target:
                self.redo_stack.pop()
            self.history.append(target)
        else:
            self.history.append(op.id)
            self.redo_stack.clear()
        self._changed()

    def _forget(self, ids: set[int]) -> None:
        """Operations that can no longer be undone or redone leave both stacks."""
        self.history = [i for i in self.history if i not in ids]
        self.redo_stack = [i for i in self.redo_stack if i not in ids]
        self._changed()

    def _changed(self) -> None:
        for listener in list(self.listeners):
            listener()

    def _run(self, kind: str, moves: list[Move], facts: StepFacts | None, target: int | None = None,
             fallback: str = "") -> Operation:
        """Journal the intent (the step's facts, worded when shown; words for older versions of the app, `fallback`
        where facts are missing), move the files, commit; a step that fails half-way is rolled back."""
        if not moves:
            raise UserError(_("nothing to do"))
        description = step_words.phrase(kind, facts) or fallback
        op = Operation(self.next_id, kind, tuple(moves), description, target, facts)
        self.next_id += 1
        rec: dict[str, Any] = {"type": "begin", "id": op.id, "kind": kind, "description": description,
                               "facts": facts and facts.to_dict(), "moves": [m.to_list() for m in moves]}
        if target is not None:
            rec["target"] = target
        self._append(rec)  # write-ahead: the intent is on disk before any file moves
        done: list[Move] = []
        try:
            apply_moves(self.root, op.moves, done, watch=self.watch)  # in order, never through a link
        except (OSError, ValueError, UserError, CancelledError) as e:
            labeling_state.roll_back(self.root, done)
            self._append({"type": "abort", "id": op.id})
            if isinstance(e, CancelledError):
                raise
            raise StepFailed(_("{description} could not be done: {reason}. Nothing was changed.").format(
                    description=description, reason=reason(e)), e) from None
        # not fsynced (a key press waited for two syncs on the UI thread): a commit lost to a crash leaves a
        # begin whose moves are all done, and opening the folder finishes it (_recover), to the same result
        self._append({"type": "commit", "id": op.id}, sync=False)
        self._account(op, target)
        return op

    # ---- planning helpers ----------------------------------------------------------------------
    def _existing(self, path: str | Path) -> str:
        r = self.rel(path)
        if r == ".":  # (the dataset folder itself, dropped on one of its classes)
            raise UserError(_("{path} is the dataset folder itself, not an image in it; nothing was moved").format(
                path=self.root))
        if not contained.lexists(self.root, r):
            raise UserError(_("{path} no longer exists").format(path=self.abs(r)))
        if r.split("/")[0] == STATE_DIR:
            raise UserError(_("files in the app's own folder cannot be labeled"))
        return r

    def _class_dir(self, name: str) -> str:
        folder = self.shape.folder(check_class_name(name))
        if not self.abs(folder).is_dir():
            raise UserError(_("there is no class '{name}' in {root}").format(name=name, root=self.root))
        return folder

    def _class_dirs(self, name: str) -> list[str]:
        """The class's folder in every split (train/ first): renaming, merging or deleting a class acts on all.
        (The layout is the shape's, as for a key press: a class step lists no folder on the thread that asks.)"""
        return [self._class_dir(name), *self.shape.class_folders(check_class_name(name))[1:]]

    # ---- operations ----------------------------------------------------------------------------
    def assign(self, paths: Sequence[str | Path], class_name: str) -> Operation:
        """Move images (paths inside the folder) into class_name, creating the class when new; also moves
        images between classes. UserError for an invalid class name or a path outside the folder."""
        return self.assign_groups({class_name: paths})

    def assign_groups(self, groups: Mapping[str, Sequence[str | Path]]) -> Operation:
        """Images into their classes (class -> paths) as ONE step: thousands of accepted suggestions for several
        classes are undone with one Ctrl+Z. The layout is read once per class and split, not once per image
        (that made 5,000 images beside 20,000 loose ones take 34 s)."""
        moves = self.plan_assign(groups, set())
        count, names = sum(map(len, groups.values())), [check_class_name(c) for c in groups]
        return self._run("assign", moves, StepFacts(count, tuple(names[:1]) if len(names) == 1 else (), len(names)))

    def plan_assign(self, groups: Mapping[str, Sequence[str | Path]], taken: set[str]) -> list[Move]:
        """The moves that file images into their classes (names in `taken` count as used, and get the new ones)."""
        moves: list[Move] = []
        folders: dict[tuple[str, str], str] = {}  # (class, the image's split folder or "") -> class folder
        for class_name, paths in groups.items():
            cls = check_class_name(class_name)
            for p in paths:
                r = self.shape.image_to_file(self._existing(p), cls)
                split = r.partition("/")[0] if r.count("/") >= 2 else ""
                if (folder := folders.get((cls, split))) is None:
                    folder = folders[(cls, split)] = self.shape.folder(cls, r)
                    if not self.abs(folder).is_dir():
                        check_new_class_name(cls)
                        moves.append(Move(None, folder))
                if r.rpartition("/")[0] != folder:
                    moves.append(Move(r, free_name(self.root, folder, Path(r).name, taken)))
        return moves

    def step(self, kind: str, moves: list[Move], facts: StepFacts) -> Operation:
        """A step planned elsewhere (core.data.importing), journaled and undoable as any other."""
        return self._run(kind, moves, facts)

    def trash(self, paths: Sequence[str | Path]) -> Operation:
        """Into the dataset's own trash (undoable); `empty_trash` later hands it to the OS trash."""
        folder = f"{STATE_DIR}/{TRASH}/{self.next_id}"
        taken: set[str] = set()
        moves = [Move(r, free_name(self.root, folder, Path(r).name, taken)) for r in map(self._existing, paths)]
        return self._run("trash", moves, StepFacts(len(moves)))

    def create_class(self, name: str) -> Operation:
        """An empty class folder; UserError when the name is invalid or taken."""
        cls = check_new_class_name(name)
        if self.abs(folder := self.shape.folder(cls)).exists():
            raise UserError(_("a class '{name}' already exists").format(name=cls))
        return self._run("create_class", [Move(None, folder)], StepFacts(names=(cls,)))

    def rename_class(self, old: str, new: str) -> Operation:
        """UserError when old does not exist or new is invalid or taken (merge the two instead)."""
        srcs, new = self._class_dirs(old), check_new_class_name(new)
        if any(self.abs(sibling(src, new)).exists() for src in srcs):  # in any split: a merge, not a rename
            raise UserError(_("a class '{name}' already exists; merge the two classes instead").format(name=new))
        return self._run("rename_class", [Move(src, sibling(src, new)) for src in srcs],
                         StepFacts(names=(old, new)))

    def merge_classes(self, source: str, target: str) -> Operation:
        """All images of `source` move into `target`; the emptied folder goes to the trash."""
        srcs, target = self._class_dirs(source), self._class_dir(target).rpartition("/")[2]
        if srcs[0] == self.shape.folder(target):
            raise UserError(_("choose two different classes to merge"))
        moves = labeling_state.merge_moves(self.root, srcs, target, f"{STATE_DIR}/{TRASH}/{self.next_id}")
        return self._run("merge_classes", moves, StepFacts(names=(source, target)))

    def delete_class(self, name: str) -> Operation:
        """The class folder and its images go to the dataset's trash (undoable)."""
        moves = [Move(src, f"{STATE_DIR}/{TRASH}/{self.next_id}/{src}") for src in self._class_dirs(name)]
        return self._run("delete_class", moves, StepFacts(names=(name,)))

    # ---- undo / redo ---------------------------------------------------------------------------
    def can_undo(self) -> bool:
        return bool(self.history)

    def can_redo(self) -> bool:
        return bool(self.redo_stack)

    def undo(self) -> Operation:
        """Reverse the latest operation; UserError when there is none."""
        if not self.history:
            raise UserError(_("nothing to undo"))
        target = self.ops[self.history[-1]]
        return self._revisit("undo", [m.inverse() for m in reversed(target.moves)], target)

    def redo(self) -> Operation:
        if not self.redo_stack:
            raise UserError(_("nothing to redo"))
        target = self.ops[self.redo_stack[-1]]
        return self._revisit("redo", list(target.moves), target)

    def _revisit(self, kind: str, moves: list[Move], target: Operation) -> Operation:
        """Undo or redo; a step that can never be done (for_good) leaves the list, a file in the way is for the user."""
        step, gone, in_the_way, failed = labeling_journal.revisit_words(kind)
        try:
            labeling_state.check_moves(self.root, moves)
            return self._run(kind, moves, target.revisit_facts(), target.id, step.format(step=target.words()))
        except (OSError, StepFailed) as e:
            cause = e.cause if isinstance(e, StepFailed) else e
            what = {"step": target.words(), "reason": reason(cause)}
            if labeling_journal.for_good(cause):  # (a file gone, a link on the way: no retry can do it)
                self._append({"type": "forget", "ids": [target.id]})
                self._forget({target.id})
                raise UserError(gone.format(**what)) from None
            raise UserError((in_the_way if isinstance(cause, FileExistsError) else failed).format(**what)) from None

    def undo_target(self) -> Operation | None:
        """The operation `undo` would reverse (its kind and moves let a menu name it), or None."""
        return self.ops[self.history[-1]] if self.history else None

    def redo_target(self) -> Operation | None:
        return self.ops[self.redo_stack[-1]] if self.redo_stack else None

    def describe_undo(self) -> str:
        return self.ops[self.history[-1]].words() if self.history else ""

    def describe_redo(self) -> str:
        return self.ops[self.redo_stack[-1]].words() if self.redo_stack else ""

    def empty_trash(self, stop: Callable[[], bool] = lambda: False, told: Watch | None = None,
                    for_good: bool = False) -> int:
        """Hand the dataset's trash to the OS trash (for_good: delete it; not undoable here); returns the entries
        sent. `stop` and `told` let a worker thread stop it between items (what is left stays, and so do its steps)
        and show its progress. Nothing goes outside the dataset or to an unsafe trash folder (labeling_trash)."""
        if self.read_only:
            raise UserError(self.read_only)
        emptied = labeling_trash.empty_trash(self.root, stop, told, for_good)
        self.notices += emptied.notes  # (an item too deep to walk was deleted for good: said to the user)
        gone = labeling_trash.trash_steps(self.ops, self.redo_stack, emptied.left)  # the journal says they are gone
        if gone:
            self._append({"type": "forget", "ids": gone})
            self._forget(set(gone))
        if emptied.refused is not None:
            raise emptied.refused
        return emptied.files

"""Every change the app makes to a dataset folder: assign, move, rename, merge, delete — undoable.

Rules: nothing is overwritten (name clashes get " (2)"), nothing is deleted (deleting moves into
DATASET/.desktop_cls/trash/, which `empty_trash` hands to the OS trash), and every operation is
written to a journal (DATASET/.desktop_cls/journal.jsonl) *before* its files move. Opening the folder
again replays the journal: undo/redo survive a restart, and an operation cut short by a crash is
finished (its moves are renames, so a file is always in exactly one place).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_cls.core.data.imaging import is_image_name
from desktop_cls.core.errors import UserError

STATE_DIR = ".desktop_cls"
JOURNAL = "journal.jsonl"
TRASH = "trash"


@dataclass(frozen=True)
class Move:
    """src -> dst, relative to the dataset root. src None: create folder dst; dst None: remove empty src."""

    src: str | None
    dst: str | None

    def inverse(self) -> Move:
        return Move(self.dst, self.src)

    def to_list(self) -> list[str | None]:
        return [self.src, self.dst]


@dataclass(frozen=True)
class Operation:
    id: int
    kind: str
    moves: tuple[Move, ...]
    description: str


def check_class_name(name: str) -> str:
    name = name.strip()
    if not name or name in (".", "..") or name.startswith(".") or any(c in name for c in '/\\:*?"<>|'):
        raise UserError(f"'{name}' cannot be a class name: use letters, digits, spaces, - or _, "
                        "without a leading dot or any of / \\ : * ? \" < > |")
    return name


class Workspace:
    """The labeling engine for one dataset folder (single writer at a time)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser().resolve()
        if not self.root.is_dir():
            raise UserError(f"folder not found: {self.root}")
        self.state_dir = self.root / STATE_DIR
        self.journal = self.state_dir / JOURNAL
        self.ops: dict[int, Operation] = {}
        self.history: list[int] = []  # applied user operations, oldest first
        self.redo_stack: list[int] = []
        self.next_id = 1
        self.recovered = 0
        self._replay()

    # ---- paths ---------------------------------------------------------------------------------
    def rel(self, path: str | Path) -> str:
        p = Path(path)
        p = p if p.is_absolute() else self.root / p
        try:
            return p.resolve().relative_to(self.root).as_posix()
        except ValueError:
            raise UserError(f"{path} is not inside the dataset folder {self.root}") from None

    def abs(self, rel: str) -> Path:
        return self.root / rel

    def classes(self) -> list[str]:
        return sorted(e.name for e in os.scandir(self.root) if e.is_dir() and not e.name.startswith("."))

    def unlabeled(self) -> list[str]:
        return sorted(e.name for e in os.scandir(self.root) if e.is_file() and is_image_name(e.name, extra=True)
                      and not e.name.startswith("."))

    # ---- journal -------------------------------------------------------------------------------
    def _append(self, record: dict[str, Any]) -> None:
        self.state_dir.mkdir(exist_ok=True)
        with open(self.journal, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def _replay(self) -> None:
        if not self.journal.exists():
            return
        pending: dict[int, Operation] = {}
        targets: dict[int, int] = {}
        for line in self.journal.read_text(encoding="utf-8").splitlines():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue  # a torn last line: that operation never started moving files
            if rec.get("type") == "begin":
                op = Operation(rec["id"], rec["kind"], tuple(Move(a, b) for a, b in rec["moves"]),
                               rec.get("description", ""))
                pending[op.id] = op
                if rec.get("target") is not None:
                    targets[op.id] = rec["target"]
                self.next_id = max(self.next_id, op.id + 1)
            elif rec.get("type") == "commit" and rec.get("id") in pending:
                self._account(pending.pop(rec["id"]), targets.get(rec["id"]))
        for op in pending.values():  # cut short by a crash: finish it
            self._apply(op.moves, tolerant=True)
            self._append({"type": "commit", "id": op.id, "recovered": True})
            self._account(op, targets.get(op.id))
            self.recovered += 1

    def _account(self, op: Operation, target: int | None) -> None:
        self.ops[op.id] = op
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

    def _apply(self, moves: tuple[Move, ...], tolerant: bool = False) -> None:
        for m in moves:
            if m.src is None and m.dst is not None:
                self.abs(m.dst).mkdir(parents=True, exist_ok=True)
            elif m.dst is None and m.src is not None:
                d = self.abs(m.src)
                if d.is_dir() and not any(d.iterdir()):
                    d.rmdir()
            elif m.src is not None and m.dst is not None:
                src, dst = self.abs(m.src), self.abs(m.dst)
                if tolerant and not src.exists() and dst.exists():
                    continue  # already moved before the crash
                if dst.exists():
                    raise UserError(f"{dst} already exists; nothing was overwritten")
                dst.parent.mkdir(parents=True, exist_ok=True)
                os.rename(src, dst)

    def _run(self, kind: str, moves: list[Move], description: str, target: int | None = None) -> Operation:
        if not moves:
            raise UserError("nothing to do")
        op = Operation(self.next_id, kind, tuple(moves), description)
        self.next_id += 1
        rec: dict[str, Any] = {"type": "begin", "id": op.id, "kind": kind, "description": description,
                               "moves": [m.to_list() for m in moves]}
        if target is not None:
            rec["target"] = target
        self._append(rec)  # write-ahead: the intent is on disk before any file moves
        self._apply(op.moves)
        self._append({"type": "commit", "id": op.id})
        self._account(op, target)
        return op

    # ---- planning helpers ----------------------------------------------------------------------
    def _free(self, folder: str, name: str, taken: set[str]) -> str:
        stem, dot, ext = name.rpartition(".")
        if not dot:
            stem, ext = name, ""
        candidate = f"{folder}/{name}" if folder else name
        i = 2
        while candidate in taken or self.abs(candidate).exists():
            new = f"{stem} ({i}).{ext}" if ext else f"{stem} ({i})"
            candidate = f"{folder}/{new}" if folder else new
            i += 1
        taken.add(candidate)
        return candidate

    def _existing(self, path: str | Path) -> str:
        r = self.rel(path)
        if not self.abs(r).exists():
            raise UserError(f"{self.abs(r)} no longer exists")
        if r.split("/")[0] == STATE_DIR:
            raise UserError("files in the app's own folder cannot be labeled")
        return r

    def _class_dir(self, name: str, must_exist: bool = True) -> str:
        name = check_class_name(name)
        if must_exist and not self.abs(name).is_dir():
            raise UserError(f"there is no class '{name}' in {self.root}")
        return name

    # ---- operations ----------------------------------------------------------------------------
    def assign(self, paths: list[str | Path], class_name: str) -> Operation:
        """Move images into a class folder (created when new); also moves between classes."""
        cls = check_class_name(class_name)
        moves: list[Move] = []
        if not self.abs(cls).is_dir():
            moves.append(Move(None, cls))
        taken: set[str] = set()
        for p in paths:
            r = self._existing(p)
            if r.rpartition("/")[0] == cls:
                continue
            moves.append(Move(r, self._free(cls, Path(r).name, taken)))
        return self._run("assign", moves, f"{len(paths)} image(s) to '{cls}'")

    def trash(self, paths: list[str | Path]) -> Operation:
        """Into the dataset's own trash (undoable); `empty_trash` later hands it to the OS trash."""
        folder = f"{STATE_DIR}/{TRASH}/{self.next_id}"
        taken: set[str] = set()
        moves = [Move(r, self._free(folder, Path(r).name, taken)) for r in map(self._existing, paths)]
        return self._run("trash", moves, f"{len(moves)} image(s) to the trash")

    def create_class(self, name: str) -> Operation:
        cls = check_class_name(name)
        if self.abs(cls).exists():
            raise UserError(f"a class '{cls}' already exists")
        return self._run("create_class", [Move(None, cls)], f"new class '{cls}'")

    def rename_class(self, old: str, new: str) -> Operation:
        src, dst = self._class_dir(old), check_class_name(new)
        if self.abs(dst).exists():
            raise UserError(f"a class '{dst}' already exists; merge the two classes instead")
        return self._run("rename_class", [Move(src, dst)], f"rename '{src}' to '{dst}'")

    def merge_classes(self, source: str, target: str) -> Operation:
        """All images of `source` move into `target`; the emptied folder goes to the trash."""
        src, dst = self._class_dir(source), self._class_dir(target)
        if src == dst:
            raise UserError("choose two different classes to merge")
        taken: set[str] = set()
        moves = []
        for dirpath, _dirs, files in os.walk(self.abs(src)):
            for f in sorted(files):
                r = self.rel(Path(dirpath) / f)
                moves.append(Move(r, self._free(dst, f, taken)))
        moves.append(Move(src, f"{STATE_DIR}/{TRASH}/{self.next_id}/{src}"))
        return self._run("merge_classes", moves, f"merge '{src}' into '{dst}'")

    def delete_class(self, name: str) -> Operation:
        src = self._class_dir(name)
        return self._run("delete_class", [Move(src, f"{STATE_DIR}/{TRASH}/{self.next_id}/{src}")],
                         f"delete class '{src}' (to the trash)")

    # ---- undo / redo ---------------------------------------------------------------------------
    def can_undo(self) -> bool:
        return bool(self.history)

    def can_redo(self) -> bool:
        return bool(self.redo_stack)

    def undo(self) -> Operation:
        if not self.history:
            raise UserError("nothing to undo")
        target = self.ops[self.history[-1]]
        inverse = [m.inverse() for m in reversed(target.moves)]
        return self._run("undo", inverse, f"undo {target.description}", target=target.id)

    def redo(self) -> Operation:
        if not self.redo_stack:
            raise UserError("nothing to redo")
        target = self.ops[self.redo_stack[-1]]
        return self._run("redo", list(target.moves), f"redo {target.description}", target=target.id)

    def describe_undo(self) -> str:
        return self.ops[self.history[-1]].description if self.history else ""

    def describe_redo(self) -> str:
        return self.ops[self.redo_stack[-1]].description if self.redo_stack else ""

    def empty_trash(self) -> int:
        """Hand the dataset's trash to the OS trash (not undoable here); returns the files sent."""
        trash = self.state_dir / TRASH
        if not trash.exists():
            return 0
        from send2trash import send2trash

        items = list(trash.iterdir())
        count = sum(1 for it in items for _ in (it.rglob("*") if it.is_dir() else [it]))
        for it in items:
            send2trash(str(it))
        # operations that moved files into the trash can be neither undone nor redone any more
        def uses_trash(op_id: int) -> bool:
            return any(STATE_DIR in (m.dst or "") for m in self.ops[op_id].moves)

        self.history = [i for i in self.history if not uses_trash(i)]
        self.redo_stack = [i for i in self.redo_stack if not uses_trash(i)]
        return count

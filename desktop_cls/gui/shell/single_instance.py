"""One app per settings folder: a second start hands its folder to the window already open and leaves.

Two windows on one settings folder wrote the same settings file, recent lists and folder journals over each other.
The first start holds a lock file in the settings folder and listens on a local socket named after that folder; a
later start finds the lock held, sends the folder it was given (or nothing) and leaves, and the first window comes
forward (opening that folder). The lock names its process: a lock left by an app that crashed (its process is gone)
is taken over, so a crash never keeps the app from starting. The command line takes no lock.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

LOCK_NAME = "app.lock"
MAX_MESSAGE_BYTES = 64 * 1024  # a folder's path, bounded: what comes in is read no further
CONNECT_MS = 3000
_held: list[InstanceGuard] = []  # the guard this process holds (the app's start), released by a restart


def server_name(settings_folder: Path) -> str:
    """The local socket's name: one per user and settings folder (it is a file in the temporary folder on Unix)."""
    key = f"{os.getuid() if hasattr(os, 'getuid') else ''}:{settings_folder.resolve()}"
    return "desktop_cls-" + hashlib.sha256(key.encode()).hexdigest()[:16]


class InstanceGuard(QObject):
    """`acquire()` makes this the app for `settings_folder`; a later start's `forward(folder)` reaches its
    `requested` signal (the folder, or "" to come forward only)."""

    requested = Signal(str)

    def __init__(self, settings_folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = settings_folder
        self.name = server_name(settings_folder)
        self._lock: QLockFile | None = None
        self._server: QLocalServer | None = None

    def acquire(self) -> bool:
        """True when no live app holds the settings folder (a dead one's lock is taken over); then listen."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return True  # no lock can be written (a read-only folder): the app starts as before
        lock = QLockFile(str(self.folder / LOCK_NAME))
        lock.setStaleLockTime(0)  # stale only when its process is gone, however old: a long session keeps its lock
        if not lock.tryLock(0):  # held by a live app; a lock that cannot be written or read starts as before
            return lock.error() != QLockFile.LockError.LockFailedError
        self._lock = lock
        QLocalServer.removeServer(self.name)  # a crashed app's socket file
        server = QLocalServer(self)
        server.newConnection.connect(self._accept)
        if server.listen(self.name):
            self._server = server
        _held[:] = [self]
        return True

    def holder(self) -> int:
        """The process that holds the lock (0 when unknown)."""
        pid, _host, _app = QLockFile(str(self.folder / LOCK_NAME)).getLockInfo()
        return int(pid or 0)

    def forward(self, folder: str | None) -> bool:
        """Hand `folder` to the app that holds the lock; False when it does not answer."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(CONNECT_MS):
            return False
        socket.write(json.dumps({"folder": str(Path(folder).resolve()) if folder else ""}).encode())
        sent = socket.waitForBytesWritten(CONNECT_MS) or socket.bytesToWrite() == 0
        socket.disconnectFromServer()
        if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            socket.waitForDisconnected(CONNECT_MS)
        return sent

    def release(self) -> None:
        """Let a later start be the app (a restart starts the next one before this process has ended)."""
        if self in _held:
            _held.remove(self)
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    def _accept(self) -> None:
        while self._server is not None and self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            received = bytearray()

            def read(s: QLocalSocket = socket, got: bytearray = received) -> None:
                got.extend(bytes(s.read(MAX_MESSAGE_BYTES - len(got)).data()))
                if len(got) >= MAX_MESSAGE_BYTES:
                    s.abort()

            socket.readyRead.connect(read)
            socket.disconnected.connect(lambda s=socket, got=received, r=read: self._received(s, got, r))

    def _received(self, socket: QLocalSocket, got: bytearray, read: Callable[[], None]) -> None:
        read()
        socket.deleteLater()
        try:
            message = json.loads(bytes(got).decode())
        except (UnicodeDecodeError, ValueError):
            return
        folder = message.get("folder") if isinstance(message, dict) else None
        self.requested.emit(folder if isinstance(folder, str) else "")


def release_held() -> None:
    """Release what this process holds, if anything (before it starts itself again)."""
    for guard in list(_held):
        guard.release()

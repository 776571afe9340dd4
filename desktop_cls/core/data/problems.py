"""`Problem`: one finding about one file or folder of a dataset (its kind, a message for the user, and
for a copy the file it copies). The scan, the health check, training and evaluation all report these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    kind: str
    message: str
    duplicate_of: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"path": self.path, "kind": self.kind, "message": self.message}
        if self.duplicate_of is not None:
            d["duplicate_of"] = self.duplicate_of
        return d

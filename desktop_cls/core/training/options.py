"""Training options declared once: from each declaration come TrainConfig's validation, the CLI flag
and the Train form's control.

A TrainConfig field is declared as

    epochs: int = option(10, "Epochs", "How many times training goes through ...", lo=1, hi=10_000)

so adding an option is that one line plus its behaviour. The field's type and default are the
option's; the rest lives in Option. Nested dataclass fields (augmentation) are options too, named
"augmentation.hflip". Importable without torch: the GUI builds its form from it before torch loads.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop_cls.core.errors import UserError

BASIC, ADVANCED, FILE_ONLY = "basic", "advanced", "file"  # FILE_ONLY: in config files only (no flag, no control)
KEEP: Any = type("Keep", (), {"__repr__": lambda self: "KEEP"})()  # a greyed-out control keeps its value
Values = Mapping[str, Any]  # an option's key -> its current value ("augmentation.hflip" for nested ones)


@dataclass(frozen=True)
class Option:
    """How one option is shown, parsed and checked. The range is shared by all three: inclusive, except
    that lo itself is refused when lo_open (a learning rate must be above 0)."""

    label: str  # the form's row label (for a switch: its text), also used in error messages
    help: str  # tooltip in the form, --help text on the command line
    level: str = ADVANCED  # BASIC | ADVANCED | FILE_ONLY
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    choices: tuple[str, ...] | Callable[[], tuple[str, ...]] = ()  # a callable is asked when needed
    flag: str | None = None  # command-line flag when it is not --the-name
    widget: str = ""  # objectName of the form's control
    row: str = ""  # the form's row label for a switch (its text is `label`)
    decimals: int = 2  # float controls
    step: float = 1.0  # float controls
    special: str = ""  # what the form shows for the lowest value (batch size 0: "auto")
    enabled_when: Callable[[Values], bool] | None = None  # the form greys the control out when False
    disabled_help: str = ""  # why it is greyed out, added to the tooltip then
    value_when_disabled: Any = KEEP  # what a greyed-out control reads as
    check: Callable[[Any], str | None] | None = None  # extra rule: returns what is wrong, or None
    # filled in by options(): where the declaration sits
    key: str = ""
    kind: type = object
    default: Any = None
    optional: bool = False  # None is allowed (and means "not set")

    @property
    def name(self) -> str:
        return self.key.rsplit(".", 1)[-1]

    @property
    def cli_flag(self) -> str:
        return self.flag or "--" + self.name.replace("_", "-")

    def range_text(self) -> str:
        """'between 8 and 1024', or 'above 0 and at most 10' for an open lower end."""
        if self.lo_open:
            return f"above {self.lo:g} and at most {self.hi:g}"
        return f"between {self.lo:g} and {self.hi:g}"

    def lowest_control_value(self) -> float:
        """The smallest value a control may show: lo, or one step of its last decimal above an open lo."""
        lo = self.lo if self.lo is not None else 0.0
        return lo + 10.0 ** -self.decimals if self.lo_open else lo

    def choice_list(self) -> tuple[str, ...]:
        return self.choices() if callable(self.choices) else self.choices

    def enabled(self, values: Values) -> bool:
        return self.enabled_when is None or bool(self.enabled_when(values))

    def problem(self, value: Any) -> str | None:
        """What is wrong with value for this option, in words a user can act on; None when it is fine."""
        what = self.label.lower()
        if what != self.key.replace("_", " "):
            what += f" ({self.key})"
        if value is None:
            return None if self.optional else f"{what} must be set"
        if not _is_kind(value, self.kind):
            return f"{what} must be {_KIND_WORDS.get(self.kind, self.kind.__name__)}, not {value!r}"
        choices = self.choice_list()
        if choices and value not in choices and not (self.check is not None and self.check(value) is None):
            return f"{what} '{value}' is unknown; choose one of {', '.join(choices)}"
        if self.lo is not None and self.hi is not None and not (
                (self.lo < value if self.lo_open else self.lo <= value) and value <= self.hi):
            return f"{what} must be {self.range_text()}, not {value:g}"
        if self.check is not None and not choices:
            return self.check(value)
        return None


_KIND_WORDS = {int: "a whole number", float: "a number", bool: "true or false", str: "text"}


def _is_kind(value: Any, kind: type) -> bool:
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def option(default: Any, label: str, help: str, **details: Any) -> Any:
    """A dataclass field with its Option (the `Setting(5)` of Orange: the declaration is the field)."""
    return field(default=default, metadata={"option": Option(label, help, **details)})


def nested(factory: Callable[[], Any]) -> Any:
    """A field holding a dataclass whose own fields are options (augmentation)."""
    return field(default_factory=factory, metadata={"nested": True})


@functools.cache
def options(cls: type) -> tuple[Option, ...]:
    """Every option of the dataclass cls, nested ones flattened, in declaration order."""
    return _options(cls, "")


def _options(cls: type, prefix: str) -> tuple[Option, ...]:
    hints = typing.get_type_hints(cls)
    found: list[Option] = []
    for f in dataclasses.fields(cls):
        if f.metadata.get("nested"):
            found.extend(_options(hints[f.name], f"{prefix}{f.name}."))
            continue
        opt = f.metadata.get("option")
        if opt is None:
            continue
        kind, optional = _plain_kind(hints[f.name])
        found.append(dataclasses.replace(opt, key=prefix + f.name, kind=kind, default=f.default, optional=optional))
    return tuple(found)


def _plain_kind(hint: Any) -> tuple[type, bool]:
    """int -> (int, False); str | None -> (str, True)."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if args and len(args) < len(typing.get_args(hint)):
        return args[0], True
    return hint, False


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"augmentation": {"hflip": True}} -> {"augmentation.hflip": True}."""
    flat: dict[str, Any] = {}
    for k, v in data.items():
        if isinstance(v, Mapping):
            flat.update(flatten(v, f"{prefix}{k}."))
        else:
            flat[prefix + k] = v
    return flat


def unflatten(flat: Mapping[str, Any]) -> dict[str, Any]:
    """The inverse of flatten."""
    data: dict[str, Any] = {}
    for key, v in flat.items():
        *parents, leaf = key.split(".")
        node = data
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = v
    return data


def check_all(cls: type, values: Values) -> None:
    """Raise UserError naming the first option of cls whose value in values is refused."""
    for opt in options(cls):
        if opt.key in values:
            msg = opt.problem(values[opt.key])
            if msg is not None:
                raise UserError(f"invalid training option: {msg}")

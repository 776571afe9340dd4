"""Training options declared once: from each declaration come TrainConfig's validation, the CLI flag
and the Train form's control.

A TrainConfig field is declared as

    epochs: int = option(10, N_("Epochs"), N_("How many times training goes through ..."), lo=1, hi=10_000)

so adding an option is that one line plus its behaviour. The field's type and default are the
option's; the rest lives in Option. Nested dataclass fields (augmentation) are options too, named
"augmentation.hflip". Importable without torch: the GUI builds its form from it before torch loads.

The words (label, help, row, special, disabled_help) are declared in English, marked with N_, and
translated each time they are read, so the form and --help follow a language chosen after import.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import N_, _, join_list

BASIC, ADVANCED, FILE_ONLY = "basic", "advanced", "file"  # FILE_ONLY: in config files only (no flag, no control)
KEEP: Any = type("Keep", (), {"__repr__": lambda self: "KEEP"})()  # a greyed-out control keeps its value
Values = Mapping[str, Any]  # an option's key -> its current value ("augmentation.hflip" for nested ones)


@dataclass(frozen=True)
class Option:
    """How one option is shown, parsed and checked. The range is shared by all three: inclusive, except
    that lo itself is refused when lo_open (a learning rate must be above 0)."""

    label_en: str  # the form's row label (for a switch: its text), also used in error messages
    help_en: str  # tooltip in the form, --help text on the command line
    level: str = ADVANCED  # BASIC | ADVANCED | FILE_ONLY
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    choices: tuple[str, ...] | Callable[[], tuple[str, ...]] = ()  # a callable is asked when needed
    flag: str | None = None  # command-line flag when it is not --the-name
    widget: str = ""  # objectName of the form's control
    row_en: str = ""  # the form's row label for a switch (its text is `label`)
    decimals: int = 2  # float controls
    step: float = 1.0  # float controls
    special_en: str = ""  # what the form shows for the lowest value (batch size 0: "auto")
    enabled_when: Callable[[Values], bool] | None = None  # the form greys the control out when False
    disabled_help_en: str = ""  # why it is greyed out, added to the tooltip then
    value_when_disabled: Any = KEEP  # what a greyed-out control reads as
    check: Callable[[Any], str | None] | None = None  # extra rule: returns what is wrong, or None
    # filled in by options(): where the declaration sits
    key: str = ""
    kind: type = object
    default: Any = None
    optional: bool = False  # None is allowed (and means "not set")

    @property
    def label(self) -> str:
        """The label in the current language."""
        return _tr(self.label_en)

    @property
    def help(self) -> str:
        """The help text (tooltip, --help) in the current language."""
        return _tr(self.help_en)

    @property
    def row(self) -> str:
        return _tr(self.row_en)

    @property
    def special(self) -> str:
        return _tr(self.special_en)

    @property
    def disabled_help(self) -> str:
        return _tr(self.disabled_help_en)

    def choice_label(self, value: str) -> str:
        """The words a combo box shows for one of the choices (CHOICE_LABELS), translated; else the value."""
        label = CHOICE_LABELS.get(value)
        return _(label) if label else value

    def choice_items(self) -> list[tuple[str, str]]:
        """(shown text, value) for each choice: the control shows words, the option keeps the identifier."""
        return [(self.choice_label(c), c) for c in self.choice_list()]

    @property
    def name(self) -> str:
        return self.key.rsplit(".", 1)[-1]

    @property
    def cli_flag(self) -> str:
        return self.flag or "--" + self.name.replace("_", "-")

    def range_text(self) -> str:
        """'between 8 and 1024', or 'above 0 and at most 10' for an open lower end."""
        lo, hi = _number(self.lo), _number(self.hi)
        if self.lo_open:
            return _("above {lo} and at most {hi}").format(lo=lo, hi=hi)
        return _("between {lo} and {hi}").format(lo=lo, hi=hi)

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
        if what != self.key.replace("_", " "):  # (in another language the identifier is always added)
            what = _("{option} ({key})").format(option=what, key=self.key)
        if value is None:
            return None if self.optional else _("{option} must be set").format(option=what)
        if not _is_kind(value, self.kind):
            kind = _(_KIND_WORDS[self.kind]) if self.kind in _KIND_WORDS else self.kind.__name__
            return _("{option} must be {kind}, not {value!r}").format(option=what, kind=kind, value=value)
        choices = self.choice_list()
        if choices and value not in choices and not (self.check is not None and self.check(value) is None):
            return _("{option} '{value}' is unknown; choose one of {choices}").format(
                option=what, value=value, choices=join_list(choices))
        if self.lo is not None and self.hi is not None and not (
                (self.lo < value if self.lo_open else self.lo <= value) and value <= self.hi):
            return _("{option} must be {range}, not {value}").format(option=what, range=self.range_text(),
                                                                     value=_number(value))
        if self.check is not None and not choices:
            return self.check(value)
        return None


def _tr(text: str) -> str:
    return _(text) if text else ""  # gettext("") is the catalogue's header


_KIND_WORDS = {int: N_("a whole number"), float: N_("a number"), bool: N_("true or false"), str: N_("text")}

# What combo boxes show for the choices of every option (the value stays the identifier). One vocabulary
# for all options: "auto" means "chosen for you" wherever it appears.
CHOICE_LABELS: dict[str, str] = {
    # devices, precisions, caches
    "auto": N_("Automatic"), "cpu": N_("CPU"), "cuda": N_("GPU (CUDA)"), "mps": N_("Apple GPU (MPS)"),
    "fp32": N_("fp32 (full precision)"), "bf16": N_("bf16 (mixed precision)"), "fp16": N_("fp16 (mixed precision)"),
    "ram": N_("In memory"), "disk": N_("In memory and on disk"), "off": N_("Off"),
    # optimizers
    "sgd": N_("SGD"), "adam": N_("Adam"), "adamw": N_("AdamW"),
    # schedules
    "none": N_("Constant"), "step": N_("Step"), "cosine": N_("Cosine"), "one_cycle": N_("One-cycle"),
    "warmup": N_("Warm-up, then constant"),
    # methods
    "quick": N_("Quick (frozen backbone)"), "fine-tune": N_("Fine-tune"), "scratch": N_("From scratch"),
    # models (core/models/catalog.py)
    "quicknet": N_("QuickNet"), "simple_cnn": N_("Simple CNN (LeNet-style)"), "vgg_net": N_("VGG-style CNN"),
    "efficientnet_lite0": N_("EfficientNet-Lite0"), "efficientnet_lite1": N_("EfficientNet-Lite1"),
    "efficientnet_lite2": N_("EfficientNet-Lite2"), "resnet18": N_("ResNet-18"), "resnet34": N_("ResNet-34"),
    "resnet50": N_("ResNet-50"), "mobilenet_v3_small": N_("MobileNetV3-Small"),
    "mobilenet_v3_large": N_("MobileNetV3-Large"), "efficientnet_b0": N_("EfficientNet-B0"),
}


def _is_kind(value: Any, kind: type) -> bool:
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def option(default: Any, label: str, help: str, **details: Any) -> Any:
    """A dataclass field with its Option (the `Setting(5)` of Orange: the declaration is the field)."""
    words = {f"{k}_en": details.pop(k) for k in ("row", "special", "disabled_help") if k in details}
    return field(default=default, metadata={"option": Option(label, help, **words, **details)})


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


def _number(value: float | None) -> str:
    """A limit as written: whole numbers in full (a seed's 2147483647, not 2.14748e+09), others short (1e-06); a value
    from a file short too, however long (1e+308 and a 400-digit whole number, which float() cannot even hold)."""
    if value is None:
        return ""
    if isinstance(value, int):
        digits, sign = str(abs(value)), "-" if value < 0 else ""
        return str(value) if len(digits) <= 16 else f"{sign}{digits[0]}.{digits[1:4]}e+{len(digits) - 1}"
    return str(int(value)) if value.is_integer() and abs(value) < 1e16 else f"{value:g}"


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
                raise UserError(_("invalid training option: {problem}").format(problem=msg))

"""Which device to train on and what it can do (names and memory for the device picker)."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    id: str  # "cpu", "cuda:0", "mps"
    name: str
    memory_mb: int = 0


def list_devices() -> list[DeviceInfo]:
    out = [DeviceInfo("cpu", _("CPU ({count} threads)").format(count=torch.get_num_threads()))]
    if torch.cuda.is_available():
        for i in range(torch.cuda.device_count()):
            p = torch.cuda.get_device_properties(i)
            out.append(DeviceInfo(f"cuda:{i}", p.name, int(p.total_memory // (1 << 20))))
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        out.append(DeviceInfo("mps", _("Apple GPU (MPS)")))
    return out


def resolve_device(choice: str) -> torch.device:
    """'auto' picks CUDA, then MPS, then CPU; an explicit choice that is absent is a user error."""
    if choice == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if choice.startswith("cuda"):
        if not torch.cuda.is_available():
            raise UserError(_("CUDA was chosen but no NVIDIA GPU is usable here; choose device 'cpu' or 'auto'"))
        return torch.device(choice)
    if choice == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            raise UserError(_("MPS was chosen but no Apple GPU is usable here; choose 'cpu' or 'auto'"))
        return torch.device("mps")
    if choice == "cpu":
        return torch.device("cpu")
    raise UserError(_("unknown device '{choice}'; use auto, cpu, cuda or mps").format(choice=choice))


def cpu_has_native_bf16() -> bool:
    """AVX512-BF16 or AMX: there bf16 convolutions run ~1.6x faster than fp32; elsewhere they are emulated."""
    cpu = getattr(torch, "cpu", None)
    for probe in ("_is_avx512_bf16_supported", "_is_amx_tile_supported"):
        fn = getattr(cpu, probe, None)
        try:
            if fn is not None and fn():
                return True
        except RuntimeError:
            continue
    return False


def autocast_dtype(device: torch.device, precision: str) -> torch.dtype | None:
    """The mixed-precision dtype for training, or None for plain fp32.

    CUDA: bf16 where the GPU has it, else fp16 (with a GradScaler). CPU: bf16 when asked, and by default
    where the processor computes bf16 natively. fp16 on a CPU and anything on MPS train in fp32.
    """
    if precision == "fp32":
        return None
    if device.type == "cpu":
        if precision == "bf16" or (precision == "auto" and cpu_has_native_bf16()):
            return torch.bfloat16
        return None
    if device.type != "cuda":
        return None
    if precision == "fp16":
        return torch.float16
    if precision == "bf16" or torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return torch.float16


def memory_in_use_mb(device: torch.device) -> float:
    if device.type == "cuda":
        return torch.cuda.memory_allocated(device) / (1 << 20)
    return 0.0


def free_memory_bytes(device: torch.device) -> int:
    if device.type == "cuda":
        free, _total = torch.cuda.mem_get_info(device)
        return int(free)
    return 0

"""Multi-process training with PyTorch's own engine: torchrun + DistributedDataParallel.

`desktop-cls train` run under torchrun finds RANK/WORLD_SIZE in its environment and trains with DDP:
each rank decodes and trains on its own shard, metrics are all-reduced, and only rank 0 writes files.
NCCL on CUDA, gloo on CPU.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import torch
import torch.distributed as dist
from torch import nn

from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _
from desktop_cls.core.training.choices import batch_lr_factor

T = TypeVar("T")
INIT_TIMEOUT = _dt.timedelta(minutes=10)


def launched_by_torchrun() -> bool:
    """torchrun (and Slurm + torchrun) set these; a single process under torchrun still uses DDP."""
    return all(k in os.environ for k in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"))


def lr_scale(optimizer: str, world_size: int) -> float:
    """Global batch = per-process batch x world size, so the learning rate grows by the batch rule."""
    return batch_lr_factor(optimizer, world_size)


@dataclass
class DistContext:
    rank: int
    world_size: int
    local_rank: int
    device: torch.device
    backend: str

    @classmethod
    def from_env(cls, device_choice: str = "auto") -> DistContext:
        rank = int(os.environ["RANK"])
        world = int(os.environ["WORLD_SIZE"])
        local = int(os.environ.get("LOCAL_RANK", "0"))
        use_cuda = (torch.cuda.is_available() and device_choice in ("auto", "cuda")) or device_choice.startswith(
            "cuda:")
        if device_choice.startswith("cuda") and not torch.cuda.is_available():
            raise UserError(_("CUDA was chosen but no NVIDIA GPU is usable here"), cli_fix=_("use --device cpu"),
                            gui_fix=_("choose the CPU as device"))
        if use_cuda:
            torch.cuda.set_device(local)
            device, backend = torch.device("cuda", local), "nccl"
        else:
            device, backend = torch.device("cpu"), "gloo"
        if not dist.is_initialized():
            dist.init_process_group(backend=backend, timeout=INIT_TIMEOUT)
        return cls(rank, world, local, device, backend)

    def wrap(self, model: nn.Module) -> nn.Module:
        ids = [self.local_rank] if self.device.type == "cuda" else None
        return nn.parallel.DistributedDataParallel(model, device_ids=ids)

    def shard(self, samples: Sequence[T]) -> list[T]:
        """Every rank gets the same number of samples (the last few repeat), so step counts match."""
        items = list(samples)
        if not items:
            return items
        per_rank = math.ceil(len(items) / self.world_size)
        padded = (items * (per_rank * self.world_size // len(items) + 1))[: per_rank * self.world_size]
        return padded[self.rank :: self.world_size]

    def shard_exact(self, samples: Sequence[T]) -> list[T]:
        """Disjoint shards without padding, for validation: each sample is counted once."""
        return list(samples)[self.rank :: self.world_size]

    def min_int(self, value: int) -> int:
        t = torch.tensor([value], dtype=torch.int64, device=self.device)
        dist.all_reduce(t, op=dist.ReduceOp.MIN)
        return int(t.item())

    def all_reduce_sums(self, loss_sum: torch.Tensor, correct: torch.Tensor, n: int
                        ) -> tuple[torch.Tensor, torch.Tensor, int]:
        t = torch.stack([loss_sum.double(), correct.double(),
                         torch.tensor(float(n), dtype=torch.float64, device=loss_sum.device)])
        dist.all_reduce(t, op=dist.ReduceOp.SUM)
        return t[0], t[1], int(t[2].item())

    def agree_on_run_dir(self, create: Callable[[], Path]) -> Path:
        """Rank 0 creates the run folder; the others learn its path."""
        box: list[str | None] = [str(create()) if self.rank == 0 else None]
        dist.broadcast_object_list(box, src=0)
        return Path(str(box[0]))

    def barrier(self) -> None:
        dist.barrier()

    def close(self, wait_for_peers: bool = True) -> None:
        """Leave the group. After a successful run, first wait for every rank (rank 0 finishes last: it
        writes the files), since tearing the group down under a peer can abort it. After a failure, do
        not wait: the peers are stuck in another collective, and torchrun ends them once this rank exits."""
        if dist.is_initialized():
            try:
                if wait_for_peers:
                    dist.barrier()
            finally:
                dist.destroy_process_group()

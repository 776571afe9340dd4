"""Dynamic batching: requests that arrive while the model is busy go through it together.

No timer: the first request of a quiet server runs at once (a lone client never waits for company);
requests that queue up while a batch is running form the next batch, up to max_batch images. So the
batch size follows the load, which is when batching pays: one model call for 16 images costs far less
than 16 calls on CPU. The model runs on one worker thread, so the event loop keeps reading requests.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

BatchFn = Callable[[Sequence[np.ndarray]], np.ndarray]  # images -> one row of results each


class Batcher:
    """submit(images) -> their rows of batch_fn's result, batched with whatever else is waiting."""

    def __init__(self, batch_fn: BatchFn, max_batch: int = 32) -> None:
        self._fn = batch_fn
        self._max = max(1, max_batch)
        self._queue: asyncio.Queue[tuple[list[np.ndarray], asyncio.Future[np.ndarray]]] | None = None
        self._task: asyncio.Task[None] | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="model")
        self.batches = 0  # model calls so far (the benchmark reports images per call)
        self.images = 0

    async def submit(self, images: list[np.ndarray]) -> np.ndarray:
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._task = asyncio.get_running_loop().create_task(self._worker())
        fut: asyncio.Future[np.ndarray] = asyncio.get_running_loop().create_future()
        await self._queue.put((images, fut))
        return await fut

    async def _worker(self) -> None:
        assert self._queue is not None
        loop = asyncio.get_running_loop()
        while True:
            jobs = [await self._queue.get()]
            count = len(jobs[0][0])
            while count < self._max and not self._queue.empty():
                jobs.append(self._queue.get_nowait())
                count += len(jobs[-1][0])
            jobs = [(imgs, fut) for imgs, fut in jobs if not fut.cancelled()]  # their clients went away
            if not jobs:
                continue
            flat = [im for imgs, _f in jobs for im in imgs]
            try:
                rows = await loop.run_in_executor(self._pool, self._fn, flat)
            except Exception as e:
                for _imgs, fut in jobs:
                    if not fut.done():
                        fut.set_exception(e)
                continue
            self.batches += 1
            self.images += len(flat)
            start = 0
            for imgs, fut in jobs:
                if not fut.done():
                    fut.set_result(rows[start:start + len(imgs)])
                start += len(imgs)

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
            self._queue = None
        self._pool.shutdown(wait=False, cancel_futures=True)

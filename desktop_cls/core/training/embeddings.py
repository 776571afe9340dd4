"""Frozen-backbone features, computed once per image and kept on disk, and the linear head fitted on them.

A feature is keyed by the file's content (so renaming or moving an image to another class keeps it), the
backbone (architecture and a digest of its weights) and the input size: a change of either is a new key,
so a stale feature is never used. This is what makes a quick run's re-fit after relabelling take seconds.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from desktop_cls.core.data.imaging import load_resized
from desktop_cls.core.data.same_content import content_hash, file_digest
from desktop_cls.core.errors import ImageLoadError
from desktop_cls.core.events import CancelToken, PauseToken, ProgressFn, no_progress
from desktop_cls.core.i18n import N_, _
from desktop_cls.core.models.architectures import pooled_features
from desktop_cls.core.models.preprocessing import prepare
from desktop_cls.core.storage import user_cache_dir, write_atomic_with
from desktop_cls.core.training.feature_pass import Eta, Prefetch, ThreadChoice, likely_threads

FEATURE_FORMAT = 4  # bump when the way features are computed or stored changes: every old entry becomes a miss
# (2: each entry carries a tag binding it to its key and image; 3: transparent pictures cut to their visible
# part and letterboxed, data/picture_view.py; 4: a transparent colour (PNG tRNS) is
# transparency, data/imaging.py)
FAST_ENGINE = N_("torch, BatchNorm folded, channels-last")  # the fastest that agreed here (docs/benchmarks.md)
EAGER_ENGINE = N_("torch eager fp32")
AGREEMENT_PROBE = 2  # pictures of the first batch computed by both engines
AGREEMENT_TOLERANCE = 1e-3  # largest difference allowed, relative to the largest feature (folding: ~1e-5)
_weights_memo: dict[tuple[str, int, int], str] = {}


def weights_digest(path: Path) -> str:
    st = path.stat()
    memo_key = (str(path), st.st_size, st.st_mtime_ns)
    if memo_key not in _weights_memo:
        _weights_memo[memo_key] = file_digest(path, 16)
    return _weights_memo[memo_key]


def backbone_key(model: str, weights_id: str, size: tuple[int, int], pooling: str = "avg") -> str:
    """The cache folder name: architecture, weights, input size and pooling (and the feature format)."""
    pool = "" if pooling == "avg" else f"-{pooling}"  # average-pooled entries keep their earlier name
    return f"{model}-{weights_id}-{size[0]}x{size[1]}{pool}-v{FEATURE_FORMAT}"


# Who computed a cached entry: the Train page's summary says where the features it did not compute came from
# (the first training after live suggestions said "kept from an earlier run" of features no run had computed).
FOR_RUN, FOR_SUGGESTIONS = "run", "suggestions"
_ORIGIN_CODES = {FOR_RUN: b"run\0", FOR_SUGGESTIONS: b"sugg"}
UNKNOWN_ORIGIN = ""  # an entry written before entries said who computed them


class FeatureCache:
    """One small .npy per image under the user cache folder; any unreadable entry is just a miss.

    Each entry proves it belongs where it is read: it holds a BLAKE2b tag of the backbone key, the
    image's content digest, who computed it (`origin`: a run or the live suggestions) and the vector itself,
    checked on every read. An entry copied or swapped from another image or backbone (two classes' entries
    swapped trained a model that reported 98 % and scored 33 %), or damaged, does not match and is computed
    again. An entry of the format before the origin (no origin in it) is read as of an unknown origin."""

    TAG_BYTES = 32
    ORIGIN_BYTES = 4

    def __init__(self, key: str, root: Path | None = None, origin: str = FOR_RUN) -> None:
        self.key = key
        self.dir = (root or user_cache_dir() / "features") / key
        self.origin = origin  # who computes what this cache is given to keep

    def _path(self, digest: str) -> Path:
        return self.dir / digest[:2] / f"{digest}.npy"

    def _tag(self, digest: str, vector: bytes, origin: bytes | None = None) -> bytes:
        h = hashlib.blake2b(digest_size=self.TAG_BYTES, person=b"desktop_cls-feat" if origin is None
                            else b"desktop_cls-orig")
        for part in (self.key.encode(), digest.encode(), *(() if origin is None else (origin,)), vector):
            h.update(len(part).to_bytes(8, "little"))
            h.update(part)
        return h.digest()

    def get(self, digest: str) -> np.ndarray | None:
        found = self.lookup(digest)
        return None if found is None else found[0]

    def lookup(self, digest: str) -> tuple[np.ndarray, str] | None:
        """The vector and who computed it (FOR_RUN, FOR_SUGGESTIONS, UNKNOWN_ORIGIN), or None: a miss."""
        p = self._path(digest)
        try:
            raw = np.load(p, allow_pickle=False)
        except (OSError, ValueError, EOFError):
            return None
        if raw.ndim != 1 or raw.dtype != np.uint8 or (raw.size - self.TAG_BYTES) % 4 or raw.size <= self.TAG_BYTES:
            return None
        tag, body = raw[:self.TAG_BYTES].tobytes(), raw[self.TAG_BYTES:].tobytes()
        code, vector = body[:self.ORIGIN_BYTES], body[self.ORIGIN_BYTES:]
        origin = next((name for name, c in _ORIGIN_CODES.items() if c == code), None)
        if origin is not None and vector and hmac.compare_digest(tag, self._tag(digest, vector, code)):
            return np.frombuffer(vector, dtype=np.float32).copy(), origin
        if hmac.compare_digest(tag, self._tag(digest, body)):  # the format before the origin
            return np.frombuffer(body, dtype=np.float32).copy(), UNKNOWN_ORIGIN
        return None

    def put(self, digest: str, vec: np.ndarray) -> None:
        p = self._path(digest)
        vector = np.ascontiguousarray(vec, dtype=np.float32).tobytes()
        code = _ORIGIN_CODES[self.origin]
        entry = np.frombuffer(self._tag(digest, vector, code) + code + vector, dtype=np.uint8)
        try:
            def save(tmp: Path) -> None:
                with open(tmp, "wb") as f:
                    np.save(f, entry, allow_pickle=False)

            write_atomic_with(p, save, root=self.dir)  # its sub-folders are made without following links
        except OSError:
            pass  # a cache is an optimisation: a full disk must not fail the run


@dataclass(frozen=True)
class Features:
    """Features of the readable files, in input order; `missing` are the files that could not be decoded."""

    paths: tuple[str, ...]
    vectors: np.ndarray  # N x D float32
    missing: tuple[ImageLoadError, ...]
    computed: int  # how many were not in the cache
    decode_seconds: float = 0.0  # of the computed ones: reading and decoding the files (background thread)
    network_seconds: float = 0.0  # and running the backbone on them
    waited_seconds: float = 0.0  # the network idle, waiting for decoded pictures
    paused_seconds: float = 0.0  # held by a paused pause token: left out of every time the run reports
    engine: str = ""  # what computed them (FAST_ENGINE, or EAGER_ENGINE after a disagreement)
    digests: tuple[str, ...] = ()  # each file's content digest (same_content.content_hash), as paths
    cached_by: tuple[tuple[str, int], ...] = ()  # (origin, count) of the ones read from the cache


class FeatureExtractor:
    """A frozen backbone that turns files into pooled features, through the cache."""

    def __init__(self, model: nn.Module, key: str, size: tuple[int, int], mean: tuple[float, ...],
                 std: tuple[float, ...], device: torch.device, cache_root: Path | None = None,
                 origin: str = FOR_RUN) -> None:
        self.model = model.eval()
        fused = getattr(model, "fused_for_inference", None)  # EfficientNet-Lite: BatchNorm folded, channels-last
        self._fast: nn.Module = fused() if callable(fused) else self.model
        self._channels_last = callable(fused)
        self.engine_name = FAST_ENGINE if callable(fused) else EAGER_ENGINE
        self._verified = not callable(fused)  # the fast engine proves itself on its first batch
        self.size = size
        self.mean, self.std = mean, std
        self.device = device
        self.cache = FeatureCache(key, cache_root, origin)

    def _agrees(self, x: torch.Tensor) -> None:
        """Keep the fast engine only if its features of the first pictures match eager fp32 torch's;
        otherwise every feature is computed by the eager module (slower, never wrong)."""
        self._verified = True
        probe = x[:AGREEMENT_PROBE]
        ref = pooled_features(self.model, probe.contiguous()).float()
        got = pooled_features(self._fast, probe).float()
        scale = float(ref.abs().max().clamp_min(1e-6))
        diff = float((got - ref).abs().max()) if got.shape == ref.shape else float("inf")
        if not diff <= AGREEMENT_TOLERANCE * scale:  # also NaN
            self._fast, self._channels_last, self.engine_name = self.model, False, EAGER_ENGINE

    @torch.inference_mode()
    def compute(self, images_u8: torch.Tensor, batch_size: int = 32) -> np.ndarray:
        """N x 3 x H x W uint8 -> N x D float32, with the same preprocessing as prediction."""
        outs = []
        for i in range(0, images_u8.shape[0], batch_size):
            x = prepare(images_u8[i:i + batch_size], self.device, self.mean, self.std, self._channels_last)
            if not self._verified:
                self._agrees(x)
                x = x if self._channels_last else x.contiguous()
            outs.append(pooled_features(self._fast, x).float().cpu().numpy())
        return np.concatenate(outs) if outs else np.zeros((0, 0), dtype=np.float32)

    def features(self, paths: Sequence[str], progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
                 batch_size: int = 16, pause: PauseToken | None = None) -> Features:
        """Features of the files in input order: cached ones read, the others decoded on a background
        thread while the network runs (feature_pass), each computed once and cached. A paused pause
        token holds the network between batches (a quick run's Pause)."""
        digests, errors = _digests(paths)
        vecs: dict[int, np.ndarray] = {}
        todo: list[int] = []
        cached_by: Counter[str] = Counter()
        for i, d in enumerate(digests):
            hit = self.cache.lookup(d) if d is not None else None
            if hit is not None:
                vecs[i] = hit[0]
                cached_by[hit[1]] += 1
            elif d is not None:
                todo.append(i)
        eta = Eta(len(todo))
        progress(len(vecs), len(paths), eta.message(0))
        split = _run_pass(self, paths, digests, todo, vecs, errors, progress, cancel, batch_size, eta, pause)
        order = sorted(vecs)
        dim = next(iter(vecs.values())).shape[0] if vecs else 0
        vectors = np.stack([vecs[i] for i in order]) if order else np.zeros((0, dim), dtype=np.float32)
        return Features(tuple(paths[i] for i in order), vectors, tuple(errors[i] for i in sorted(errors)),
                        len(todo), *split, engine=self.engine_name, digests=tuple(digests[i] or "" for i in order),
                        cached_by=tuple(sorted(cached_by.items())))


def _digests(paths: Sequence[str]) -> tuple[list[str | None], dict[int, ImageLoadError]]:
    digests: list[str | None] = []
    errors: dict[int, ImageLoadError] = {}
    for i, p in enumerate(paths):
        try:
            digests.append(content_hash(p))
        except OSError as e:
            digests.append(None)
            errors[i] = ImageLoadError(p, "unreadable", _("cannot read the file: {error}").format(
                    error=e.strerror or e))
    return digests, errors


def _run_pass(ext: FeatureExtractor, paths: Sequence[str], digests: Sequence[str | None], todo: list[int],
              vecs: dict[int, np.ndarray], errors: dict[int, ImageLoadError], progress: ProgressFn,
              cancel: CancelToken | None, batch_size: int, eta: Eta, pause: PauseToken | None = None
              ) -> tuple[float, float, float, float]:
    """Decode (background) -> network -> cache, batch by batch; returns (decode, network, waited, paused) seconds.
    A paused pause token holds the loop after a batch (the prefetch decodes at most its depth ahead)."""
    chunks = [todo[s:s + batch_size] for s in range(0, len(todo), batch_size)]
    threads = ThreadChoice([1, torch.get_num_threads()], first=likely_threads(torch.get_num_threads()))
    before = torch.get_num_threads()
    decode_s = network_s = waited = paused = 0.0
    done = 0
    try:
        with Prefetch(chunks, lambda i: _try_load((paths[i], ext.size)), depth=2, cancel=cancel) as batches:
            t_wait = time.perf_counter()
            for b in batches:
                waited += time.perf_counter() - t_wait
                decode_s += b.seconds
                ok = [(i, a) for i, a in zip(b.chunk, b.items, strict=True) if not isinstance(a, ImageLoadError)]
                errors.update((i, a) for i, a in zip(b.chunk, b.items, strict=True) if isinstance(a, ImageLoadError))
                n = threads.next()
                torch.set_num_threads(n)
                t1 = time.perf_counter()
                if ok:
                    batch = torch.from_numpy(np.stack([a for _i, a in ok])).permute(0, 3, 1, 2).contiguous()
                    for (i, _a), v in zip(ok, ext.compute(batch, batch_size), strict=True):
                        vecs[i] = v
                        ext.cache.put(digests[i] or "", v)
                dt = time.perf_counter() - t1
                threads.record(n, len(ok), dt)
                network_s += dt
                done += len(b.chunk)
                progress(len(vecs) + len(errors), len(paths), eta.message(done))
                if pause is not None and pause.is_paused():
                    t_paused = time.perf_counter()
                    pause.wait_while_paused(cancel)
                    held = time.perf_counter() - t_paused
                    paused += held
                    eta.leave_out(held)
                t_wait = time.perf_counter()
    finally:
        torch.set_num_threads(before)
    return decode_s, network_s, waited, paused


def _try_load(args: tuple[str, tuple[int, int]]) -> np.ndarray | ImageLoadError:
    try:
        return load_resized(*args)
    except ImageLoadError as e:
        return e


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """Torch on one thread for a while. The head's operations are tiny (1,000 x 1,280 at most): on two
    threads their hand-offs cost more than the work, 70x the wall time on a busy 2-core CPU (measured:
    a 40-image fit took 52 s on two threads, 0.7 s on one)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def fit_linear_head(x: np.ndarray, y: np.ndarray, num_classes: int, c: float = 1.0, max_iter: int = 100,
                    init: tuple[np.ndarray, np.ndarray] | None = None, cancel: CancelToken | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression, scikit-learn's objective (C * sum of losses + |W|^2 / 2), by L-BFGS
    with scikit-learn's default 100 iterations; `init` warm-starts a re-fit from the previous head.
    cancel is checked at every step of the fit (CancelledError): a Stop is heard within one step, not
    after the seconds a cross-validated fit of many heads takes.

    Returns (weight C x D, bias C), ready to be the network's last nn.Linear.
    """
    with one_thread():
        return _fit_linear_head(x, y, num_classes, c, max_iter, init, cancel)


def _fit_linear_head(x: np.ndarray, y: np.ndarray, num_classes: int, c: float, max_iter: int,
                     init: tuple[np.ndarray, np.ndarray] | None, cancel: CancelToken | None
                     ) -> tuple[np.ndarray, np.ndarray]:
    if cancel is not None:
        cancel.raise_if_set()
    xt = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
    yt = torch.from_numpy(np.asarray(y, dtype=np.int64))
    if init is not None and init[0].shape == (num_classes, xt.shape[1]):
        w = torch.tensor(init[0], dtype=torch.float32, requires_grad=True)
        b = torch.tensor(init[1], dtype=torch.float32, requires_grad=True)
    else:
        w = torch.zeros(num_classes, xt.shape[1], requires_grad=True)
        b = torch.zeros(num_classes, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=1.0, max_iter=max_iter, tolerance_grad=1e-5, tolerance_change=1e-9,
                            history_size=10, line_search_fn="strong_wolfe")
    n = max(len(yt), 1)

    def closure() -> torch.Tensor:
        if cancel is not None:
            cancel.raise_if_set()  # out of L-BFGS's step: the half-fitted head is dropped
        opt.zero_grad()
        z = xt @ w.T + b
        loss = nn.functional.cross_entropy(z, yt, reduction="sum") / n + (w * w).sum() / (2 * c * n)
        loss.backward()
        return loss

    with torch.enable_grad():
        opt.step(closure)
    return w.detach().float().numpy(), b.detach().float().numpy()


def head_logits(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    return np.asarray(x @ weight.T + bias, dtype=np.float32)


def stratified_folds(y: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    """A fold number (0..k-1) per sample, each class dealt round-robin after a seeded shuffle."""
    rng = np.random.default_rng(seed)
    fold = np.zeros(len(y), dtype=np.int64)
    start = 0
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        fold[idx] = (np.arange(len(idx)) + start) % k
        start += len(idx)  # classes smaller than k do not all land in fold 0
    return fold


def cross_validated_logits(x: np.ndarray, y: np.ndarray, num_classes: int, k: int, c: float = 1.0,
                           seed: int = 0, cancel: CancelToken | None = None) -> np.ndarray:
    """Out-of-fold logits: each image scored by a head that never saw it (k heads on the other folds)."""
    fold = stratified_folds(y, k, seed)
    z = np.zeros((len(y), num_classes), dtype=np.float32)
    for f in range(k):
        held = fold == f
        if held.any() and (~held).any():
            w, b = fit_linear_head(x[~held], y[~held], num_classes, c=c, cancel=cancel)
            z[held] = head_logits(x[held], w, b)
    return z

"""Real pictures, few of each: does anything about clip art itself (its domain) help the frozen network?

    python -m benchmarks.real_pictures_domain adabn [--alphas 1 0.5 0]   # BatchNorm statistics of the pictures
    python -m benchmarks.real_pictures_domain backgrounds                 # the colour under transparent pixels
    python -m benchmarks.real_pictures_domain poolings [--dims 32 64]     # other poolings of the last maps

The benchmark of `benchmarks/real_pictures.py` (its manifest, its five draws of 20 per class, its 250 test
pictures), EfficientNet-Lite2 at 260 px, avg + max pooling and the default head (standardised features, C by
cross-validation), changing one thing at a time:

- *adabn*: each BatchNorm layer's running statistics re-estimated on the draw's own 200 pictures (AdaBN, Li et
  al. 2016), mixed with ImageNet's as alpha * ImageNet + (1 - alpha) * pictures; the features then computed
  as usual. Clip art is far from photos: the question is whether the network's own normalisation should follow.
- *backgrounds*: transparent pictures composited onto another colour than white (ImageNet's mean colour, a
  light grey), or every picture made greyscale.
- *poolings*: the head convolution's 1280 x 9 x 9 maps pooled otherwise, next to avg + max: an average
  weighted by each position's feature norm, and second-order pooling (the covariance of the positions'
  features projected onto the draw's first `dim` principal components, signed square root, L2-normalised).

Each prints mean ± sd over the draws (lowest draw) and the 1-minute load. Figures in docs/benchmarks.md,
"Real pictures, 20 per class".
"""

from __future__ import annotations

import argparse
import copy
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks import real_pictures as rp

MODEL, SIZE = "efficientnet_lite2", 260
Rows = tuple[np.ndarray, np.ndarray]


class Bench:
    """The manifest's files in one order, each part's rows and labels, and the default head's score."""

    def __init__(self) -> None:
        self.m = rp.load_manifest()
        self.files = sorted({f for part in (self.m["test"], *self.m["draws"]) for fs in part.values() for f in fs})
        self.test = self.rows(self.m["test"])

    def rows(self, part: dict[str, list[str]]) -> Rows:
        at = {f: i for i, f in enumerate(self.files)}
        pairs = [(at[f], c) for c, cls in enumerate(self.m["classes"]) for f in part[cls]]
        return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])

    def score(self, train_x: np.ndarray, train_y: np.ndarray, test_x: np.ndarray) -> float:
        from desktop_cls.core.training.linear_head import STANDARDISED_C_GRID, fit_head_cv

        fit = fit_head_cv(train_x, train_y, len(self.m["classes"]), STANDARDISED_C_GRID, standardise=True)
        return float(((test_x @ fit.weight.T + fit.bias).argmax(1) == self.test[1]).mean())

    def draws(self, features: Callable[[np.ndarray], np.ndarray]) -> list[float]:
        """The default head on each draw; `features(train_rows)` gives all pictures' features for that draw."""
        accs = []
        for draw in self.m["draws"]:
            tr, y = self.rows(draw)
            f = features(tr)
            accs.append(self.score(f[tr], y, f[self.test[0]]))
        return accs


def report(name: str, accs: list[float]) -> None:
    print(f"{name}: {rp._summary(accs)}  (load {rp._load()})", flush=True)


def _model() -> Any:
    from desktop_cls.core.models.architectures import build_model

    return build_model(MODEL, 10, SIZE, pretrained=True, pooling="avgmax").eval()


def _prepare(images: np.ndarray, channels_last: bool) -> Any:
    import torch

    from desktop_cls.core.models.catalog import MODELS
    from desktop_cls.core.models.preprocessing import prepare

    info = MODELS[MODEL]
    return prepare(torch.from_numpy(images), torch.device("cpu"), info.mean, info.std, channels_last)


def adapted(model: Any, images: np.ndarray, alpha: float, batch: int = 32) -> Any:
    """A copy of model whose BatchNorm statistics are alpha * its own + (1 - alpha) * those of images."""
    import torch
    from torch import nn

    a = copy.deepcopy(model).eval()
    bns = [mod for mod in a.modules() if isinstance(mod, nn.BatchNorm2d)]
    own = [(torch.as_tensor(b.running_mean).clone(), torch.as_tensor(b.running_var).clone()) for b in bns]
    for b in bns:
        b.reset_running_stats()
        b.momentum = None  # a cumulative average over the batches
        b.train()
    with torch.no_grad():
        for i in range(0, len(images), batch):
            a(_prepare(images[i:i + batch], False))
    for b, (mean, var) in zip(bns, own, strict=True):
        assert b.running_mean is not None and b.running_var is not None
        b.running_mean.mul_(1 - alpha).add_(alpha * mean)
        b.running_var.mul_(1 - alpha).add_(alpha * var)
        b.eval()
    return a


def run_adabn(bench: Bench, alphas: list[float]) -> None:
    import torch

    from desktop_cls.core.models.catalog import MODELS
    from desktop_cls.core.training.embeddings import FeatureExtractor

    images = rp.decode_all(bench.files, SIZE, "app")
    base, info = _model(), MODELS[MODEL]
    for alpha in alphas:
        def features(tr: np.ndarray, alpha: float = alpha) -> np.ndarray:
            model = base if alpha == 1 else adapted(base, images[tr], alpha)
            ext = FeatureExtractor(model, "adabn", (SIZE, SIZE), info.mean, info.std, torch.device("cpu"))
            return ext.compute(torch.from_numpy(images))
        report(f"BatchNorm statistics {alpha:g} x ImageNet + {1 - alpha:g} x the draw's pictures",
               bench.draws(features))


def _on(colour: tuple[int, int, int]) -> None:
    """The app's picture view, transparent pixels onto `colour` instead of white (patched for this process)."""
    from PIL import Image

    from desktop_cls.core.data import imaging, picture_view

    def composite(rgba: Image.Image) -> Image.Image:
        alpha = rgba.getchannel("A")
        out = Image.alpha_composite(Image.new("RGBA", rgba.size, (*colour, 255)), rgba).convert("RGB")
        lo = alpha.getextrema()[0]
        if isinstance(lo, (int, float)) and lo < 255:
            out.info[picture_view.TRIMMED] = alpha.getbbox() or (0, 0, rgba.width, rgba.height)
        return out

    def letterbox(im: Image.Image, size: tuple[int, int]) -> Image.Image:
        box = im.info.get(picture_view.TRIMMED)
        if box is None:
            return im
        im, (h, w) = im.crop(box), size
        scale = min(w / im.width, h / im.height)
        nw, nh = max(1, round(im.width * scale)), max(1, round(im.height * scale))
        canvas = Image.new("RGB", (w, h), colour)
        canvas.paste(im.resize((nw, nh), Image.Resampling.BILINEAR), ((w - nw) // 2, (h - nh) // 2))
        return canvas

    imaging.visible_on_white = composite
    imaging.network_view = letterbox


def run_backgrounds(bench: Bench) -> None:
    """Each colour in a fresh cache folder (the small copies of big pictures keep their colour)."""
    import tempfile

    cases: list[tuple[str, tuple[int, int, int], bool]] = [
        ("white (the default)", (255, 255, 255), False), ("ImageNet's mean colour", (124, 116, 104), False),
        ("light grey (200)", (200, 200, 200), False), ("white, then greyscale", (255, 255, 255), True)]
    for name, colour, grey in cases:
        os.environ["DESKTOP_CLS_CACHE_DIR"] = tempfile.mkdtemp(prefix="real-pictures-domain-")
        _on(colour)
        images = rp.decode_all(bench.files, SIZE, "app")
        if grey:
            g = (0.299 * images[:, 0] + 0.587 * images[:, 1] + 0.114 * images[:, 2]).astype(np.uint8)
            images = np.repeat(g[:, None], 3, axis=1)
        feats = rp.backbone_features(MODEL, images, False, "avgmax")
        def same(tr: np.ndarray, f: np.ndarray = feats) -> np.ndarray:
            return f
        report(name, bench.draws(same))


def last_maps(bench: Bench, batch: int = 32) -> np.ndarray:
    """N x 1280 x P: the head convolution's maps of every picture, positions flattened (float16 to save memory)."""
    import torch

    images = rp.decode_all(bench.files, SIZE, "app")
    fused = _model().fused_for_inference()
    out = []
    with torch.inference_mode():
        for i in range(0, len(images), batch):
            maps = fused.feature_maps(_prepare(images[i:i + batch], True)).float().numpy()
            out.append(maps.reshape(*maps.shape[:2], -1).astype(np.float16))
    return np.concatenate(out)


def second_order(maps: np.ndarray, train: np.ndarray, dim: int) -> np.ndarray:
    """Each picture's covariance of its positions' features on the training maps' first `dim` principal
    components: upper triangle, signed square root, L2-normalised."""
    positions = maps[train].transpose(0, 2, 1).reshape(-1, maps.shape[1])
    mean = positions.mean(0)
    _, _, vt = np.linalg.svd(positions[::3] - mean, full_matrices=False)
    z = np.einsum("ncp,cd->npd", maps - mean[None, :, None], vt[:dim].T)
    cov = np.einsum("npd,npe->nde", z, z) / z.shape[1]
    rows, cols = np.triu_indices(dim)
    upper = cov[:, rows, cols]
    upper = np.sign(upper) * np.sqrt(np.abs(upper))
    return np.asarray(upper / (np.linalg.norm(upper, axis=1, keepdims=True) + 1e-8))


def run_poolings(bench: Bench, dims: list[int]) -> None:
    t0 = time.perf_counter()
    maps = last_maps(bench).astype(np.float32)
    print(f"maps of {len(maps)} pictures in {time.perf_counter() - t0:.0f} s (load {rp._load()})", flush=True)
    avgmax = np.concatenate([maps.mean(2), maps.max(2)], 1)
    report("avg + max (the default)", bench.draws(lambda tr: avgmax))
    norm = np.linalg.norm(maps, axis=1, keepdims=True)
    weighted = np.concatenate([avgmax, (maps * norm).sum(2) / norm.sum(2)], 1)
    report("avg + max + norm-weighted average", bench.draws(lambda tr: weighted))
    for dim in dims:
        def with_second_order(tr: np.ndarray, d: int = dim) -> np.ndarray:
            return np.concatenate([avgmax, second_order(maps, tr, d)], 1)
        report(f"avg + max + second-order, {dim} components", bench.draws(with_second_order))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=("adabn", "backgrounds", "poolings"))
    ap.add_argument("--alphas", type=float, nargs="+", default=[1.0, 0.5, 0.0])
    ap.add_argument("--dims", type=int, nargs="+", default=[32, 64])
    a = ap.parse_args()
    bench = Bench()
    if a.what == "adabn":
        run_adabn(bench, a.alphas)
    elif a.what == "backgrounds":
        run_backgrounds(bench)
    else:
        run_poolings(bench, a.dims)


if __name__ == "__main__":
    main()

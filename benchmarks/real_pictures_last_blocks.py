"""Real pictures: fine-tune EfficientNet-Lite2's last blocks on cached maps, against the frozen default.

    python -m benchmarks.real_pictures_last_blocks [--cut 19] [--epochs 15] [--lr 3e-4] [--json OUT]

The quick mode freezes the whole network and fits only its last layer. Here the maps after block `--cut` are
computed once for every picture of the benchmark (as the quick mode sees them: the app's view, 260 px), then
the blocks after it and the 1x1 head convolution are trained with the last layer on each draw's 200 pictures
(AdamW, label smoothing 0.1, mirrored maps as augmentation, BatchNorm statistics kept), starting from the
default's fitted last layer. The frozen default on the same maps is scored alongside, so the two figures
compare like with like; the test pictures are only scored.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from benchmarks.real_pictures import _rows, _summary, decode_all, load_manifest

MODEL, SIZE = "efficientnet_lite2", 260


def _network() -> Any:
    from desktop_cls.core.models.architectures import build_model

    return build_model(MODEL, 10, SIZE, pretrained=True, pooling="avgmax").eval()


def cached_maps(net: Any, files: list[str], cut: int, cache: Path) -> np.ndarray:
    """The maps after block `cut` of every picture (an .npy from an earlier run when there is one)."""
    from desktop_cls.core.models.preprocessing import prepare

    npy = cache / f"lite2_maps_after_block_{cut}.npy"
    if npy.is_file():
        return np.load(npy)
    images, outs = decode_all(files, SIZE, "app"), []
    with torch.no_grad():
        for i in range(0, len(images), 32):
            y = prepare(torch.from_numpy(images[i:i + 32]), torch.device("cpu"), (0.5,) * 3, (0.5,) * 3)
            y = net._stem_act(net._bn0(net._conv_stem(y)))
            for block in net._blocks[:cut + 1]:
                y = block(y)
            outs.append(y.numpy())
    maps = np.concatenate(outs)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(npy, maps)
    return maps


class Tail(nn.Module):
    """The blocks after the cut, the head convolution and the pooling: maps -> pooled features."""

    def __init__(self, net: Any, cut: int) -> None:
        super().__init__()
        self.blocks = copy.deepcopy(net._blocks[cut + 1:])
        self.conv, self.bn = copy.deepcopy(net._conv_head), copy.deepcopy(net._bn1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu6(self.bn(self.conv(self.blocks(x))))
        return torch.cat([x.mean((2, 3)), x.amax((2, 3))], 1)

    def train_weights(self) -> None:
        """Training mode for the weights (and stochastic depth), the BatchNorm statistics frozen: 200 pictures
        are too few to re-estimate them."""
        self.train()
        for m in self.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.eval()


def one_draw(net: Any, maps: torch.Tensor, tr: np.ndarray, y_tr: np.ndarray, te: np.ndarray, y_te: np.ndarray,
             args: argparse.Namespace) -> tuple[float, float, float]:
    """(frozen default's accuracy, fine-tuned accuracy, training seconds) on one draw."""
    from desktop_cls.core.training.linear_head import STANDARDISED_C_GRID, fit_head_cv

    tail = Tail(net, args.cut).eval()
    with torch.no_grad():
        f_tr, f_te = tail(maps[tr]).numpy(), tail(maps[te]).numpy()
    fit = fit_head_cv(f_tr, y_tr, 10, STANDARDISED_C_GRID, standardise=True)
    frozen = float(((f_te @ fit.weight.T + fit.bias).argmax(1) == y_te).mean())
    fc = nn.Linear(f_tr.shape[1], 10)
    fc.weight.data, fc.bias.data = torch.from_numpy(fit.weight).float(), torch.from_numpy(fit.bias).float()
    opt = torch.optim.AdamW([*tail.parameters(), *fc.parameters()], lr=args.lr, weight_decay=0.01)
    x, y = maps[tr], torch.from_numpy(y_tr)
    t0 = time.perf_counter()
    for _epoch in range(args.epochs):
        tail.train_weights()
        order = torch.randperm(len(y))
        for i in range(0, len(y), 32):
            batch = order[i:i + 32]
            mirrored = (torch.rand(len(batch)) < 0.5)[:, None, None, None]
            xb = torch.where(mirrored, x[batch].flip(3), x[batch])
            loss = F.cross_entropy(fc(tail(xb)), y[batch], label_smoothing=0.1)
            opt.zero_grad()
            loss.backward()
            opt.step()
    tail.eval()
    with torch.no_grad():
        tuned = float((fc(tail(maps[te])).argmax(1).numpy() == y_te).mean())
    return frozen, tuned, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cut", type=int, default=19, help="maps after this block are cached (Lite2 has 0-20)")
    ap.add_argument("--epochs", type=int, default=15)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "real_pictures_features")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    torch.set_num_threads(2)
    m = load_manifest()
    files = sorted({f for part in (m["test"], *m["draws"]) for fs in part.values() for f in fs})
    net = _network()
    t0 = time.perf_counter()
    maps = torch.from_numpy(cached_maps(net, files, args.cut, args.cache))
    out: dict[str, Any] = {"maps_s": round(time.perf_counter() - t0, 1), "frozen": [], "fine_tuned": [],
                           "train_s": [], "load": []}
    te, y_te = _rows(m, files, m["test"])
    for draw in m["draws"]:
        tr, y_tr = _rows(m, files, draw)
        frozen, tuned, seconds = one_draw(net, maps, tr, y_tr, te, y_te, args)
        for key, value in (("frozen", frozen), ("fine_tuned", tuned), ("train_s", round(seconds, 1)),
                           ("load", round(os.getloadavg()[0], 1))):
            out[key].append(value)
        print(f"frozen {frozen:.3f}  fine-tuned {tuned:.3f}  ({seconds:.0f} s, load {out['load'][-1]})", flush=True)
    print(f"cut {args.cut}, {args.epochs} epochs, lr {args.lr}: frozen {_summary(out['frozen'])}, "
          f"fine-tuned {_summary(out['fine_tuned'])}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()

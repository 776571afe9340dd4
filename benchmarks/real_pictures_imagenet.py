"""Real pictures: does what the ImageNet network already knows, beyond its pooled features, help the head?

    python -m benchmarks.real_pictures_imagenet --synsets imagenet_synsets.txt [--wordnet /usr/share/wordnet]

Every head is the default's (standardised features, C by cross-validated log-loss) on the five draws of
`benchmarks.real_pictures`; only the features change. One pass of EfficientNet-Lite2 (260 px, the app's
view, BatchNorm folded) over the test set and the pool keeps, per picture: the last feature map's average,
maximum, generalised mean (p = 3) and 2 x 2 grid of averages, the third-last block's (208 channels) average and maximum,
and the bundled 1000-class ImageNet layer's logits. From the logits:

- *ImageNet probabilities, log-probabilities, square roots* as features;
- *WordNet ancestors*: each ImageNet class's hypernyms in WordNet 3.0 (`apt-get install wordnet-base`;
  `--synsets` names the 1000 ImageNet synset ids in the head's order, one per line, e.g. the
  `imagenet_synsets.txt` that timm ships), and a picture's probability of every ancestor with two or more
  classes below it (a "mammal" or "musical instrument" probability the head need not learn from 20 pictures);
- *a zero-shot prior by class name*: each class's probability is the ImageNet mass below the WordNet noun
  of its folder name (music and sport, which name no object, by "musical instrument" and "sports/game
  equipment"); added to the head's logits as alpha x log(prior + 0.01).

*Augmented views*: four random crops (65-100 % of the area of a 300 px view, resized to 260 px, mirrored at
random) of every pool picture join its draw's training set as extra rows.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.real_pictures import _load, _rows, _summary, decode_all, load_manifest

STREAMS = ("avg", "max", "gem", "grid", "block_avg", "block_max", "logits")
CASES = ("avg+max", "logits", "logp", "sqrtp", "avg+max+sqrtp", "avg+max+gem", "grid", "avg+max+block_avg",
         "ancestors_log", "avg+max+ancestors_sqrt")
PRIOR_ALPHAS = (0.0, 0.1, 0.2, 0.3, 0.5, 1.0)
NAME_SYNONYMS = {"music": ("musical_instrument",), "sport": ("sports_equipment", "game_equipment")}


def _network() -> Any:
    from desktop_cls.core.models.efficientnet_lite_family import efficientnet_lite

    return efficientnet_lite("efficientnet_lite2", 1000, pretrained=True).eval().fused_for_inference()


def _streams(net: Any, x: Any) -> dict[str, np.ndarray]:
    import torch

    h = net._stem_act(net._bn0(net._conv_stem(x.contiguous(memory_format=torch.channels_last))))
    out: dict[str, np.ndarray] = {}
    for j, block in enumerate(net._blocks):
        h = block(h)
        if j == len(net._blocks) - 3:  # the fourth block of the 208-channel stage
            out["block_avg"], out["block_max"] = h.mean((2, 3)).numpy(), h.amax((2, 3)).numpy()
    f = net._head_act(net._bn1(net._conv_head(h)))
    avg = f.mean((2, 3))
    out.update(avg=avg.numpy(), max=f.amax((2, 3)).numpy(), logits=net._fc(avg).numpy(),
               gem=f.clamp(min=1e-6).pow(3).mean((2, 3)).pow(1 / 3).numpy(),
               grid=torch.nn.functional.adaptive_avg_pool2d(f, 2).flatten(1).numpy())
    return out


def _normalised(images: np.ndarray) -> Any:
    import torch

    return (torch.from_numpy(images).float() - 127.5) / 127.5  # the Lite family's mean and std of 0.5


def features(files: list[str]) -> dict[str, np.ndarray]:
    import torch

    net, parts = _network(), []
    images = decode_all(files, 260, "app")
    with torch.no_grad():
        for i in range(0, len(files), 32):
            parts.append(_streams(net, _normalised(images[i:i + 32])))
    return {k: np.concatenate([p[k] for p in parts]).astype(np.float64) for k in STREAMS}


def augmented_views(files: list[str], views: int = 4, seed: int = 0) -> np.ndarray:
    """views x N x 2560 avg + max features of random crops, mirrored at random."""
    import torch

    net, rng = _network(), np.random.default_rng(seed)
    big = _normalised(decode_all(files, 300, "app"))
    out = np.zeros((views, len(files), 2560))
    with torch.no_grad():
        for v in range(views):
            for i, img in enumerate(big):
                side = int(300 * np.sqrt(rng.uniform(0.65, 1.0)))
                a, b = rng.integers(0, 300 - side + 1, 2)
                crop = torch.nn.functional.interpolate(img[None, :, a:a + side, b:b + side], size=(260, 260),
                                                       mode="bilinear", antialias=True)
                crop = torch.flip(crop, dims=[3]) if rng.random() < 0.5 else crop
                f = net.feature_maps(crop.contiguous(memory_format=torch.channels_last))
                out[v, i] = torch.cat([f.mean((2, 3)), f.amax((2, 3))], 1).numpy()[0]
    return out


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def wordnet_ancestors(wordnet: Path, synsets: Path) -> tuple[np.ndarray, list[list[str]]]:
    """1000 x K: 1 where the ancestor (hypernym closure, the class itself included) is above the class."""
    hyper: dict[str, list[str]] = {}
    lemmas: dict[str, list[str]] = {}
    for line in (wordnet / "data.noun").read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):
            continue
        parts = line.split(" | ")[0].split()
        count = int(parts[3], 16)
        lemmas[parts[0]] = [parts[4 + 2 * i].lower() for i in range(count)]
        k = 4 + 2 * count
        ptrs = parts[k + 1:k + 1 + 4 * int(parts[k])]
        hyper[parts[0]] = [ptrs[i + 1] for i in range(0, len(ptrs), 4) if ptrs[i] in ("@", "@i") and ptrs[i + 2] == "n"]
    closures = []
    for wnid in synsets.read_text().split():
        seen, todo = {wnid[1:]}, [wnid[1:]]
        while todo:
            for h in hyper.get(todo.pop(), []):
                if h not in seen:
                    seen.add(h)
                    todo.append(h)
        closures.append(seen)
    order = sorted(set().union(*closures))
    at = {o: i for i, o in enumerate(order)}
    matrix = np.zeros((len(closures), len(order)))
    for i, closure in enumerate(closures):
        matrix[i, [at[o] for o in closure]] = 1
    return matrix, [lemmas[o] for o in order]


def derived(f: dict[str, np.ndarray], ancestors: np.ndarray) -> dict[str, np.ndarray]:
    p = _softmax(f["logits"])
    mass = p @ ancestors[:, ancestors.sum(0) >= 2]
    return {**f, "prob": p, "logp": np.log(p + 1e-12), "sqrtp": np.sqrt(p), "ancestors_log": np.log(mass + 1e-4),
            "ancestors_sqrt": np.sqrt(mass)}


def name_prior(prob: np.ndarray, ancestors: np.ndarray, names: list[list[str]], classes: list[str]) -> np.ndarray:
    """N x classes: the ImageNet probability below each class name's WordNet noun."""
    cols = np.zeros((ancestors.shape[0], len(classes)))
    for c, name in enumerate(classes):
        wanted = {name, *NAME_SYNONYMS.get(name, ())}
        hits = [j for j, ls in enumerate(names) if wanted & set(ls)]
        if hits:
            cols[:, c] = ancestors[:, hits].max(1)
    return prob @ cols


def _fit(x: np.ndarray, y: np.ndarray) -> Any:
    from desktop_cls.core.training.linear_head import STANDARDISED_C_GRID, fit_head_cv

    return fit_head_cv(x, y, int(y.max()) + 1, STANDARDISED_C_GRID, standardise=True)


def score(m: dict[str, Any], files: list[str], x: np.ndarray, extra: np.ndarray | None = None,
          prior: np.ndarray | None = None, alpha: float = 0.0) -> list[float]:
    """Test accuracy per draw; extra (views x N x d) adds each training picture's augmented rows."""
    te, y_te = _rows(m, files, m["test"])
    accs = []
    for draw in m["draws"]:
        tr, y_tr = _rows(m, files, draw)
        rows = [x[tr]] + ([v[tr] for v in extra] if extra is not None else [])
        fit = _fit(np.concatenate(rows), np.tile(y_tr, len(rows)))
        z = x[te] @ fit.weight.T + fit.bias
        if prior is not None:
            z = z + alpha * np.log(prior[te] + 0.01)
        accs.append(float((z.argmax(1) == y_te).mean()))
    return accs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--synsets", type=Path, required=True, help="the 1000 ImageNet synset ids in class order")
    ap.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    ap.add_argument("--views", type=int, default=4)
    a = ap.parse_args()
    m = load_manifest()
    files = sorted({f for part in (m["test"], m["pool"]) for fs in part.values() for f in fs})
    ancestors, names = wordnet_ancestors(a.wordnet, a.synsets)
    f = derived(features(files), ancestors)
    print(f"{len(files)} pictures, load {_load()}", flush=True)
    for case in CASES:
        print(f"{case}: {_summary(score(m, files, np.concatenate([f[k] for k in case.split('+')], 1)))}", flush=True)
    base = np.concatenate([f["avg"], f["max"]], 1)
    prior = name_prior(f["prob"], ancestors, names, m["classes"])
    te, y_te = _rows(m, files, m["test"])
    print(f"zero-shot by name alone: {float((prior[te].argmax(1) == y_te).mean()) * 100:.1f} %")
    for alpha in PRIOR_ALPHAS:
        print(f"avg+max + {alpha} x log(name prior): {_summary(score(m, files, base, prior=prior, alpha=alpha))}")
    if a.views:
        views = augmented_views(files, a.views)
        print(f"avg+max + {a.views} augmented views per training picture: "
              f"{_summary(score(m, files, base, extra=views))}  (load {_load()})")


if __name__ == "__main__":
    main()

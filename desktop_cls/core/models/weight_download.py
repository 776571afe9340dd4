"""torchvision backbones' official ImageNet weights: downloaded only when the user asks, or imported from a
file they already have, into torch's hub cache, where `--pretrained` looks for them.

Every file that lands in the cache has the SHA-256 prefix its official name carries (torch.hub's check_hash
rule: `resnet18-f37072fd.pth` must hash to f37072fd…), is written to a temporary file beside it and moved
into place in one step, so a cut connection, a cancel or a wrong file leaves nothing behind. The temporary file
gets a fresh random name and is created exclusively, never through a link (storage.write_atomic_with): the cache
may be shared or synced, and a link planted at a name that can be guessed would take the bytes elsewhere.
"""

from __future__ import annotations

import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelToken, ProgressFn, no_progress
from desktop_cls.core.i18n import _, join_list
from desktop_cls.core.models.catalog import MODELS
from desktop_cls.core.storage import sha256_of, write_atomic_with

CHUNK = 1 << 16
TIMEOUT_S = 30.0
HASH_PREFIX = re.compile(r"-([a-f0-9]+)\.")  # torch.hub's HASH_REGEX


# torchvision's DEFAULT weights of each backbone in the catalogue (tests/core/test_weight_download.py compares
# them with torchvision's weights API). Known here, the check for them before training runs on the UI thread
# without importing torchvision, which imports torch's compiler stack (`torch._dynamo`, sympy: seconds).
OFFICIAL_URLS = {
    "resnet18": "https://download.pytorch.org/models/resnet18-f37072fd.pth",
    "resnet34": "https://download.pytorch.org/models/resnet34-b627a593.pth",
    "resnet50": "https://download.pytorch.org/models/resnet50-11ad3fa6.pth",
    "mobilenet_v3_small": "https://download.pytorch.org/models/mobilenet_v3_small-047dcff4.pth",
    "mobilenet_v3_large": "https://download.pytorch.org/models/mobilenet_v3_large-5c1a4163.pth",
    "efficientnet_b0": "https://download.pytorch.org/models/efficientnet_b0_rwightman-7f5810bc.pth",
}


class WeightsOfflineError(UserError):
    """No network: said once, with what to do instead (import a file)."""


@dataclass(frozen=True)
class OfficialWeights:
    """Where a backbone's default ImageNet weights come from and where they go."""

    model: str
    url: str
    path: Path  # in torch's hub cache: checkpoints/<file name of the url>

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def sha256_prefix(self) -> str | None:
        m = HASH_PREFIX.search(self.file_name)
        return m.group(1) if m else None

    @property
    def present(self) -> bool:
        return self.path.is_file()


def downloadable_models() -> list[str]:
    """The catalogue's torchvision backbones: the ones with official weights to download."""
    return [name for name, info in MODELS.items() if info.torchvision]


def official_weights(model: str) -> OfficialWeights:
    """The DEFAULT weights of torchvision's weights API for this backbone (its URL and hashed file name)."""
    if model not in MODELS or not MODELS[model].torchvision:
        raise UserError(_("{model} has no official weights to download; choose one of: {models}").format(
            model=model, models=join_list(downloadable_models())))
    import torch

    url = OFFICIAL_URLS[model]
    return OfficialWeights(model, url, Path(torch.hub.get_dir()) / "checkpoints" / Path(url).name)


def missing_weights_message(model: str) -> str:
    """What `--pretrained` says when the weights are not in the cache: the commands that fetch them."""
    w = official_weights(model)
    return _("pretrained weights for {model} are not on this computer (looked for {path}). Download them with "
             "`desktop-cls weights download {model}` (needs the internet once), import a copy you already have "
             "with `desktop-cls weights import FILE --model {model}`, or train from scratch."
             ).format(model=model, path=w.path)


def _check_hash(path: Path, w: OfficialWeights, what: str) -> None:
    prefix = w.sha256_prefix
    if prefix is None:
        return
    digest = sha256_of(path)
    if not digest.startswith(prefix):
        raise UserError(_("{what} is not the official {model} weights file: its SHA-256 starts {got}, the "
                          "official one starts {want}").format(what=what, model=w.model, got=digest[:len(prefix)],
                                                               want=prefix))


def _offline(w: OfficialWeights, reason: object) -> WeightsOfflineError:
    return WeightsOfflineError(_(
        "cannot download the {model} weights: no connection to {host} ({reason}). On a computer that is online, "
        "download {url} and import it here with `desktop-cls weights import {file} --model {model}` (or "
        "\"Import file…\" in the app)").format(model=w.model, host=urllib.parse.urlsplit(w.url).netloc or w.url,
                                              reason=reason, url=w.url, file=w.file_name))


def _chunks(url: str, w: OfficialWeights, progress: ProgressFn, cancel: CancelToken | None,
            timeout: float) -> Iterator[bytes]:
    try:
        response = urllib.request.urlopen(url, timeout=timeout)  # an https URL from torchvision's registry
    except urllib.error.HTTPError as e:
        raise UserError(_("cannot download the {model} weights: the server answered {code} {reason}").format(
            model=w.model, code=e.code, reason=e.reason)) from None
    except (urllib.error.URLError, OSError) as e:
        raise _offline(w, getattr(e, "reason", None) or e) from None
    with response:
        total = int(response.headers.get("Content-Length") or 0)
        done = 0
        progress(0, total, _("downloading {file}").format(file=w.file_name))
        while True:
            if cancel is not None:
                cancel.raise_if_set()
            try:
                chunk = response.read(CHUNK)
            except OSError as e:  # the connection dropped half-way (timeouts are OSErrors too)
                raise _offline(w, e) from None
            if not chunk:
                break
            done += len(chunk)
            progress(done, max(total, done), _("downloading {file}").format(file=w.file_name))
            yield chunk
        if total and done < total:
            raise _offline(w, _("the download stopped after {done:,} of {total:,} bytes").format(done=done,
                                                                                                  total=total))


def download_weights(model: str, progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
                     timeout: float = TIMEOUT_S) -> Path:
    """Fetch the official weights into torch's hub cache (nothing to do when already there); the file is
    checked against its name's SHA-256 prefix before it is moved into place. Only ever called because the
    user asked: the app never downloads on its own."""
    w = official_weights(model)
    if w.present:
        return w.path

    def fill(tmp: Path) -> None:  # tmp: created exclusively a moment ago, fsynced and renamed into place after
        with open(tmp, "wb") as f:
            for chunk in _chunks(w.url, w, progress, cancel, timeout):
                f.write(chunk)
        _check_hash(tmp, w, _("the downloaded file"))

    write_atomic_with(w.path, fill)
    return w.path


def import_weights(model: str, source: str | Path, progress: ProgressFn = no_progress) -> Path:
    """Copy a weights file the user already has into the cache, after checking it is the official one
    (its SHA-256) and that it holds only tensors that fit the architecture (read with weights_only=True)."""
    w = official_weights(model)
    src = Path(source).expanduser()
    if not src.is_file():
        raise UserError(_("weights file not found: {path}").format(path=src))
    progress(0, 3, _("checking {file}").format(file=src.name))
    _check_hash(src, w, str(src))
    _check_loads(model, src)
    progress(1, 3, _("copying into the cache"))
    if w.present and w.path.samefile(src):
        return w.path

    def fill(tmp: Path) -> None:
        shutil.copyfile(src, tmp)
        _check_hash(tmp, w, _("the copy"))

    write_atomic_with(w.path, fill)
    progress(3, 3, _("done"))
    return w.path


def _check_loads(model: str, path: Path) -> None:
    import torchvision

    from desktop_cls.core.models.weight_files import load_state_dict_file

    state = load_state_dict_file(path)  # weights_only=True: a file that needs code is refused
    net = getattr(torchvision.models, model)(weights=None)
    try:
        net.load_state_dict(state)
    except RuntimeError as e:
        raise UserError(_("{path} does not fit {model}: {error}").format(
            path=path, model=model, error=str(e).splitlines()[0])) from None


@dataclass(frozen=True)
class WeightsStatus:
    model: str
    present: bool
    path: str
    url: str


def weights_status() -> list[WeightsStatus]:
    """Every downloadable backbone and whether its official weights are on this computer."""
    out = []
    for name in downloadable_models():
        w = official_weights(name)
        out.append(WeightsStatus(name, w.present, str(w.path), w.url))
    return out

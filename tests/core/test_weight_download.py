"""Official torchvision weights: downloaded only on request from a (here local) server, checked against the
SHA-256 prefix in their name, moved into torch's cache atomically; offline and bad files leave nothing."""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelledError, CancelToken
from desktop_cls.core.models import weight_download as wd

PAYLOAD = bytes(range(256)) * 2048  # 512 KiB: several chunks, so progress and cancel have room


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    return tmp_path / "torch" / "hub" / "checkpoints"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "served"
    root.mkdir()
    handler = lambda *a, **kw: http.server.SimpleHTTPRequestHandler(*a, directory=str(root), **kw)  # noqa: E731
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.RequestHandlerClass.log_message = lambda *a: None  # type: ignore[attr-defined]  # quiet
    httpd.handle_error = lambda *a: None  # type: ignore[method-assign]  # a cancelled client hangs up mid-file
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def serve(tmp_path: Path, base_url: str, hub: Path, monkeypatch: pytest.MonkeyPatch, data: bytes,
          prefix: str) -> wd.OfficialWeights:
    """A served file named like torchvision's (name-<sha256 prefix>.pth), and official_weights pointing at it."""
    name = f"mobilenet_v3_small-{prefix}.pth"
    (tmp_path / "served" / name).write_bytes(data)
    w = wd.OfficialWeights("mobilenet_v3_small", f"{base_url}/{name}", hub / name)
    monkeypatch.setattr(wd, "official_weights", lambda model: w)
    return w


def test_the_real_registry_names_a_hashed_file_in_torchs_cache(hub: Path) -> None:
    w = wd.official_weights("mobilenet_v3_small")
    assert w.url.startswith("https://") and w.path.parent == hub and w.sha256_prefix
    assert not w.present
    with pytest.raises(UserError, match="no official weights"):
        wd.official_weights("quicknet")


def test_the_known_weights_are_torchvisions_defaults_for_every_backbone_offered() -> None:
    """Known here so the check before training asks torchvision nothing: it must stay what torchvision downloads."""
    import torchvision

    assert set(wd.OFFICIAL_URLS) == set(wd.downloadable_models())
    for model, url in wd.OFFICIAL_URLS.items():
        assert url == torchvision.models.get_model_weights(model).DEFAULT.url, model


def test_download_checks_the_hash_and_reports_progress(tmp_path: Path, server: str, hub: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    w = serve(tmp_path, server, hub, monkeypatch, PAYLOAD, hashlib.sha256(PAYLOAD).hexdigest()[:8])
    seen: list[tuple[int, int]] = []
    path = wd.download_weights("mobilenet_v3_small", progress=lambda d, t, _w: seen.append((d, t)))
    assert path == w.path and path.read_bytes() == PAYLOAD
    assert seen[-1] == (len(PAYLOAD), len(PAYLOAD)) and len(seen) > 3
    assert list(hub.iterdir()) == [path]  # no temporary file left beside it
    (tmp_path / "served" / w.file_name).unlink()
    assert wd.download_weights("mobilenet_v3_small") == path  # already there: no network needed


def test_a_file_with_the_wrong_hash_is_refused_and_nothing_is_written(tmp_path: Path, server: str, hub: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    serve(tmp_path, server, hub, monkeypatch, PAYLOAD, "00000000")
    with pytest.raises(UserError, match="not the official mobilenet_v3_small weights"):
        wd.download_weights("mobilenet_v3_small")
    assert not any(hub.iterdir())


def test_cancel_stops_the_download_and_removes_the_partial_file(tmp_path: Path, server: str, hub: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    serve(tmp_path, server, hub, monkeypatch, PAYLOAD, hashlib.sha256(PAYLOAD).hexdigest()[:8])
    token = CancelToken()

    def progress(done: int, total: int, what: str) -> None:
        if done > 0:
            token.set()  # the user presses Cancel after the first chunk

    with pytest.raises(CancelledError):
        wd.download_weights("mobilenet_v3_small", progress=progress, cancel=token)
    assert not any(hub.iterdir())


def test_offline_says_so_once_with_the_import_command(tmp_path: Path, hub: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on: the connection is refused, as offline
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    w = wd.OfficialWeights("mobilenet_v3_small", f"http://127.0.0.1:{port}/m-0123abcd.pth", hub / "m-0123abcd.pth")
    monkeypatch.setattr(wd, "official_weights", lambda model: w)
    with pytest.raises(wd.WeightsOfflineError) as e:
        wd.download_weights("mobilenet_v3_small")
    text = str(e.value)
    assert text.count("cannot download") == 1
    assert "desktop-cls weights import m-0123abcd.pth --model mobilenet_v3_small" in text
    assert not hub.exists() or not any(hub.iterdir())


def real_weights_file(tmp_path: Path) -> tuple[Path, str]:
    import torchvision

    path = tmp_path / "mine.pth"
    torch.save(torchvision.models.mobilenet_v3_small(weights=None).state_dict(), path)
    return path, hashlib.sha256(path.read_bytes()).hexdigest()[:8]


def test_import_copies_a_checked_file_into_the_cache(tmp_path: Path, hub: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    src, prefix = real_weights_file(tmp_path)
    w = wd.OfficialWeights("mobilenet_v3_small", f"https://example.invalid/mobilenet_v3_small-{prefix}.pth",
                           hub / f"mobilenet_v3_small-{prefix}.pth")
    monkeypatch.setattr(wd, "official_weights", lambda model: w)
    path = wd.import_weights("mobilenet_v3_small", src)
    assert path == w.path and path.read_bytes() == src.read_bytes() and src.is_file()
    from desktop_cls.core.models import architectures

    monkeypatch.setattr(architectures, "hub_weights_path", lambda name: w.path)
    model = architectures.build_model("mobilenet_v3_small", 3, pretrained=True)  # --pretrained now finds them
    assert model(torch.rand(1, 3, 64, 64)).shape == (1, 3)


def test_import_refuses_a_file_with_another_hash_or_code_in_it(tmp_path: Path, hub: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    src, _prefix = real_weights_file(tmp_path)
    w = wd.OfficialWeights("mobilenet_v3_small", "https://example.invalid/mobilenet_v3_small-deadbeef.pth",
                           hub / "mobilenet_v3_small-deadbeef.pth")
    monkeypatch.setattr(wd, "official_weights", lambda model: w)
    with pytest.raises(UserError, match="SHA-256 starts"):
        wd.import_weights("mobilenet_v3_small", src)
    assert not hub.exists() or not any(hub.iterdir())
    import collections

    evil = tmp_path / "evil.pth"
    torch.save({"x": collections.OrderedDict(a=1), "y": Path("/")}, evil)  # needs a class to unpickle
    digest = hashlib.sha256(evil.read_bytes()).hexdigest()[:8]
    w2 = wd.OfficialWeights("mobilenet_v3_small", f"https://example.invalid/m-{digest}.pth", hub / f"m-{digest}.pth")
    monkeypatch.setattr(wd, "official_weights", lambda model: w2)
    with pytest.raises(UserError, match="refused to open"):
        wd.import_weights("mobilenet_v3_small", evil)  # right hash, but weights_only=True refuses it
    assert not hub.exists() or not any(hub.iterdir())


def test_train_pretrained_without_weights_names_the_command(hub: Path) -> None:
    from desktop_cls.core.models.architectures import build_model

    with pytest.raises(UserError, match="desktop-cls weights download mobilenet_v3_small"):
        build_model("mobilenet_v3_small", 3, pretrained=True)


def test_a_link_planted_at_a_temporary_name_in_the_cache_is_never_written_through(
        tmp_path: Path, server: str, hub: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """torch's cache may be shared or synced: a link planted where the temporary file used to go (a name made of
    the file's name and the process id, easy to guess) took the downloaded or imported bytes into its target."""
    import os

    victim = tmp_path / "victim"
    victim.write_bytes(b"the user's own file")
    hub.mkdir(parents=True)
    w = serve(tmp_path, server, hub, monkeypatch, PAYLOAD, hashlib.sha256(PAYLOAD).hexdigest()[:8])
    (hub / f".{w.file_name}.{os.getpid()}.part").symlink_to(victim)
    assert wd.download_weights("mobilenet_v3_small") == w.path and w.path.read_bytes() == PAYLOAD
    assert not w.path.is_symlink() and victim.read_bytes() == b"the user's own file"
    src, prefix = real_weights_file(tmp_path)
    w2 = wd.OfficialWeights("mobilenet_v3_small", f"https://example.invalid/mobilenet_v3_small-{prefix}.pth",
                            hub / f"mobilenet_v3_small-{prefix}.pth")
    monkeypatch.setattr(wd, "official_weights", lambda model: w2)
    (hub / f".{w2.file_name}.{os.getpid()}.part").symlink_to(victim)
    assert wd.import_weights("mobilenet_v3_small", src).read_bytes() == src.read_bytes()
    assert not w2.path.is_symlink() and victim.read_bytes() == b"the user's own file"

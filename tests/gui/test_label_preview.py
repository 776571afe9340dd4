"""The Label page's large picture comes from the app's own decoder, as the model sees it: a phone photo stands
upright (EXIF orientation), and a picture over the pixel limit is refused with the decoder's own reason."""

from __future__ import annotations

import shutil
import struct
import zlib
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import open_and_wait

CLIP_ART = Path("/usr/share/openclipart/png/animals/birds/dove_symbol.png")  # real clip art, 318 x 390


def phone_photo(path: Path) -> None:
    """Clip art saved as a camera saves a photo taken holding the phone upright: the pixels lie on their side
    (390 x 318) and EXIF orientation 6 says to turn them a quarter clockwise."""
    from PIL import Image

    if not CLIP_ART.exists():
        pytest.skip("openclipart-png is not installed")
    with Image.open(CLIP_ART) as art:
        rgba = art.convert("RGBA")
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW to show
    flat.transpose(Image.Transpose.ROTATE_90).save(path, "JPEG", exif=exif.tobytes())


def over_the_limit(path: Path) -> None:
    """A PNG whose header claims 18,000 x 14,000 pixels (252 MP, over the decoder's 240 MP limit)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 18_000, 14_000, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
                     + chunk(b"IEND", b""))


@pytest.fixture
def pile(tiny_folder: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "pile"
    folder.mkdir()
    shutil.copy(tiny_folder / "cat" / "cat_00.png", folder / "a_first.png")
    phone_photo(folder / "b_phone.jpg")
    over_the_limit(folder / "c_huge.png")
    return folder


def test_a_phone_photo_shows_upright_as_the_model_sees_it(qtbot: QtBot, window: MainWindow, pile: Path) -> None:
    open_and_wait(qtbot, window, pile)
    window.show_page("label")
    lp = window.label_page
    preview = lp.view.preview
    lp.go_to(1)
    assert lp.model.current() == "b_phone.jpg"
    qtbot.waitUntil(lambda: preview.source() is not None, timeout=10_000)
    picture = preview.source()
    assert picture is not None and (picture.width(), picture.height()) == (318, 390)  # upright, not on its side


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # (the decoder refuses it)
def test_a_picture_over_the_pixel_limit_says_so_with_the_fix(qtbot: QtBot, window: MainWindow, pile: Path) -> None:
    open_and_wait(qtbot, window, pile)
    window.show_page("label")
    lp = window.label_page
    preview = lp.view.preview
    lp.go_to(2)
    assert lp.model.current() == "c_huge.png"
    qtbot.waitUntil(lambda: "\u2068c_huge.png\u2069 cannot be read" in preview.text(), timeout=10_000)
    assert preview.source() is None and "240,000,000 limit" in preview.text()  # the decoder's reason
    assert "shrink the image" in preview.text()  # and what to do

"""A decoder's complaint in the user's words: Pillow and the OS say "image file is truncated" or "broken data
stream", in English, whatever language the app speaks. The common cases get a plain, translated reason with what
to do; the library's own text stays only as a detail at the end, for a bug report."""

from __future__ import annotations

from desktop_cls.core.i18n import N_, _

# (words in the library's message, lower case) -> the plain reason; the first match wins
_REASONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("truncated", "premature end", "unexpected end", "end of file", "not enough data", "buffer is not large enough",
      "image data is incomplete"),
     N_("the file ends too early (a copy or download that was cut off); copy it again or remove it")),
    (("cannot identify image file",),
     N_("the file's content is not an image this app can read; remove it or fix its extension")),
    (("decompression bomb", "exceeds limit"),
     N_("the image claims to be far too large to open safely; shrink it to use it")),
    (("mode", "unsupported", "not supported", "cannot handle this data type", "unknown raw", "bit depth"),
     N_("the image is stored in a form this app cannot read (an unusual colour format or compression); save it "
        "again as an ordinary PNG or JPEG")),
    (("broken", "crc", "corrupt", "decoder error", "invalid", "bad ", "damaged", "checksum"),
     N_("the image data inside the file is damaged; re-export it or remove it")),
)
_UNREADABLE = N_("the image data could not be read (a damaged file, or a form this app cannot read); re-export "
                 "it as PNG or JPEG, or remove it")


def plain_decode_reason(error: BaseException) -> str:
    """The translated reason a decoder failed, with the library's message kept as a detail at the end."""
    raw = str(error) or type(error).__name__
    low = raw.lower()
    if isinstance(error, MemoryError):
        reason = _("there was not enough memory to open this image; close other programs or shrink it")
    elif isinstance(error, EOFError):
        reason = _(_REASONS[0][1])
    else:
        found = next((text for words, text in _REASONS if any(w in low for w in words)), _UNREADABLE)
        reason = _(found)
    return _("{reason} (detail: {detail})").format(reason=reason, detail=raw)

"""Pictures: an upload checked, decoded with a pixel limit and re-encoded server-side (Pillow).

What comes in may be anything: only PNG, JPEG and WebP are opened (Pillow is told to try no other
decoder), the byte size is checked before decoding and the pixel count from the header before the
pixels are decoded (a decompression bomb is a small file that decodes to gigabytes), and what is
stored is never the upload itself but a new WebP, scaled down to what the board needs, without any
metadata. Limits are in docs/security.md ("Pictures"). No I/O beyond the bytes given.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from .i18n import N_

MAX_UPLOAD_BYTES = 8 * 1024 * 1024  # an upload larger than this is refused unread
MAX_PIXELS = 40_000_000  # width × height from the header; more is refused before decoding
FORMATS = ("PNG", "JPEG", "WEBP")
# the largest box each kind of picture is scaled into (the board at 1920×1080 needs no more)
SIZES: dict[str, tuple[int, int]] = {
    "project": (1600, 1200),
    "logo": (1200, 400),
    "sponsors": (3000, 400),
    "judge": (600, 600),
}
_SLOT = re.compile(r"^(logo|sponsors|(project|judge):[A-Za-z0-9_.-]{1,40})$")


class MediaError(ValueError):
    """A picture that cannot be taken; `code` is stable, `message` an English template (translated
    where it is shown) filled with `params`."""

    def __init__(self, code: str, message: str, status: int, **params: Any) -> None:
        super().__init__(message.format(**params) if params else message)
        self.code, self.message, self.status, self.params = code, message, status, params


@dataclass(frozen=True, slots=True)
class Picture:
    mime: str
    width: int
    height: int
    data: bytes
    sha256: str


def slot_kind(slot: str) -> str | None:
    """The kind of a slot name (`logo`, `sponsors`, `project:<id>`, `judge:<id>`), or None."""
    if not isinstance(slot, str) or not _SLOT.match(slot):
        return None
    return slot.split(":", 1)[0]


def process(data: bytes, kind: str) -> Picture:
    """Check and re-encode an uploaded picture for `kind` (a key of SIZES); raises MediaError."""
    if not data:
        raise MediaError("empty_file", N_("The file is empty."), 400)
    if len(data) > MAX_UPLOAD_BYTES:
        raise MediaError("too_large", N_("The picture is larger than {mb} MB."), 413, mb=MAX_UPLOAD_BYTES // 2**20)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=FORMATS)
        except UnidentifiedImageError as exc:
            raise _wrong_type() from exc
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels() from exc
        except (OSError, SyntaxError, ValueError) as exc:
            raise MediaError("bad_image", N_("The picture could not be read: it may be damaged."), 422) from exc
        with image:
            if image.width * image.height > MAX_PIXELS:
                raise _too_many_pixels()  # checked on the header, before a pixel is decoded
            box = SIZES[kind]
            try:
                image.draft("RGB", box)  # JPEG: decode at a reduced scale where it can
                image.load()
                out = ImageOps.exif_transpose(image)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
                raise _too_many_pixels() from exc
            except (OSError, SyntaxError, ValueError) as exc:
                raise MediaError("bad_image", N_("The picture could not be read: it may be damaged."), 422) from exc
    alpha = out.mode in ("RGBA", "LA", "PA") or (out.mode == "P" and "transparency" in out.info)
    out = out.convert("RGBA" if alpha else "RGB")
    out.thumbnail(box, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    out.save(buffer, "WEBP", quality=85, method=4)  # a new file: no EXIF, no ICC, no text chunks
    encoded = buffer.getvalue()
    return Picture("image/webp", out.width, out.height, encoded, hashlib.sha256(encoded).hexdigest())


def _wrong_type() -> MediaError:
    return MediaError("bad_type", N_("Choose a PNG, JPEG or WebP picture."), 415)


def _too_many_pixels() -> MediaError:
    return MediaError(
        "too_many_pixels", N_("The picture has more than {limit} million pixels."), 422, limit=MAX_PIXELS // 1_000_000
    )

"""Check that an uploaded PNG is a complete, sane badge image before it is stored.

`_png_chunks.read_chunks` already checks the signature, every chunk's bounds and CRC, and the
chunk order. On top of that an upload must have a valid IHDR, at most `max_pixels` pixels,
pixel data that inflates to exactly the size its header implies (inflated in bounded steps
and counted, never held, so a decompression bomb costs no memory), compressed text and ICC
chunks that stay under a bound when inflated, no animation, and no baked credential.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from badge_issuer.images._png_chunks import Chunk, read_chunks
from badge_issuer.images.errors import MalformedPng
from badge_issuer.images.limits import ImageLimits
from badge_issuer.images.png import CREDENTIAL_KEYWORD, LEGACY_KEYWORD
from badge_issuer.images.store_errors import (
    AnimatedPngRefused,
    ImageAlreadyBaked,
    PngPixelDataInvalid,
    PngTooManyPixels,
)

MAX_SIDE = 2048
MAX_PIXELS = MAX_SIDE * MAX_SIDE
MAX_INFLATED_METADATA = 1024 * 1024
_STEP = 64 * 1024
_IHDR = struct.Struct(">IIBBBBB")
# PNG § 11.2.2: allowed bit depths per colour type, and samples per pixel.
_BIT_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
# Adam7 passes: (x start, y start, x step, y step), PNG § 8.2.
_ADAM7 = (
    (0, 0, 8, 8),
    (4, 0, 8, 8),
    (0, 4, 4, 8),
    (2, 0, 4, 4),
    (0, 2, 2, 4),
    (1, 0, 2, 2),
    (0, 1, 1, 2),
)


@dataclass(frozen=True, slots=True)
class PngHeader:
    """The IHDR fields that size the image data."""

    width: int
    height: int
    bit_depth: int
    colour_type: int
    interlaced: bool

    @property
    def bits_per_pixel(self) -> int:
        return _CHANNELS[self.colour_type] * self.bit_depth


def check_png_upload(image: bytes, limits: ImageLimits) -> PngHeader:
    """Validate an uploaded PNG completely and return its header."""
    chunks = read_chunks(image, limits)
    header = parse_header(chunks[0])
    _check_dimensions(header)
    _check_chunk_kinds(chunks, header)
    _check_pixel_data(chunks, header)
    for chunk in chunks:
        _check_compressed_metadata(chunk)
    return header


def png_header(image: bytes, limits: ImageLimits) -> PngHeader:
    """Return the header of a PNG (checked chunks, no pixel work)."""
    return parse_header(read_chunks(image, limits)[0])


def parse_header(ihdr: Chunk) -> PngHeader:
    """Decode and check an IHDR chunk (PNG § 11.2.2)."""
    if len(ihdr.data) != _IHDR.size:
        raise MalformedPng(f"the IHDR chunk has {len(ihdr.data)} bytes, not {_IHDR.size}")
    width, height, depth, colour, compression, filtering, interlace = _IHDR.unpack(ihdr.data)
    if not (0 < width < 2**31 and 0 < height < 2**31):
        raise MalformedPng(f"the PNG declares an impossible size {width}x{height}")
    if depth not in _BIT_DEPTHS.get(colour, ()):
        raise MalformedPng(f"the PNG declares colour type {colour} with bit depth {depth}")
    if compression != 0 or filtering != 0 or interlace not in (0, 1):
        raise MalformedPng("the PNG declares an unknown compression, filter or interlace method")
    return PngHeader(width, height, depth, colour, interlace == 1)


def expected_data_size(header: PngHeader) -> int:
    """Return the size of the filtered scanlines the header implies (PNG § 7.2, § 8.2)."""
    if not header.interlaced:
        return _scanlines_size(header.width, header.height, header.bits_per_pixel)
    total = 0
    for x0, y0, dx, dy in _ADAM7:
        width = -(-(header.width - x0) // dx) if header.width > x0 else 0
        height = -(-(header.height - y0) // dy) if header.height > y0 else 0
        if width and height:
            total += _scanlines_size(width, height, header.bits_per_pixel)
    return total


def _check_dimensions(header: PngHeader) -> None:
    """Refuse images too large to be a badge (viewers would decode every pixel)."""
    width, height = header.width, header.height
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise PngTooManyPixels(
            f"the PNG is {width}x{height} pixels; at most {MAX_SIDE} per side "
            f"and {MAX_PIXELS} in all are accepted"
        )


def _scanlines_size(width: int, height: int, bits_per_pixel: int) -> int:
    """Each scanline is one filter byte plus the row's bits rounded up to bytes."""
    return height * (1 + -(-(width * bits_per_pixel) // 8))


def _check_chunk_kinds(chunks: list[Chunk], header: PngHeader) -> None:
    """Refuse animation and baked credentials; require a palette for indexed colour."""
    names = {chunk.type for chunk in chunks}
    if b"acTL" in names or b"fdAT" in names:
        raise AnimatedPngRefused("the PNG is animated (it has acTL/fdAT chunks)")
    if header.colour_type == 3 and b"PLTE" not in names:
        raise MalformedPng("the PNG uses indexed colour but has no PLTE chunk")
    keywords = {chunk.text_keyword for chunk in chunks}
    if CREDENTIAL_KEYWORD in keywords or LEGACY_KEYWORD in keywords:
        raise ImageAlreadyBaked(
            "the PNG already carries an 'openbadgecredential' or 'openbadges' text chunk; "
            "upload the plain artwork"
        )


def _check_pixel_data(chunks: list[Chunk], header: PngHeader) -> None:
    """Inflate the IDAT stream in bounded steps and require exactly the expected size."""
    expected = expected_data_size(header)
    produced = _inflated_size((c.data for c in chunks if c.type == b"IDAT"), limit=expected)
    if produced != expected:
        raise PngPixelDataInvalid(
            f"the pixel data inflates to {produced} bytes; the header implies {expected}"
        )


def _check_compressed_metadata(chunk: Chunk) -> None:
    """Bound what zTXt, iCCP and compressed iTXt chunks inflate to (viewers inflate them)."""
    if chunk.type not in (b"zTXt", b"iCCP", b"iTXt"):
        return
    where = f"the {chunk.name} chunk at offset {chunk.offset}"
    name_end = chunk.data.find(b"\0", 0, 80)
    if name_end <= 0:
        raise MalformedPng(f"{where} has no keyword")
    if chunk.type != b"iTXt":
        compressed = chunk.data[name_end + 2 :]  # after the NUL and the method byte
    elif chunk.data[name_end + 1 : name_end + 2] != b"\x01":
        return  # uncompressed text
    else:
        fields = chunk.data[name_end + 3 :].split(b"\0", 2)
        if len(fields) != 3:
            raise MalformedPng(f"{where} lacks its language fields")
        compressed = fields[2]
    _inflated_size([compressed], limit=MAX_INFLATED_METADATA, what=where, error=MalformedPng)


def _inflated_size(
    parts: Iterable[bytes],
    *,
    limit: int,
    what: str = "the pixel data",
    error: type[MalformedPng] = PngPixelDataInvalid,
) -> int:
    """Count the bytes a zlib stream inflates to, stopping as soon as it exceeds `limit`."""
    inflater = zlib.decompressobj()
    produced = 0
    try:
        for part in parts:
            pending = part
            while pending:
                produced += len(inflater.decompress(pending, _STEP))
                pending = inflater.unconsumed_tail
                if produced > limit:
                    raise error(f"{what} inflates to more than {limit} bytes")
        while not inflater.eof and (out := inflater.decompress(b"", _STEP)):
            produced += len(out)
            if produced > limit:
                raise error(f"{what} inflates to more than {limit} bytes")
    except zlib.error as exc:
        raise error(f"{what} is not a valid zlib stream: {exc}") from None
    if not inflater.eof:
        raise error(f"{what} ends before its zlib stream does")
    if inflater.unused_data:
        raise error(f"{what} has bytes after the end of its zlib stream")
    return produced

"""Read a PNG datastream into chunks, checking every bound before touching content.

Each chunk keeps its exact bytes (`raw`) so that baking re-emits the original image chunks
byte for byte and never re-encodes pixels.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass

from badge_issuer.images.errors import (
    MalformedPng,
    NotAPng,
    PngChunkLimitExceeded,
    PngCrcMismatch,
    TruncatedPng,
)
from badge_issuer.images.limits import ImageLimits

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TEXT_CHUNK_TYPES = frozenset({b"tEXt", b"zTXt", b"iTXt"})

_HEADER = struct.Struct(">I4s")
_CRC = struct.Struct(">I")
_FRAME_BYTES = _HEADER.size + _CRC.size
_MAX_CHUNK_LENGTH = 2**31 - 1  # PNG § 5.3: lengths are limited to 2^31 - 1
_MAX_KEYWORD_BYTES = 79
_CHUNK_TYPE = re.compile(rb"[A-Za-z]{4}")


@dataclass(frozen=True, slots=True)
class Chunk:
    """One PNG chunk: its type, its data and its exact bytes in the file."""

    type: bytes
    data: bytes
    raw: bytes
    offset: int

    @property
    def name(self) -> str:
        """Return the chunk type as text, for messages."""
        return self.type.decode("ascii")

    @property
    def text_keyword(self) -> bytes | None:
        """Return the keyword of a tEXt, zTXt or iTXt chunk, or None for other chunks."""
        if self.type not in TEXT_CHUNK_TYPES:
            return None
        end = self.data.find(b"\0", 0, _MAX_KEYWORD_BYTES + 1)
        return self.data[:end] if end > 0 else None


def read_chunks(image: bytes, limits: ImageLimits) -> list[Chunk]:
    """Split a PNG into checked chunks: signature, bounds, CRCs, count and order."""
    limits.check_image_size(len(image))
    if not image.startswith(PNG_SIGNATURE):
        raise NotAPng("the data does not start with the PNG signature")
    chunks: list[Chunk] = []
    offset = len(PNG_SIGNATURE)
    while not chunks or chunks[-1].type != b"IEND":
        if len(chunks) >= limits.max_png_chunks:
            raise PngChunkLimitExceeded(f"the image has more than {limits.max_png_chunks} chunks")
        chunk = _read_chunk(image, offset)
        chunks.append(chunk)
        offset += len(chunk.raw)
    if offset != len(image):
        raise MalformedPng(f"{len(image) - offset} bytes follow the IEND chunk")
    _check_chunk_order(chunks)
    return chunks


def encode_chunk(chunk_type: bytes, data: bytes) -> bytes:
    """Frame `data` as a PNG chunk: length, type, data, CRC-32 of type and data."""
    crc = zlib.crc32(data, zlib.crc32(chunk_type))
    return _HEADER.pack(len(data), chunk_type) + data + _CRC.pack(crc)


def _read_chunk(image: bytes, offset: int) -> Chunk:
    """Read the chunk at `offset`, checking its bounds before slicing its data."""
    remaining = len(image) - offset
    if remaining == 0:
        raise TruncatedPng("the image ends without an IEND chunk")
    if remaining < _FRAME_BYTES:
        raise TruncatedPng(f"the chunk at offset {offset} is cut short")
    length, chunk_type = _HEADER.unpack_from(image, offset)
    if not _CHUNK_TYPE.fullmatch(chunk_type):
        raise MalformedPng(f"the chunk at offset {offset} has an invalid type {chunk_type!r}")
    name = chunk_type.decode("ascii")
    if length > _MAX_CHUNK_LENGTH:
        raise MalformedPng(f"chunk {name} at offset {offset} declares length {length} > 2^31-1")
    if length > remaining - _FRAME_BYTES:
        raise TruncatedPng(
            f"chunk {name} at offset {offset} declares {length} data bytes "
            f"but only {remaining - _FRAME_BYTES} remain"
        )
    data_start = offset + _HEADER.size
    data = image[data_start : data_start + length]
    (stored_crc,) = _CRC.unpack_from(image, data_start + length)
    if zlib.crc32(data, zlib.crc32(chunk_type)) != stored_crc:
        raise PngCrcMismatch(f"chunk {name} at offset {offset} fails its CRC check")
    return Chunk(chunk_type, data, image[offset : data_start + length + _CRC.size], offset)


def _check_chunk_order(chunks: list[Chunk]) -> None:
    """Require IHDR first and once, and at least one IDAT (PNG § 5.6)."""
    if chunks[0].type != b"IHDR":
        raise MalformedPng(f"the first chunk is {chunks[0].name}, not IHDR")
    if sum(chunk.type == b"IHDR" for chunk in chunks) != 1:
        raise MalformedPng("the image has more than one IHDR chunk")
    if not any(chunk.type == b"IDAT" for chunk in chunks):
        raise MalformedPng("the image has no IDAT chunk")

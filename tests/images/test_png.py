from __future__ import annotations

import json
import struct
import time
import tracemalloc
import zlib

import pytest

from badge_issuer.images import ImageFormat, ImageLimits, bake_png, unbake_png
from badge_issuer.images.errors import (
    CredentialTooLarge,
    ImageTooLarge,
    InvalidCredentialText,
    LegacyBadgeNotSupported,
    MalformedPng,
    MultipleCredentials,
    NoBakedCredential,
    NotAPng,
    PngChunkLimitExceeded,
    PngCrcMismatch,
    TruncatedPng,
    UnsupportedCredentialFormat,
)
from tests.images.factories import (
    PNG_SIGNATURE,
    credential_chunks,
    credential_json,
    itxt,
    list_chunks,
    make_credential,
    make_png,
    png_chunk,
)

KEYWORD = b"openbadgecredential"


def _bomb(size: int) -> bytes:
    """Compress `size` zero bytes in pieces, without holding them all in memory."""
    compressor = zlib.compressobj(9)
    block = bytes(1024 * 1024)
    parts = [compressor.compress(block) for _ in range(size // len(block))]
    return b"".join([*parts, compressor.flush()])


class TestBakePng:
    def test_round_trip_gives_the_same_dict_and_the_same_json_text(self) -> None:
        text = credential_json()
        unbaked = unbake_png(bake_png(make_png(), text))
        assert unbaked.image_format is ImageFormat.PNG
        assert unbaked.credential == make_credential()
        assert unbaked.credential_json == text

    def test_writes_the_itxt_chunk_the_spec_prescribes(self) -> None:
        text = credential_json()
        [chunk] = credential_chunks(bake_png(make_png(), text))
        expected = png_chunk(b"iTXt", KEYWORD + b"\0\0\0\0\0" + text.encode("utf-8"))
        assert chunk == expected

    def test_only_inserts_the_chunk_before_iend(self) -> None:
        original = make_png(idat_parts=3, extra=(png_chunk(b"tEXt", b"Title\0badge"),))
        text = credential_json()
        baked = bake_png(original, text)
        [chunk] = credential_chunks(baked)
        assert baked == original[:-12] + chunk + original[-12:]

    def test_keeps_every_original_chunk_byte_for_byte(self) -> None:
        original = make_png(idat_parts=4, extra=(png_chunk(b"pHYs", bytes(9)),))
        baked = bake_png(bake_png(original, credential_json()), credential_json(number=2))
        kept = [raw for _, raw in list_chunks(baked) if raw not in credential_chunks(baked)]
        assert kept == [raw for _, raw in list_chunks(original)]
        assert baked.startswith(PNG_SIGNATURE)

    def test_rebaking_replaces_the_credential_instead_of_adding_one(self) -> None:
        once = bake_png(make_png(), credential_json(number=1))
        twice = bake_png(once, credential_json(number=2))
        assert len(credential_chunks(twice)) == 1
        assert unbake_png(twice).credential == make_credential(number=2)

    def test_rebaking_equals_baking_the_original(self) -> None:
        original = make_png()
        rebaked = bake_png(bake_png(original, credential_json(number=1)), credential_json(number=2))
        assert rebaked == bake_png(original, credential_json(number=2))

    def test_replaces_a_compressed_or_tEXt_credential_too(self) -> None:
        old = json.dumps(make_credential(number=7)).encode()
        original = make_png(
            extra=(itxt(KEYWORD, old, compressed=True), png_chunk(b"tEXt", KEYWORD + b"\0" + old))
        )
        baked = bake_png(original, credential_json())
        assert len(credential_chunks(baked)) == 1
        assert unbake_png(baked).credential == make_credential()

    def test_leaves_a_legacy_openbadges_chunk_alone(self) -> None:
        legacy = itxt(b"openbadges", b'{"type": "Assertion"}')
        baked = bake_png(make_png(extra=(legacy,)), credential_json())
        assert legacy in baked
        assert unbake_png(baked).credential == make_credential()

    def test_refuses_credential_text_that_is_not_a_json_object(self) -> None:
        with pytest.raises(InvalidCredentialText, match="object"):
            bake_png(make_png(), "[1, 2]")

    def test_refuses_a_credential_over_the_limit(self) -> None:
        with pytest.raises(CredentialTooLarge):
            bake_png(make_png(), credential_json(), limits=ImageLimits(max_credential_bytes=100))

    def test_refuses_a_result_over_the_image_limit(self) -> None:
        original = make_png()
        limits = ImageLimits(max_image_bytes=len(original) + 50)
        with pytest.raises(ImageTooLarge):
            bake_png(original, credential_json(), limits=limits)

    def test_validates_the_image_before_baking(self) -> None:
        with pytest.raises(NotAPng):
            bake_png(b"GIF89a" + bytes(40), credential_json())


class TestUnbakePng:
    def test_reads_a_compressed_itxt_credential(self) -> None:
        text = credential_json().encode()
        png = make_png(extra=(itxt(KEYWORD, text, compressed=True),))
        assert unbake_png(png).credential == make_credential()

    def test_reads_a_ztxt_credential(self) -> None:
        text = credential_json().encode()
        png = make_png(extra=(png_chunk(b"zTXt", KEYWORD + b"\0\0" + zlib.compress(text)),))
        assert unbake_png(png).credential == make_credential()

    def test_reads_an_itxt_with_a_language_tag(self) -> None:
        png = make_png(extra=(itxt(KEYWORD, b'{"a": 1}', lang=b"ja"),))
        assert unbake_png(png).credential == {"a": 1}

    def test_plain_image_has_no_credential(self) -> None:
        with pytest.raises(NoBakedCredential, match="no 'openbadgecredential'"):
            unbake_png(make_png())

    def test_legacy_openbadges_chunk_is_not_an_ob3_credential(self) -> None:
        png = make_png(extra=(png_chunk(b"tEXt", b"openbadges\0https://example.org/a.json"),))
        with pytest.raises(LegacyBadgeNotSupported, match=r"Open Badges 2\.0"):
            unbake_png(png)

    def test_two_credential_chunks_are_refused(self) -> None:
        chunk = itxt(KEYWORD, b"{}")
        with pytest.raises(MultipleCredentials):
            unbake_png(make_png(extra=(chunk, chunk)))

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            (b"\xff\xfe{}", "UTF-8"),
            (b"not json", "not valid JSON"),
            (b'"a string"', "object, not str"),
            (b'{"a": 1, "a": 2}', "repeats the member 'a'"),
            (b'{"a": NaN}', "NaN"),
            (b"[" * 200_000, "nested too deeply|not valid JSON"),
        ],
        ids=["bad-utf8", "not-json", "not-object", "duplicate-key", "nan", "deep-nesting"],
    )
    def test_credential_text_must_be_a_utf8_json_object(self, text: bytes, message: str) -> None:
        with pytest.raises(InvalidCredentialText, match=message):
            unbake_png(make_png(extra=(itxt(KEYWORD, text),)))

    def test_a_vc_jwt_is_recognised_and_refused(self) -> None:
        png = make_png(extra=(itxt(KEYWORD, b"eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ4In0.c2ln"),))
        with pytest.raises(UnsupportedCredentialFormat, match="VC-JWT"):
            unbake_png(png)

    def test_credential_text_over_the_limit_is_refused(self) -> None:
        png = make_png(extra=(itxt(KEYWORD, b'{"a": "' + b"x" * 2000 + b'"}'),))
        with pytest.raises(CredentialTooLarge):
            unbake_png(png, limits=ImageLimits(max_credential_bytes=1000))


class TestHostilePng:
    def test_not_a_png(self) -> None:
        with pytest.raises(NotAPng, match="signature"):
            unbake_png(b"<svg xmlns='http://www.w3.org/2000/svg'/>")

    def test_empty_input(self) -> None:
        with pytest.raises(NotAPng):
            unbake_png(b"")

    @pytest.mark.parametrize("cut", [8, 20, 33, 50, -13, -1])
    def test_truncated_file(self, cut: int) -> None:
        with pytest.raises(TruncatedPng):
            unbake_png(make_png()[:cut])

    def test_missing_iend(self) -> None:
        with pytest.raises(TruncatedPng, match="without an IEND"):
            unbake_png(make_png()[:-12])

    def test_bad_crc_on_an_image_chunk(self) -> None:
        png = bytearray(make_png())
        png[45] ^= 0x01  # inside the IDAT data
        with pytest.raises(PngCrcMismatch, match="IDAT"):
            unbake_png(bytes(png))

    def test_bad_crc_on_the_credential_chunk(self) -> None:
        chunk = png_chunk(b"iTXt", KEYWORD + b"\0\0\0\0\0{}", crc=12345)
        with pytest.raises(PngCrcMismatch, match="iTXt"):
            unbake_png(make_png(extra=(chunk,)))

    def test_giant_declared_length_fails_fast_without_allocating(self) -> None:
        header = struct.pack(">I", 0x7FFFFFFF) + b"iTXt" + b"x" * 20
        png = make_png()[:-12] + header
        tracemalloc.start()
        started = time.perf_counter()
        with pytest.raises(TruncatedPng, match="declares 2147483647 data bytes"):
            unbake_png(png)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert elapsed < 0.5
        assert peak < 256 * 1024

    def test_length_beyond_the_png_maximum(self) -> None:
        png = make_png()[:-12] + struct.pack(">I", 0xFFFFFFFF) + b"IEND" + bytes(4)
        with pytest.raises(MalformedPng, match="2\\^31-1"):
            unbake_png(png)

    def test_invalid_chunk_type(self) -> None:
        with pytest.raises(MalformedPng, match="invalid type"):
            unbake_png(make_png()[:-12] + png_chunk(b"\0\1\2\3", b"") + png_chunk(b"IEND", b""))

    def test_first_chunk_must_be_ihdr(self) -> None:
        text_first = PNG_SIGNATURE + png_chunk(b"tEXt", b"a\0b") + make_png()[8:]
        with pytest.raises(MalformedPng, match="not IHDR"):
            unbake_png(text_first)

    def test_bytes_after_iend(self) -> None:
        with pytest.raises(MalformedPng, match="follow the IEND"):
            unbake_png(make_png() + b"trailing")

    def test_too_many_chunks(self) -> None:
        many = tuple(png_chunk(b"tEXt", b"k\0v") for _ in range(20))
        with pytest.raises(PngChunkLimitExceeded):
            unbake_png(make_png(extra=many), limits=ImageLimits(max_png_chunks=10))

    def test_image_over_the_size_limit(self) -> None:
        with pytest.raises(ImageTooLarge, match="limit is 50 bytes"):
            unbake_png(make_png(), limits=ImageLimits(max_image_bytes=50))

    @pytest.mark.parametrize("chunk_type", [b"iTXt", b"zTXt"])
    def test_decompression_bomb_stops_at_the_limit(self, chunk_type: bytes) -> None:
        bomb = _bomb(64 * 1024 * 1024)
        prefix = b"\0\1\0\0\0" if chunk_type == b"iTXt" else b"\0\0"
        png = make_png(extra=(png_chunk(chunk_type, KEYWORD + prefix + bomb),))
        started = time.perf_counter()
        with pytest.raises(CredentialTooLarge, match="limit is 1048576"):
            unbake_png(png)
        assert time.perf_counter() - started < 1.0

    def test_corrupt_compressed_text(self) -> None:
        chunk = png_chunk(b"iTXt", KEYWORD + b"\0\1\0\0\0" + b"not zlib at all")
        with pytest.raises(MalformedPng, match="corrupt"):
            unbake_png(make_png(extra=(chunk,)))

    def test_incomplete_compressed_text(self) -> None:
        chunk = png_chunk(b"iTXt", KEYWORD + b"\0\1\0\0\0" + zlib.compress(b'{"a": 1}')[:-6])
        with pytest.raises(MalformedPng, match="incomplete"):
            unbake_png(make_png(extra=(chunk,)))

    def test_unknown_compression_flag(self) -> None:
        chunk = png_chunk(b"iTXt", KEYWORD + b"\0\2\0\0\0{}")
        with pytest.raises(MalformedPng, match="compression flag 2"):
            unbake_png(make_png(extra=(chunk,)))

    def test_itxt_without_language_fields(self) -> None:
        chunk = png_chunk(b"iTXt", KEYWORD + b"\0\0\0{}")
        with pytest.raises(MalformedPng, match="language fields"):
            unbake_png(make_png(extra=(chunk,)))

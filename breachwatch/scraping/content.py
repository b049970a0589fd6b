"""Turning untrusted bytes into text documents: decompression with bomb guards, binary rejection.

Everything here works on bounded inputs (the caller caps downloads and files at
``max_document_bytes``) and never produces more than the caps allow, whatever the bytes claim:
declared sizes in gzip trailers and zip headers are ignored in favour of counting real output.
"""

from __future__ import annotations

import codecs
import io
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from breachwatch.scraping.errors import (
    BinaryContent,
    DecompressionBomb,
    DocumentTooLarge,
    ScrapeError,
)
from breachwatch.scraping.types import MIB, ScrapeLimits

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
GZIP_WBITS = 16 + zlib.MAX_WBITS
AUTO_WBITS = 32 + zlib.MAX_WBITS  # zlib or gzip header, whichever is present
CHUNK = 64 * 1024
# Small inputs compress far beyond any sane ratio (a page of spaces); only judge the ratio once
# enough output exists for it to mean something.
RATIO_FLOOR_BYTES = 1 * MIB
MAX_ZIP_MEMBERS = 10_000
BOUNDED_ZIP_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
MAX_CONTROL_SHARE = 0.05
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r\f\v\b\x1b") + b"\x7f"

_TEXT_TYPES = {
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".sql": "application/sql",
    ".json": "application/json",
}


@dataclass(frozen=True, slots=True)
class Part:
    """One document inside a body or file: ``name`` is "" for the whole input, else a zip member."""

    name: str
    content: bytes | None = None
    error: str | None = None
    skipped: bool = False


def content_type_for(name: str, default: str | None = "text/plain") -> str | None:
    """A content type from a file or member name, for documents that carry no header."""
    lower = name.lower().removesuffix(".gz")
    for suffix, ctype in _TEXT_TYPES.items():
        if lower.endswith(suffix):
            return ctype
    return default


def ensure_text(data: bytes) -> bytes:
    """Return ``data`` as text bytes or raise ``BinaryContent``.

    UTF-16 with a byte-order mark is re-encoded to UTF-8 (Windows tools write dumps that way);
    any other NUL byte, or more than 5 % control characters, means the bytes are not text.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeError as exc:
            raise BinaryContent("binary content (undecodable UTF-16)") from exc
    if b"\x00" in data:
        raise BinaryContent("binary content (NUL bytes)")
    if data:
        control = len(data) - len(data.translate(None, _CONTROL))
        if control / len(data) > MAX_CONTROL_SHARE:
            raise BinaryContent(f"binary content ({control / len(data):.0%} control characters)")
    return data


def check_document(data: bytes, limits: ScrapeLimits) -> bytes:
    """Size and text checks every document passes before it leaves the scraping layer."""
    if len(data) > limits.max_document_bytes:
        raise DocumentTooLarge(f"document of {len(data)} bytes exceeds {limits.max_document_bytes}")
    return ensure_text(data)


class _Budget:
    """Counts decompressed output of one input against the three caps, in the order that names
    the real problem: ratio and total are bombs, the per-document cap is merely too large."""

    def __init__(self, limits: ScrapeLimits, max_output: int) -> None:
        self.limits = limits
        self.max_output = max_output
        self.total = 0

    def add(self, produced: int, consumed: int, so_far: int) -> None:
        self.total += produced
        if so_far > RATIO_FLOOR_BYTES and so_far > self.limits.max_ratio * max(consumed, 1):
            raise DecompressionBomb(f"decompression bomb (ratio above {self.limits.max_ratio:g}:1)")
        if self.total > self.limits.max_decompressed_bytes:
            raise DecompressionBomb(
                f"decompression bomb (more than {self.limits.max_decompressed_bytes} bytes)"
            )
        if so_far > self.max_output:
            raise DocumentTooLarge(f"decompressed document exceeds {self.max_output} bytes")


def inflate(data: bytes, limits: ScrapeLimits, wbits: int = GZIP_WBITS) -> bytes:
    """Inflate gzip (also concatenated members) or zlib/deflate data within the caps."""
    budget = _Budget(limits, limits.max_document_bytes)
    out = bytearray()
    pending = data
    decomp = zlib.decompressobj(wbits)
    try:
        while True:
            chunk = decomp.decompress(pending, CHUNK)
            pending = decomp.unconsumed_tail
            out += chunk
            budget.add(len(chunk), len(data) - len(pending), len(out))
            if decomp.eof:
                rest = decomp.unused_data
                if not rest.startswith(GZIP_MAGIC) or wbits != GZIP_WBITS:
                    break  # trailing padding after the last member is common and harmless
                decomp, pending = zlib.decompressobj(wbits), rest
            elif not pending and not chunk:
                raise ScrapeError("truncated compressed stream")
    except zlib.error as exc:
        raise ScrapeError("corrupt compressed stream") from exc
    return bytes(out)


def decode_content_encoding(data: bytes, encoding: str | None, limits: ScrapeLimits) -> bytes:
    """Undo HTTP ``Content-Encoding`` ourselves, so a compressed body meets the same caps."""
    coding = (encoding or "identity").strip().lower()
    if coding in ("", "identity"):
        return data
    if coding in ("gzip", "x-gzip"):
        return inflate(data, limits, GZIP_WBITS)
    if coding == "deflate":
        try:
            return inflate(data, limits, AUTO_WBITS)
        except ScrapeError:
            return inflate(data, limits, -zlib.MAX_WBITS)  # some servers send raw deflate
    raise ScrapeError(f"unsupported content-encoding {coding!r}")


def expand(
    data: bytes, limits: ScrapeLimits, accept_member: Callable[[str], bool] | None = None
) -> list[Part]:
    """Split a body or file into documents: gzip is inflated, each zip member is one document.

    Every returned ``Part`` either carries checked text content, an error message or a skip
    mark; one bad zip member never hides the others.
    """
    if data.startswith(GZIP_MAGIC):
        try:
            return [Part("", check_document(inflate(data, limits), limits))]
        except ScrapeError as exc:
            return [Part("", error=str(exc))]
    if data.startswith(ZIP_MAGICS):
        return _unzip(data, limits, accept_member)
    try:
        return [Part("", check_document(data, limits))]
    except ScrapeError as exc:
        return [Part("", error=str(exc))]


def _unzip(
    data: bytes, limits: ScrapeLimits, accept_member: Callable[[str], bool] | None
) -> list[Part]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [info for info in archive.infolist() if not info.is_dir()]
    except Exception:  # hostile archives raise a zoo of types; all mean "not readable"
        return [Part("", error="corrupt zip archive")]
    if len(infos) > MAX_ZIP_MEMBERS:
        return [Part("", error=f"zip archive has more than {MAX_ZIP_MEMBERS} members")]
    budget = _Budget(limits, limits.max_document_bytes)
    parts: list[Part] = []
    for info in infos:
        if accept_member is not None and not accept_member(info.filename):
            parts.append(Part(info.filename, skipped=True))
            continue
        try:
            parts.append(
                Part(info.filename, check_document(_read_member(archive, info, budget), limits))
            )
        except DecompressionBomb as exc:
            parts.append(Part(info.filename, error=str(exc)))
            if budget.total > limits.max_decompressed_bytes:
                break  # the archive as a whole is a bomb: stop reading it
        except ScrapeError as exc:
            parts.append(Part(info.filename, error=str(exc)))
        except Exception:  # as above: any failure inside zipfile is this member's problem
            parts.append(Part(info.filename, error="corrupt, encrypted or unsupported member"))
    return parts


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> bytes:
    if info.compress_type not in BOUNDED_ZIP_METHODS:
        # zipfile inflates bzip2/lzma chunks without an output bound: a few KiB can become GiB
        # before any check of ours runs. Deflate and stored members cover real-world dumps.
        raise ScrapeError(f"zip compression method {info.compress_type} refused")
    if info.file_size > budget.max_output:  # declared size: a cheap early no, never a yes
        raise DocumentTooLarge(f"member of {info.file_size} bytes exceeds {budget.max_output}")
    out = bytearray()
    with archive.open(info) as member:
        while chunk := member.read(CHUNK):
            out += chunk
            budget.add(len(chunk), info.compress_size, len(out))
    return bytes(out)

"""Splitting a text file larger than one document into documents of whole lines.

Real dumps are often far larger than ``ScrapeLimits.max_document_bytes`` (a combo list of a
few hundred MB, a mysqldump of a forum). A dropped file of that size is read in parts, each a
document of its own, cut at line ends (at a blank line when one is near, so a stealer log's
entry stays whole). Every part after the first starts with the file's preamble: the lines
before its first ``@``, which is where a CSV export writes its header and a SQL dump its
``CREATE TABLE``; without them the columns of a later part could not be named.
"""

from __future__ import annotations

#: A preamble longer than this (or than an eighth of a part) is not carried: it is no header.
MAX_PREAMBLE_BYTES = 64 * 1024
#: How far back from a part's end a blank line is looked for (at most a sixteenth of a part).
BLANK_LINE_WINDOW = 1024 * 1024
_UTF8_CONTINUATION = range(0x80, 0xC0)


def preamble(data: bytes, limit: int) -> bytes:
    """The whole lines of ``data`` before the first line holding an ``@``, if within ``limit``."""
    at = data.find(b"@", 0, limit + 1)
    if at < 0:
        return b""
    return data[: data.rfind(b"\n", 0, at) + 1]


def _part_end(data: bytes, start: int, end: int) -> int:
    """Where a part that may run from ``start`` to ``end`` ends: after the last blank line
    near ``end``, else after the last line end, else (one line longer than a part) at a
    character boundary if the bytes are UTF-8."""
    near = end - min(BLANK_LINE_WINDOW, (end - start) // 16)
    blank = max(data.rfind(b"\n\n", near, end), data.rfind(b"\n\r\n", near, end))
    if blank >= 0:
        return data.index(b"\n", blank + 1) + 1
    newline = data.rfind(b"\n", start, end)
    if newline >= 0:
        return newline + 1
    cut = end
    while cut > start + 1 and end - cut < 3 and data[cut] in _UTF8_CONTINUATION:
        cut -= 1
    return cut


def split_document(data: bytes, max_bytes: int) -> list[bytes]:
    """``data`` as parts of at most ``max_bytes`` each; ``data`` itself when it fits.

    The parts without their carried preamble, joined, are ``data`` exactly.
    """
    if max_bytes < 2:
        raise ValueError("max_bytes must be at least 2")
    if len(data) <= max_bytes:
        return [data]
    head = preamble(data, min(MAX_PREAMBLE_BYTES, max_bytes // 8))
    parts: list[bytes] = []
    start = 0
    while start < len(data):
        carried = head if parts else b""
        end = start + max_bytes - len(carried)
        end = len(data) if end >= len(data) else _part_end(data, start, end)
        parts.append(carried + data[start:end])
        start = end
    return parts

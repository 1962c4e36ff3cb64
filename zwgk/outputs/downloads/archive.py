"""Deflate, and zip archives of entries deflated beforehand: the containers of a county's
workbooks (an .xlsx is a zip) and of its offline zip.

ISA-L writes the same kind of deflate stream as zlib, about four times as fast at its
lowest levels; where its wheels are missing, zlib does it. ISA-L's levels are 0-3.
"""
from __future__ import annotations

import struct
import zlib
from typing import Sequence

try:
    from isal import isal_zlib as _deflate
except ImportError:  # pragma: no cover - a platform without isal's wheels
    _deflate = zlib

# 1980-01-01 00:00, the earliest a zip entry can carry: an archive's bytes depend on its content only.
_DOS_TIME, _DOS_DATE = 0, (1 << 5) | 1


def compressor(level: int):
    """A compressor of a raw deflate stream (no zlib header), as a zip entry holds it."""
    return _deflate.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)


def deflate(data: bytes, level: int) -> bytes:
    """data as one whole raw deflate stream."""
    c = compressor(level)
    return c.compress(data) + c.flush()


def zip_archive(entries: Sequence[tuple[str, int, int, bytes]]) -> bytes:
    """A zip of (name, CRC-32, size, raw deflate stream) entries, in that order.

    The entries come deflated so that one stream can go into several archives (a sheet
    into two workbooks). The layout is APPNOTE's plain one: a local header before each
    entry, then the central directory; no ZIP64, no extra fields, ASCII names, all dated
    1980-01-01 (see xlsx.py). Python's zipfile cannot be given deflated data to store.
    """
    out, central, offset = [], [], 0
    for name, crc, size, stream in entries:
        if size >= 0xFFFFFFFF or len(stream) >= 0xFFFFFFFF or offset >= 0xFFFFFFFF:
            raise ValueError(f"{name}: too large for a zip without ZIP64")
        raw = name.encode("ascii")
        # version needed 2.0, no flags, deflate, time, date, CRC-32, sizes, name length
        fields = struct.pack("<HHHHHIIIH", 20, 0, 8, _DOS_TIME, _DOS_DATE, crc, len(stream), size, len(raw))
        out += [b"PK\x03\x04", fields, b"\x00\x00", raw, stream]
        # made by 2.0 (MS-DOS); no extra field, comment, disk number or attributes; where the entry starts
        central.append(b"PK\x01\x02" + struct.pack("<H", 20) + fields + struct.pack("<HHHHII", 0, 0, 0, 0, 0, offset) + raw)
        offset += 30 + len(raw) + len(stream)
    if len(entries) > 0xFFFF:
        raise ValueError("too many entries for a zip without ZIP64")
    directory = b"".join(central)
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(entries), len(entries), len(directory), offset, 0)
    return b"".join(out) + directory + end

"""Content digests: of output bytes, source files and fingerprints (one hash everywhere)."""
from __future__ import annotations

import hashlib


# SHA-256, the first 128 bits: with the CPU's SHA instructions (OpenSSL uses them) it hashes
# twice as fast as BLAKE2b here, and a build hashes everything it writes (560 MB for a city).
def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def file_digest(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:32]

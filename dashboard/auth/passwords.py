"""Password hashes: scrypt hash and verify, with limits on what a stored hash may cost (no Streamlit here)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re

# scrypt cost for new hashes: the parameters Python's docs and OWASP suggest for interactive logins (16 MiB, ~50 ms).
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
# Limits on what a stored hash may ask for, so a typo or a hostile config cannot make each sign-in attempt
# take seconds or gigabytes: n at most 2**20 and 128·n·r·p (scrypt's work, in bytes) at most 256 MiB.
MAX_N = 2**20
MAX_R = 32
MAX_P = 16
MAX_WORK = 2**28


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """A storable scrypt hash of password: scrypt$n$r$p$<salt base64>$<hash base64>."""
    if not password:
        raise ValueError("an editor password must not be empty")
    if salt is None:
        salt = os.urandom(SALT_BYTES)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=HASH_BYTES)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


_DIGITS = re.compile(r"[0-9]{1,8}")


def parse_hash(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    """(n, r, p, salt, digest) of a stored hash, or None when it is malformed or asks for too much work."""
    if not isinstance(stored, str):
        return None
    parts = stored.strip().split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return None
    if not all(_DIGITS.fullmatch(part) for part in parts[1:4]):
        return None
    n, r, p = (int(part) for part in parts[1:4])
    # n must be a power of two above 1 for scrypt; the other bounds keep one attempt cheap.
    if n < 2 or n & (n - 1) or n > MAX_N or not 1 <= r <= MAX_R or not 1 <= p <= MAX_P:
        return None
    if 128 * n * r * p > MAX_WORK:
        return None
    try:
        salt = base64.b64decode(parts[4], validate=True)
        digest = base64.b64decode(parts[5], validate=True)
    except ValueError:
        return None
    if not 8 <= len(salt) <= 64 or not 16 <= len(digest) <= 64:
        return None
    return n, r, p, salt, digest


def verify_password(stored: str, password: str) -> bool:
    """Whether password matches the stored hash; False (never an exception) for anything malformed."""
    parsed = parse_hash(stored)
    if parsed is None or not isinstance(password, str):
        return False
    n, r, p, salt, digest = parsed
    try:
        candidate = hashlib.scrypt(
            password.encode("utf-8"),
            salt=salt,
            n=n,
            r=r,
            p=p,
            dklen=len(digest),
            # OpenSSL needs 128·r·(n + p + 2) bytes; its default ceiling (32 MiB) would refuse costs we accept.
            maxmem=128 * r * (n + p + 2) + 2**20,
        )
    except (ValueError, MemoryError, OverflowError):
        return False
    return hmac.compare_digest(candidate, digest)


# Verified against when a name is unknown (or its hash is broken), so such an attempt costs the same scrypt work
# as a real one. It is the hash of a random string nobody kept; matching it grants nothing anyway.
DUMMY_HASH = "scrypt$16384$8$1$+VmpMmvR3j6ZveLFf76sbw==$RnmfpR2RwgWLP+8+M4wmBiLCPD+8UUhVOPybMnweY9A="

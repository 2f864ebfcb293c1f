"""API keys: generation, hashing and lookup (only the SHA-256 of a key is stored)."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict

from sqlmodel import Session, select

from api.models.keys import ApiKey, Role

KEY_PREFIX = "tb_"


def hash_key(key: str) -> str:
    """The stored form of a key (keys are 256 random bits, so a plain SHA-256 suffices)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(session: Session, name: str, role: Role) -> tuple[ApiKey, str]:
    """Store a new key and return it with its plaintext (shown once, never stored)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    record = ApiKey(name=name, role=role.value, key_hash=hash_key(key), prefix=key[:10])
    session.add(record)
    session.commit()
    session.refresh(record)
    return record, key


def find_key(session: Session, key: str) -> ApiKey | None:
    """The active key record for a presented key, or None."""
    record = session.exec(select(ApiKey).where(ApiKey.key_hash == hash_key(key))).first()
    if record is None or record.revoked_at is not None:
        return None
    return record


class KeyCache:
    """Recently seen keys by hash, for ``seconds`` (0: off); a revocation here is immediate,
    in other web processes it takes effect within ``seconds``."""

    def __init__(self, seconds: float, size: int = 1024) -> None:
        self.seconds, self.size = seconds, size
        self._entries: OrderedDict[str, tuple[float, ApiKey]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key_hash: str) -> ApiKey | None:
        with self._lock:
            entry = self._entries.get(key_hash)
            if entry is None or entry[0] < time.monotonic():
                return None
            return entry[1]

    def put(self, record: ApiKey) -> None:
        if self.seconds <= 0:
            return
        with self._lock:
            self._entries[record.key_hash] = (time.monotonic() + self.seconds, record)
            self._entries.move_to_end(record.key_hash)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def forget(self, key_hash: str) -> None:
        with self._lock:
            self._entries.pop(key_hash, None)

"""Rendered result tables of succeeded runs, per web process (they never change once
written; report pages are stored with the run, :mod:`api.run_report`)."""

from __future__ import annotations

import threading
from collections import OrderedDict

Rendered = tuple[bytes, str]  # body, media type
CacheKey = tuple[int, str, str]  # run id, table, format


class ResultCache:
    """A small LRU of rendered result tables; ``entries=0`` turns it off."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._items: OrderedDict[CacheKey, Rendered] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: CacheKey) -> Rendered | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: CacheKey, item: Rendered) -> None:
        if self.entries <= 0:
            return
        with self._lock:
            self._items[key] = item
            while len(self._items) > self.entries:
                self._items.popitem(last=False)

"""A bounded map kept for the life of a process, for work that is a pure function of its key (issue 13).

Guarantees: safe under threaded servers (one lock); at most ``size`` entries, the least recently used leaving
first; a value is only ever what was put under that very key, so a key must hold everything the value depends
on (nothing per person unless the key names that person).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator
from typing import Any


class ProcessMemo:
    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        """The value kept under ``key`` (now the most recently used), or None."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __iter__(self) -> Iterator[Hashable]:
        with self._lock:
            return iter(list(self._items))

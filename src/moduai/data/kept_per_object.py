"""Values kept per live object: a bounded, thread-safe LRU keyed by an object's identity and a key.

The one owner of the pattern "compute once per store frame / per report object, forget when it dies": the
store's derived arrays (``commerce.store.frame_cache``), the warm reports (``commerce.report``) and the report
maps (``web.maps``).  The object is held weakly and compared by identity, so an equal but different object (a
grown default store set, a re-imported snapshot) misses by itself, and an entry whose object has died is never
returned, even to a new object that got the dead one's ``id``.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

V = TypeVar("V")

#: what :meth:`KeptPerObject.get` returns for a miss (a kept value may itself be ``None``)
MISSING: Any = object()


class KeptPerObject(Generic[V]):
    """At most ``maxsize`` values by ``(object, key)``, least recently used dropped first."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[tuple[int, Hashable], tuple[weakref.ref, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, obj: object, key: Hashable = None) -> V:
        """The value kept for ``(obj, key)``, or :data:`MISSING`."""
        k = (id(obj), key)
        with self._lock:
            hit = self._items.get(k)
            if hit is None or hit[0]() is not obj:
                return MISSING
            self._items.move_to_end(k)
            return hit[1]

    def put(self, obj: object, key: Hashable, value: V) -> None:
        k = (id(obj), key)
        with self._lock:
            self._items[k] = (weakref.ref(obj), value)
            self._items.move_to_end(k)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def get_or_build(self, obj: object, key: Hashable, build: Callable[[], V]) -> V:
        """The kept value, or ``build()`` kept (built outside the lock: two threads may both build once)."""
        value = self.get(obj, key)
        if value is MISSING:
            value = build()
            self.put(obj, key, value)
        return value

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

"""A read-only mapping that survives pickling, for tables held inside frozen objects.

``types.MappingProxyType`` would do, but it cannot be pickled, and a policy travels to
simulation worker processes (and Dask workers) by pickle. A plain ``dict`` inside a
frozen ``Policy`` can be changed in place after the case recorded it, so that what the
case runs by and what it recorded part ways; this mapping refuses that.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

__all__ = ["ReadOnlyMap"]

K = TypeVar("K")
V = TypeVar("V")


class ReadOnlyMap(Mapping[K, V]):
    """A mapping whose items are fixed when it is made (a private copy of them).

    It compares equal to any mapping with the same items (a ``dict`` among them), pickles
    and copies as itself, and has no method that changes it.
    """

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[K, V] | None = None) -> None:
        self._items: dict[K, V] = dict(items) if items is not None else {}

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def get(self, key: K, default: Any = None) -> Any:
        """The value of ``key``, or ``default`` when it is absent."""
        return self._items.get(key, default)

    def __repr__(self) -> str:
        return repr(self._items)

    def __reduce__(self) -> tuple[type[ReadOnlyMap[K, V]], tuple[dict[K, V]]]:
        return (type(self), (self._items,))

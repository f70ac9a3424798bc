"""The read-only mapping frozen objects hold their tables in."""

from __future__ import annotations

import copy
import pickle

import pytest

from mediation._readonly import ReadOnlyMap


def test_it_reads_like_the_mapping_it_was_made_from() -> None:
    table = ReadOnlyMap({"a": 1, "b": 2})
    assert table["a"] == 1
    assert table.get("b") == 2
    assert table.get("c") is None
    assert table.get("c", 3) == 3
    assert "a" in table and "c" not in table
    assert list(table) == ["a", "b"]
    assert len(table) == 2
    assert dict(table.items()) == {"a": 1, "b": 2}
    assert repr(table) == "{'a': 1, 'b': 2}"
    assert len(ReadOnlyMap()) == 0
    with pytest.raises(KeyError):
        table["c"]


def test_it_equals_any_mapping_with_the_same_items() -> None:
    table = ReadOnlyMap({"a": 1})
    assert table == {"a": 1}
    assert table == ReadOnlyMap({"a": 1})
    assert table != {"a": 2}
    assert table != {"a": 1, "b": 2}
    assert table != [("a", 1)]  # type: ignore[comparison-overlap]


def test_it_keeps_its_own_copy_and_cannot_be_changed() -> None:
    source = {"a": 1}
    table = ReadOnlyMap(source)
    source["a"] = 2
    source["b"] = 3
    assert table == {"a": 1}
    with pytest.raises(TypeError):
        table["a"] = 5  # type: ignore[index]
    with pytest.raises(TypeError):
        del table["a"]  # type: ignore[attr-defined]
    for method in ("update", "pop", "clear", "setdefault", "popitem"):
        assert not hasattr(table, method)
    with pytest.raises(AttributeError):
        table.extra = 1  # type: ignore[attr-defined]


def test_it_pickles_and_copies_as_itself() -> None:
    table = ReadOnlyMap({"a": (1, 2)})
    for again in (pickle.loads(pickle.dumps(table)), copy.copy(table), copy.deepcopy(table)):
        assert type(again) is ReadOnlyMap
        assert again == table

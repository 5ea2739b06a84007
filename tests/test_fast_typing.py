"""cqfacts.fast_typing's records behave as typing.NamedTuple's, for what the package uses."""

from __future__ import annotations

import pickle
import typing

import pytest

from cqfacts import fast_typing
from cqfacts.errors import Problem
from cqfacts.facts.records import Change, Fact, specs


def _record(base: type) -> type:
    class Point(base):  # type: ignore[misc, valid-type]
        """A point."""

        x: int
        y: int = 0
        label: str | None = None

        def __str__(self) -> str:
            return f"({self.x}, {self.y})"

        @property
        def norm(self) -> int:
            return abs(self.x) + abs(self.y)

    return Point


def test_a_record_behaves_as_typings_namedtuple():
    fast, slow = _record(fast_typing.NamedTuple), _record(typing.NamedTuple)
    for point in (fast(3, -4), slow(3, -4)):
        assert isinstance(point, tuple)
        assert point == (3, -4, None) and tuple(point._replace(y=1)) == (3, 1, None)
        assert str(point) == "(3, -4)" and point.norm == 7
        assert repr(point) == "Point(x=3, y=-4, label=None)"
        assert point._asdict() == {"x": 3, "y": -4, "label": None}
    assert fast._fields == slow._fields == ("x", "y", "label")
    assert fast._field_defaults == slow._field_defaults == {"y": 0, "label": None}
    assert fast.__doc__ == slow.__doc__ == "A point."
    assert list(fast.__annotations__) == list(slow.__annotations__)
    assert fast.__module__ == slow.__module__ == __name__


def test_a_record_refuses_what_typings_refuses():
    with pytest.raises(TypeError):

        class Late(fast_typing.NamedTuple):
            x: int = 0
            y: int

    with pytest.raises(AttributeError):

        class Overwrites(fast_typing.NamedTuple):
            x: int

            def _replace(self) -> None: ...

    with pytest.raises(TypeError):

        class Mixed(fast_typing.NamedTuple, int):  # type: ignore[misc]
            x: int


def test_annotated_keeps_its_metadata_and_specs_read_it():
    alias = fast_typing.Annotated[int, "a", "b"]
    assert alias.__origin__ is int and alias.__metadata__ == ("a", "b")
    assert specs(Change)["value"].required
    assert set(specs(Fact)) == set(Fact._fields)


def test_the_packages_records_are_plain_tuples_that_pickle():
    problem = Problem("facts.toml", "bad", line=3)
    assert pickle.loads(pickle.dumps(problem)) == problem
    assert str(problem) == "facts.toml:3: bad"

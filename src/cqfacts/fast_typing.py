"""``NamedTuple``, ``Annotated`` and ``TYPE_CHECKING`` for the modules every lookup
imports, without importing :mod:`typing`.

A lookup is judged by its start-up, and typing costs it twice: importing the module
(about 3 ms), and ``typing.NamedTuple``'s check of each field's annotation, which
under ``from __future__ import annotations`` compiles every one of them (a
``ForwardRef`` each, some 70 fields on the query path: about 2 ms more). The records
here are the same classes (:func:`collections.namedtuple` subclasses with their
methods and ``__annotations__``); only the annotations are kept as written, unchecked.

Type checkers read typing's own, re-exported below under ``if TYPE_CHECKING``, so
mypy checks the records exactly as before. ``Any`` and ``overload`` are here too: the
records' annotations run (their Specs are read from them), and the fact base's
overloads are defined when it is. ``tests/test_fast_typing.py`` holds both to the same
behaviour; ``tests/test_fast_path.py`` keeps typing out of the fast path's imports.
"""

#: False when the program runs; type checkers take every ``if TYPE_CHECKING:`` as true
#: whatever module the name comes from (mypy and pyright treat the name itself).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Annotated as Annotated
    from typing import Any as Any
    from typing import NamedTuple as NamedTuple
    from typing import overload as overload
else:
    import collections

    # What a record's class body may not redefine, and what it holds that is not a
    # field or method, as typing.NamedTuple has them.
    _PROHIBITED = frozenset(
        {"__new__", "__init__", "__slots__", "__getnewargs__", "_fields",
         "_field_defaults", "_make", "_replace", "_asdict", "_source"}
    )  # fmt: skip
    _SPECIAL = frozenset({"__module__", "__name__", "__annotations__", "__qualname__"})

    #: Annotations that are only read by type checkers.
    Any = object

    def overload(function):
        """typing.overload's use here: the implementation that follows replaces it."""
        return function

    class _NamedTupleMeta(type):
        def __new__(cls, name, bases, namespace):
            if not bases:  # NamedTuple itself
                return super().__new__(cls, name, bases, namespace)
            if bases != (NamedTuple,):
                raise TypeError("a record inherits from NamedTuple alone")
            annotations = dict(namespace.get("__annotations__", {}))
            defaults = []
            for field in annotations:
                if field in namespace:
                    defaults.append(namespace[field])
                elif defaults:
                    raise TypeError(f"{name}: field {field} without a default follows one")
            record = collections.namedtuple(
                name, annotations, defaults=defaults, module=namespace["__module__"]
            )
            record.__annotations__ = annotations
            record.__qualname__ = namespace.get("__qualname__", name)
            for key, value in namespace.items():
                if key in _PROHIBITED:
                    raise AttributeError(f"{name}: cannot overwrite NamedTuple attribute {key}")
                if key not in _SPECIAL and key not in annotations:
                    setattr(record, key, value)
            return record

    class NamedTuple(metaclass=_NamedTupleMeta):
        """Base of a record, as typing.NamedTuple is used: ``class Fact(NamedTuple):``
        with annotated fields, defaults after the fields without, methods, properties."""

    class _AnnotatedAlias:
        """``Annotated[T, x, …]`` as records read it: the type and ``__metadata__``."""

        __slots__ = ("__metadata__", "__origin__")

        def __init__(self, origin, metadata):
            self.__origin__ = origin
            self.__metadata__ = metadata

        def __repr__(self):
            return f"Annotated[{self.__origin__!r}, {', '.join(map(repr, self.__metadata__))}]"

    class Annotated:
        """``Annotated[T, metadata, …]``: a type with metadata (a field's Spec)."""

        def __class_getitem__(cls, parameters):
            if not isinstance(parameters, tuple) or len(parameters) < 2:
                raise TypeError("Annotated takes a type and at least one annotation")
            return _AnnotatedAlias(parameters[0], parameters[1:])

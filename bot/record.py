"""`@record`: a dataclass immutable by type, without `frozen=True`'s run-time price.

A frozen dataclass sets each field in `__init__` through `object.__setattr__`:
~0.2 us a field, 1.6 us for a row of eight. An event builds 3-17 of them (the
envelope, the rows it reads, the reply), and as plain dataclasses the events
benchmark ran x1.10 and x1.18 faster (two sets of six paired runs, every pair
faster). So a record is a plain dataclass that type checkers treat as frozen
(assigning a field is a mypy error, and mypy runs with the tests) and that
hashes by its fields, as a frozen one does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform(frozen_default=True)
def record(cls: type[T]) -> type[T]:
    return dataclass(unsafe_hash=True)(cls)

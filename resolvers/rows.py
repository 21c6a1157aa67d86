"""Building GraphQL types from domain rows whose attributes carry the same names."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def copy_fields(cls: type[T], row: Any, **given: Any) -> T:
    """`cls` with every field not in `given` read from the row's attribute of the same name."""
    # Fields with a resolver are dataclass fields too, but not constructor arguments.
    names = (f.name for f in dataclasses.fields(cls) if f.init)  # type: ignore[arg-type]
    return cls(**{name: getattr(row, name) for name in names if name not in given}, **given)

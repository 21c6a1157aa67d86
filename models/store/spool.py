"""Records held back per type until the records they may reference have been written.

The loader writes a run of records parents first (every website before any store, every
customer before any order...), so a record's parent may come anywhere in the run. The
run's records wait here meanwhile: in memory for an upsert call (a few thousand records),
in temporary files for an NDJSON import (any size; only a little of it in memory).
"""

from __future__ import annotations

import struct
import tempfile
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterator
from typing import IO, Any

import orjson

_HEADER = struct.Struct("<qI")  # position, length of the JSON that follows
# Per type; a run smaller than this never touches the disk.
_IN_MEMORY_BYTES = 1 << 20


class RecordSpool(ABC):
    """Records (position, JSON object) by type, given back in the order they came."""

    @abstractmethod
    def add(self, record_type: str, position: int, record: Any) -> None: ...

    @abstractmethod
    def take(self, record_type: str) -> Iterator[tuple[int, Any]]:
        """The records of `record_type` added so far, which the spool then forgets."""

    @property
    @abstractmethod
    def empty(self) -> bool: ...

    @abstractmethod
    def close(self) -> None:
        """Release what the spool holds."""


class MemorySpool(RecordSpool):
    """Parsed records kept as they are."""

    def __init__(self) -> None:
        self._records: dict[str, list[tuple[int, Any]]] = defaultdict(list)

    def add(self, record_type: str, position: int, record: Any) -> None:
        self._records[record_type].append((position, record))

    def take(self, record_type: str) -> Iterator[tuple[int, Any]]:
        yield from self._records.pop(record_type, [])

    @property
    def empty(self) -> bool:
        return not self._records

    def close(self) -> None:
        self._records.clear()


class FileSpool(RecordSpool):
    """Records kept as their JSON text in a temporary file per type, parsed when taken."""

    def __init__(self) -> None:
        self._files: dict[str, IO[bytes]] = {}

    def add(self, record_type: str, position: int, record: Any) -> None:
        file = self._files.get(record_type)
        if file is None:
            # Kept open across calls until taken or closed, so no `with`.
            file = tempfile.SpooledTemporaryFile(_IN_MEMORY_BYTES)  # noqa: SIM115
            self._files[record_type] = file
        text = orjson.dumps(record)
        file.write(_HEADER.pack(position, len(text)))
        file.write(text)

    def take(self, record_type: str) -> Iterator[tuple[int, Any]]:
        file = self._files.pop(record_type, None)
        if file is None:
            return
        try:
            file.seek(0)
            while header := file.read(_HEADER.size):
                position, length = _HEADER.unpack(header)
                yield position, orjson.loads(file.read(length))
        finally:
            file.close()

    @property
    def empty(self) -> bool:
        return not self._files

    def close(self) -> None:
        for file in self._files.values():
            file.close()
        self._files.clear()

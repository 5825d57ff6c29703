"""Split the service cases of one link run between several workers that share a journal."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from ..core._errors import ConfigurationError

__all__ = ["Shard"]


@dataclass(frozen=True)
class Shard:
    """Part `index` of `count` (counting from 0): the cases whose id hashes to `index`.

    The hash (CRC-32 of the case id) is the same in every process and on every host, so
    `count` workers given the indexes `0 … count-1` together cover every case, each exactly
    once; the journal keeps that true when shards are re-run or their counts change.
    """

    index: int
    count: int

    def __post_init__(self) -> None:
        if not 0 <= self.index < self.count:
            raise ConfigurationError(
                f"a shard index runs from 0 to count - 1, got index {self.index} of {self.count}"
            )

    def holds(self, case_id: str) -> bool:
        """Whether the case with this id belongs to the shard."""
        return zlib.crc32(case_id.encode("utf-8")) % self.count == self.index

    def __str__(self) -> str:
        return f"{self.index + 1}/{self.count}"

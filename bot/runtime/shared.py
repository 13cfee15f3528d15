"""Marker base for long-lived service objects."""

from __future__ import annotations

from typing import Any, Self


class Shared:
    """A process-wide service: Bolt deep-copies lazy listeners' context; share, don't copy."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self

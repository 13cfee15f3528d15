"""Services exist once per process, even in the deep copy of the context a lazy listener gets."""

from __future__ import annotations

from typing import Any, Self


class Shared:
    """Bolt deep-copies lazy listeners' context (`to_copyable`); a service copies to itself."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self

"""Every assumption a platform module reads (its ASSUMED table) is listed in the README."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest

from bot.platforms.registry import MODULES

README = Path(__file__).resolve().parents[3] / "README.md"
SECTION = "## What the bot assumes about each platform"
CODE = re.compile(r"`([^`]+)`")


def assumed_cell(display_name: str) -> str:
    """The 'assumed' cell of the platform's row in that README section."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(SECTION) :].split("\n## ", 1)[0]
    [row] = [line for line in section.splitlines() if line.startswith(f"| {display_name} |")]
    return row.strip().strip("|").split(" | ")[-1]


def listed(value: str, cell: str) -> bool:
    """`value` stands on its own inside one of the cell's code spans."""
    whole = re.compile(rf"(?<![\w/]){re.escape(value)}(?!\w)")
    return any(whole.search(span) for span in CODE.findall(cell))


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.SPEC.name)
def test_every_assumed_entry_is_in_the_readme(module: ModuleType) -> None:
    assumed: dict[str, str] = getattr(module, "ASSUMED", {})
    cell = assumed_cell(module.SPEC.display_name)
    missing = {key: value for key, value in assumed.items() if not listed(value, cell)}
    assert not missing, f"README's row for {module.SPEC.display_name} lacks {missing}"


def test_every_platform_module_keeps_its_assumptions_in_one_table() -> None:
    """Modules that read assumed names expose them as ASSUMED (a dict of strings)."""
    for module in MODULES:
        assumed = getattr(module, "ASSUMED", None)
        assert isinstance(assumed, dict) and assumed, module.__name__
        assert all(isinstance(v, str) and v for v in assumed.values()), module.__name__

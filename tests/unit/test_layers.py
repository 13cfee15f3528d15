"""The import contracts in pyproject.toml hold on the tree and break on an upward import."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def root_packages() -> list[str]:
    """The packages the contracts are drawn over, as pyproject.toml names them."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages: list[str] = config["tool"]["importlinter"]["root_packages"]
    return packages


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", "pyproject.toml"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def copied_tree(tmp_path: Path) -> Path:
    """A throwaway copy of the packages and the config, to add one bad import to."""
    for package in root_packages():
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_tree_keeps_every_contract() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "upward_import", "broken"),
    [
        ("bot/models.py", "from bot.store import keys", "bot's parts import downwards only"),
        ("bot/store/keys.py", "import handlers.kit", "Only the composition root imports"),
        ("bot/slack/people.py", "import sandbox.config", "Only the composition root imports"),
        ("handlers/kit.py", "import sandbox.config", "Handlers never import the sandbox"),
        ("handlers/kit.py", "import bot.app", "never import the composition root"),
        (
            "bot/platforms/providers/kazoo.py",
            "from bot.platforms.providers import achievers",
            "No provider imports another",
        ),
        ("bot/recognition/lookups.py", "import bot.platforms.providers.kazoo", "Only the registry"),
    ],
)
def test_an_upward_import_breaks_a_contract(
    copied_tree: Path, module: str, upward_import: str, broken: str
) -> None:
    assert lint_imports(copied_tree).returncode == 0, "the copy starts clean"
    path = copied_tree / module
    path.write_text(path.read_text() + f"\n{upward_import}  # noqa\n")

    result = lint_imports(copied_tree)

    assert result.returncode == 1, result.stdout + result.stderr
    _, _, broken_section = result.stdout.partition("Broken contracts")
    assert broken in broken_section
    assert upward_import.split()[1] in broken_section, "names the import"

"""Headless Chromium (Debian's `chromium`, never a downloaded build) driving the sandbox page,
and the sandbox itself: `python -m bot` with no Slack settings, as `make run` starts it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, expect, sync_playwright

from sandbox.config import PLATFORMS
from testkit.sandbox_process import SandboxProcess, running_sandbox

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
expect.set_options(timeout=15_000)  # generous for a loaded CI machine; every wait polls


@pytest.fixture(scope="session")
def chromium() -> str:
    """The system Chromium (`make test` installs it with apt-get when it is missing)."""
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).is_file():
        pytest.fail("chromium is not installed (apt-get install chromium)", pytrace=False)
    return executable


@pytest.fixture(scope="module", params=PLATFORMS)
def sandbox(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SandboxProcess]:
    """`python -m bot sandbox --platform <each>`, shared by the module's tests on it."""
    platform: str = request.param
    workdir = tmp_path_factory.mktemp(f"sandbox-{platform}")
    with running_sandbox(workdir, "sandbox", "--platform", platform) as running:
        running.platform = platform
        yield running


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile: nobody chosen yet."""
    fresh = browser.new_context(viewport={"width": 1280, "height": 820})
    try:
        yield fresh
    finally:
        fresh.close()

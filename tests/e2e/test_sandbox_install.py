"""`python -m bot sandbox install`: the install flow against the simulated Slack, as an admin
of a second workspace would live it: not installed, Add to Slack, Allow, installed."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from testkit.sandbox_process import running_sandbox
from testkit.support import wait_until
from tests.e2e.test_startup import status_reply

INSTALL_LINE = re.compile(r"^First add the app to the workspace: open (http://\S+/slack/install)$")


def test_the_sandbox_installs_the_app_through_the_simulated_slack(tmp_path: Path) -> None:
    with running_sandbox(tmp_path, "sandbox", "install") as sandbox:
        assert sandbox.say("U0ANA", "/kudos status").json()["ok"]
        before = wait_until(lambda: _said(sandbox.messages("U0ANA"), "isn't installed"))
        assert before
        install_url = wait_until(lambda: _install_url(sandbox.lines()))
        start = httpx.get(install_url)
        assert start.status_code == 302
        state = start.headers["set-cookie"].split(";")[0].partition("=")[2]
        consent = httpx.get(start.headers["location"])
        assert consent.status_code == 200 and "requesting permission" in consent.text
        allow = re.search(r'href="([^"]+)"', consent.text)
        assert allow is not None
        allowed = httpx.get(
            httpx.URL(start.headers["location"]).join(allow.group(1).replace("&amp;", "&"))
        )
        assert allowed.status_code == 302
        done = httpx.get(allowed.headers["location"], cookies={"slack-app-oauth-state": state})
        assert done.status_code == 200 and "installed in your workspace" in done.text
        assert sandbox.say("U0ANA", "/kudos status").json()["ok"]
        assert "not linked" in wait_until(lambda: status_reply(sandbox.messages("U0ANA")))


def _install_url(lines: list[str]) -> str | None:
    for line in lines:
        match = INSTALL_LINE.match(line)
        if match:
            return match.group(1)
    return None


def _said(messages: list[dict[str, object]], words: str) -> bool:
    return any(words in str(message.get("text", "")) for message in messages)

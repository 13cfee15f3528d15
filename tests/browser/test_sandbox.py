"""The sandbox in a browser, on each simulated platform (`python -m bot sandbox --platform …`):
link through the consent page, recognize with Send, see the announcement, App Home and the
recipient's DM; typed markup shown as text; a declined sign-in; the modal with an inline error
first; a clap on a message; and the page's platform switch. Each test acts as its own person
(one sandbox for each platform)."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from testkit.sandbox_process import SandboxProcess

PNG = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Shown:
    """How a platform reads in Slack: its name, what its values are called, and one to pick."""

    name: str
    value_label: str
    picked: str


SHOWN = {
    "achievers": Shown("Achievers", "criterion", "Customer Focus"),
    "sevengeese": Shown("7Geese", "badge", "Customer Love"),
    "kazoo": Shown("YouEarnedIt", "company value", "Integrity"),
}


def open_as(context: BrowserContext, url: str, name: str) -> Page:
    """Open the page and pick who you are."""
    page = context.new_page()
    page.goto(url)
    page.get_by_role("dialog", name="Who are you?").get_by_role("button", name=name).click()
    expect(page.locator("#me-name")).to_have_text(name)
    return page


def say(page: Page, text: str) -> None:
    composer = page.get_by_label("Message #general")
    composer.fill(text)
    composer.press("Enter")


def message(page: Page, text: str) -> Locator:
    """The latest message in #general containing `text`."""
    return page.get_by_label("Messages in #general").locator(".msg", has_text=text).last


def sign_in(page: Page, context: BrowserContext, name: str, decision: str, on: Shown) -> Page:
    """`/kudos link`, the Link button, and the platform's consent page (a new tab): pick `name`,
    decide. The caller closes the tab (a page left in the background runs slowly)."""
    say(page, "/kudos link")
    prompt = message(page, f"link your {on.name} account")
    with context.expect_page() as opened:
        prompt.get_by_role("button", name=f"Link {on.name}").click()
    consent = opened.value
    expect(
        consent.get_by_role("heading", name="Sign in to continue to Kudos Bridge")
    ).to_be_visible()
    consent.get_by_label(name).check()
    consent.get_by_role("button", name=decision).click()
    return consent


def link(page: Page, context: BrowserContext, name: str, on: Shown) -> None:
    consent = sign_in(page, context, name, "Allow", on)
    expect(consent.get_by_role("heading", name="You're linked")).to_be_visible()
    consent.close()
    page.bring_to_front()
    expect(message(page, "You're linked")).to_contain_text(f"You're linked to {on.name} as {name}")


def open_app(page: Page, tab: str) -> Locator:
    """The app's Home or Messages tab."""
    page.get_by_role("button", name=re.compile(r"^Kudos Bridge")).click()
    page.get_by_role("tab", name=tab).click()
    return page.get_by_label("App Home" if tab == "Home" else "Messages from Kudos Bridge")


def save_screenshot(page: Page, tmp_path: Path) -> Path:
    """A screenshot in the test's directory, and where SANDBOX_SCREENSHOT says (for the README)."""
    shot = tmp_path / "sandbox.png"
    page.mouse.move(1, 1)  # no hover menu in the picture
    page.screenshot(path=shot)
    if os.environ.get("SANDBOX_SCREENSHOT"):
        shutil.copyfile(shot, os.environ["SANDBOX_SCREENSHOT"])
    return shot


def test_link_recognize_announce_and_home(
    sandbox: SandboxProcess, context: BrowserContext, browser: Browser, tmp_path: Path
) -> None:
    on = SHOWN[sandbox.platform]
    page = open_as(context, sandbox.url, "Ana Lopez")
    link(page, context, "Ana Lopez", on)
    say(page, "/recognize @bob for the smooth release #teamwork")
    preview = message(page, "Preview")
    expect(preview).to_contain_text(f"recognizing @Bob Stone on {on.name}")
    expect(preview).to_contain_text(f"{on.value_label.capitalize()}: Teamwork")
    expect(preview.get_by_role("checkbox", name="Announce it in this channel")).to_be_checked()
    preview.get_by_role("button", name="Send").click()
    expect(message(page, "Recognition sent")).to_contain_text("Recognition sent to @Bob Stone")
    announcement = page.locator(".msg:not(.ephemeral)", has_text="recognized @Bob Stone")
    expect(announcement).to_contain_text("@Ana Lopez recognized @Bob Stone for Teamwork")
    expect(announcement.get_by_role("link", name=f"See it on {on.name}")).to_be_visible()
    if sandbox.platform == "achievers":  # the README's picture
        assert save_screenshot(page, tmp_path).read_bytes().startswith(PNG)
    home = open_app(page, "Home")
    expect(home).to_contain_text(f"{on.name}: linked as Ana Lopez (ana@example.com)")
    expect(home.get_by_role("button", name="Unlink")).to_be_visible()
    expect(home).to_contain_text("Carl Diaz → Ana Lopez")
    bob = open_as(browser.new_context(), sandbox.url, "Bob Stone")  # another person, elsewhere
    dm = open_app(bob, "Messages")
    expect(dm).to_contain_text(f"@Ana Lopez recognized you on {on.name} for Teamwork")
    bob.context.close()


def test_modal_shows_the_inline_error_then_sends(
    sandbox: SandboxProcess, context: BrowserContext
) -> None:
    on = SHOWN[sandbox.platform]
    page = open_as(context, sandbox.url, "Dana Kim")
    say(page, "<b>shown as typed</b> thanks @carl")
    typed = message(page, "shown as typed")
    expect(typed).to_contain_text("<b>shown as typed</b> thanks @Carl Diaz")
    expect(typed.locator(".mrkdwn b")).to_have_count(0)
    consent = sign_in(page, context, "Dana Kim", "Deny", on)
    expect(consent.get_by_role("heading", name="Nothing was linked")).to_be_visible()
    consent.close()
    page.bring_to_front()
    expect(message(page, "Linking didn't work")).to_contain_text("cancelled")
    link(page, context, "Dana Kim", on)
    say(page, "/recognize")
    form = page.get_by_role("dialog", name="Give recognition")
    picker = form.get_by_role("combobox", name=f"Pick a {on.value_label}")
    picker.select_option(label=on.picked)
    form.get_by_role("button", name="Dana Kim").click()
    form.get_by_label("Why").fill("You turned the escalation around in a day.")
    form.get_by_role("button", name="Send").click()
    expect(form.get_by_role("alert")).to_have_text(
        "You can't recognize yourself: pick your teammates instead."
    )
    form.get_by_role("button", name="Dana Kim").click()
    form.get_by_role("button", name="Bob Stone").click()
    form.get_by_role("button", name="Send").click()
    expect(form).to_be_hidden()
    announcement = page.locator(".msg:not(.ephemeral)", has_text="@Dana Kim recognized")
    expect(announcement).to_contain_text(f"@Dana Kim recognized @Bob Stone for {on.picked}")
    expect(open_app(page, "Messages")).to_contain_text("Recognition sent to @Bob Stone")


def test_a_clap_on_a_message_previews_a_recognition_of_its_author(
    sandbox: SandboxProcess, context: BrowserContext
) -> None:
    on = SHOWN[sandbox.platform]
    page = open_as(context, sandbox.url, "Carl Diaz")
    link(page, context, "Carl Diaz", on)
    assert sandbox.say("U0DANA", "closed the Initech renewal").json()["ok"]
    said = message(page, "closed the Initech renewal")
    said.hover()
    said.get_by_role("button", name="React with clap").click()
    preview = page.locator(".msg.ephemeral", has_text="recognizing @Dana Kim")
    expect(preview).to_contain_text("For this message: https://")
    picker = preview.get_by_role("combobox", name=f"Pick a {on.value_label}")
    picker.select_option(label=on.picked)
    chosen = message(page, f"{on.value_label.capitalize()}: {on.picked}")
    chosen.get_by_role("button", name="Send").click()
    expect(message(page, "Recognition sent")).to_contain_text("Recognition sent to @Dana Kim")


@pytest.mark.parametrize("sandbox", ["achievers"], indirect=True)
def test_the_page_switches_platform(sandbox: SandboxProcess, context: BrowserContext) -> None:
    page = open_as(context, sandbox.url, "Carl Diaz")
    switch = page.get_by_role("combobox", name="Platform")
    expect(switch).to_have_value("achievers")
    try:
        switch.select_option(label="YouEarnedIt")
        expect(page.get_by_role("status")).to_contain_text("Now on YouEarnedIt")
        say(page, "/kudos link")
        prompt = message(page, "link your YouEarnedIt account")
        expect(prompt.get_by_role("button", name="Link YouEarnedIt")).to_be_visible()
    finally:
        switch.select_option("achievers")  # the next test on this sandbox starts on Achievers
    expect(page.get_by_role("status")).to_contain_text("Now on Achievers")

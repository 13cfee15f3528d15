"""manifest.yml is a valid Slack manifest whose URLs all point at routes the app serves."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml
from starlette.routing import Route

from bot.app import build_app
from bot.doctor.slack_check import BOT_SCOPES
from bot.services import build_services
from bot.settings import Settings
from bot.slack import workspaces
from bot.slack.workspaces import REDIRECT_PATH
from handlers import kit, step_values, workflow_step
from testkit.fakes.slack_oauth import GRANTED_SCOPES

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_NAME = "slack-manifest.schema.1.0.0.json"


def schema_path() -> Path:
    """Slack's schema lives in the shared folder beside the repo (never copied into it)."""
    candidates = [ROOT.parent / "shared", Path("/work/shared")]  # beside the clone; the workspace
    if os.environ.get("KUDOS_SHARED_DIR"):
        candidates.insert(0, Path(os.environ["KUDOS_SHARED_DIR"]))
    for shared in candidates:
        if (shared / "schemas" / SCHEMA_NAME).is_file():
            return shared / "schemas" / SCHEMA_NAME
    pytest.skip(f"{SCHEMA_NAME} not found beside the repo; set KUDOS_SHARED_DIR")


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "manifest.yml").read_text())
    return loaded


def urls(node: Any) -> list[str]:
    """Every http(s) URL anywhere in the manifest."""
    if isinstance(node, dict):
        return [url for value in node.values() for url in urls(value)]
    if isinstance(node, list):
        return [url for value in node for url in urls(value)]
    return [node] if isinstance(node, str) and node.startswith("http") else []


def test_manifest_validates_against_slack_schema() -> None:
    jsonschema.validate(manifest(), json.loads(schema_path().read_text()))


def test_commands_escape_mentions_and_scopes_cover_what_the_bot_calls() -> None:
    commands = {c["command"]: c for c in manifest()["features"]["slash_commands"]}
    assert set(commands) == {"/recognize", "/kudos"}
    assert all(command["should_escape"] for command in commands.values())
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "users:read", "users:read.email"} <= scopes
    assert manifest()["settings"]["interactivity"]["is_enabled"] is True


def test_type_ahead_menus_load_their_options_from_the_events_route() -> None:
    """Slack posts `block_suggestion` to the options load URL: the route serving the rest."""
    interactivity = manifest()["settings"]["interactivity"]
    assert interactivity["message_menu_options_url"] == interactivity["request_url"]
    assert urlsplit(interactivity["message_menu_options_url"]).path == "/slack/events"


def test_every_manifest_url_is_a_route_the_app_serves() -> None:
    settings = Settings.model_validate({"slack_signing_secret": "s", "slack_bot_token": "xoxb-1"})
    app = build_app(build_services(settings))
    served = {route.path for route in app.routes if isinstance(route, Route)}
    found = urls(manifest())
    assert found
    for url in found:
        assert urlsplit(url).path in served, url


def test_home_tab_its_event_and_the_shortcuts_match_the_handlers() -> None:
    features = manifest()["features"]
    assert features["app_home"]["home_tab_enabled"] is True
    assert "app_home_opened" in manifest()["settings"]["event_subscriptions"]["bot_events"]
    shortcuts = {s["type"]: s["callback_id"] for s in features["shortcuts"]}
    assert shortcuts == {"global": kit.GLOBAL_SHORTCUT, "message": kit.MESSAGE_SHORTCUT}


def test_the_install_flow_matches_the_manifest() -> None:
    """Several workspaces: Slack comes back to the route Bolt's flow serves, asked for exactly
    the manifest's scopes; the org-wide install and the uninstall events are subscribed."""
    oauth = manifest()["oauth_config"]
    assert [urlsplit(url).path for url in oauth["redirect_urls"]] == [REDIRECT_PATH]
    assert oauth["scopes"]["bot"] == list(workspaces.BOT_SCOPES)
    assert manifest()["settings"]["org_deploy_enabled"] is True
    events = set(manifest()["settings"]["event_subscriptions"]["bot_events"])
    assert {"app_uninstalled", "tokens_revoked", "team_access_granted"} <= events
    assert "team_access_revoked" in events
    # off: the same manifest serves SLACK_BOT_TOKEN deployments, whose token can't be renewed
    assert manifest()["settings"]["token_rotation_enabled"] is False


def test_reactions_and_the_workflow_step_are_declared_as_the_handlers_expect() -> None:
    settings, scopes = manifest()["settings"], set(manifest()["oauth_config"]["scopes"]["bot"])
    assert {"reaction_added", "function_executed"} <= set(
        settings["event_subscriptions"]["bot_events"]
    )
    assert {"reactions:read", "channels:history", "groups:history"} <= scopes
    assert settings["function_runtime"] == "remote"
    assert (
        settings["org_deploy_enabled"] is True
    )  # Slack takes `functions` only from org-ready apps
    step = manifest()["functions"][workflow_step.STEP]
    inputs = step["input_parameters"]
    assert set(inputs) == {"recipients", "message", "value", "giver"}
    assert inputs["giver"]["type"] == "slack#/types/user_context"
    assert inputs["recipients"]["items"]["type"] == "slack#/types/user_id"
    assert set(step["output_parameters"]) == {"recognition_id", "recognition_link"}
    menu = inputs["value"]["dynamic_options"]
    assert menu["function"] == f"#/functions/{step_values.VALUES_STEP}"
    values = manifest()["functions"][step_values.VALUES_STEP]
    assert values["output_parameters"]["options"]["type"] == "slack#/types/options_select"
    assert set(menu["inputs"]) == set(values["input_parameters"]) == {"builder"}


def test_the_scopes_doctor_checks_are_the_manifests() -> None:
    """`python -m bot doctor` checks the token for exactly these; the Slack fake grants them."""
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    assert scopes == BOT_SCOPES == set(GRANTED_SCOPES)

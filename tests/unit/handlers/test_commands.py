"""`/recognize` reads its text once per request: the ack answers a refusal from that read, and the
lazy listener previews from it (Bolt copies the context for it before the ack function runs)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from cryptography.fernet import Fernet
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.app import build_bolt
from bot.intents import RecognitionRequest
from bot.models import Link, Person, TokenSet
from bot.services import build_services
from bot.settings import Settings
from handlers import HandlerServices, commands
from handlers.parse import parse_recognize
from testkit.bot_env import BOT_TOKEN, SIGNING_SECRET
from testkit.fakes import FakeAchievers
from testkit.fakes.slack import FakeSlack
from testkit.support import async_wait_until, sign, slash_command
from tests.unit.delivery_kit import OWNER, achievers, user_token

__all__ = ["achievers"]  # fixtures


async def test_recognize_reads_its_text_once_per_request(
    monkeypatch: pytest.MonkeyPatch,
    redis_url: str,
    fake_slack: FakeSlack,
    achievers: FakeAchievers,
) -> None:
    reads: list[str] = []

    def counted(text: str) -> RecognitionRequest:
        reads.append(text)
        return parse_recognize(text)

    monkeypatch.setattr(commands, "parse_recognize", counted)
    services = build_services(settings(redis_url, fake_slack, achievers))
    await services.start()
    try:
        account = Person(id="1001", name="Ana Lopez", email="ana@example.com")
        token = TokenSet(access_token=user_token(achievers))
        await services.store.links.save(OWNER, Link(account=account, token=token))
        bolt = build_bolt(services, HandlerServices.on(services))

        async def recognize(text: str, key: str) -> str:
            url = fake_slack.response_url(key)
            body = slash_command("/recognize", text, user_id="U_ANA", response_url=url)
            headers: dict[str, str | Sequence[str]] = {**sign(SIGNING_SECRET, body)}
            request = AsyncBoltRequest(body=body.decode(), headers=headers)
            ack = await bolt.async_dispatch(request)
            assert ack.status == 200
            return ack.body

        refused = await recognize("thanks all", "refused")
        assert "Pick at least one teammate to recognize. Try `/recognize" in refused
        assert await recognize("<@U_BOB> for the release #teamwork", "previewed") == ""
        [preview] = await async_wait_until(lambda: fake_slack.responses("previewed"))
    finally:
        await services.aclose()
    assert preview["text"] == "Preview of your recognition" and "recognizing <@U_BOB>" in str(
        preview
    )
    assert reads == ["thanks all", "<@U_BOB> for the release #teamwork"]  # once each
    assert fake_slack.responses("refused") == []  # the ack said why; nothing followed


def settings(redis_url: str, slack: FakeSlack, platform: FakeAchievers) -> Settings:
    return Settings.model_validate(
        {
            "slack_signing_secret": SIGNING_SECRET,
            "slack_bot_token": BOT_TOKEN,
            "slack_api_url": f"{slack.base_url}/api/",
            "redis_url": redis_url,
            "token_encryption_keys": Fernet.generate_key().decode(),
            "achievers": {
                "base_url": platform.base_url,
                "client_id": platform.client_id,
                "client_secret": platform.client_secret,
            },
        }
    )

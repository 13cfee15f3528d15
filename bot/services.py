"""The long-lived objects, built once from Settings and closed once at shutdown."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import httpx
from fakeredis import FakeAsyncRedis
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.driver_info import DriverInfo

from bot.accounts.crypto import TokenCipher, parse_keys
from bot.accounts.linking import Linker
from bot.accounts.tokens import Tokens
from bot.platforms.limits import PLATFORM_LIMITS, PLATFORM_POOL
from bot.platforms.registry import Registry, build_registry
from bot.recognition.delivery import Deliverer
from bot.recognition.directory import Directory
from bot.recognition.drafts import Recognitions
from bot.recognition.lookups import Lookups
from bot.recognition.outbox import Outbox
from bot.runtime.lazy_work import LazyWork
from bot.settings import Settings
from bot.slack.authorize import Workspaces, workspaces_of
from bot.slack.client import SLACK_TIMEOUT, SlackClient, open_session
from bot.slack.people import SlackPeople
from bot.store import Store, sentinel
from bot.store.connection import timed_for_url

log = logging.getLogger(__name__)

PLATFORM_TIMEOUT = PLATFORM_LIMITS.timeout  # every number lives in bot/platforms/limits.py
REDIS_TIMEOUT = 1.0  # well under Slack's 3-second budget
REDIS_CONNECTIONS = 256  # per process
REDIS_POOL_WAIT = 1.0  # a saturated process queues briefly for a connection: wait + command < 3 s
# What CLIENT SETINFO tells Redis, made once: left to redis-py, each new connection reads its
# version from the package metadata again (importlib.metadata, about 1 ms of CPU a connection)
REDIS_DRIVER = DriverInfo()


@dataclass
class Services:
    """Everything listeners and routes use; handed to listeners by name through the context."""

    settings: Settings
    http: httpx.AsyncClient
    redis: Redis
    slack: SlackClient
    store: Store
    registry: Registry
    tokens: Tokens
    directory: Directory
    people: SlackPeople
    linker: Linker
    recognitions: Recognitions
    lookups: Lookups
    outbox: Outbox
    deliverer: Deliverer
    slack_session: aiohttp.ClientSession | None = None  # opened inside the event loop: `start`
    workspaces: Workspaces | None = None  # multi-workspace mode: the installations
    lazy_work: LazyWork = field(default_factory=LazyWork)  # the bound on work after acks

    def listener_context(self) -> dict[str, Any]:
        """The names listeners may ask for, e.g. `async def f(ack, linker): …`."""
        return {
            "registry": self.registry,
            "store": self.store,
            "tokens": self.tokens,
            "directory": self.directory,
            "people": self.people,
            "linker": self.linker,
            "lookups": self.lookups,
            "outbox": self.outbox,
            "recognitions": self.recognitions,
            "recognize_emojis": self.settings.recognize_emojis,
            "lazy_work": self.lazy_work,
        }

    async def start(self) -> None:
        """What needs the running event loop: the pooled session every Slack call goes through."""
        self.slack_session = self.slack.session = open_session(self.slack.timeout)

    async def aclose(self) -> None:
        await self.http.aclose()
        await sentinel.close(self.redis)
        if self.slack_session is not None:
            await self.slack_session.close()


def connect_redis(settings: Settings) -> tuple[Redis, TokenCipher]:
    """Redis from REDIS_URL or through REDIS_SENTINELS, or the embedded in-memory store (with a
    warning) when neither is set."""
    if not settings.shared_redis:
        log.warning(
            "REDIS_URL is not set: using the embedded in-memory store. Nothing survives a "
            "restart, and several processes will not share links. Set REDIS_URL in production."
        )
        keys = settings.token_encryption_keys
        cipher = (
            TokenCipher(parse_keys(keys.get_secret_value())) if keys else TokenCipher.ephemeral()
        )
        return FakeAsyncRedis(), cipher
    assert settings.token_encryption_keys is not None  # checked at start-up
    cipher = TokenCipher(parse_keys(settings.token_encryption_keys.get_secret_value()))
    url = settings.redis_url.get_secret_value() if settings.redis_url else None
    if settings.redis_sentinels is not None:
        log.info("finding the Redis primary %r through Sentinel", settings.redis_sentinel_master)
        return sentinel.primary_through_sentinels(
            settings.sentinel_addresses(),
            settings.redis_sentinel_master,
            _connection_options(),
            **_pool_options() | (sentinel.primary_options(url) if url else {}),
        ), cipher
    assert url is not None
    # A bounded pool: a burst of requests waits briefly for a connection instead of opening
    # hundreds of new ones at once (each a handshake, and a timeout under load).
    timed = timed_for_url(url)
    pool = BlockingConnectionPool.from_url(url, connection_class=timed, **_pool_options())
    return Redis(connection_pool=pool), cipher


def _connection_options() -> dict[str, Any]:
    """Each command's limits, for the primary and for the sentinels alike.

    No retries, pinned: redis-py's own defaults have changed between releases (Redis() retries 3
    times with up to 10 s of backoff), and a retry would push a Redis that is away past Slack's
    3 s; a command is never silently replayed either."""
    return {
        "socket_timeout": REDIS_TIMEOUT,
        "socket_connect_timeout": REDIS_TIMEOUT,
        "retry": Retry(NoBackoff(), 0),
        "driver_info": REDIS_DRIVER,
    }


def _pool_options() -> dict[str, Any]:
    """The pool replaces a connection the server closed before handing it out, so a restarted
    Redis (or a new primary) is picked up on the next command."""
    return _connection_options() | {
        "max_connections": REDIS_CONNECTIONS,
        "timeout": REDIS_POOL_WAIT,
        "health_check_interval": 15,
    }


def build_services(settings: Settings) -> Services:
    redis, cipher = connect_redis(settings)
    http = httpx.AsyncClient(timeout=PLATFORM_TIMEOUT, limits=PLATFORM_POOL, follow_redirects=False)
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    slack = SlackClient(token=token, base_url=settings.slack_api_url, timeout=SLACK_TIMEOUT)
    store = Store(redis, cipher)
    registry = build_registry(settings, http)
    tokens = Tokens(store, registry, http)
    directory = Directory(store, registry, tokens)
    workspaces = workspaces_of(settings, store, slack)
    people = SlackPeople(slack, workspaces)
    linker = Linker(settings, store, registry, http, people)
    recognitions = Recognitions(store, registry, tokens, people, directory)
    return Services(
        settings=settings,
        http=http,
        redis=redis,
        slack=slack,
        store=store,
        registry=registry,
        tokens=tokens,
        directory=directory,
        people=people,
        linker=linker,
        recognitions=recognitions,
        lookups=Lookups(registry, tokens, directory, people),
        outbox=Outbox(store),
        deliverer=Deliverer(registry, tokens),
        workspaces=workspaces,
    )

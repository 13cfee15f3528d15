"""Redis: reachable, recent enough, configured not to lose data, and its tokens readable."""

from __future__ import annotations

from bot.doctor.result import Check, NotChecked, Result, failed, passed
from bot.errors import StoreUnavailable
from bot.services import Services

MINIMUM_VERSION = (6, 2)  # GETDEL, XAUTOCLAIM
TOKEN_SAMPLE = 50  # stored tokens decrypted at most: a sample, never the whole store


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:2] if part.isdigit())


def _require_redis(services: Services) -> None:
    if not services.settings.shared_redis:
        raise NotChecked("not checked: no Redis is configured")


async def reachable(services: Services) -> Result:
    if not services.settings.shared_redis:
        return failed(
            "neither REDIS_URL nor REDIS_SENTINELS is set: the embedded store keeps nothing "
            "across a restart",
            "set REDIS_URL (or REDIS_SENTINELS) and TOKEN_ENCRYPTION_KEYS",
        )
    where = "REDIS_SENTINELS" if services.settings.redis_sentinels else "REDIS_URL"
    try:
        version = await services.store.server_version()
    except StoreUnavailable:
        return failed(
            f"no answer through {where}",
            f"check {where} (host, port, password) and that Redis runs",
        )
    if _version(version) < MINIMUM_VERSION:
        return failed(f"version {version} is too old", "upgrade to Redis 6.2 or newer")
    return passed(f"answers through {where}, version {version}")


async def _setting(services: Services, name: str, wanted: str, why: str) -> Result:
    """One CONFIG value against what the bot needs (see README, Durability)."""
    _require_redis(services)
    value = await services.store.server_setting(name)
    if value is None:
        raise NotChecked(
            "could not check: this Redis refuses CONFIG GET (as managed services often do)",
            f"make sure {name} is {wanted} in its settings",
        )
    if value != wanted:
        fix = f"set `{name} {wanted}` in redis.conf, or now: CONFIG SET {name} {wanted}"
        return failed(f"is {value}: {why}", fix)
    return passed(f"is {wanted}")


async def appendonly(services: Services) -> Result:
    why = "a restarted Redis comes back empty (links, queued recognitions)"
    return await _setting(services, "appendonly", "yes", why)


async def eviction(services: Services) -> Result:
    why = "a full Redis silently deletes links, previews and queued recognitions"
    return await _setting(services, "maxmemory-policy", "noeviction", why)


async def tokens_open(services: Services) -> Result:
    _require_redis(services)
    opened, unreadable = await services.store.sealed.sample(TOKEN_SAMPLE)
    if unreadable:
        return failed(
            f"no key opens {unreadable} of the {opened + unreadable} stored tokens sampled",
            "put back the key they were sealed with (keys are newest first), or run "
            "`python -m bot rotate-keys` to drop them (those people link again)",
        )
    if not opened:
        return passed("valid; no stored tokens yet")
    return passed(f"open all {opened} stored tokens sampled")


CHECKS = (
    Check("Redis", reachable),
    Check("Redis appendonly", appendonly),
    Check("Redis maxmemory-policy", eviction),
    Check("TOKEN_ENCRYPTION_KEYS", tokens_open),
)

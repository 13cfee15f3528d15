"""Every Redis key the bot uses, and how long each lives: the only place that names them."""

from __future__ import annotations

import hashlib

from bot.models import Owner

STATE_TTL = 600
DRAFT_TTL = 3600
UNCONFIRMED_TTL = 3600
INTENT_TTL = 7 * 24 * 3600
REACTION_TTL = 600  # a second reaction on the same message by the same person gives nothing
EVENT_TTL = 900  # Slack retries an event for a few minutes; remember ids well beyond that
VALUES_TTL = 600  # a platform's values change rarely; a user's list is re-read after this
RECIPIENT_TTL = 3600  # Slack user → platform person; also dropped when a delivery fails
UNINSTALLED_TTL = 3600  # longer than any delivery attempt or lazy listener still running
LOCK_TTL = 20.0  # longer than any token request may take
LOCK_WAIT = 15.0
PREFIX = "kb"
APP = "app"  # the owner of app-level tokens


def state_key(state: str) -> str:
    # Only a digest is kept, so a copy of Redis holds no live state value.
    return f"{PREFIX}:state:{hashlib.sha256(state.encode()).hexdigest()}"


def link_key(owner: Owner) -> str:
    return f"{PREFIX}:link:{owner.key}"


def link_owner(key: str) -> Owner | None:
    """The owner of a link record's key; None for any other key."""
    parts = key.removeprefix(f"{PREFIX}:link:").split(":")
    return Owner(*parts) if key.startswith(f"{PREFIX}:link:") and len(parts) == 3 else None


def app_token_key(provider: str) -> str:
    return f"{PREFIX}:apptoken:{provider}"


def lock_key(name: str) -> str:
    return f"{PREFIX}:lock:{name}"


def link_lock(owner: Owner) -> str:
    """The lock a link's refresh holds (a name for `locked`)."""
    return f"refresh:{owner.key}"


def app_token_lock(provider: str) -> str:
    """The lock minting an app-level token holds."""
    return f"apptoken:{provider}"


def writer_lock(key: str) -> str:
    """The lock of whoever rewrites the token record at `key`: rotate-keys holds it too."""
    kind, _, rest = key.removeprefix(f"{PREFIX}:").partition(":")
    if kind == "install":
        return install_lock(rest)
    return f"refresh:{rest}" if kind == "link" else app_token_lock(rest)


def delivery_lock_key(intent_id: str) -> str:
    """The lock a consumer holds while it delivers an intent (bot/store/lease.py)."""
    return lock_key(f"deliver:{intent_id}")


def directory_key(provider: str) -> str:
    return f"{PREFIX}:dir:{provider}"


def linked_key(provider: str) -> str:
    """The set of owners linked on a platform: counted by `GET /metrics` without a SCAN."""
    return f"{PREFIX}:linked:{provider}"


def values_key(owner: Owner) -> str:
    return f"{PREFIX}:values:{owner.key}"


def recipient_key(team_id: str, provider: str, slack_id: str) -> str:
    return f"{PREFIX}:recipient:{team_id}:{provider}:{slack_id}"


def intent_key(intent_id: str) -> str:
    return f"{PREFIX}:intent:{intent_id}"


def watch_key(intent_id: str) -> str:
    return f"{PREFIX}:watch:{intent_id}"


def news_key(intent_id: str) -> str:
    """A list the Send request blocks on: the consumer pushes the news of its intent there."""
    return f"{PREFIX}:news:{intent_id}"


def taken_key(intent_id: str) -> str:
    """A list the consumer blocks on: the request pushes there that it took the outcome."""
    return f"{PREFIX}:taken:{intent_id}"


def takings_key(intent_id: str) -> str:
    """How often an intent's delivery lock was taken: a taking after the first may follow a POST
    that landed (its holder died), so that attempt reconciles first."""
    return f"{PREFIX}:takings:{intent_id}"


def draft_key(team_id: str, user_id: str, draft_id: str) -> str:
    # The owner is part of the key: a user can only ever reach their own drafts.
    return f"{PREFIX}:draft:{team_id}:{user_id}:{draft_id}"


def event_key(event_id: str) -> str:
    return f"{PREFIX}:event:{event_id}"


def install_key(workspace: str) -> str:
    """A Slack installation, by its workspace: the team, or the enterprise of an org-wide one."""
    return f"{PREFIX}:install:{workspace}"


def install_lock(workspace: str) -> str:
    """The lock a Slack bot token's rotation holds (a name for `locked`)."""
    return f"slackrotate:{workspace}"


def install_state_key(state: str) -> str:
    """An "Add to Slack" state; only a digest is kept, as for platform states."""
    return f"{PREFIX}:installstate:{hashlib.sha256(state.encode()).hexdigest()}"


def uninstalled_key(workspace: str) -> str:
    """The mark an uninstall leaves, so work still in flight re-creates nothing of the
    workspace; only a digest of its id is kept (a scan after uninstall finds nothing of it)."""
    return f"{PREFIX}:uninstalled:{hashlib.sha256(workspace.encode()).hexdigest()}"


def intent_keys(intent_id: str) -> tuple[str, ...]:
    """Every key of one recognition: its record, its watch, the lists of its hand-over, and the
    count of its deliveries' takings."""
    watch = (watch_key(intent_id), news_key(intent_id), taken_key(intent_id))
    return intent_key(intent_id), *watch, takings_key(intent_id)


def workspace_patterns(workspace: str) -> tuple[str, ...]:
    """Every key holding something of one workspace (or org), for the uninstall purge; the
    de-duplication memory (event ids) stays, so a retried event is still recognized."""
    kinds = ("link", "values", "recipient", "draft", "reacted")
    return tuple(f"{PREFIX}:{kind}:{workspace}:*" for kind in kinds)


def staging_key(key: str) -> str:
    """Where a record is built before it replaces `key` in one RENAME."""
    return f"{key}:staging"


LINK_PATTERN = f"{PREFIX}:link:*"
# every sealed record
TOKEN_PATTERNS = (LINK_PATTERN, f"{PREFIX}:apptoken:*", f"{PREFIX}:install:*")
LINKS_COUNTED = f"{PREFIX}:linked-counted"  # set once links made before counting are counted
INTENTS = f"{PREFIX}:intent:*"
OUTBOX = f"{PREFIX}:outbox"  # a Redis Stream of intent ids
OUTBOX_GROUP = "delivery"
WORKERS = f"{PREFIX}:workers"  # worker name → last heartbeat (sorted set)
HELD_STEPS = f"{PREFIX}:held_steps"  # workflow step waiting for its runner's link → HeldStep
HELD_DEADLINES = f"{PREFIX}:held_deadlines"  # the same steps → when their link button expires


def reaction_key(team_id: str, user_id: str, channel_id: str, ts: str) -> str:
    return f"{PREFIX}:reacted:{team_id}:{user_id}:{channel_id}:{ts}"

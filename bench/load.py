"""One load run: signed bodies fired from the load-generator process, and what came back."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from testkit.support import block_action, slash_command

REPO_ROOT = Path(__file__).resolve().parent.parent
SEND = "recognition_send"
RUN_TIMEOUT = 900.0  # the load generator itself stuck: a harness failure


class HarnessError(RuntimeError):
    """The bench itself could not run (a process died, a fake never answered, ...)."""


@dataclass(frozen=True)
class Watched:
    """A process whose CPU use the load generator reads around the firing window."""

    name: str
    pid: int
    tree: bool = False  # with its descendants (a server's worker processes)
    serves: bool = False  # a server process: the connections it holds are counted too


@dataclass(frozen=True)
class Job:
    """What the load generator fires: `bodies` POSTed signed to `url`, `concurrency` at a time
    (closed loop), or at `rate` requests per second (open loop, as Slack's traffic arrives)."""

    url: str
    secret: str
    bodies: list[str]
    concurrency: int
    timeout_s: float
    watched: list[Watched] = field(default_factory=list)
    rate: float = 0.0  # > 0: open loop, one request every 1/rate s however slow the answers


@dataclass(frozen=True)
class Sample:
    """One request: seconds until the whole HTTP answer arrived, its status (0: no answer)."""

    seconds: float
    status: int
    error: str = ""
    text: str = ""  # what the ack said (its `text`), when it said anything


@dataclass(frozen=True)
class LoadRun:
    """Every request's sample, the firing window and the CPU seconds used in it."""

    samples: list[Sample]
    elapsed_s: float
    cpu_s: dict[str, float]  # "loadgen" and every watched process
    # the load generator's connections each watched server process held when firing ended
    connections: dict[str, int] = field(default_factory=dict)


def run_load(job: Job) -> LoadRun:
    """Fire `job` from `python -m bench.loadgen` and read its result."""
    completed = subprocess.run(
        [sys.executable, "-m", "bench.loadgen"],
        input=json.dumps(asdict(job)).encode(),
        capture_output=True,
        cwd=REPO_ROOT,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    if completed.returncode != 0:
        tail = completed.stderr.decode(errors="replace")[-2000:]
        raise HarnessError(f"the load generator exited with {completed.returncode}:\n{tail}")
    result = json.loads(completed.stdout)
    samples = [Sample(float(s), int(c), str(e), str(t)) for s, c, e, t in result["samples"]]
    held = {name: int(count) for name, count in result["connections"].items()}
    return LoadRun(samples, float(result["elapsed_s"]), dict(result["cpu_s"]), held)


ReplyTo = Callable[[str], str]  # sender → the response_url its requests carry


def commands(
    command: str, text: str, senders: Sequence[str], count: int, reply_to: ReplyTo
) -> list[str]:
    """`count` slash-command bodies, from the senders in turn."""
    bodies = []
    for index in range(count):
        user = senders[index % len(senders)]
        body = slash_command(command, text, user_id=user, response_url=reply_to(user))
        bodies.append(body.decode())
    return bodies


def send_clicks(drafts: Sequence[tuple[str, str]], reply_to: ReplyTo) -> list[str]:
    """A Send click on each (sender, draft id), as the sender."""
    return [
        block_action(SEND, draft, user_id=user, response_url=reply_to(user)).decode()
        for user, draft in drafts
    ]

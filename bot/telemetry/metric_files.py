"""Where prometheus_client's multiprocess files go, chosen when this module is first imported
(before any metric exists, and before uvicorn starts its processes, which inherit it):
PROMETHEUS_MULTIPROC_DIR if set, else a private temporary directory that the process which made
it removes at exit. Importing never fails: an unusable directory is reported by `check_directory`
(start-up and `doctor`)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from prometheus_client import values
from prometheus_client.multiprocess import mark_process_dead

from bot.errors import ConfigError

ENV = "PROMETHEUS_MULTIPROC_DIR"


def _made() -> str:
    """A private directory, inherited by the processes started from this one, removed at exit."""
    made = tempfile.mkdtemp(prefix="kudos-metrics-")
    os.environ[ENV] = made
    atexit.register(shutil.rmtree, made, ignore_errors=True)
    return made


def _directory() -> tuple[str, str | None]:
    """The multiprocess directory, and why PROMETHEUS_MULTIPROC_DIR could not be it."""
    given = os.environ.get(ENV, "").strip()
    if not given:
        return _made(), None
    try:
        os.makedirs(given, exist_ok=True)
        with tempfile.TemporaryFile(dir=given):  # the metrics files are made here
            pass
    except OSError as error:
        why = error.strerror or type(error).__name__
        return _made(), f"{ENV}={given} can't hold the metrics files ({why})"
    return given, None


_GIVEN = bool(os.environ.get(ENV, "").strip())
DIRECTORY, UNUSABLE = _directory()
# Set by whoever started the bot: a directory other processes may share (web and worker on one
# host). Else a private one, which only this process and its children see.
SHARED = _GIVEN and not UNUSABLE
_identity = ""  # a suffix to this process's id in file names; `private` changes it


def _process() -> str:
    """This process in prometheus_client's file names; a new value makes it reopen every file.
    prometheus_client asks on every update of every value (three a Slack request): kept, and
    made again only when it changes, in a forked child or by `private`."""
    return _name


def _name_again() -> None:
    global _name
    _name = f"{os.getpid()}{_identity}"


_name = ""
_name_again()
os.register_at_fork(after_in_child=_name_again)


# Files in DIRECTORY for every metric, whatever imported prometheus_client before this module.
values.ValueClass = values.MultiProcessValue(_process)  # type: ignore[no-untyped-call]


def check_directory() -> None:
    """Refuse to start with a PROMETHEUS_MULTIPROC_DIR that can't be used (the bot's processes
    would not add up), as for any unusable setting."""
    if UNUSABLE:
        raise ConfigError(f"{UNUSABLE}: give it a directory the bot may write to, or unset it")


def private() -> None:
    """Count this process's metrics apart from the host's (a directory of its own): `doctor`'s
    checks must not show up in the bot's metrics. The files this process made at import stay,
    holding zeros (a scrape may be reading them)."""
    global DIRECTORY, _identity
    DIRECTORY, _identity = _made(), "-private"
    _name_again()


def forget(pid: int) -> None:
    """Drop the live gauges of a process that ended (its counters stay: totals never fall)."""
    mark_process_dead(pid, DIRECTORY)  # type: ignore[no-untyped-call]


def forget_dead_processes() -> None:
    """Drop the live gauges of processes that died without saying so (killed, crashed)."""
    for path in Path(DIRECTORY).glob("gauge_live*_*.db"):
        pid = path.stem.rpartition("_")[2]
        if pid.isdigit() and not _alive(int(pid)):
            forget(int(pid))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True

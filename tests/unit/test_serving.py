"""bot/serving.py: each worker's listening socket is made in that worker, on the shared port."""

from __future__ import annotations

import pickle
import socket

import pytest
import uvicorn
from uvicorn.config import STARTUP_FAILURE

from bot import serving
from testkit.support import free_port

pytestmark = pytest.mark.skipif(not serving.SPREADS, reason="SO_REUSEPORT spreads on Linux only")


def test_what_reaches_a_worker_unpickles_as_a_socket_of_its_own_on_the_same_port() -> None:
    port = free_port()
    recipe = pickle.dumps(serving.OwnSocket("127.0.0.1", port))  # as spawn sends it
    first, second = (pickle.loads(recipe) for _ in range(2))  # noqa: S301 (bytes made above)
    try:
        assert isinstance(first, socket.socket)
        assert first.fileno() != second.fileno()
        for sock in (first, second):
            assert sock.getsockname() == ("127.0.0.1", port)
            assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 1
            sock.listen()  # both accept on the one port: the kernel picks one per connection
    finally:
        first.close()
        second.close()


def test_a_port_held_by_another_program_stops_the_start_before_any_worker() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:  # no SO_REUSEPORT: none can join
        port = taken.getsockname()[1]
        config = uvicorn.Config(
            "bot.app:app", workers=2, host="127.0.0.1", port=port, log_config=None
        )
        with pytest.raises(SystemExit) as stopped:
            serving.run(config)
    assert stopped.value.code == STARTUP_FAILURE


def test_without_so_reuseport_the_workers_share_uvicorns_socket_and_the_log_says_so(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(serving, "SPREADS", False)  # as on macOS or Windows
    config = uvicorn.Config("bot.app:app", workers=2, port=free_port(), log_config=None)
    with serving._listener(config) as shared:  # bound here, in the parent, as uvicorn.run does
        assert shared.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 0
    assert "SO_REUSEPORT is not available here" in caplog.text

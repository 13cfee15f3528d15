"""HTTP fakes of Slack and the recognition platforms, written from the reference docs."""

from tests.fakes.achievers import FakeAchievers
from tests.fakes.server import serve
from tests.fakes.slack import FakeSlack

__all__ = ["FakeAchievers", "FakeSlack", "serve"]

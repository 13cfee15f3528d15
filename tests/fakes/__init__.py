"""HTTP fakes of Slack and the recognition platforms, written from the reference docs."""

from tests.fakes.achievers import FakeAchievers
from tests.fakes.cultureamp import FakeCultureAmp
from tests.fakes.kazoo import FakeKazoo
from tests.fakes.server import serve
from tests.fakes.sevengeese import FakeSevenGeese
from tests.fakes.slack import FakeSlack

__all__ = ["FakeAchievers", "FakeCultureAmp", "FakeKazoo", "FakeSevenGeese", "FakeSlack", "serve"]

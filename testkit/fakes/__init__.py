"""HTTP fakes of Slack and the recognition platforms, written from the reference docs."""

from testkit.fakes.achievers import FakeAchievers
from testkit.fakes.cultureamp import FakeCultureAmp
from testkit.fakes.kazoo import FakeKazoo
from testkit.fakes.server import serve
from testkit.fakes.sevengeese import FakeSevenGeese
from testkit.fakes.slack import FakeSlack

__all__ = ["FakeAchievers", "FakeCultureAmp", "FakeKazoo", "FakeSevenGeese", "FakeSlack", "serve"]

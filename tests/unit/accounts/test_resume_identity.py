"""A resumed request runs as the link's owner: the request itself names nobody."""

from bot.models import Resume


def test_resume_holds_no_identity() -> None:
    assert not {"user_id", "team_id", "enterprise_id", "user", "team"} & Resume.model_fields.keys()

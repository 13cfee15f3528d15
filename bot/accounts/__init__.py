"""A Slack user's accounts on the platforms: OAuth, token wire formats, live tokens, linking,
crypto."""

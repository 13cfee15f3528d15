"""The sandbox: the bot, unchanged, between a simulated Slack and a simulated Achievers."""

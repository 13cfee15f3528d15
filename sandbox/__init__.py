"""The sandbox: the bot, unchanged, between a simulated Slack and simulated Achievers, 7Geese
and YouEarnedIt."""

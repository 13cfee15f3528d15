"""Slack as the bot reaches it: the clients, people, messages, installations, incoming requests."""

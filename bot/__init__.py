"""Kudos Bridge: a Slack app that sends recognitions on the employee-recognition platform."""

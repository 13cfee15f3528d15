"""Benchmarks of Kudos Bridge (`make bench`, `python -m bench`): figures, never pass/fail.

The bench process starts a real redis-server, the Slack and Achievers fakes (in its own
threads), the bot exactly as deployed (`python -m bot`, one and two server processes) and the
floor (`python -m bench.bare`, a bare Bolt app on the same server stack; as `bare+read`, plus
`/kudos status`'s one Redis read), fires signed Slack requests from a separate load-generator
process (`python -m bench.loadgen`), and writes a table and
`bench/results/<UTC time>-<host>.json`."""

"""What the bot tells its operators: logs, Prometheus metrics and the scrape route."""

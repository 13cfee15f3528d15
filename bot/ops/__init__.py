"""What operators reach: `GET /metrics` on the web processes and, on its own port, the worker."""

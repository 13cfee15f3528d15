"""The event loop's discipline: bounded cancels, the lazy-work queue, single-flight, shared
services."""

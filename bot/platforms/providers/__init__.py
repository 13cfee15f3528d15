"""One module per platform: its spec (data) and one small adapter. Nothing here imports another."""

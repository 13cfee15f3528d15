"""The small HTML pages a person sees in the browser after linking."""

from __future__ import annotations

from html import escape

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Kudos Bridge</title>
<style>
body{{font-family:system-ui,sans-serif;background:#f8f8fa;color:#1d1c1d;display:flex;
justify-content:center;padding:10vh 1rem;margin:0}}
main{{background:#fff;border-radius:12px;box-shadow:0 1px 4px #0002;padding:2rem;max-width:32rem}}
h1{{font-size:1.4rem;margin:0 0 .75rem}} p{{line-height:1.5;margin:0}}
.icon{{font-size:2rem}}
</style></head>
<body><main><div class="icon">{icon}</div><h1>{title}</h1><p>{message}</p></main></body></html>
"""


def page(title: str, message: str, ok: bool) -> str:
    """Everything interpolated is escaped: nothing from a query string is reflected raw."""
    return TEMPLATE.format(
        title=escape(title), message=escape(message), icon="&#9989;" if ok else "&#9888;&#65039;"
    )

"""The simulated platform's HTML: its sign-in and consent page and its newsfeed. All escaped."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from sandbox.people import BY_MEMBER_ID
from sandbox.platform_data import Recognition, criterion_name

STYLE = """
body{font-family:system-ui,sans-serif;background:#f4f1fa;color:#1d1c1d;margin:0;padding:6vh 1rem}
main{background:#fff;border-radius:14px;box-shadow:0 2px 8px #0002;padding:2rem;max-width:34rem;
margin:auto}
.brand{color:#5b2c83;font-weight:800;letter-spacing:.02em}.note{color:#616061;font-size:.9rem}
h1{font-size:1.4rem;margin:.4rem 0 1rem}fieldset{border:1px solid #ddd;border-radius:10px}
label.account{display:flex;gap:.7rem;align-items:center;padding:.45rem .3rem;cursor:pointer}
label.account img{width:36px;height:36px;border-radius:8px}.email{color:#616061;font-size:.85rem}
button{font:inherit;font-weight:700;border-radius:8px;padding:.55rem 1.3rem;margin:1rem .5rem 0 0;
cursor:pointer;border:1px solid #bbb;background:#fff}button.allow{background:#5b2c83;color:#fff;
border-color:#5b2c83}.error{color:#b01b2e;font-weight:600}
article{border-top:1px solid #eee;padding:.8rem 0}article img{width:28px;height:28px;
border-radius:6px;vertical-align:middle;margin-right:.4rem}blockquote{margin:.4rem 0 0 .2rem}
"""


ACHIEVERS = "Achievers"
SIGN_IN_FIELDS = (
    *("client_id", "response_type", "scope", "state"),
    *("redirect_uri", "code_challenge", "code_challenge_method"),
)


def document(title: str, body: str, brand: str = ACHIEVERS) -> str:
    """A whole page around `body` (already escaped), in the simulated platform's name."""
    brand = escape(brand)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · {brand} (sandbox)</title><style>{STYLE}</style></head>"
        f'<body><main><div class="brand">{brand}</div>{body}</main></body></html>'
    )


def account_choice(member_id: str) -> str:
    person = BY_MEMBER_ID[member_id]
    return (
        f'<label class="account"><input type="radio" name="account" value="{member_id}" required>'
        f'<img src="/avatars/{member_id}.svg" alt=""><span>{escape(person.name)}<br>'
        f'<span class="email">{escape(person.email)}</span></span></label>'
    )


def consent_page(
    request: Mapping[str, str], app_name: str, problem: str = "", brand: str = ACHIEVERS
) -> str:
    """Sign in as a demo account, then Allow (a code) or Deny (error=access_denied)."""
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{escape(request.get(name, ""))}">'
        for name in SIGN_IN_FIELDS
        if name in request
    )
    accounts = "".join(account_choice(member_id) for member_id in BY_MEMBER_ID)
    error = f'<p class="error">{escape(problem)}</p>' if problem else ""
    body = (
        "<h1>Sign in to continue to "
        f"{escape(app_name)}</h1>"
        f'<p class="note">A simulated {escape(brand)} for the Kudos Bridge sandbox: '
        "pick the account to sign in with (use the same person as in Slack).</p>"
        f"<p><b>{escape(app_name)}</b> would like to read your profile and e-mail address "
        f"and send recognitions as you (scope <code>{escape(request.get('scope', ''))}</code>)."
        f'</p>{error}<form method="post">{hidden}<fieldset><legend>Sign in as</legend>'
        f"{accounts}</fieldset>"
        '<button class="allow" name="decision" value="allow">Allow</button>'
        '<button name="decision" value="deny" formnovalidate>Deny</button></form>'
    )
    return document("Sign in", body, brand)


def refusal_page(message: str, brand: str = ACHIEVERS) -> str:
    return document("Invalid request", f"<h1>Invalid request</h1><p>{escape(message)}</p>", brand)


def recognition_article(recognition: Recognition) -> str:
    giver = BY_MEMBER_ID[recognition.nominator]
    to = ", ".join(escape(BY_MEMBER_ID[n].name) for n in recognition.nominees)
    return (
        f'<article id="r{recognition.id}"><img src="/avatars/{giver.member_id}.svg" alt="">'
        f"<b>{escape(giver.name)}</b> recognized <b>{to}</b> for "
        f"<b>{escape(criterion_name(recognition.criterion))}</b>"
        f'<div class="note">{escape(recognition.created[:10])}</div>'
        f"<blockquote>{escape(recognition.text)}</blockquote></article>"
    )


def newsfeed_page(recognitions: list[Recognition], title: str = "Newsfeed") -> str:
    articles = "".join(recognition_article(r) for r in recognitions)
    empty = '<p class="note">Nothing here.</p>' if not recognitions else ""
    return document(title, f"<h1>{escape(title)}</h1>{articles}{empty}")

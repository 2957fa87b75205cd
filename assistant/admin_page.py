"""The /admin inbox as server-rendered HTML (no script, no framework), readable on a phone.

Every text from the log (visitors' messages, replies) goes through html.escape.

>>> "<script>" in render_login("<script>")
False
"""
from __future__ import annotations

import html
from datetime import datetime, timezone

from assistant.inbox import KIND_LABELS

SHOWN = {"unanswered": 60, "thumbs_down": 25, "days": 400, "subjects": 15, "clicks": 15}   # rows on the page
PERIODS = (("1d", "Last 24 hours"), ("7d", "Last 7 days"), ("30d", "Last 30 days"))
STYLE = """
*{box-sizing:border-box}body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;
background:#f6f8fa}header,main{max-width:64rem;margin:0 auto;padding:.75rem 1rem}header{display:flex;
flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}h1{font-size:1.3rem;margin:.2rem 0}
h2{font-size:1.1rem;margin:1.6rem 0 .4rem}section{background:#fff;border:1px solid #d0d7de;border-radius:8px;
padding:.6rem .9rem;margin:.8rem 0}nav a,.csv{margin-right:.6rem}a{color:#0b57d0}.current{font-weight:700;
color:#1f2328;text-decoration:none}.totals{display:flex;flex-wrap:wrap;gap:.5rem}.total{background:#eef4ff;
border-radius:6px;padding:.35rem .7rem}.total b{font-size:1.2rem;display:block}.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{text-align:left;vertical-align:top;padding:.35rem .45rem;
border-bottom:1px solid #e5e7eb}th{background:#f6f8fa;white-space:nowrap}td.n{text-align:right;
font-variant-numeric:tabular-nums}.bar{display:inline-block;height:.6rem;background:#0b57d0;border-radius:3px;
vertical-align:middle;margin-left:.3rem}.kind{display:inline-block;border-radius:4px;padding:0 .35rem;font-size:.8rem;
background:#fff4e5;white-space:nowrap}.muted{color:#57606a;font-size:.88rem}.reply{color:#57606a;font-size:.88rem;
max-width:26rem}form.inline{display:inline}button,input{font:inherit;padding:.35rem .6rem}
.login{max-width:24rem;margin:3rem auto}.login input{width:100%;margin:.4rem 0}.error{color:#b42318}
@media (max-width:40rem){table,tbody,tr,td{display:block;width:100%}thead{position:absolute;left:-9999px}
tr{border-bottom:1px solid #d0d7de;padding:.4rem 0}td{border:0;padding:.15rem 0;text-align:left!important}
td::before{content:attr(data-label);display:block;font-size:.75rem;color:#57606a;text-transform:uppercase;
letter-spacing:.03em}.reply{max-width:none}}
"""
CSP = ("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="robots" content="noindex"><title>{_e(title)}</title><style>{STYLE}</style></head>'
            f"<body>{body}</body></html>")


def render_login(message: str = "", status_note: str = "") -> str:
    error = f'<p class="error" role="alert">{_e(message)}</p>' if message else ""
    return _page("Course Assistant · sign in", f"""<main class="login"><h1>Course Assistant inbox</h1>{error}
<form method="post" action="/admin/login"><label for="token">Admin token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button></form>
<p class="muted">The token is the server's <code>admin_token</code> setting. {_e(status_note)}</p></main>""")


def render_message(title: str, message: str) -> str:
    return _page(title, f'<main><h1>{_e(title)}</h1><p>{_e(message)}</p><p><a href="/admin">Back</a></p></main>')


def _table(name: str, period: str, headers: list[str], rows: list[list[str]], empty: str) -> str:
    csv = f'<a class="csv" href="/admin/export/{name}.csv?since={_e(period)}" download>CSV</a>'
    if not rows:
        return f'<p class="muted">{_e(empty)} {csv}</p>'
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in headers)
    labels = [f'<td data-label="{_e(h)}"' for h in headers]      # shown beside each cell on a phone
    body = "".join("<tr>" + "".join(label + cell[3:] for label, cell in zip(labels, cells)) + "</tr>"
                   for cells in rows)
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div><p>{csv}</p>'


def _short(text, limit: int = 180) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _more(shown: int, total: int) -> str:
    return f'<p class="muted">{total - shown} more in the CSV.</p>' if total > shown else ""


def _td(value, numeric: bool = False, cls: str = "") -> str:
    classes = " ".join(c for c in ("n" if numeric else "", cls) if c)
    return f'<td{f" class={chr(34)}{classes}{chr(34)}" if classes else ""}>{_e(value)}</td>'


def render_inbox(inbox: dict, period: str, log_note: str = "") -> str:
    tables = inbox["tables"]
    since = datetime.fromtimestamp(inbox["since"], timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    nav = " ".join(f'<a href="/admin?since={p}"{" class=current aria-current=page" if p == period else ""}>'
                   f"{_e(label)}</a>" for p, label in PERIODS)
    unanswered_total = sum(g["count"] for g in tables["unanswered"])
    downs = len(tables["thumbs_down"])
    totals = "".join(f'<div class="total"><b>{_e(n)}</b>{_e(label)}</div>' for n, label in (
        (inbox["conversations"], "conversations"), (inbox["turns"], "messages"),
        (unanswered_total, "unanswered"), (downs, "thumbs down")))

    most = max((d["messages"] for d in tables["days"]), default=0) or 1
    day_rows = [[_td(d["day"]), _td(d["conversations"], True),
                 f'<td class="n">{_e(d["messages"])}<span class="bar" style="width:{round(4 * d["messages"] / most, 2)}rem">'
                 f"</span></td>",
                 _td(d["unanswered"], True), _td(d["thumbs_up"], True), _td(d["thumbs_down"], True),
                 _td(d["course_clicks"], True)] for d in tables["days"]]
    group_rows = []
    for g in tables["unanswered"][:SHOWN["unanswered"]]:
        others = "; ".join(g["other_examples"])
        example = f'{_e(g["example"])}' + (f'<div class="muted">also: {_e(others)}</div>' if others else "")
        group_rows.append([f'<td><span class="kind">{_e(KIND_LABELS.get(g["kind"], g["kind"]))}</span></td>',
                           _td(g["count"], True), f"<td>{example}</td>", _td(_short(g["example_reply"]), cls="reply"),
                           _td(g["last_asked"])])
    down_rows = [[_td(r["when"]), _td(r["message"]), _td(_short(r["reply"]), cls="reply"), _td(r["intent"])]
                 for r in tables["thumbs_down"][:SHOWN["thumbs_down"]]]
    subject_rows = [[_td(r["name"]), _td(r["asked"], True)] for r in tables["subjects"][:SHOWN["subjects"]]]
    click_rows = [[_td(r["title"] or r["course_id"]), _td(r["clicks"], True), _td(r["shown"], True)]
                  for r in tables["clicks"][:SHOWN["clicks"]]]
    more = {name: _more(min(len(rows), SHOWN[name]), len(rows)) for name, rows in tables.items()}
    note = f'<p class="muted">{_e(log_note)}</p>' if log_note else ""
    body = f"""<header><h1>Course Assistant inbox</h1>
<form class="inline" method="post" action="/admin/logout"><button type="submit">Sign out</button></form></header>
<main><nav aria-label="Period">{nav}</nav><p class="muted">Since {_e(since)}.</p>{note}
<div class="totals">{totals}</div>
<section aria-labelledby="h-unanswered"><h2 id="h-unanswered">Questions it could not answer</h2>
<p class="muted">Refused, asked back, not covered by the roadmap, or answered with low confidence; similar questions
grouped, largest group first.</p>
{_table("unanswered", period, ["Kind", "Times", "Question", "Example reply", "Last asked"], group_rows,
        "Nothing unanswered in this period.")}{more["unanswered"]}</section>
<section aria-labelledby="h-down"><h2 id="h-down">Thumbs down</h2>
{_table("thumbs_down", period, ["When", "Question", "Reply", "Intent"], down_rows, "No thumbs down in this period.")}
{more["thumbs_down"]}</section>
<section aria-labelledby="h-days"><h2 id="h-days">Per day</h2>
{_table("days", period, ["Day (UTC)", "Conversations", "Messages", "Unanswered", "Thumbs up", "Thumbs down",
                         "Course clicks"], day_rows, "No conversations in this period.")}</section>
<section aria-labelledby="h-subjects"><h2 id="h-subjects">Most asked subjects</h2>
{_table("subjects", period, ["Subject", "Messages"], subject_rows, "No subjects asked in this period.")}
{more["subjects"]}</section>
<section aria-labelledby="h-clicks"><h2 id="h-clicks">Most clicked courses</h2>
{_table("clicks", period, ["Course", "Clicks", "Times shown"], click_rows, "No course clicked in this period.")}
{more["clicks"]}</section></main>"""
    return _page("Course Assistant inbox", body)

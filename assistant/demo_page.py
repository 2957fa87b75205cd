"""The demo pages: the roadmap article as a page of the course-review site, with the widget
embedded exactly as a site would embed it (one script tag with data- attributes).

>>> page = render_demo_page(None)
>>> '<script src="/widget.js" defer' in page and "How to Become a Machine Learning Engineer" in page
True

Every section of the article is an element with `id="<section id>"`, so the assistant's sources
(`/#faq-degree`) land on it. All knowledge text is escaped; the only markup made from it is
headings, paragraphs, lists and **bold**. The pages carry a strict Content-Security-Policy (no
inline scripts or styles), which the widget must live with, as it would on a careful site.
"""
from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

FALLBACK_TITLE = "How to Become a Machine Learning Engineer: A Practical Roadmap"
GREETING = ("Hi! I can help you find the perfect online course. Ask me something like "
            "“best Python course for beginners” or “compare data science courses”.")
WIDGET_ATTRIBUTES = {"title": "Course Assistant", "greeting": GREETING, "position": "right",
                     "accent": "#1d4ed8", "open": "false"}

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<title>{title} · Course Reviews</title>
<link rel="stylesheet" href="/static/site.css">
</head>
<body>
<header class="site-header">
<a class="brand" href="/">Course Reviews</a>
<nav aria-label="Site"><a href="/">ML engineer roadmap</a> <a href="/about">About</a></nav>
</header>
<main class="article" id="top">
{body}
</main>
<footer class="site-footer"><p>Course Reviews · independent reviews of online courses ·
<a href="/about">About us</a></p>{privacy}</footer>
{widget}
</body>
</html>
"""


def widget_tag(src: str = "/widget.js") -> str:
    """The one tag a site adds to embed the assistant."""
    attributes = "".join(f' data-{name}="{html.escape(value)}"' for name, value in WIDGET_ATTRIBUTES.items())
    return f'<script src="{html.escape(src)}" defer{attributes}></script>'


def content_security_policy(widget_src: str) -> str:
    """Strict: no inline script or style anywhere; the widget's own origin for its script, styles and socket."""
    parts = urlsplit(widget_src)
    extra = http = ""
    if parts.scheme in ("http", "https") and parts.netloc:
        http = f" {parts.scheme}://{parts.netloc}"
        socket = "wss" if parts.scheme == "https" else "ws"
        extra = f"{http} {socket}://{parts.netloc}"
    return (f"default-src 'self'; script-src 'self'{http}; style-src 'self'{http}; connect-src 'self'{extra}; "
            "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'")


def _inline(text: str) -> str:
    """Escape, then turn **bold** into <strong> (the only inline markup the knowledge uses)."""
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(text, quote=False))


_BULLET = re.compile(r"^\s*(?:[-*•])\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(?:\{#[\w-]+\})?$")


def markdown_to_html(text: str) -> str:
    """Headings, paragraphs, '-' and '1.' lists and **bold**; every piece of text escaped."""
    out: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    list_tag = "ul"

    def flush():
        if paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if items:
            out.append(f"<{list_tag}>" + "".join(f"<li>{_inline(item)}</li>" for item in items) + f"</{list_tag}>")
            items.clear()

    for line in text.splitlines():
        heading, bullet, numbered = _HEADING.match(line.strip()), _BULLET.match(line), _NUMBERED.match(line)
        if not line.strip():
            flush()
        elif heading:
            flush()
            level = min(6, len(heading.group(1)) + 1)   # the section's own title is the heading above
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif bullet or numbered:
            tag = "ul" if bullet else "ol"
            if paragraph or (items and tag != list_tag):
                flush()
            list_tag = tag
            items.append((bullet or numbered).group(1))
        elif items and line[:1].isspace():
            items[-1] += " " + line.strip()            # a list item continued on the next line
        else:
            if items:
                flush()
            paragraph.append(line.strip())
    flush()
    return "\n".join(out)


def render_article(knowledge) -> tuple[str, str]:
    """(page title, article HTML): each section is a <section id="..."> with its heading."""
    sections = list(getattr(knowledge, "sections", None) or [])
    if not sections:
        return FALLBACK_TITLE, (f'<section id="intro"><h1>{html.escape(FALLBACK_TITLE)}</h1>'
                                "<p>The article is loading; the course assistant below already works.</p></section>")
    title, parts = FALLBACK_TITLE, []
    for section in sections:
        level = max(1, min(3, int(getattr(section, "level", 2) or 2)))
        if level == 1:
            title = section.title
        section_id = html.escape(section.id, quote=True)
        parts.append(f'<section id="{section_id}" class="level-{level}">'
                     f"<h{level}>{_inline(section.title)}</h{level}>\n"
                     f"{markdown_to_html(section.text or '')}</section>")
    return title, "\n".join(parts)


def _page(title: str, body: str, widget_src: str, privacy: str = "") -> str:
    """`privacy` (plain text) says what the chat keeps: assistant/privacy_note.py."""
    csp = html.escape(content_security_policy(widget_src), quote=False).replace('"', "&quot;")
    note = f'\n<p class="privacy" id="privacy">{html.escape(privacy)}</p>' if privacy else ""
    return PAGE.format(csp=csp, title=html.escape(title), body=body, widget=widget_tag(widget_src), privacy=note)


def render_second_page(knowledge=None, widget_src: str = "/widget.js", privacy: str = "") -> str:
    """A second page of the site (served at /about), to see the conversation follow the visitor."""
    sections = list(getattr(knowledge, "sections", None) or [])
    links = "".join(f'<li><a href="/#{html.escape(s.id, quote=True)}">{_inline(s.title)}</a></li>'
                    for s in sections if getattr(s, "level", 2) == 2)
    body = ("<h1>About Course Reviews</h1>"
            "<p>We review online courses from Coursera, edX, Udemy and others, rate them out of 5 from "
            "learners' reviews, and publish roadmaps for careers in tech.</p>"
            "<p>The course assistant in the corner remembers your conversation while you move between "
            "the pages of this site.</p>"
            + (f'<h2>In the machine learning engineer roadmap</h2><ul>{links}</ul>' if links else "")
            + '<p><a href="/">Back to the roadmap</a></p>')
    return _page("About Course Reviews", body, widget_src, privacy)


def render_demo_page(knowledge, widget_src: str = "/widget.js", page: str = "article", privacy: str = "") -> str:
    """The roadmap article with the widget embedded; `page="about"` gives the second page."""
    if page == "about":
        return render_second_page(knowledge, widget_src, privacy)
    title, body = render_article(knowledge)
    return _page(title, body, widget_src, privacy)

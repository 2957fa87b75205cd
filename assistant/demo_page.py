"""The demo pages: the roadmap article as a page of the course-review site, with the widget
embedded exactly as a site would embed it (one script tag)."""
from __future__ import annotations

import html
import re

WIDGET_TAG = ('<script src="{src}" defer data-title="Course Assistant" data-position="right" '
              'data-accent="#1d4ed8" data-greeting="Hi! I can help you find the perfect online course. '
              'Ask me something like “best Python course for beginners” or “compare data science courses”."></script>')

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Course Reviews</title>
<link rel="stylesheet" href="/static/site.css">
</head>
<body>
<header class="site-header"><a class="brand" href="/">Course Reviews</a>
<nav><a href="/">Roadmap</a> <a href="/about">About</a></nav></header>
<main class="article">
{body}
</main>
<footer class="site-footer">Course Reviews · independent reviews of online courses</footer>
{widget}
</body>
</html>
"""


def _inline(text: str) -> str:
    """Escape, then turn **bold** into <strong> (the only markup the knowledge uses inline)."""
    escaped = html.escape(text, quote=False)
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)


def markdown_to_html(text: str) -> str:
    """Paragraphs and '-' lists, every piece of text escaped."""
    out, paragraph, items = [], [], []

    def flush():
        if paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if items:
            out.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for line in text.splitlines():
        line = line.strip()
        if not line:
            flush()
        elif line.startswith("- "):
            if paragraph:
                flush()
            items.append(line[2:])
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return "\n".join(out)


def render_article(knowledge) -> tuple[str, str]:
    parts, title = [], "How to Become a Machine Learning Engineer"
    for section in knowledge.sections:
        if section.level == 1:
            title = section.title
            parts.append(f'<h1 id="{section.id}">{html.escape(section.title)}</h1>')
        else:
            tag = "h2" if section.level == 2 else "h3"
            parts.append(f'<section id="{section.id}"><{tag}>{html.escape(section.title)}</{tag}>')
        parts.append(markdown_to_html(section.text))
        if section.level != 1:
            parts.append("</section>")
    return title, "\n".join(parts)


def render_demo_page(knowledge, page: str = "article", widget_src: str = "/widget.js") -> str:
    if page == "about":
        title = "About Course Reviews"
        body = ("<h1>About Course Reviews</h1><p>We review online courses from Coursera, edX, Udemy and "
                "others, and publish roadmaps for careers in tech. The course assistant below remembers your "
                "conversation as you move between pages.</p><p><a href=\"/\">Back to the roadmap</a></p>")
    else:
        title, body = render_article(knowledge)
    return PAGE.format(title=html.escape(title), body=body, widget=WIDGET_TAG.format(src=html.escape(widget_src)))

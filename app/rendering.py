"""Markdown to safe HTML: exercise prompts now, learners' reflections later."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "p",
    "em",
    "strong",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "br",
    "kbd",
}


def render_markdown(text: str, top_level: int | None = None) -> str:
    """Render Markdown and sanitise the HTML (raw HTML is escaped, links get rel=noopener).

    The page owns the only <h1>: an author's "# Heading" becomes an <h2>, and so on down. With
    `top_level`, the text's highest heading becomes that level instead (no skipped levels).
    """
    tokens = _markdown.parse(text)
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    shift = (top_level - min(levels)) if top_level and levels else 1
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{max(2, min(int(token.tag[1]) + shift, 6))}"
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "code": {"class"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def render_prompt(prompt_md: str, title: str) -> str:
    """Render a prompt, dropping a first heading that repeats the title (the page shows it)."""
    lines = prompt_md.lstrip().splitlines()
    if lines and lines[0].lstrip("#").strip() == title.strip() and lines[0].startswith("#"):
        prompt_md = "\n".join(lines[1:])
    return render_markdown(prompt_md, top_level=2)  # right under the page's <h1> title

"""Markdown from authors (and later learners) is rendered safely."""

from __future__ import annotations

from app.rendering import render_markdown
from app.rendering import render_prompt


def test_script_and_raw_html_are_not_rendered():
    html = render_markdown('Hi <script>alert(1)</script> <img src=x onerror="alert(1)">')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html  # shown as text, never run


def test_javascript_links_are_removed_and_links_get_noopener():
    html = render_markdown("[a](javascript:alert(1)) [b](https://example.org)")
    assert 'href="javascript' not in html
    assert 'rel="noopener noreferrer"' in html


def test_headings_start_below_the_page_title():
    assert "<h2>Goal</h2>" in render_markdown("# Goal")


def test_prompt_drops_a_first_heading_that_repeats_the_title():
    html = render_prompt("# Add two numbers\n\nWrite `add`.", "Add two numbers")
    assert "Add two numbers" not in html
    assert "<code>add</code>" in html
    assert "<h2>Other</h2>" in render_prompt("# Other\n\ntext", "Add two numbers")


def test_prompt_headings_follow_the_page_title_without_skipping_a_level():
    # "# Title" is dropped and "## Part" follows: it must be an <h2> under the page's <h1>
    # (an <h3> there skips a level, which screen-reader users navigate by).
    html = render_prompt("# Strategy\n\nIntro.\n\n## What to build\n\n### Details\n", "Strategy")
    assert "<h2>What to build</h2>" in html and "<h3>Details</h3>" in html

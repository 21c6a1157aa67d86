"""Adds tracking to a rendered HTML body: the open pixel before `</body>` and each web link
turned into its click redirect.

The body is read as HTML, not searched as text: one scan in the regular expression
engine splits it into comments, raw-text elements (script, style) and tags, quoted
attribute values included, so an `<a` in a comment, a script or another tag's
attribute is no link. Each `<a>` start tag found is read by the standard library's HTML
parser, so its href is the URL a browser follows (entities decoded). Only those tags
are rewritten (attributes re-serialised, quoted and escaped); every other byte of the
body is kept as rendered. Feeding whole bodies to the parser cost several times more
per message, and delivery throughput is benchmarked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from html.parser import HTMLParser

# Long URLs stay as they are: the clicks table keys on the URL.
MAX_TRACKED_URL = 2048
_WEB = ("http://", "https://")
# An attribute list: quoted values may hold `>` and `<`.
_ATTRS = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
_END_OF_NAME = r"(?=[\s/>])"
# What the scan stops at: an `<a>` start tag or a `</body>` end tag.
_WANTED = rf"(?P<link><a{_END_OF_NAME}{_ATTRS}>)|(?P<body_end></body{_END_OF_NAME}{_ATTRS}>)"
# What it steps over, token by token: comments, raw-text elements, other tags, text, and a
# `<` that starts no tag.
_SKIPPED = (
    r"<!--.*?(?:-->|\Z)"
    rf"|<(?P<raw>script|style)\b{_ATTRS}>.*?(?:</(?P=raw)\s*>|\Z)"
    rf"|</?[a-z][^\s/>]*{_ATTRS}>"
    r"|[^<]+|<"
)
# Matched from a token boundary, so what lies inside a skipped token is never wanted; the
# regular expression engine steps over the skipped tokens, not a Python loop. Each skipped
# token is atomic: after the last wanted token the match fails in linear time instead of
# retrying every other way to cut the text into tokens.
_NEXT_WANTED = re.compile(rf"(?>{_SKIPPED})*?(?:{_WANTED})", re.IGNORECASE | re.DOTALL)


class _StartTag(HTMLParser):
    """The attributes of one start tag, as the HTML parser reads them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: list[tuple[str, str | None]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs = attrs


def _scan(html: str) -> tuple[list[tuple[int, int]], int | None]:
    """(start, end) of each `<a>` start tag, and where the first `</body>` starts."""
    links = []
    body_end = None
    position = 0
    while (found := _NEXT_WANTED.match(html, position)) is not None:
        if found["link"] is not None:
            links.append(found.span("link"))
        elif body_end is None:
            body_end = found.start("body_end")
        position = found.end()
    return links, body_end


def trackable(url: str, untracked: tuple[str, ...]) -> bool:
    """Whether a link is rewritten: a web URL, not too long, not starting with `untracked`."""
    target = url.strip()
    return (
        target.lower().startswith(_WEB)
        and len(target) <= MAX_TRACKED_URL
        and not target.startswith(untracked)
    )


def pixel_tag(src: str) -> str:
    return f'<img src="{escape(src)}" width="1" height="1" alt="">'


def instrument(
    html: str,
    *,
    pixel_src: str | None,
    redirect: Callable[[str], str] | None,
    untracked: tuple[str, ...] = (),
) -> str:
    """The body with the pixel (when `pixel_src`) and each trackable link's href replaced by
    `redirect(url)` (when `redirect`)."""
    if pixel_src is None and redirect is None:
        return html
    links, body_end = _scan(html)
    edits: list[tuple[int, int, str]] = []
    if redirect is not None:
        for start, stop in links:
            text = html[start:stop]
            new = _rewritten(_StartTag(text).attrs, text, redirect, untracked)
            if new is not None:
                edits.append((start, stop, new))
    if pixel_src is not None:
        end = len(html) if body_end is None else body_end
        edits.append((end, end, pixel_tag(pixel_src)))
    edits.sort(key=lambda edit: edit[0])
    parts = []
    done = 0
    for start, stop, new in edits:
        parts.append(html[done:start])
        parts.append(new)
        done = stop
    parts.append(html[done:])
    return "".join(parts)


def _rewritten(
    attrs: list[tuple[str, str | None]],
    text: str,
    redirect: Callable[[str], str],
    untracked: tuple[str, ...],
) -> str | None:
    """The start tag with its href redirected; None when it has no trackable href."""
    hrefs = [value for name, value in attrs if name == "href"]
    # A browser follows the first href; a tag with none (or a second one) is left alone.
    if len(hrefs) != 1 or hrefs[0] is None or not trackable(hrefs[0], untracked):
        return None
    target = hrefs[0].strip()
    out = ["<a"]
    for name, value in attrs:
        if name == "href":
            value = redirect(target)
        out.append(f" {name}" if value is None else f' {name}="{escape(value)}"')
    out.append(" />" if text.rstrip().endswith("/>") else ">")
    return "".join(out)

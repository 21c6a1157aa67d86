"""Adds tracking to a rendered HTML body: the open pixel before `</body>` and each web link
turned into its click redirect.

An HTML parser finds the tags, so links inside comments, scripts or attribute values are
left alone and entity-encoded URLs are read as a browser reads them. Only the `<a>` start
tags it found are rewritten (their attributes re-serialised, quoted and escaped);
every other byte of the body is kept as rendered.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from html.parser import HTMLParser

# Long URLs stay as they are: the clicks table keys on the URL.
MAX_TRACKED_URL = 2048
_WEB = ("http://", "https://")


class _Tags(HTMLParser):
    """Where the `<a href>` start tags and the first `</body>` are, as (line, column)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[tuple[int, int], str, list[tuple[str, str | None]]]] = []
        self.body_end: tuple[int, int] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            text = self.get_starttag_text() or ""
            self.links.append((self.getpos(), text, attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "body" and self.body_end is None:
            self.body_end = self.getpos()


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
    tags = _Tags()
    tags.feed(html)
    tags.close()
    line_starts = [0]
    at = html.find("\n")
    while at != -1:
        line_starts.append(at + 1)
        at = html.find("\n", at + 1)

    def offset(position: tuple[int, int]) -> int:
        return line_starts[position[0] - 1] + position[1]

    edits: list[tuple[int, int, str]] = []
    if redirect is not None:
        for position, text, attrs in tags.links:
            new = _rewritten(attrs, text, redirect, untracked)
            if new is not None:
                start = offset(position)
                edits.append((start, start + len(text), new))
    if pixel_src is not None:
        end = len(html) if tags.body_end is None else offset(tags.body_end)
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

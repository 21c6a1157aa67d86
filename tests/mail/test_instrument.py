"""Tracking added to rendered HTML: the pixel before `</body>`, web links through the redirect,
everything else byte for byte; the links found are those a full HTML parse finds."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from models.mail.instrument import MAX_TRACKED_URL, instrument
from models.mail.tracking import (
    click_token,
    click_url,
    open_token,
    pixel_url,
    read_click_token,
    read_open_token,
)

PIXEL = '<img src="P" width="1" height="1" alt="">'
UNSUBSCRIBE = "https://shop.example/unsubscribe/"


def _redirect(url: str) -> str:
    return f"R({url})"


def _tracked(html: str) -> str:
    return instrument(html, pixel_src="P", redirect=_redirect, untracked=(UNSUBSCRIBE,))


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # The pixel goes before the first </body>, whatever its case, or at the end.
        ("<html><body><p>x</p></body></html>", f"<html><body><p>x</p>{PIXEL}</body></html>"),
        ("<BODY>x</BODY >", f"<BODY>x{PIXEL}</BODY >"),
        ("<p>no body</p>", f"<p>no body</p>{PIXEL}"),
        ("<!-- </body> --><p>x</p>", f"<!-- </body> --><p>x</p>{PIXEL}"),
        # Web links are redirected; the attributes are kept, quoted and escaped.
        (
            '<a href="https://a.example/?x=1&amp;y=2" class=b>A</a>',
            f'<a href="R(https://a.example/?x=1&amp;y=2)" class="b">A</a>{PIXEL}',
        ),  # noqa: E501
        ("<A HREF='HTTP://A.example/p'>A</A>", f'<a href="R(HTTP://A.example/p)">A</A>{PIXEL}'),
        ('<a href=" https://a.example/ ">A</a>', f'<a href="R(https://a.example/)">A</a>{PIXEL}'),
        (
            '<a target=_blank href="https://a.example/" download>A</a>',
            f'<a target="_blank" href="R(https://a.example/)" download>A</a>{PIXEL}',
        ),  # noqa: E501
        # Other links, and links that are no links, stay as they are.
        ('<a href="mailto:x@example.com">m</a>', f'<a href="mailto:x@example.com">m</a>{PIXEL}'),
        (
            '<a href="tel:+1">t</a><a href="#top">t</a><a name=x>n</a>',
            f'<a href="tel:+1">t</a><a href="#top">t</a><a name=x>n</a>{PIXEL}',
        ),  # noqa: E501
        ('<a href="javascript:go()">j</a>', f'<a href="javascript:go()">j</a>{PIXEL}'),
        (f'<a href="{UNSUBSCRIBE}abc">u</a>', f'<a href="{UNSUBSCRIBE}abc">u</a>{PIXEL}'),
        (
            '<!-- <a href="https://c.example">c</a> -->',
            f'<!-- <a href="https://c.example">c</a> -->{PIXEL}',
        ),  # noqa: E501
        (
            "<script>s='<a href=\"https://s.example\">'</script>",
            f"<script>s='<a href=\"https://s.example\">'</script>{PIXEL}",
        ),  # noqa: E501
        (
            "<img alt=\"<a href='https://i.example'>\">",
            f"<img alt=\"<a href='https://i.example'>\">{PIXEL}",
        ),  # noqa: E501
        (
            "<abbr href='https://x.example'>x</abbr>",
            f"<abbr href='https://x.example'>x</abbr>{PIXEL}",
        ),  # noqa: E501
        (
            f'<a href="https://l.example/{"x" * MAX_TRACKED_URL}">l</a>',
            f'<a href="https://l.example/{"x" * MAX_TRACKED_URL}">l</a>{PIXEL}',
        ),  # noqa: E501
    ],
)
def test_instrument(html: str, expected: str) -> None:
    assert _tracked(html) == expected


def test_nothing_changes_with_both_switches_off() -> None:
    html = '<body><a href="https://a.example/">A</a></body>'
    assert instrument(html, pixel_src=None, redirect=None) == html


def test_the_switches_apply_one_at_a_time() -> None:
    html = '<body><a href="https://a.example/">A</a></body>'
    assert instrument(html, pixel_src="P", redirect=None) == (
        f'<body><a href="https://a.example/">A</a>{PIXEL}</body>'
    )
    assert instrument(html, pixel_src=None, redirect=_redirect) == (
        '<body><a href="R(https://a.example/)">A</a></body>'
    )


class _Reference(HTMLParser):
    """Every `<a href>` value, read by parsing the whole document."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [value or "" for name, value in attrs if name == "href"]


DOCUMENTS = [
    '<html><head><style>a[href="https://css.example"]{}</style></head><body>'
    '<table><tr><td><a href="https://one.example/a?b=1&amp;c=%20">1</a></td></tr></table>'
    '<!-- old: <a href="https://old.example">o</a> --><p title="a > b">'
    "<a class='x' href='http://two.example/'>2</a></p><br/><a\nhref=\"https://three.example\"\n>3</a>"
    '<script type="text/javascript">if (a < b) { x = \'<a href="https://js.example">\' }</script>'
    "</body></html>",
    "<p>a < b and <a href=https://bare.example/path>bare</a> &amp; <a href='https://q.example/?q=&quot;'>q</a></p>",  # noqa: E501
]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_links_redirected_are_those_a_full_parse_finds(document: str) -> None:
    reference = _Reference()
    reference.feed(document)
    reference.close()
    redirected: list[str] = []

    def record(url: str) -> str:
        redirected.append(url)
        return url

    instrument(document, pixel_src=None, redirect=record)

    assert redirected == [h.strip() for h in reference.hrefs]
    assert len(redirected) >= 2


def test_tokens_name_their_row_and_url_and_nothing_else() -> None:
    assert read_open_token("k", open_token("k", 7)) == 7
    assert read_click_token("k", click_token("k", 7, "https://a.example/")) == (
        7,
        "https://a.example/",
    )
    # Another key, or a token of the other kind, is refused.
    assert read_open_token("other", open_token("k", 7)) is None
    assert read_click_token("k", open_token("k", 7)) is None
    assert read_open_token("k", click_token("k", 7, "https://a.example/")) is None
    assert pixel_url("https://s.example/api/", "k", 7).startswith("https://s.example/api/t/o/")
    assert click_url("https://s.example/api", "k", 7, "https://a").startswith(
        "https://s.example/api/t/c/"
    )

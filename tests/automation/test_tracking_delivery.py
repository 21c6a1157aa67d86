"""Sent messages carry the open pixel and click redirects, and neither when the privacy switches
are off; the plain-text part keeps the original URLs. Real SMTP, both databases."""

from __future__ import annotations

from email.message import EmailMessage
from html.parser import HTMLParser

from models.automation.delivery import send_due
from models.automation.orm import ProgressStatus, SequenceProgress
from models.automation.settings import AutomationSettings, update_automation_settings
from models.mail.tracking import read_click_token, read_open_token
from models.store.reference import NewsletterTemplate
from tests.automation.test_delivery import (  # noqa: F401
    NOW,
    PUBLIC_URL,
    SECRET,
    _row,
    _step,
    _store,
    at,
    mailer_for,
    smtp_server,
)

LINKS = (
    '<p><a href="https://shop.example.com/sale?a=1&amp;b=2" class="btn">Sale</a> '
    "<a href='http://blog.example.org/post'>Blog</a> "
    '<a href="mailto:help@example.com">Mail us</a> '
    '<a href="#top">Top</a> '
    '<a href="{{var unsubscribe_url}}">Unsubscribe</a></p>'
    '<!-- <a href="https://hidden.example">not a link</a> -->'
)
TEMPLATE = f"<html><body><p>Hi {{{{var customer_firstname}}}}</p>{LINKS}</body></html>"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.append(dict(attrs)["href"] or "")
        if tag == "img":
            self.images.append(dict(attrs))


def _parts(message: EmailMessage) -> tuple[str, str]:
    html = message.get_body(("html",))
    text = message.get_body(("plain",))
    assert html is not None and text is not None
    return str(html.get_content()), str(text.get_content())


def _tags(html: str) -> _Tags:
    tags = _Tags()
    tags.feed(html)
    return tags


async def _send_one(smtp_server) -> tuple[SequenceProgress, EmailMessage]:  # noqa: F811
    segment = await _store({1: "Ann"})
    await NewsletterTemplate.filter(id=1).update(text=TEMPLATE)
    row = await _row(await _step(segment), 1)
    report = await send_due(mailer_for(smtp_server), now=at(NOW))
    assert report.sent == 1
    [received] = smtp_server.messages
    return row, received.message


async def test_a_sent_message_has_the_pixel_and_redirected_links(db, smtp_server):  # noqa: F811
    row, message = await _send_one(smtp_server)
    html, text = _parts(message)
    tags = _tags(html)

    [pixel] = tags.images
    assert (pixel["width"], pixel["height"], pixel["alt"]) == ("1", "1", "")
    src = pixel["src"] or ""
    assert src.startswith(f"{PUBLIC_URL}/t/o/") and src.endswith(".gif")
    assert read_open_token(SECRET, src.removeprefix(f"{PUBLIC_URL}/t/o/")[:-4]) == row.id
    assert html.index("<img") < html.lower().index("</body>")

    redirected = [h for h in tags.hrefs if h.startswith(f"{PUBLIC_URL}/t/c/")]
    assert [read_click_token(SECRET, h.rsplit("/", 1)[1]) for h in redirected] == [
        (row.id, "https://shop.example.com/sale?a=1&b=2"),
        (row.id, "http://blog.example.org/post"),
    ]
    untouched = [h for h in tags.hrefs if h not in redirected]
    assert untouched[:2] == ["mailto:help@example.com", "#top"]
    assert untouched[2].startswith(f"{PUBLIC_URL}/unsubscribe/")
    assert '<!-- <a href="https://hidden.example">not a link</a> -->' in html
    assert 'class="btn"' in html
    # The plain-text part keeps the original URLs.
    assert "https://shop.example.com/sale?a=1&b=2" in text
    assert "/t/c/" not in text and "/t/o/" not in text
    assert (await SequenceProgress.get(id=row.id)).status == ProgressStatus.SENT


async def test_with_both_switches_off_a_message_has_no_pixel_and_direct_links(db, smtp_server):  # noqa: F811
    await update_automation_settings(AutomationSettings(open_tracking=False, click_tracking=False))

    _, message = await _send_one(smtp_server)
    html, _ = _parts(message)
    tags = _tags(html)

    assert tags.images == []
    assert tags.hrefs[:4] == [
        "https://shop.example.com/sale?a=1&b=2",
        "http://blog.example.org/post",
        "mailto:help@example.com",
        "#top",
    ]
    assert "/t/c/" not in html and "/t/o/" not in html


async def test_each_switch_turns_off_its_own_tracking(db, smtp_server):  # noqa: F811
    await update_automation_settings(AutomationSettings(open_tracking=False))

    _, message = await _send_one(smtp_server)
    tags = _tags(_parts(message)[0])

    assert tags.images == []
    assert sum(h.startswith(f"{PUBLIC_URL}/t/c/") for h in tags.hrefs) == 2


async def test_click_tracking_off_keeps_links_and_the_pixel(db, smtp_server):  # noqa: F811
    await update_automation_settings(AutomationSettings(click_tracking=False))

    _, message = await _send_one(smtp_server)
    tags = _tags(_parts(message)[0])

    assert len(tags.images) == 1
    assert not any("/t/c/" in h for h in tags.hrefs)

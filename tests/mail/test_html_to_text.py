"""The plain-text part is derived from the HTML body."""

from __future__ import annotations

from models.mail.render import html_to_text, render_plain


def test_paragraphs_breaks_links_and_entities():
    html = (
        "<html><head><title>Offer</title><style>p { color: red }</style></head><body>\n"
        "<h1>Hello&nbsp;Ann,</h1>\n"
        "<p>Your   code is\n  <b>SEQ7K2M9PQR</b> &amp; it &lt;expires&gt; soon.</p>"
        "<p>Line one<br>Line two<br/>Line three</p>"
        '<p><a href="https://shop.example.com/cart">Back to your cart</a> or '
        '<a href="https://shop.example.com">https://shop.example.com</a></p>'
        "<ul><li>One</li><li>Two</li></ul>"
        "<script>document.write('x')</script>"
        '<div><a href="https://x.example/u/abc">Unsubscribe</a></div>'
        "</body></html>"
    )

    assert html_to_text(html) == (
        "Hello Ann,\n"
        "\n"
        "Your code is SEQ7K2M9PQR & it <expires> soon.\n"
        "\n"
        "Line one\n"
        "Line two\n"
        "Line three\n"
        "\n"
        "Back to your cart (https://shop.example.com/cart) or https://shop.example.com\n"
        "\n"
        "One\n"
        "Two\n"
        "\n"
        "Unsubscribe (https://x.example/u/abc)"
    )


def test_plain_text_and_empty_input():
    assert html_to_text("just text") == "just text"
    assert html_to_text("") == ""
    assert html_to_text('<a href="https://x.example"><img src="b.png"></a>') == (
        "https://x.example"
    )


def test_the_plain_part_renders_the_converted_template_without_html_escaping():
    template = (
        "<p>Hi {{var customer_firstname}},</p><p>Code {{var coupon_code}}</p>"
        '<a href="{{var unsubscribe_url}}">Unsubscribe</a>'
    )
    values = {
        "customer_firstname": "Ann <3",
        "coupon_code": "",
        "unsubscribe_url": "https://shop.example.com/u/1",
    }

    assert render_plain(template, values) == (
        "Hi Ann <3,\n\nCode\n\nUnsubscribe (https://shop.example.com/u/1)"
    )

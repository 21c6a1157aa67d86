"""Maho templates: `{{var name}}` renders, everything else stays literal or is refused."""

from __future__ import annotations

import pytest

from models.mail.render import TEMPLATE_VARIABLES, RenderError, render, template_problems

ALLOWED = ", ".join(TEMPLATE_VARIABLES)
VALUES = dict.fromkeys(TEMPLATE_VARIABLES, "") | {
    "customer_firstname": "Ann",
    "customer_name": "Ann <Lee> & Co",
    "coupon_code": "SEQ7K2M9PQR",
}


def test_variables_render_with_maho_whitespace_and_case():
    text = "Hi {{var customer_firstname}}, {{ var  coupon_code }} {{VAR customer_firstname}}!"

    assert template_problems(text) == []
    assert render(text, VALUES, html=True) == "Hi Ann, SEQ7K2M9PQR Ann!"


def test_html_body_escapes_values_but_keeps_the_templates_own_markup():
    text = '<p class="x">Dear {{var customer_name}}</p>\r\n<!-- {% raw %} {# #} -->\n'

    # Line breaks come out as \n (the message is written with CRLF on the wire).
    assert render(text, VALUES, html=True) == (
        '<p class="x">Dear Ann &lt;Lee&gt; &amp; Co</p>\n<!-- {% raw %} {# #} -->\n'
    )


def test_nul_characters_in_literal_text_are_dropped_and_open_no_expression():
    text = "a\x00{{var customer_firstname}}\x00 \x00{% if true %}x{% endif %}\x00"

    assert render(text, VALUES, html=False) == "aAnn {% if true %}x{% endif %}"


def test_subject_keeps_values_raw():
    assert render("{{var customer_name}}: 10% <off>", VALUES, html=False) == (
        "Ann <Lee> & Co: 10% <off>"
    )


def test_a_value_that_looks_like_a_variable_is_not_rendered_again():
    values = VALUES | {"customer_firstname": "{{var coupon_code}}"}

    assert render("{{var customer_firstname}}", values, html=False) == "{{var coupon_code}}"


@pytest.mark.parametrize(
    "text",
    [
        "{% for x in range(3) %}{ x }{% endfor %}",
        "{% raw %}a{% endraw %} {%endraw%} {# note #}",
        "{%- set x = 1 -%}{{var customer_firstname}}{% if x %}",
        "body { color: red; } #{ } }} {",
        "line\n",
    ],
)
def test_jinja_syntax_in_the_text_is_printed_as_written(text):
    expected = text.replace("{{var customer_firstname}}", "Ann")

    assert template_problems(text) == []
    assert render(text, VALUES, html=True) == expected
    assert render(text, VALUES, html=False) == expected


def test_jinja_expressions_are_unsupported_directives_and_never_run():
    text = "{{ ''.__class__.__mro__ }} {{ 7 * 7 }} {{customer_name}}"

    assert template_problems(text) == [
        "Unsupported directive {{ ''.__class__.__mro__ }}",
        "Unsupported directive {{ 7 * 7 }}",
        "Unsupported directive {{customer_name}}",
    ]
    with pytest.raises(RenderError) as raised:
        render(text, VALUES, html=True)
    assert str(raised.value) == (
        "Unsupported directive {{ ''.__class__.__mro__ }}; "
        "Unsupported directive {{ 7 * 7 }}; "
        "Unsupported directive {{customer_name}}"
    )


def test_other_maho_directives_are_refused():
    text = '{{depend coupon_code}}x{{/depend}} {{store url="a"}} {{if x}}{{var}}'

    assert template_problems(text) == [
        "Unsupported directive {{depend coupon_code}}",
        "Unsupported directive {{/depend}}",
        'Unsupported directive {{store url="a"}}',
        "Unsupported directive {{if x}}",
        "Unsupported directive {{var}}",
    ]


def test_unknown_variable_lists_the_allowed_names_once():
    text = "{{var customer.name}} {{var subscriber}} {{var subscriber}}"

    assert template_problems(text) == [
        f"Unknown variable customer.name. Allowed: {ALLOWED}",
        f"Unknown variable subscriber. Allowed: {ALLOWED}",
    ]


def test_unclosed_directive_is_a_syntax_problem_with_its_line():
    text = "<p>{{var coupon_code}}</p>\n<p>{{var coupon_code</p>"

    assert template_problems(text) == ["Syntax error: {{ at line 2 is not closed with }}"]
    with pytest.raises(RenderError) as raised:
        render(text, VALUES, html=True)
    assert str(raised.value) == "Syntax error: {{ at line 2 is not closed with }}"


def test_a_variable_without_a_value_fails_instead_of_rendering_empty():
    with pytest.raises(RenderError) as raised:
        render("{{var coupon_code}} {{var store_name}}", {"customer_name": "x"}, html=True)

    assert str(raised.value) == "No value for variable coupon_code, store_name"


def test_empty_and_plain_templates_are_valid():
    assert template_problems("") == []
    assert render("", {}, html=True) == ""
    assert render("no variables & <b>", {}, html=True) == "no variables & <b>"

"""Maho's `{{var name}}` templates, rendered in a Jinja2 sandbox, and the plain-text part.

A merchant's template is parsed here, not by Jinja: only `{{var name}}` with a name from
TEMPLATE_VARIABLES becomes an expression. Everything else is literal text, which the
compiled template copies through as it is: Jinja's delimiters here begin with a NUL
character, which is removed from literal text, so Jinja syntax typed into a template
(`{{ x }}`, `{% ... %}`, `{#`) is printed as written and can never run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment

TEMPLATE_VARIABLES: tuple[str, ...] = (
    "customer_name",
    "customer_firstname",
    "customer_lastname",
    "customer_email",
    "segment_name",
    "step_number",
    "store_name",
    "unsubscribe_url",
    "coupon_code",
    "coupon_expires_date",
    "coupon_expires_formatted",
    "coupon_discount_amount",
    "coupon_discount_text",
    "coupon_description",
)

# Maho matches directives case-insensitively; whitespace around the name is tolerated.
_VAR_DIRECTIVE = re.compile(r"\s*var\s+(\S+)\s*", re.IGNORECASE)


class RenderError(ValueError):
    """A template that cannot be rendered; the message is the reason."""


@dataclass(frozen=True)
class _Variable:
    name: str


def _parse(text: str) -> tuple[list[str | _Variable], list[str]]:
    """Split `text` into literal chunks and variables, with every problem found."""
    parts: list[str | _Variable] = []
    problems: list[str] = []
    position = 0
    while (start := text.find("{{", position)) != -1:
        end = text.find("}}", start + 2)
        if end == -1:
            line = text.count("\n", 0, start) + 1
            problems.append(f"Syntax error: {{{{ at line {line} is not closed with }}}}")
            break
        parts.append(text[position:start])
        match = _VAR_DIRECTIVE.fullmatch(text, start + 2, end)
        if match is None:
            problems.append(f"Unsupported directive {text[start : end + 2]}")
        elif match[1] not in TEMPLATE_VARIABLES:
            allowed = ", ".join(TEMPLATE_VARIABLES)
            problems.append(f"Unknown variable {match[1]}. Allowed: {allowed}")
        else:
            parts.append(_Variable(match[1]))
        position = end + 2
    parts.append(text[position:])
    return parts, list(dict.fromkeys(problems))


def template_problems(text: str) -> list[str]:
    """Why `text` (a template body or subject) cannot be saved; empty when it is valid."""
    return _parse(text)[1]


_DELIMITERS = {
    "variable_start_string": "\x00{{",
    "variable_end_string": "}}\x00",
    "block_start_string": "\x00{%",
    "block_end_string": "%}\x00",
    "comment_start_string": "\x00{#",
    "comment_end_string": "#}\x00",
}
_ENVIRONMENTS = {
    html: SandboxedEnvironment(
        autoescape=html,
        undefined=StrictUndefined,
        # Literal text comes out exactly as written, down to its last line break.
        keep_trailing_newline=True,
        **_DELIMITERS,
    )
    for html in (True, False)
}


@dataclass(frozen=True)
class _Compiled:
    template: Template
    variables: tuple[str, ...]


@lru_cache(maxsize=256)
def _compile(text: str, html: bool) -> _Compiled:
    parts, problems = _parse(text)
    if problems:
        raise RenderError("; ".join(problems))
    source = "".join(
        f"\x00{{{{ {part.name} }}}}\x00"
        if isinstance(part, _Variable)
        else part.replace("\x00", "")
        for part in parts
    )
    names = tuple(dict.fromkeys(part.name for part in parts if isinstance(part, _Variable)))
    return _Compiled(_ENVIRONMENTS[html].from_string(source), names)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    html: str
    text: str


def render_email(subject: str, body: str, variables: Mapping[str, str]) -> RenderedEmail:
    """A template's three parts as a message carries them: the subject, the HTML body and
    the plain-text part derived from it. Raises RenderError."""
    return RenderedEmail(
        subject=render(subject, variables, html=False),
        html=render(body, variables, html=True),
        text=render_plain(body, variables),
    )


def render(text: str, variables: Mapping[str, str], *, html: bool) -> str:
    """Render a template; values are HTML-escaped when `html` (the body), raw for a subject."""
    compiled = _compile(text, html)
    missing = [name for name in compiled.variables if name not in variables]
    if missing:
        raise RenderError(f"No value for variable {', '.join(missing)}")
    try:
        return compiled.template.render(variables)
    except TemplateError as error:
        raise RenderError(str(error)) from error


_BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote"}
    | {"section", "article", "header", "footer"}
)
_LINES = frozenset({"li", "tr"})
_DROPPED = frozenset({"script", "style", "head"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropping = 0
        self._links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self._dropping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag in _LINES:
            self.parts.append("\n")
        elif tag == "a":
            self._links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self._dropping = max(0, self._dropping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self._links:
            href, start = self._links.pop()
            label = " ".join("".join(self.parts[start:]).split())
            if href and href != label:
                self.parts[start:] = [f"{label} ({href})" if label else href]

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """The plain-text alternative of an HTML body: blocks and `<br>` become line breaks."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = (" ".join(line.split()) for line in "".join(extractor.parts).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def render_plain(html_template: str, variables: Mapping[str, str]) -> str:
    """The plain-text part of a message whose HTML comes from `html_template`.

    Derived once per template, not once per message: `{{var name}}` tokens are text to
    the HTML parser, so they survive the conversion and are then rendered without HTML
    escaping. Lines are tidied as `html_to_text` tidies them (an empty value leaves no
    stray space behind).
    """
    rendered = render(_plain_template(html_template), variables, html=False)
    return "\n".join(" ".join(line.split()) for line in rendered.split("\n")).strip()


@lru_cache(maxsize=256)
def _plain_template(html_template: str) -> str:
    return html_to_text(html_template)

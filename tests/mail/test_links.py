"""Signed unsubscribe links."""

from __future__ import annotations

import time_machine

from models.mail.links import read_unsubscribe_token, unsubscribe_token, unsubscribe_url

SECRET = "test-secret-0123456789abcdef"


def test_token_round_trip():
    token = unsubscribe_token(SECRET, 42)

    assert read_unsubscribe_token(SECRET, token) == 42
    assert token == unsubscribe_token(SECRET, 42)
    assert token != unsubscribe_token(SECRET, 43)


def test_tampered_or_foreign_tokens_name_nobody():
    token = unsubscribe_token(SECRET, 42)
    payload, signature = token.split(".")
    other_payload = unsubscribe_token(SECRET, 43).split(".")[0]

    assert read_unsubscribe_token(SECRET, f"{other_payload}.{signature}") is None
    assert read_unsubscribe_token(SECRET, f"{payload}.{signature[:-2]}xx") is None
    assert read_unsubscribe_token("another-secret", token) is None
    assert read_unsubscribe_token(SECRET, "") is None
    assert read_unsubscribe_token(SECRET, "not a token") is None


def test_tokens_do_not_expire():
    with time_machine.travel("2025-01-01T00:00:00Z", tick=False):
        token = unsubscribe_token(SECRET, 7)
    with time_machine.travel("2030-01-01T00:00:00Z", tick=False):
        assert read_unsubscribe_token(SECRET, token) == 7


def test_url_is_built_on_the_public_url():
    token = unsubscribe_token(SECRET, 42)

    assert unsubscribe_url("https://shop.example.com/", SECRET, 42) == (
        f"https://shop.example.com/unsubscribe/{token}"
    )
    assert unsubscribe_url("http://127.0.0.1:8000", SECRET, 42) == (
        f"http://127.0.0.1:8000/unsubscribe/{token}"
    )

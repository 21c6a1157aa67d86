"""Mail link tokens are itsdangerous' URL-safe tokens, byte for byte, with the key prepared once."""

from __future__ import annotations

import pytest
from itsdangerous import BadSignature, URLSafeSerializer

from models.mail.signing import serializer

SECRET = "test-secret-0123456789abcdef"
LONG_URL = "https://shop.example.com/sale?" + "&".join(f"utm_{i}=campaign" for i in range(40))


@pytest.mark.parametrize(
    "value",
    [0, 42, 2**40, [7, "https://shop.example.com/a"], [7, LONG_URL], "text", {"a": [1, 2]}],
)
def test_tokens_are_those_of_a_plain_url_safe_serializer(value):
    plain = URLSafeSerializer(SECRET, salt="segmentql.test")

    tokens = [serializer(SECRET, "segmentql.test").dumps(value) for _ in range(3)]

    assert tokens == [plain.dumps(value)] * 3
    assert plain.loads(tokens[0]) == value
    assert serializer(SECRET, "segmentql.test").loads(plain.dumps(value)) == value


def test_the_long_url_token_is_the_compressed_form():
    # The one path where itsdangerous' payload differs (zlib, "." prefix) is covered above.
    assert serializer(SECRET, "segmentql.test").dumps([7, LONG_URL]).startswith(".")


def test_each_purpose_and_secret_signs_apart():
    token = serializer(SECRET, "segmentql.one").dumps(42)

    with pytest.raises(BadSignature):
        serializer(SECRET, "segmentql.two").loads(token)
    with pytest.raises(BadSignature):
        serializer("another-secret", "segmentql.one").loads(token)
    assert serializer(SECRET, "segmentql.one").loads(token) == 42

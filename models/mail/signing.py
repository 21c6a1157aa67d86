"""The signed tokens of links in mail: itsdangerous' URL-safe serializer, one per purpose.

Each purpose signs with its own salt, so a token made for one link is refused by another.
A sent message carries several tokens (unsubscribe, open pixel, each tracked link), and
itsdangerous derives the key and sets up the HMAC again for every token, which cost more
than the rest of signing; here both happen once per secret and purpose. The tokens are
byte for byte those of a plain `URLSafeSerializer(secret, salt=purpose)`.
"""

from __future__ import annotations

import hmac
from functools import cached_property, lru_cache

from itsdangerous import Signer, URLSafeSerializer
from itsdangerous.encoding import base64_encode, want_bytes


class _PreparedSigner(Signer):
    """Signer's SHA-1 HMAC over its derived key, with the keyed HMAC state built once."""

    @cached_property
    def _keyed(self) -> hmac.HMAC:
        return hmac.new(self.derive_key(), digestmod="sha1")

    def get_signature(self, value: str | bytes) -> bytes:
        mac = self._keyed.copy()
        mac.update(want_bytes(value))
        return base64_encode(mac.digest())


class _Serializer(URLSafeSerializer):
    signer = _PreparedSigner

    @cached_property
    def _signer(self) -> Signer:
        return super().make_signer()

    def make_signer(self, salt: str | bytes | None = None) -> Signer:
        return self._signer if salt is None else super().make_signer(salt)


@lru_cache(maxsize=16)
def serializer(secret: str, purpose: str) -> URLSafeSerializer:
    return _Serializer(secret, salt=purpose)

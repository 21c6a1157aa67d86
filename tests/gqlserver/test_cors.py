"""CORS: preflights answered per SEGMENTQL_CORS_ORIGINS, before authentication."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gqlserver.app import create_app
from models.auth.tokens import create_token
from tests.graphql_client import asgi_client, make_settings, running

ADMIN_UI = "https://admin.example.com"
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type",
}


@pytest.fixture
async def cors_app(db):
    await create_token("fixture", ["read"])
    settings = make_settings(db.url, SEGMENTQL_CORS_ORIGINS=f"{ADMIN_UI}, http://localhost:3000/")
    async with running(create_app(settings)) as app:
        yield app


def cors_headers(response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("access-control-")}


async def test_a_preflight_from_a_listed_origin_is_answered_without_a_token(cors_app):
    async with asgi_client(cors_app) as http:
        response = await http.options("/graphql", headers={"Origin": ADMIN_UI, **PREFLIGHT})

    assert response.status_code == 200
    assert cors_headers(response) == {
        "access-control-allow-origin": ADMIN_UI,
        "access-control-allow-methods": "GET, POST",
        "access-control-allow-headers": "Accept, Accept-Language, Authorization, "
        "Content-Language, Content-Type",
        "access-control-max-age": "600",
    }


async def test_answers_to_a_listed_origin_carry_its_header(cors_app):
    token = await create_token("admin-ui", ["read"])

    async with asgi_client(cors_app) as http:
        response = await http.post(
            "/graphql",
            json={"query": "{ websites { id } }"},
            headers={"Origin": "http://localhost:3000", "Authorization": f"Bearer {token}"},
        )
        refused = await http.post(
            "/graphql",
            json={"query": "{ websites { id } }"},
            headers={"Origin": "http://localhost:3000"},
        )

    assert (response.status_code, response.json()) == (200, {"data": {"websites": []}})
    assert response.headers["access-control-allow-origin"] == "http://localhost:3000"
    # The browser may read why it was refused.
    assert refused.status_code == 401
    assert refused.headers["access-control-allow-origin"] == "http://localhost:3000"


async def test_other_origins_get_no_cors_headers(cors_app):
    async with asgi_client(cors_app) as http:
        preflight = await http.options(
            "/graphql", headers={"Origin": "https://evil.example", **PREFLIGHT}
        )

    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers


async def test_by_default_no_origin_is_allowed_and_preflights_are_not_401(app):
    token = await create_token("admin-ui", ["read"])

    async with asgi_client(app) as http:
        preflight = await http.options("/graphql", headers={"Origin": ADMIN_UI, **PREFLIGHT})
        answer = await http.post(
            "/graphql",
            json={"query": "{ websites { id } }"},
            headers={"Origin": ADMIN_UI, "Authorization": f"Bearer {token}"},
        )

    assert (preflight.status_code, preflight.text) == (400, "Disallowed CORS origin")
    assert "access-control-allow-origin" not in preflight.headers
    assert answer.status_code == 200
    assert cors_headers(answer) == {}


@pytest.mark.parametrize("value", ["admin.example.com", "https://ok.example, ftp://x"])
def test_an_origin_without_scheme_is_refused_naming_the_setting(value):
    with pytest.raises(ValidationError) as raised:
        make_settings("sqlite://:memory:", SEGMENTQL_CORS_ORIGINS=value)

    assert "SEGMENTQL_CORS_ORIGINS" in str(raised.value)
    assert "is not an origin like https://admin.example.com" in str(raised.value)

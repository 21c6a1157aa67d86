"""Cross-domain API tests (connections, schema documentation) run the real app."""

from tests.graphql_client import app, gql, make_client  # noqa: F401

from tests.graphql_client import app, gql, make_client  # noqa: F401

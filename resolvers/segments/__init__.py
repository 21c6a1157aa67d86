"""Segment GraphQL types, queries and mutations."""

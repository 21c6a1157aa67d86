"""GraphQL types, inputs, queries, mutations and subscriptions, per domain. Thin over models/."""

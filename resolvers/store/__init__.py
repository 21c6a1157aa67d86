"""GraphQL for store data: admin reads and the integrator upsert mutation."""

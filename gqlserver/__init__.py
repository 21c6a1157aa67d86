"""Wiring of segmentql: settings, app factory, schema assembly, auth, CLI."""

"""Email automation GraphQL: templates, sales rules, steps, progress, stats, settings, reports."""

"""Mail: templates rendered in a sandbox, messages, signed links and transports (SMTP, outbox)."""

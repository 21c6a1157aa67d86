"""SQL statements of the automation orchestration modules, one module each."""

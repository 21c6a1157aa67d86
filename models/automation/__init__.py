"""Email automation: sequences of steps, scheduling from membership events, delivery, stats."""

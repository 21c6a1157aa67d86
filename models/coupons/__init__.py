"""Coupons generated per automation message from sales rules (SEMANTICS §6)."""
